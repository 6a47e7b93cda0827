import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, FormControl } from '@angular/forms';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { PRIORITIES, TARGET_KINDS, type MessageResponse, type Page } from '@avisa/contracts';
import { auditTime, debounceTime } from 'rxjs';
import { apiResource } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { deliveredCount } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';
import { SCREEN_KIT, FORM_KIT, DATE_KIT } from '../../core/ui/kit';
import { Paging } from '../../core/ui/paging.directive';
import {
  type HistoryFilterValue,
  NO_FILTERS,
  filtersFromUrl,
  filtersToUrl,
  fromFilterFields,
  hasFilters,
  sameFilters,
  toFilterFields,
  toHistoryFilters,
} from './history-filters';

const COLUMNS = ['createdAt', 'sender', 'target', 'text', 'delivered', 'read', 'priority', 'open'];

/**
 * Sent alerts, newest first, filtered by dates, sender, target, priority and text; the filters live in the URL's
 * query string, so a link shares them and a reload keeps them. Receipt counts follow the live socket.
 */
@Component({
  selector: 'av-history',
  imports: [SCREEN_KIT, FORM_KIT, DATE_KIT, RouterLink, MatPaginatorModule, MatSelectModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './history.component.html',
  styleUrl: './history.component.scss',
})
export class HistoryComponent {
  private readonly api = inject(OperatorApi);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly columns = COLUMNS;
  protected readonly targetKinds = TARGET_KINDS;
  protected readonly priorities = PRIORITIES;
  protected readonly paging = new Paging([25, 50, 100]);
  protected readonly filters = inject(FormBuilder).nonNullable.group({
    ...NO_FILTERS,
    from: new FormControl<Date | null>(null),
    to: new FormControl<Date | null>(null),
  });
  /** The filters this screen last put in the URL, until the URL has them. */
  private asked: HistoryFilterValue | null = null;
  /** The filters of the URL, which the list shows. */
  protected readonly applied = signal(NO_FILTERS);
  protected readonly filtered = computed(() => hasFilters(this.applied()));
  protected readonly page = apiResource<Page<MessageResponse> | null>(
    () =>
      this.api.history({
        page: this.paging.index() + 1,
        pageSize: this.paging.size(),
        ...toHistoryFilters(this.applied()),
      }),
    { initial: null, reloadOn: this.live.resynced$, lazy: true },
  );
  protected readonly items = computed(() => this.page.value()?.items ?? []);
  protected readonly total = computed(() => this.page.value()?.total ?? 0);
  protected readonly delivered = (m: MessageResponse) => deliveredCount(m.counts);
  protected readonly trackById = (_: number, m: MessageResponse) => m.id;

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((params) => {
      const value = filtersFromUrl(params);
      // A URL that only echoes the fields, or that this screen asked for itself, leaves them alone: a half-typed date
      // or name is not rewritten, nor a name typed while "clear" was still on its way to the URL.
      const asked = this.asked !== null && sameFilters(value, this.asked);
      this.asked = null;
      if (!asked && !sameFilters(value, this.fields())) {
        this.filters.setValue(toFilterFields(value), { emitEvent: false });
      }
      this.applied.set(value);
      this.paging.index.set(0);
      this.page.reload();
    });
    // Each change applies by itself, texts once the typing pauses.
    this.filters.valueChanges.pipe(debounceTime(400), takeUntilDestroyed()).subscribe(() => this.apply());
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

  /** Puts the filters in the URL, unless a date cannot be read; the list follows the URL. */
  protected apply(): void {
    if (this.filters.invalid) return;
    this.asked = this.fields();
    void this.router.navigate([], { relativeTo: this.route, queryParams: filtersToUrl(this.asked) });
  }

  protected clear(): void {
    this.filters.setValue(toFilterFields(NO_FILTERS), { emitEvent: false });
    this.apply();
  }

  protected open(message: MessageResponse): void {
    void this.router.navigate(['/operator/history', message.id]);
  }

  private fields(): HistoryFilterValue {
    return fromFilterFields(this.filters.getRawValue());
  }

  private updateItems(change: (m: MessageResponse) => MessageResponse): void {
    this.page.value.update((page) => page && { ...page, items: page.items.map(change) });
  }
}
