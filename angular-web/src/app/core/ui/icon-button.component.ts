import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { TranslocoPipe } from '@jsverse/transloco';

/** An icon button whose label is both its tooltip and what a screen reader says. */
@Component({
  selector: 'av-icon-button',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './icon-button.component.html',
  styles: `
    :host {
      display: contents;
    }
    .danger:not([disabled]) {
      color: var(--mat-sys-error);
    }
  `,
})
export class IconButtonComponent {
  readonly icon = input.required<string>();
  /** The translation key of the label. */
  readonly label = input.required<string>();
  readonly params = input<Record<string, unknown>>({});
  /** A shorter tooltip where the label names the row (e.g. "Edit" for "Edit the phrase «…»"). */
  readonly tooltip = input<string>();
  readonly disabled = input(false);
  /** Disabled yet still focusable and hoverable, so that its tooltip can say why. */
  readonly disabledInteractive = input(false);
  readonly danger = input(false);
  /** For a button that opens and closes something: whether it is open now. */
  readonly expanded = input<boolean>();
  readonly testId = input<string>();
  readonly pressed = output<void>();
}
