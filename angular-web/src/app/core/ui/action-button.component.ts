import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule, type MatButtonAppearance } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { TranslocoPipe } from '@jsverse/transloco';

/** A labelled button with an optional leading icon: the toolbars' and forms' one shape of button. */
@Component({
  selector: 'av-action-button',
  imports: [MatButtonModule, MatIconModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './action-button.component.html',
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class ActionButtonComponent {
  /** The translation key of the label. */
  readonly label = input.required<string>();
  readonly params = input<Record<string, unknown>>({});
  readonly icon = input<string>();
  readonly appearance = input<MatButtonAppearance>('outlined');
  readonly type = input<'button' | 'submit'>('button');
  readonly disabled = input(false);
  readonly testId = input<string>();
  readonly pressed = output<void>();
}
