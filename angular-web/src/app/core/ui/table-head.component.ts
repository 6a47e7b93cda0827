import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

/**
 * A column of a hand-made table: its title's translation key, whether only screen readers say it, and whether it
 * gives way on a tablet (its cells then carry `av-hide-tablet` too).
 */
export interface TableColumn {
  key: string;
  hidden?: boolean;
  hideOnTablet?: boolean;
}

/** Columns titled `<prefix>.<name>`, in order. */
export function columnsOf(prefix: string, names: readonly string[]): TableColumn[] {
  return names.map((name) => ({ key: `${prefix}.${name}` }));
}

/** The header row of an `.av-table`, written once: `<thead [avTableHead]="columns">`. */
@Component({
  // A table accepts only its own elements, so this one is an attribute of `thead`, as Material's `tr[mat-row]`.
  // eslint-disable-next-line @angular-eslint/component-selector
  selector: 'thead[avTableHead]',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './table-head.component.html',
})
export class TableHeadComponent {
  readonly columns = input.required<readonly TableColumn[]>({ alias: 'avTableHead' });
}
