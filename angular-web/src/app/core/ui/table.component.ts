import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ApiProblem } from '../api-error';
import { LoadStateComponent } from './load-state.component';
import { type TableColumn, TableHeadComponent } from './table-head.component';

/**
 * A screen's hand-made list: where its load stands, then an `.av-table` with the column titles; the rows are the
 * content, as `<tr>`s.
 */
@Component({
  selector: 'av-table',
  imports: [LoadStateComponent, TableHeadComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './table.component.html',
  styles: `
    :host {
      display: block;
    }
  `,
})
export class TableComponent {
  readonly columns = input.required<readonly TableColumn[]>();
  readonly loading = input(false);
  readonly problem = input<ApiProblem | null>(null);
}
