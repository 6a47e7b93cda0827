import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { Router, RouterLink } from '@angular/router';
import {
  isCodedRoom,
  isRoomManager,
  ROOM_MESSAGE_MAX,
  type AlertAttachment,
  type RoomMessageResponse,
  type RoomPerson,
  type RoomResponse,
  type RoomRole,
} from '@avisa/contracts';
import { debounceTime, filter, Subject, switchMap } from 'rxjs';
import { apiAction } from '../core/api-resource';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session.store';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../core/ui/kit';
import { AttachPickerComponent } from '../files/attach-picker.component';
import { FilesApi, fileSize, saveBlob } from '../files/files.api';
import { ChatApi } from './chat.api';
import { countsFor } from './chat-state';
import { ChatStore } from './chat.store';
import { MessageTextComponent } from './message-text.component';
import { CreateRoomDialogComponent, JoinRoomDialogComponent, ReceiptsDialogComponent } from './room-dialogs.component';

const KIND_ICONS: Record<string, string> = { public: 'public', private: 'lock', protected: 'key', ephemeral: 'bolt' };
const TYPING_EVERY_MS = 3000;
const NEAR_BOTTOM_PX = 80;

/** The chat: rooms with their badges, the open room's conversation, its members and its settings. */
@Component({
  selector: 'av-chat',
  imports: [SCREEN_KIT, RouterLink, MessageTextComponent, MatSlideToggleModule, AttachPickerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat.component.html',
  styleUrl: './chat.component.scss',
  host: { '(window:focus)': 'readIfSeen()' },
})
export class ChatComponent {
  /** From the route `chat/:roomId`. */
  readonly roomId = input<string>();

  protected readonly store = inject(ChatStore);
  private readonly api = inject(ChatApi);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  protected readonly session = inject(SessionStore);
  protected readonly kindIcons = KIND_ICONS;
  protected readonly textMax = ROOM_MESSAGE_MAX;

  protected readonly draft = signal('');
  /** Shared files to send with the next message. */
  protected readonly attachments = signal<string[]>([]);
  protected readonly size = fileSize;
  private readonly files = inject(FilesApi);
  protected readonly editing = signal<{ id: string; text: string } | null>(null);
  protected readonly panel = signal<'members' | 'settings' | null>(null);
  protected readonly candidateQuery = signal('');
  protected readonly candidates = signal<RoomPerson[]>([]);
  protected readonly settings = signal({ name: '', description: '', retentionDays: '', password: '' });
  private readonly sending = apiAction();
  protected readonly sendProblem = this.sending.problem;
  private readonly changing = apiAction();
  protected readonly changeProblem = this.changing.problem;
  private readonly candidateSearch = new Subject<string>();
  private lastTypingAt = 0;
  private wasNearBottom = true;
  private readonly list = viewChild<ElementRef<HTMLElement>>('list');

  protected readonly room = this.store.active;
  protected readonly me = computed(() => this.session.user());
  protected readonly manager = computed(() => isRoomManager(this.room()?.role));
  protected readonly owner = computed(() => this.room()?.role === 'owner');
  protected readonly canWrite = computed(() => {
    const room = this.room();
    return !!room?.role && !room.archived;
  });
  protected readonly rooms = computed(() => {
    const all = this.store.rooms();
    return { mine: all.filter((r) => r.role), others: all.filter((r) => !r.role) };
  });
  protected readonly typingLine = computed(() =>
    this.store
      .typists()
      .map((t) => t.name)
      .join(', '),
  );

  constructor() {
    this.store.start();
    effect(() => {
      const id = Number(this.roomId());
      untracked(() => this.store.open(Number.isInteger(id) && id > 0 ? id : null));
      this.editing.set(null);
      this.panel.set(null);
    });
    effect(() => {
      const room = this.room();
      if (room) {
        untracked(() =>
          this.settings.set({
            name: room.name,
            description: room.description,
            retentionDays: room.retentionDays ? String(room.retentionDays) : '',
            password: '',
          }),
        );
      }
    });
    // New messages: stay at the bottom when the reader was there, and read them when the tab is in front.
    afterRenderEffect(() => {
      this.store.messages();
      const list = this.list()?.nativeElement;
      if (!list) return;
      if (this.wasNearBottom) list.scrollTop = list.scrollHeight;
      this.readIfSeen();
    });
    this.candidateSearch
      .pipe(
        debounceTime(200),
        filter(() => this.room() !== null),
        switchMap((q) => this.api.candidates(this.room()!.id, q)),
      )
      .subscribe({ next: (people) => this.candidates.set(people), error: () => this.candidates.set([]) });
  }

  protected kindIcon(room: RoomResponse): string {
    return KIND_ICONS[room.kind];
  }

  protected counts(message: RoomMessageResponse) {
    return countsFor(message, this.store.members());
  }

  protected isMine(message: RoomMessageResponse): boolean {
    return message.author.id === this.me()?.id;
  }

  protected onScroll(): void {
    const list = this.list()?.nativeElement;
    if (!list) return;
    this.wasNearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
    if (list.scrollTop < NEAR_BOTTOM_PX && this.store.nextCursor()) {
      const before = list.scrollHeight;
      this.store.loadOlder();
      // Keep the reader's place once the older page is in.
      const keep = () => (list.scrollTop += list.scrollHeight - before);
      setTimeout(keep, 0);
    }
    this.readIfSeen();
  }

  /** Moves the read marker when the newest message is on screen and the tab is in front. */
  protected readIfSeen(): void {
    if (this.wasNearBottom && typeof document !== 'undefined' && document.hasFocus()) this.store.markRead();
  }

  protected keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
      return;
    }
    const now = Date.now();
    if (now - this.lastTypingAt > TYPING_EVERY_MS) {
      this.lastTypingAt = now;
      this.store.typing();
    }
  }

  protected send(): void {
    const room = this.room();
    const text = this.draft().trim();
    if (!room || !text || this.sending.busy()) return;
    this.wasNearBottom = true;
    this.sending.run(this.api.post(room.id, text, this.attachments()), {
      next: (message) => {
        this.draft.set('');
        this.attachments.set([]);
        this.store.posted(message);
      },
    });
  }

  protected startEdit(message: RoomMessageResponse): void {
    this.editing.set({ id: message.id, text: message.text });
  }

  protected saveEdit(): void {
    const room = this.room();
    const edit = this.editing();
    if (!room || !edit?.text.trim()) return;
    this.changing.run(this.api.edit(room.id, edit.id, edit.text.trim()), { next: () => this.editing.set(null) });
  }

  protected deleteMessage(message: RoomMessageResponse): void {
    const room = this.room();
    if (!room) return;
    confirmThen(this.dialog, dangerConfirm('chat.confirm.deleteMessage', {}), () =>
      this.changing.run(this.api.deleteMessage(room.id, message.id)),
    );
  }

  protected downloadAttachment(message: RoomMessageResponse, file: AlertAttachment): void {
    this.files.roomAttachment(message.roomId, message.id, file.id).subscribe({
      next: (blob) => saveBlob(file.name, blob),
      error: () => this.notifier.info('chat.attachmentFailed'),
    });
  }

  protected openReceipts(message: RoomMessageResponse): void {
    const room = this.room();
    if (!room) return;
    this.api.receipts(room.id, message.id).subscribe({
      next: (receipts) => this.dialog.open(ReceiptsDialogComponent, { data: receipts }),
      error: () => undefined,
    });
  }

  protected createRoom(): void {
    this.dialog
      .open(CreateRoomDialogComponent)
      .afterClosed()
      .subscribe((room?: RoomResponse) => room && this.goTo(room));
  }

  protected joinWithCode(): void {
    this.dialog
      .open(JoinRoomDialogComponent)
      .afterClosed()
      .subscribe((room?: RoomResponse) => room && this.goTo(room));
  }

  protected joinPublic(room: RoomResponse): void {
    this.changing.run(this.api.join(room.id), { next: (joined) => this.goTo(joined) });
  }

  protected leave(): void {
    const room = this.room();
    if (!room) return;
    confirmThen(this.dialog, dangerConfirm('chat.confirm.leave', { name: room.name }, 'chat.leave'), () =>
      this.changing.run(this.api.leave(room.id), {
        next: () => {
          this.store.upsert(room.id, room.kind === 'public' ? { ...room, role: null } : null);
          void this.router.navigate(['/chat']);
        },
      }),
    );
  }

  protected deleteRoom(): void {
    const room = this.room();
    if (!room) return;
    confirmThen(this.dialog, dangerConfirm('chat.confirm.deleteRoom', { name: room.name }), () =>
      this.changing.run(this.api.delete(room.id), { next: () => void this.router.navigate(['/chat']) }),
    );
  }

  protected setArchived(archived: boolean): void {
    const room = this.room();
    if (room) this.changing.run(this.api.update(room.id, { archived }), { next: (r) => this.store.upsert(r.id, r) });
  }

  protected saveSettings(): void {
    const room = this.room();
    if (!room) return;
    const s = this.settings();
    this.changing.run(
      this.api.update(room.id, {
        name: s.name,
        description: s.description,
        ...(room.kind !== 'ephemeral' ? { retentionDays: s.retentionDays ? Number(s.retentionDays) : null } : {}),
        ...(isCodedRoom(room.kind) && s.password ? { password: s.password } : {}),
      }),
      {
        next: (r) => {
          this.store.upsert(r.id, r);
          this.notifier.info('chat.settings.saved');
        },
      },
    );
  }

  protected patchSettings(field: 'name' | 'description' | 'retentionDays' | 'password', value: string): void {
    this.settings.update((s) => ({ ...s, [field]: value }));
  }

  protected copyCode(code: string): void {
    void navigator.clipboard?.writeText(code).then(() => this.notifier.info('common.copied'));
  }

  protected togglePanel(panel: 'members' | 'settings'): void {
    this.panel.set(this.panel() === panel ? null : panel);
    if (this.panel() === 'members') this.findCandidates('');
  }

  protected findCandidates(q: string): void {
    this.candidateQuery.set(q);
    if (this.manager()) this.candidateSearch.next(q);
  }

  protected addMember(person: RoomPerson): void {
    const room = this.room();
    if (!room || person.id === null) return;
    this.changing.run(this.api.setMember(room.id, person.id, 'member'), {
      next: () => {
        this.store.loadMembers(room.id);
        this.findCandidates(this.candidateQuery());
      },
    });
  }

  protected setRole(userId: number, role: RoomRole): void {
    const room = this.room();
    if (room)
      this.changing.run(this.api.setMember(room.id, userId, role), { next: () => this.store.loadMembers(room.id) });
  }

  protected removeMember(userId: number, name: string): void {
    const room = this.room();
    if (!room) return;
    confirmThen(this.dialog, dangerConfirm('chat.confirm.removeMember', { name }, 'chat.members.remove'), () =>
      this.changing.run(this.api.removeMember(room.id, userId), { next: () => this.store.loadMembers(room.id) }),
    );
  }

  protected toggleAll(all: boolean): void {
    this.store.showAll.set(all);
    this.store.loadRooms();
  }

  private goTo(room: RoomResponse): void {
    this.store.upsert(room.id, room);
    void this.router.navigate(['/chat', room.id]);
  }
}
