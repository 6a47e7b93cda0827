import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { Router, RouterLink } from '@angular/router';
import type { RoomKind, RoomResponse } from '@avisa/contracts';
import { rowActions } from '../core/api-resource';
import { SessionStore } from '../core/session.store';
import { SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';
import { CreateRoomDialogComponent } from './create-room-dialog.component';
import { JoinRoomDialogComponent } from './join-room-dialog.component';

export const KIND_ICONS: Record<RoomKind, string> = {
  public: 'public',
  private: 'lock',
  protected: 'key',
  ephemeral: 'bolt',
};

/**
 * The rooms column: the user's rooms with unread and mention badges, then the public rooms they may join (or, for
 * an admin who asks, every room), and the ways in: a new room, a code.
 */
@Component({
  selector: 'av-room-list',
  imports: [SCREEN_KIT, RouterLink, MatSlideToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-list.component.html',
  styleUrl: './room-list.component.scss',
})
export class RoomListComponent {
  readonly activeId = input<number | null>(null);

  protected readonly store = inject(ChatStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  protected readonly rows = rowActions<number>();
  protected readonly icons = KIND_ICONS;

  protected create(): void {
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

  protected join(room: RoomResponse): void {
    this.rows.run(room.id, this.store.join(room.id), { next: (joined) => this.goTo(joined) });
  }

  private goTo(room: RoomResponse): void {
    void this.router.navigate(['/chat', room.id]);
  }
}
