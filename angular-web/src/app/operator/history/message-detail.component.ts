import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatChipsModule, type MatChipListboxChange } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import {
  DELIVERIES_PAGE_SIZE_MAX,
  DELIVERY_STATES,
  isTemplate,
  reachedCount,
  unreadCount,
  type DeliveriesPage,
  type DeliveryState,
  type DeliverySort,
  type DeliveryUpdatePayload,
  type ResendUnreadResponse,
  type SiteDeliveryResponse,
} from '@avisa/contracts';
import { TranslocoService } from '@jsverse/transloco';
import {
  EMPTY,
  Subject,
  auditTime,
  debounceTime,
  distinctUntilChanged,
  expand,
  filter,
  map,
  merge,
  reduce,
  switchMap,
} from 'rxjs';
import { apiAction, apiResource } from '../../core/api-resource';
import { downloadText } from '../../core/download';
import { LiveService } from '../../core/live.service';
import { Notifier } from '../../core/notifier';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { ComposeDraftStore, emptyDraft } from '../compose/compose-draft.store';
import { GroupsApi } from '../groups/groups.api';
import { applyDeliveryUpdate } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';
import { FORM_KIT, SCREEN_KIT } from '../../core/ui/kit';
import { AlertDetailApi } from './alert-detail.api';
import {
  FIRST_VIEW,
  NOT_READ_STATES,
  attachmentName,
  copyGroupName,
  deliveriesQuery,
  type DeliveriesView,
} from './alert-detail';

const COLUMNS = [
  'receiver',
  'displayName',
  'state',
  'sentAt',
  'deliveredAt',
  'readAt',
  'attempts',
  'reminders',
  'flagged',
];
const PAGE_SIZES = [50, 100, 200, 500];
/** Sorts a receipt can move a row in or out of, or along: the page is read again shortly after receipts. */
const LIVE_ORDERED: readonly DeliverySort[] = [
  'state',
  'sentAt',
  'deliveredAt',
  'readAt',
  'attempts',
  'reminders',
  'reply',
];

/**
 * One alert: what was sent, its totals by state, and its sites in a table the server filters, sorts and pages (an
 * alert to 1,000 sites loads one page); receipts follow live. From here it can be withdrawn, shown again to the
 * connected sites that have not read it, exported as CSV, or copied as a new alert to the sites that have not read it.
 */
