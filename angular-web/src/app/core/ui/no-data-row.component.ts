import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

/**
 * A Material table's line for "nothing to show", across all its columns:
 * `<tr *matNoDataRow [avNoDataRow]="key" [colspan]="columns.length"></tr>`.
 */
@Component({
  // A table accepts only its own elements, so this one is an attribute of `tr`, as Material's `tr[mat-row]`.
  // eslint-disable-next-line @angular-eslint/component-selector
  selector: 'tr[avNoDataRow]',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './no-data-row.component.html',
  host: { class: 'mat-mdc-row' },
  styles: `
    .empty {
      padding: 16px;
    }
  `,
})
export class NoDataRowComponent {
  /** The translation key of what to say. */
  readonly text = input.required<string>({ alias: 'avNoDataRow' });
  readonly colspan = input.required<number>();
  readonly testId = input<string>();
}
