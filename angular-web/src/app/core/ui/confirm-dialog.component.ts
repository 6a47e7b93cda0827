import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { TranslocoPipe } from '@jsverse/transloco';
import { Observable } from 'rxjs';

export interface ConfirmData {
  /** Translation keys and their parameters. */
  titleKey: string;
  messageKey: string;
  params?: Record<string, unknown>;
  /** A consequence to stress, shown under the message with the same parameters. */
  warningKey?: string;
  confirmKey?: string;
  danger?: boolean;
}

@Component({
  selector: 'av-confirm-dialog',
  imports: [MatDialogModule, MatButtonModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ data.titleKey | transloco: data.params ?? {} }}</h2>
    <mat-dialog-content>
      {{ data.messageKey | transloco: data.params ?? {} }}
      @if (data.warningKey) {
        <p class="warning" data-testid="confirm-warning">{{ data.warningKey | transloco: data.params ?? {} }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="false">{{ 'common.cancel' | transloco }}</button>
      <button
        mat-flat-button
        [class.danger]="data.danger"
        [mat-dialog-close]="true"
        cdkFocusInitial
        data-testid="confirm"
      >
        {{ data.confirmKey ?? 'common.confirm' | transloco }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .warning {
      margin: 12px 0 0;
      color: var(--mat-sys-error);
      font-weight: 500;
    }
    .danger {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
})
export class ConfirmDialogComponent {
  protected readonly data = inject<ConfirmData>(MAT_DIALOG_DATA);
}

/** Asks before something that cannot be undone; emits true when confirmed. */
export function confirmAction(dialog: MatDialog, data: ConfirmData): Observable<boolean | undefined> {
  return dialog.open<ConfirmDialogComponent, ConfirmData, boolean>(ConfirmDialogComponent, { data }).afterClosed();
}

/** Asks first, then runs `confirmed`: the one shape of every delete, revoke and disable. */
export function confirmThen(dialog: MatDialog, data: ConfirmData, confirmed: () => void): void {
  confirmAction(dialog, data).subscribe((yes) => {
    if (yes) confirmed();
  });
}

/** Something that cannot be undone, asked with `<prefix>.title` and `<prefix>.message`. */
export function dangerConfirm(
  prefix: string,
  params: Record<string, unknown>,
  confirmKey = 'common.delete',
): ConfirmData {
  return { titleKey: `${prefix}.title`, messageKey: `${prefix}.message`, params, confirmKey, danger: true };
}
