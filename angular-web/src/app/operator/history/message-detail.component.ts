import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import {
  isTemplate,
  type DeliveryResponse,
  type DeliveryUpdatePayload,
  type MessageDetailResponse,
} from '@avisa/contracts';
import { filter, merge } from 'rxjs';
import { apiAction, apiResource } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { applyDeliveryUpdate, deliveredCount, isRetractable, replyTally } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';
import { SCREEN_KIT } from '../../core/ui/kit';

const COLUMNS = ['receiver', 'state', 'sentAt', 'deliveredAt', 'readAt', 'attempts', 'reminders', 'flagged'];
const WITH_REPLIES = [...COLUMNS.slice(0, 5), 'reply', ...COLUMNS.slice(5)];
const PAGE_SIZE = 100;

/** One alert: what was sent and each site's copy, following receipts live; it can be withdrawn from here. */
@Component({
  selector: 'av-message-detail',
  imports: [SCREEN_KIT, RouterLink, MatPaginatorModule, MatTableModule],
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
  private readonly live = inject(LiveService);
  private readonly dialog = inject(MatDialog);

  protected readonly columns = computed(() => {
    const detail = this.detail();
    const base = detail?.replies.length ? WITH_REPLIES : COLUMNS;
    return detail?.attachments.length
      ? [...base.slice(0, base.indexOf('attempts')), 'downloadedAt', ...base.slice(base.indexOf('attempts'))]
      : base;
  });
  /** How many sites fetched the alert's attachments. */
  protected readonly downloaded = computed(
    () => this.detail()?.deliveries.filter((d) => d.attachmentsDownloadedAt !== null).length ?? 0,
  );
  protected readonly pageSize = PAGE_SIZE;
  protected readonly message = apiResource<MessageDetailResponse | null>(() => this.api.message(this.id()), {
    initial: null,
    reloadOn: merge(this.live.resynced$, this.live.messageRetracted$.pipe(filter(({ id }) => id === this.id()))),
    lazy: true,
  });
  protected readonly detail = this.message.value;
  protected readonly retracting = apiAction();
  protected readonly pageIndex = signal(0);

  protected readonly delivered = computed(() => {
    const d = this.detail();
    return d ? deliveredCount(d.counts) : 0;
  });
  protected readonly retractable = computed(() => {
    const d = this.detail();
    return !!d && isRetractable(d, d.deliveries);
  });
  protected readonly breakdown = computed(() => {
    const counts = this.detail()?.counts;
    if (!counts) return [];
    return (['queued', 'sent', 'delivered', 'read', 'expired', 'retracted', 'cancelled'] as const)
      .map((state) => ({ state, count: counts[state] }))
      .filter((s) => s.count > 0);
  });
  /** Each quick reply offered, with how many sites chose it. */
  protected readonly replies = computed(() => {
    const d = this.detail();
    return d ? replyTally(d.replies, d.deliveries) : [];
  });
  protected readonly visibleDeliveries = computed(() => {
    const all = this.detail()?.deliveries ?? [];
    const start = this.pageIndex() * PAGE_SIZE;
    return all.length > PAGE_SIZE ? all.slice(start, start + PAGE_SIZE) : all;
  });
  protected readonly trackByReceiver = (_: number, d: DeliveryResponse) => d.receiver;

  constructor() {
    toObservable(this.id)
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        this.detail.set(null);
        this.pageIndex.set(0);
        this.message.reload();
      });
    this.live.deliveryUpdated$
      .pipe(
        filter((u) => u.messageId === this.detail()?.id),
        takeUntilDestroyed(),
      )
      .subscribe((u) => this.applyUpdate(u));
  }

  protected onPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
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
      this.retracting.run(this.api.retract(d.id), {
        next: (message) => {
          this.detail.update((current) =>
            current ? { ...current, ...message, deliveries: current.deliveries } : current,
          );
          this.message.reload();
        },
      }),
    );
  }

  private hasReplied(d: MessageDetailResponse, receiver: string): boolean {
    return d.deliveries.some((row) => row.receiver === receiver && row.reply !== null);
  }

  private applyUpdate(update: DeliveryUpdatePayload): void {
    this.detail.update((d) =>
      d
        ? {
            ...d,
            counts: update.counts,
            replied: d.replied + (update.reply !== undefined && !this.hasReplied(d, update.receiver) ? 1 : 0),
            deliveries: d.deliveries.map((row) =>
              row.receiver === update.receiver ? applyDeliveryUpdate(row, update) : row,
            ),
          }
        : d,
    );
  }
}
