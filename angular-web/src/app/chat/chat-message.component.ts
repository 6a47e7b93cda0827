import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import type { AlertAttachment, RoomMessageResponse } from '@avisa/contracts';
import { apiAction } from '../core/api-resource';
import { Notifier } from '../core/notifier';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../core/ui/kit';
import { FilesApi, fileSize, saveBlob } from '../files/files.api';
import { ChatStore } from './chat.store';
import { MessageTextComponent } from './message-text.component';
import { ReceiptsDialogComponent } from './receipts-dialog.component';

/**
 * One message: its author and time, its text (never HTML), its files, and for its author how many got and read it.
 * Its author edits it and deletes it; the room's owner and moderators delete it too.
 */
@Component({
  selector: 'av-chat-message',
  imports: [SCREEN_KIT, MessageTextComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat-message.component.html',
  styleUrl: './chat-message.component.scss',
  host: {
    '[class.mine]': 'mine()',
    '[attr.data-testid]': "'message-' + (message().seq || message().id)",
    role: 'article',
  },
})
export class ChatMessageComponent {
  readonly message = input.required<RoomMessageResponse>();
  /** Draws the "new messages" line above it. */
  readonly unreadLine = input(false);

  protected readonly store = inject(ChatStore);
  private readonly dialog = inject(MatDialog);
  private readonly files = inject(FilesApi);
  private readonly notifier = inject(Notifier);
  private readonly action = apiAction();
  protected readonly problem = this.action.problem;
  protected readonly size = fileSize;
  /** The text being edited, or null. */
  protected readonly draft = signal<string | null>(null);

  protected readonly mine = computed(() => this.message().author.id === this.store.myId());
  protected readonly stored = computed(() => this.message().seq > 0 && !this.message().deleted);
  protected readonly counts = computed(() => this.store.countsFor(this.message()));
  protected readonly canEdit = computed(() => this.mine() && this.stored() && this.store.canWrite());
  protected readonly canDelete = computed(
    () => this.stored() && !this.store.active()?.archived && (this.mine() || this.store.isManager()),
  );
  private readonly editor = viewChild<ElementRef<HTMLTextAreaElement>>('editor');

  constructor() {
    afterRenderEffect(() => this.editor()?.nativeElement.focus());
  }

  protected editKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.save();
    } else if (event.key === 'Escape') {
      this.draft.set(null);
    }
  }

  protected save(): void {
    const text = this.draft()?.trim();
    if (!text) return;
    if (text === this.message().text) return this.draft.set(null);
    this.action.run(this.store.edit(this.message(), text), { next: () => this.draft.set(null) });
  }

  protected remove(): void {
    confirmThen(this.dialog, dangerConfirm('chat.confirm.deleteMessage', {}), () =>
      this.action.run(this.store.deleteMessage(this.message())),
    );
  }

  protected openReceipts(): void {
    this.action.run(this.store.receipts(this.message()), {
      next: (receipts) => this.dialog.open(ReceiptsDialogComponent, { data: receipts }),
    });
  }

  protected download(file: AlertAttachment): void {
    const message = this.message();
    this.files.roomAttachment(message.roomId, message.id, file.id).subscribe({
      next: (blob) => saveBlob(file.name, blob),
      error: () => this.notifier.info('chat.attachmentFailed'),
    });
  }
}
