import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule } from '@angular/material/dialog';
import { TranslocoPipe } from '@jsverse/transloco';

/** A dialog's last row: cancel (closes with nothing) and the button that sends, off while it cannot send. */
@Component({
  selector: 'av-dialog-actions',
  imports: [MatButtonModule, MatDialogModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dialog-actions.component.html',
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class DialogActionsComponent {
  /** The translation key of the sending button. */
  readonly submit = input.required<string>();
  readonly params = input<Record<string, unknown>>({});
  /** `submit` inside a form; `button` where `pressed` sends. */
  readonly type = input<'submit' | 'button'>('submit');
  readonly disabled = input(false);
  readonly testId = input<string>();
  readonly pressed = output<void>();
}
