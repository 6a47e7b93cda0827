import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { RoomMessageReceiptsResponse } from '@avisa/contracts';
import { SCREEN_KIT } from '../core/ui/kit';

/** Who a message reached and who read it, for its author (and the room's managers). */
@Component({
  selector: 'av-receipts-dialog',
  imports: [SCREEN_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'chat.receipts.title' | transloco }}</h2>
    <mat-dialog-content data-testid="receipts">
      @for (group of groups; track group.key) {
        <h3>{{ 'chat.receipts.' + group.key | transloco: { count: group.people.length } }}</h3>
        <ul [attr.data-testid]="'receipts-' + group.key">
          @for (person of group.people; track person.username) {
            <li>
              {{ person.displayName }} <span class="av-muted">&#64;{{ person.username }}</span>
            </li>
          } @empty {
            <li class="av-muted">{{ 'common.none' | transloco }}</li>
          }
        </ul>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close cdkFocusInitial>{{ 'common.close' | transloco }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    h3 {
      font: var(--mat-sys-title-small);
      margin: 12px 0 4px;
    }
    ul {
      margin: 0;
      padding-left: 20px;
    }
  `,
})
export class ReceiptsDialogComponent {
  private readonly data = inject<RoomMessageReceiptsResponse>(MAT_DIALOG_DATA);
  /** Read, then delivered but not read, then waiting: each person once, in the furthest state they reached. */
  protected readonly groups = [
    { key: 'readBy', people: this.data.readBy },
    { key: 'deliveredTo', people: this.data.deliveredTo.filter((p) => !this.data.readBy.some((r) => r.id === p.id)) },
    { key: 'waiting', people: this.data.waiting },
  ];
}
