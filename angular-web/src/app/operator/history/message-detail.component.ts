import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { DeliveryResponse, DeliveryUpdatePayload, MessageDetailResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { Subject, catchError, filter, finalize, map, merge, of, switchMap, tap } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { DateTimePipe } from '../../core/format';
import { LiveService } from '../../core/live.service';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { applyDeliveryUpdate, deliveredCount, isRetractable } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';

const COLUMNS = ['receiver', 'state', 'sentAt', 'deliveredAt', 'readAt', 'attempts', 'reminders', 'flagged'];
const PAGE_SIZE = 100;

/** One alert: what was sent and each site's copy, following receipts live; it can be withdrawn from here. */
@Component({
  selector: 'av-message-detail',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    TranslocoPipe,
    DateTimePipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-detail.component.html',
  styleUrl: './message-detail.component.scss',
})
export class MessageDetailComponent {
  /** From the route, `/operator/history/:id`. */
  readonly id = input.required<string>();

  private readonly api = inject(OperatorApi);
  private readonly live = inject(LiveService);
  private readonly dialog = inject(MatDialog);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly columns = COLUMNS;
  protected readonly pageSize = PAGE_SIZE;
  protected readonly detail = signal<MessageDetailResponse | null>(null);
  protected readonly loading = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly retracting = signal(false);
  protected readonly retractProblem = signal<ApiProblem | null>(null);
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
  protected readonly visibleDeliveries = computed(() => {
    const all = this.detail()?.deliveries ?? [];
    const start = this.pageIndex() * PAGE_SIZE;
    return all.length > PAGE_SIZE ? all.slice(start, start + PAGE_SIZE) : all;
  });
  protected readonly trackByReceiver = (_: number, d: DeliveryResponse) => d.receiver;

  private readonly reload$ = new Subject<void>();

  constructor() {
    const id$ = toObservable(this.id).pipe(
      tap(() => {
        this.detail.set(null);
        this.pageIndex.set(0);
      }),
    );
    merge(id$, this.reload$)
      .pipe(
        map(() => this.id()),
        tap(() => this.loading.set(true)),
        switchMap((id) =>
          this.api.message(id).pipe(
            tap((detail) => {
              this.detail.set(detail);
              this.problem.set(null);
            }),
            catchError((error: unknown) => {
              this.problem.set(toApiProblem(error));
              return of(null);
            }),
            finalize(() => this.loading.set(false)),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe();
    this.live.deliveryUpdated$
      .pipe(
        filter((u) => u.messageId === this.detail()?.id),
        takeUntilDestroyed(),
      )
      .subscribe((u) => this.applyUpdate(u));
    this.live.messageRetracted$
      .pipe(
        filter(({ id }) => id === this.id()),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.reload$.next());
    this.live.resynced$.pipe(takeUntilDestroyed()).subscribe(() => this.reload$.next());
  }

  protected onPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
  }

  protected retract(): void {
    const d = this.detail();
    if (!d) return;
    confirmAction(this.dialog, {
      titleKey: 'history.retract.title',
      messageKey: 'history.retract.message',
      params: { text: d.text.length > 80 ? `${d.text.slice(0, 80)}…` : d.text },
      confirmKey: 'history.retract.confirm',
      danger: true,
    })
      .pipe(
        filter((confirmed) => confirmed === true),
        tap(() => {
          this.retracting.set(true);
          this.retractProblem.set(null);
        }),
        switchMap(() => this.api.retract(d.id).pipe(finalize(() => this.retracting.set(false)))),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (message) => {
          this.detail.update((current) =>
            current ? { ...current, ...message, deliveries: current.deliveries } : current,
          );
          this.reload$.next();
        },
        error: (error: unknown) => this.retractProblem.set(toApiProblem(error)),
      });
  }

  private applyUpdate(update: DeliveryUpdatePayload): void {
    this.detail.update((d) =>
      d
        ? {
            ...d,
            counts: update.counts,
            deliveries: d.deliveries.map((row) =>
              row.receiver === update.receiver ? applyDeliveryUpdate(row, update) : row,
            ),
          }
        : d,
    );
  }
}
