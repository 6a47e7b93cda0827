import { Directive, effect, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatPaginator } from '@angular/material/paginator';

/** Which page of a list a screen shows, and how many rows a page holds; 50 unless the user picks another size. */
export class Paging {
  readonly index = signal(0);
  readonly size = signal(50);

  constructor(readonly sizes: readonly number[]) {}
}

/**
 * A list's paginator bound to its `Paging`, with first and last buttons: `<mat-paginator [length]="total()"
 * [avPaging]="paging" (paged)="reload()" />`; `paged` follows the user's choice.
 */
@Directive({ selector: 'mat-paginator[avPaging]' })
export class PagingDirective {
  readonly paging = input.required<Paging>({ alias: 'avPaging' });
  readonly paged = output<void>();

  constructor() {
    const paginator = inject(MatPaginator);
    paginator.showFirstLastButtons = true;
    effect(() => {
      const paging = this.paging();
      paginator.pageSizeOptions = [...paging.sizes];
      paginator.pageIndex = paging.index();
      paginator.pageSize = paging.size();
    });
    paginator.page.pipe(takeUntilDestroyed()).subscribe((event) => {
      this.paging().index.set(event.pageIndex);
      this.paging().size.set(event.pageSize);
      this.paged.emit();
    });
  }
}
