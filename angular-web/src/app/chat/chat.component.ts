import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink } from '@angular/router';
import { apiAction } from '../core/api-resource';
import { SessionStore } from '../core/session.store';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';
import { ComposerComponent } from './composer.component';
import { MembersPanelComponent } from './members-panel.component';
import { MessageListComponent } from './message-list.component';
import { RoomListComponent } from './room-list.component';
import { RoomSettingsComponent } from './room-settings.component';

/** The chat screen: the rooms column, the open room's conversation, and its members or settings beside it. */
@Component({
  selector: 'av-chat',
  imports: [
    SCREEN_KIT,
    RouterLink,
    RoomListComponent,
    MessageListComponent,
    ComposerComponent,
    MembersPanelComponent,
    RoomSettingsComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat.component.html',
  styleUrl: './chat.component.scss',
  host: { '(window:focus)': 'returned()' },
})
export class ChatComponent {
  /** From the route `chat/:roomId`. */
  readonly roomId = input<string>();

  protected readonly store = inject(ChatStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly membership = apiAction();
  protected readonly membershipProblem = this.membership.problem;
  protected readonly panel = signal<'members' | 'settings' | null>(null);
  protected readonly room = this.store.active;
  /** Settings are for the room's managers, and for the owner or an admin who archive and delete it. */
  protected readonly hasSettings = computed(() => {
    const room = this.room();
    return !!room && (this.store.isManager() || room.role === 'owner' || this.session.isAdmin() || !!room.code);
  });
  private readonly list = viewChild(MessageListComponent);
  protected readonly typingNames = computed(() =>
    this.store
      .typists()
      .map((t) => t.name)
      .join(', '),
  );

  constructor() {
    this.store.start();
    effect(() => {
      const id = Number(this.roomId());
      untracked(() => {
        this.store.open(Number.isInteger(id) && id > 0 ? id : null);
        this.panel.set(null);
      });
    });
    inject(DestroyRef).onDestroy(() => this.store.close());
  }

  /** The newest message is on screen: it is read once the tab is in front. */
  protected newestSeen(): void {
    if (document.hasFocus()) this.store.markRead();
  }

  protected returned(): void {
    this.store.returned();
    if (this.list()?.atBottom()) this.store.markRead();
  }

  protected togglePanel(panel: 'members' | 'settings'): void {
    this.panel.update((open) => (open === panel ? null : panel));
  }

  protected join(): void {
    const room = this.room();
    if (room) this.membership.run(this.store.join(room.id));
  }

  protected leave(): void {
    const room = this.room();
    if (!room) return;
    confirmThen(this.dialog, dangerConfirm('chat.confirm.leave', { name: room.name }, 'chat.leave'), () =>
      this.membership.run(this.store.leave(room), { next: () => void this.router.navigate(['/chat']) }),
    );
  }
}
