import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import type { MessageResponse, Page } from '@avisa/contracts';
import { Subject, auditTime, debounceTime, distinctUntilChanged } from 'rxjs';
import { apiResource } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { deliveredCount } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { Paging } from '../../core/ui/paging.directive';

const COLUMNS = ['createdAt', 'sender', 'target', 'text', 'delivered', 'read', 'priority', 'open'];

/** Sent alerts, newest first; receipt counts follow the live socket. */
@Component({
  selector: 'av-history',
  imports: [SCREEN_KIT, FORM_KIT, RouterLink, MatPaginatorModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './history.component.html',
  styleUrl: './history.component.scss',
})
export class HistoryComponent {
  private readonly api = inject(OperatorApi);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);

  protected readonly columns = COLUMNS;
  protected readonly paging = new Paging([25, 50, 100]);
  protected readonly query = signal('');
  protected readonly page = apiResource<Page<MessageResponse> | null>(
    () =>
      this.api.history({
        page: this.paging.index() + 1,
        pageSize: this.paging.size(),
        q: this.query().trim() || undefined,
      }),
    { initial: null, reloadOn: this.live.resynced$ },
  );
  protected readonly items = computed(() => this.page.value()?.items ?? []);
  protected readonly total = computed(() => this.page.value()?.total ?? 0);
  protected readonly delivered = (m: MessageResponse) => deliveredCount(m.counts);
  protected readonly trackById = (_: number, m: MessageResponse) => m.id;

  private readonly search$ = new Subject<string>();

  constructor() {
    this.search$.pipe(debounceTime(300), distinctUntilChanged(), takeUntilDestroyed()).subscribe((q) => {
      this.query.set(q);
      this.paging.index.set(0);
      this.page.reload();
    });
    this.live.deliveryUpdated$
      .pipe(takeUntilDestroyed())
      .subscribe((u) =>
        this.updateItems((m) =>
          m.id === u.messageId ? { ...m, counts: u.counts, replied: m.replied + (u.reply !== undefined ? 1 : 0) } : m,
        ),
      );
    this.live.messageRetracted$
      .pipe(takeUntilDestroyed())
      .subscribe(({ id }) =>
        this.updateItems((m) => (m.id === id && !m.retractedAt ? { ...m, retractedAt: new Date().toISOString() } : m)),
      );
    // A script may send many alerts at once: one reload per burst.
    this.live.messageCreated$.pipe(auditTime(500), takeUntilDestroyed()).subscribe(() => this.page.reload());
  }

  protected onSearch(event: Event): void {
    this.search$.next((event.target as HTMLInputElement).value);
  }

  protected open(message: MessageResponse): void {
    void this.router.navigate(['/operator/history', message.id]);
  }

  private updateItems(change: (m: MessageResponse) => MessageResponse): void {
    this.page.value.update((page) => page && { ...page, items: page.items.map(change) });
  }
}
