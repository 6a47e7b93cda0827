import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatPaginator, MatPaginatorModule } from '@angular/material/paginator';
import { By } from '@angular/platform-browser';
import { configureTestBed } from '../testing';
import { Paging, PagingDirective } from './paging.directive';

@Component({
  imports: [MatPaginatorModule, PagingDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<mat-paginator [length]="120" [avPaging]="paging" (paged)="paged = paged + 1" />`,
})
class HostComponent {
  readonly paging = new Paging([25, 50, 100]);
  paged = 0;
}

describe('PagingDirective', () => {
  async function setup() {
    configureTestBed([HostComponent]);
    const fixture = TestBed.createComponent(HostComponent);
    await fixture.whenStable();
    const paginator = fixture.debugElement.query(By.directive(MatPaginator)).injector.get(MatPaginator);
    return { fixture, host: fixture.componentInstance, paginator };
  }

  it('shows the paging: 50 rows a page, its sizes, first and last buttons', async () => {
    const { paginator } = await setup();
    expect(paginator.pageSize).toBe(50);
    expect(paginator.pageIndex).toBe(0);
    expect(paginator.pageSizeOptions).toEqual([25, 50, 100]);
    expect(paginator.showFirstLastButtons).toBe(true);
  });

  it("follows the user's page and size, and says so", async () => {
    const { fixture, host, paginator } = await setup();
    paginator.nextPage();
    await fixture.whenStable();
    expect(host.paging.index()).toBe(1);
    expect(host.paged).toBe(1);

    paginator._changePageSize(25);
    await fixture.whenStable();
    expect(host.paging.size()).toBe(25);
    expect(host.paged).toBe(2);
  });

  it('moves the paginator when the screen goes back to the first page', async () => {
    const { fixture, host, paginator } = await setup();
    paginator.lastPage();
    await fixture.whenStable();
    host.paging.index.set(0);
    await fixture.whenStable();
    expect(paginator.pageIndex).toBe(0);
  });
});