@Component({
  selector: 'av-message-detail',
  imports: [SCREEN_KIT, FORM_KIT, RouterLink, MatChipsModule, MatPaginatorModule, MatSortModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-detail.component.html',
  styleUrl: './message-detail.component.scss',
})
export class MessageDetailComponent {
  /** From the route, `/operator/history/:id`. */
  readonly id = input.required<string>();
  /** The stored text keeps its placeholders; each site got its own. */
  protected readonly isTemplate = isTemplate;

  private readonly api = inject(OperatorApi);
  private readonly detailApi = inject(AlertDetailApi);
  private readonly groupsApi = inject(GroupsApi);
  private readonly drafts = inject(ComposeDraftStore);
  private readonly router = inject(Router);
  private readonly live = inject(LiveService);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly transloco = inject(TranslocoService);

  protected readonly pageSizes = PAGE_SIZES;
  protected readonly view = signal<DeliveriesView>(FIRST_VIEW);
  protected readonly page = apiResource<DeliveriesPage | null>(
    () => this.detailApi.deliveries(this.id(), deliveriesQuery(this.view())),
    {
      initial: null,
      reloadOn: merge(this.live.resynced$, this.live.messageRetracted$.pipe(filter(({ id }) => id === this.id()))),
      lazy: true,
    },
  );
  protected readonly detail = computed(() => this.page.value()?.message ?? null);
  protected readonly rows = computed(() => this.page.value()?.items ?? []);
  protected readonly total = computed(() => this.page.value()?.total ?? 0);
  protected readonly retracting = apiAction();
  protected readonly exporting = apiAction();
  protected readonly resending = apiAction();
  protected readonly copying = apiAction();
  protected readonly resent = signal<ResendUnreadResponse | null>(null);

  protected readonly columns = computed(() => {
    const d = this.detail();
    const columns = [...COLUMNS];
    if (d?.replies.length) columns.splice(columns.indexOf('attempts'), 0, 'reply');
    if (d?.attachments.length) columns.splice(columns.indexOf('attempts'), 0, 'downloadedAt');
    return columns;
  });
  /** Delivered as a headline includes the read copies; each state chip counts a copy once, in its current state. */
  protected readonly reached = computed(() => {
    const d = this.detail();
    return d ? reachedCount(d.counts) : 0;
  });
  protected readonly unread = computed(() => {
    const d = this.detail();
    return d ? unreadCount(d.counts) : 0;
  });
  protected readonly notRead = computed(() => {
    const counts = this.detail()?.counts;
    return counts ? NOT_READ_STATES.reduce((n, s) => n + counts[s], 0) : 0;
  });
  protected readonly retractable = computed(() => {
    const d = this.detail();
    return !!d && d.retractedAt === null && d.counts.queued + d.counts.sent + d.counts.delivered > 0;
  });
  /** Neither withdrawn nor expired: its sites may still be shown it again. */
  protected readonly open = computed(() => {
    const d = this.detail();
    return !!d && d.retractedAt === null && Date.parse(d.expiresAt) > Date.now();
  });
  /** A chip per state the alert has copies in, and any picked. */
  protected readonly stateChips = computed(() => {
    const counts = this.detail()?.counts;
    const picked = this.view().states;
    if (!counts) return [];
    return DELIVERY_STATES.filter((state) => counts[state] > 0 || picked.includes(state)).map((state) => ({
      state,
      count: counts[state],
      selected: picked.includes(state),
    }));
  });
  protected readonly trackByReceiver = (_: number, d: SiteDeliveryResponse) => d.receiver;

  private readonly search$ = new Subject<string>();
  private readonly reorder$ = new Subject<void>();

  constructor() {
    toObservable(this.id)
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        this.page.value.set(null);
        this.resent.set(null);
        this.view.set(FIRST_VIEW);
        this.page.reload();
      });
    this.search$
      .pipe(debounceTime(300), distinctUntilChanged(), takeUntilDestroyed())
      .subscribe((q) => this.change({ q }));
    this.live.deliveryUpdated$
      .pipe(
        filter((u) => u.messageId === this.detail()?.id),
        takeUntilDestroyed(),
      )
      .subscribe((u) => this.applyUpdate(u));
    // Receipts from hundreds of sites arrive within seconds: one reload of a filtered or time-sorted page per burst.
    this.reorder$.pipe(auditTime(1500), takeUntilDestroyed()).subscribe(() => this.page.reload());
  }

  protected onSearch(event: Event): void {
    this.search$.next((event.target as HTMLInputElement).value);
  }

  protected onStates(event: MatChipListboxChange): void {
    this.change({ states: (event.value as DeliveryState[] | null) ?? [] });
  }

  protected onSort(sort: Sort): void {
    const active = sort.direction ? (sort.active as DeliverySort) : FIRST_VIEW.sort;
    this.change({ sort: active, order: sort.direction || 'asc' });
  }

  protected onPage(event: PageEvent): void {
    this.view.update((v) => ({ ...v, page: event.pageIndex, pageSize: event.pageSize }));
    this.page.reload();
  }

  protected exportCsv(): void {
    const d = this.detail();
    if (!d) return;
    this.exporting.run(this.detailApi.exportCsv(d.id, deliveriesQuery(this.view(), false)), {
      next: (response) => {
        downloadText(
          attachmentName(response.headers.get('content-disposition'), `avisa-aviso-${d.id.slice(0, 8)}.csv`),
          response.body ?? '',
        );
      },
    });
  }

  protected resend(): void {
    const d = this.detail();
    if (!d) return;
    const data = {
      titleKey: 'alertDetail.resend.title',
      messageKey: 'alertDetail.resend.message',
      params: { count: this.unread() },
      confirmKey: 'alertDetail.resend.confirm',
    };
    confirmThen(this.dialog, data, () =>
      this.resending.run(this.detailApi.resendUnread(d.id), {
        next: (result) => {
          this.resent.set(result);
          this.notifier.info('alertDetail.resend.done', { told: result.told.length });
          this.page.reload();
        },
      }),
    );
  }

  /**
   * Compose, filled with this alert's text, priority and quick replies, to the sites that have not read it: one site
   * directly; several through a new group of them (an alert goes to all, one site or one group), named after the alert.
   */
  protected copyAsNew(): void {
    const d = this.detail();
    if (!d || !this.notRead()) return;
    const several = this.notRead() > 1;
    const open = (kind: 'receiver' | 'group', name: string) => {
      this.drafts.save({ ...emptyDraft(), kind, name, text: d.text, priority: d.priority, replies: [...d.replies] });
      void this.router.navigate(['/operator/compose']);
    };
    const run = () =>
      this.copying.run(
        this.notReadSites(d.id).pipe(
          switchMap((sites) => {
            if (sites.length === 1) return [{ kind: 'receiver' as const, name: sites[0] }];
            const name = copyGroupName(this.transloco.translate('alertDetail.copy.groupPrefix'), d.text, new Date());
            return this.groupsApi
              .create({ name, members: sites })
              .pipe(map((g) => ({ kind: 'group' as const, name: g.name })));
          }),
        ),
        { next: ({ kind, name }) => open(kind, name) },
      );
    if (!several) return run();
    confirmThen(
      this.dialog,
      {
        titleKey: 'alertDetail.copy.title',
        messageKey: 'alertDetail.copy.message',
        params: { count: this.notRead() },
        confirmKey: 'alertDetail.copy.confirm',
      },
      run,
    );
  }

  protected retract(): void {
    const d = this.detail();
    if (!d) return;
    const data = dangerConfirm(
      'history.retract',
      { text: d.text.length > 80 ? `${d.text.slice(0, 80)}…` : d.text },
      'history.retract.confirm',
    );
    confirmThen(this.dialog, data, () =>
      this.retracting.run(this.api.retract(d.id), { next: () => this.page.reload() }),
    );
  }

  private change(next: Partial<DeliveriesView>): void {
    this.view.update((v) => ({ ...v, ...next, page: 0 }));
    this.page.reload();
  }

  /** Every site whose copy is not read, page after page of the largest size. */
  private notReadSites(id: string) {
    const query = (page: number) =>
      this.detailApi.deliveries(id, {
        state: NOT_READ_STATES.join(','),
        sort: 'receiver',
        page,
        pageSize: DELIVERIES_PAGE_SIZE_MAX,
      });
    return query(1).pipe(
      expand((p) => (p.page * p.pageSize < p.total ? query(p.page + 1) : EMPTY)),
      reduce((names: string[], p) => [...names, ...p.items.map((d) => d.receiver)], []),
    );
  }

  private applyUpdate(update: DeliveryUpdatePayload): void {
    this.page.value.update((p) => {
      if (!p) return p;
      const before = p.items.find((row) => row.receiver === update.receiver);
      const firstReply = update.reply !== undefined && before !== undefined && before.reply === null;
      return {
        ...p,
        message: { ...p.message, counts: update.counts, replied: p.message.replied + (firstReply ? 1 : 0) },
        items: p.items.map((row) =>
          row.receiver === update.receiver ? { ...row, ...applyDeliveryUpdate(row, update) } : row,
        ),
        replyTally: firstReply
          ? p.replyTally.map((t) => (t.reply === update.reply ? { ...t, count: t.count + 1 } : t))
          : p.replyTally,
      };
    });
    const v = this.view();
    if (update.reply !== undefined || v.states.length || LIVE_ORDERED.includes(v.sort)) this.reorder$.next();
  }
}
