import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { IconButtonComponent } from './icon-button.component';

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
  imports: [IconButtonComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (action of actions(); track action.testId) {
      <av-icon-button
        [icon]="action.icon"
        [label]="action.labelKey"
        [params]="action.params ?? {}"
        [tooltip]="action.tooltipKey"
        [disabled]="action.disabled ?? false"
        [danger]="action.danger ?? false"
        [testId]="action.testId"
        (pressed)="action.run()"
      />
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-wrap: nowrap;
    }
  `,
})
export class RowActionsComponent {
  readonly actions = input.required<readonly RowAction[]>();
}
