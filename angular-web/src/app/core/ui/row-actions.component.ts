import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { TranslocoPipe } from '@jsverse/transloco';

/** One icon button of a table row; its label is both the tooltip and what a screen reader says. */
export interface RowAction {
  icon: string;
  labelKey: string;
  params?: Record<string, unknown>;
  /** A shorter tooltip where the label names the row (e.g. "Edit" for "Edit the phrase «…»"). */
  tooltipKey?: string;
  testId: string;
  run: () => void;
  disabled?: boolean;
  danger?: boolean;
}

/** A row's icon buttons, written once. */
@Component({
  selector: 'av-row-actions',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (action of actions(); track action.testId) {
      @let label = action.labelKey | transloco: action.params ?? {};
      <button
        mat-icon-button
        type="button"
        [class.danger]="action.danger"
        [disabled]="action.disabled ?? false"
        [matTooltip]="action.tooltipKey ? (action.tooltipKey | transloco) : label"
        [attr.aria-label]="label"
        [attr.data-testid]="action.testId"
        (click)="action.run()"
      >
        <mat-icon>{{ action.icon }}</mat-icon>
      </button>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-wrap: nowrap;
    }
    .danger:not([disabled]) {
      color: var(--mat-sys-error);
    }
  `,
})
export class RowActionsComponent {
  readonly actions = input.required<readonly RowAction[]>();
}
