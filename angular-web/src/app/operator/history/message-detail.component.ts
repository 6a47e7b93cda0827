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
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <a
          mat-icon-button
          routerLink="/operator/history"
          [attr.aria-label]="'history.back' | transloco"
          [matTooltip]="'history.back' | transloco"
          data-testid="history-back"
        >
          <mat-icon>arrow_back</mat-icon>
        </a>
        <h1>{{ 'history.detail.title' | transloco }}</h1>
        @if (detail(); as d) {
          @if (!d.retractedAt) {
            <button
              mat-stroked-button
              type="button"
              class="retract"
              [disabled]="!retractable() || retracting()"
              (click)="retract()"
              data-testid="retract"
            >
              <mat-icon>undo</mat-icon>
              {{ 'history.retract.button' | transloco }}
            </button>
          }
        }
      </header>
      <av-api-error [problem]="problem()" />
      @if (loading() && !detail()) {
        <mat-progress-bar mode="indeterminate" />
      }
      @if (detail(); as d) {
        <article class="message" data-testid="message-detail" [attr.data-message-id]="d.id">
          @if (d.retractedAt) {
            <p class="retracted-banner" role="status" data-testid="detail-retracted">
              <mat-icon>undo</mat-icon>
              {{
                'history.detail.retractedBy' | transloco: { by: d.retractedBy ?? '—', at: (d.retractedAt | avDateTime) }
              }}
            </p>
          } @else if (!retractable()) {
            <p class="av-muted" data-testid="retract-unavailable">{{ 'history.retract.unavailable' | transloco }}</p>
          }
          <av-api-error [problem]="retractProblem()" />
          <blockquote class="text" data-testid="detail-text">{{ d.text }}</blockquote>
          <dl class="meta">
            <div>
              <dt>{{ 'history.columns.sender' | transloco }}</dt>
              <dd data-testid="detail-sender">
                {{ d.senderDisplay || d.sender }}
                @if (d.senderDisplay && d.senderDisplay !== d.sender) {
                  <span class="av-muted">({{ d.sender }})</span>
                }
              </dd>
            </div>
            <div>
              <dt>{{ 'history.columns.target' | transloco }}</dt>
              <dd data-testid="detail-target">{{ 'targets.' + d.target.kind | transloco: { name: d.target.name } }}</dd>
            </div>
            <div>
              <dt>{{ 'history.columns.priority' | transloco }}</dt>
              <dd [class.urgent]="d.priority === 'urgent'" data-testid="detail-priority">
                {{ 'priorities.' + d.priority | transloco }}
              </dd>
            </div>
            <div>
              <dt>{{ 'history.detail.createdAt' | transloco }}</dt>
              <dd>{{ d.createdAt | avDateTime: 'medium' }}</dd>
            </div>
            <div>
              <dt>{{ 'history.detail.expiresAt' | transloco }}</dt>
              <dd>
                @if (d.ttlSeconds === 0) {
                  {{ 'history.detail.onlineOnly' | transloco }}
                } @else {
                  {{ d.expiresAt | avDateTime: 'medium' }}
                }
              </dd>
            </div>
            <div>
              <dt>{{ 'history.columns.delivered' | transloco }}</dt>
              <dd class="count" data-testid="detail-delivered">{{ delivered() }}/{{ d.counts.total }}</dd>
            </div>
            <div>
              <dt>{{ 'history.columns.read' | transloco }}</dt>
              <dd class="count" data-testid="detail-read">{{ d.counts.read }}/{{ d.counts.total }}</dd>
            </div>
          </dl>
          <p class="breakdown av-muted" data-testid="detail-breakdown">
            @for (s of breakdown(); track s.state) {
              <span>{{ 'deliveryStates.' + s.state | transloco }}: {{ s.count }}</span>
            }
          </p>
        </article>

        <h2>{{ 'history.detail.sites' | transloco }}</h2>
        <div class="av-table-wrap">
          <table mat-table [dataSource]="visibleDeliveries()" [trackBy]="trackByReceiver">
            <ng-container matColumnDef="receiver">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.receiver' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="name">{{ r.receiver }}</td>
            </ng-container>
            <ng-container matColumnDef="state">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.state' | transloco }}</th>
              <td mat-cell *matCellDef="let r" data-testid="delivery-state" [attr.data-state]="r.state">
                <span [class]="'av-state av-state-' + r.state">{{ 'deliveryStates.' + r.state | transloco }}</span>
              </td>
            </ng-container>
            <ng-container matColumnDef="sentAt">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.sentAt' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="nowrap">{{ r.sentAt | avDateTime: 'medium' }}</td>
            </ng-container>
            <ng-container matColumnDef="deliveredAt">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.deliveredAt' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="nowrap" data-testid="delivery-delivered-at">
                {{ r.deliveredAt | avDateTime: 'medium' }}
              </td>
            </ng-container>
            <ng-container matColumnDef="readAt">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.readAt' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="nowrap" data-testid="delivery-read-at">
                {{ r.readAt | avDateTime: 'medium' }}
              </td>
            </ng-container>
            <ng-container matColumnDef="attempts">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.attempts' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="count">{{ r.attempts }}</td>
            </ng-container>
            <ng-container matColumnDef="reminders">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.reminders' | transloco }}</th>
              <td mat-cell *matCellDef="let r" class="count" data-testid="delivery-reminders">{{ r.reminders }}</td>
            </ng-container>
            <ng-container matColumnDef="flagged">
              <th mat-header-cell *matHeaderCellDef>{{ 'history.detail.columns.flagged' | transloco }}</th>
              <td mat-cell *matCellDef="let r" data-testid="delivery-flagged">
                @if (r.flagged) {
                  <mat-icon
                    class="flag"
                    [matTooltip]="'history.detail.flagged' | transloco"
                    [attr.aria-label]="'history.detail.flagged' | transloco"
                    >flag</mat-icon
                  >
                }
              </td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns; sticky: true"></tr>
            <tr
              mat-row
              *matRowDef="let r; columns: columns"
              data-testid="delivery-row"
              [attr.data-receiver]="r.receiver"
            ></tr>
            <tr class="mat-mdc-row" *matNoDataRow>
              <td class="mat-mdc-cell empty av-muted" [attr.colspan]="columns.length">
                {{ 'history.detail.noSites' | transloco }}
              </td>
            </tr>
          </table>
        </div>
        @if (d.deliveries.length > pageSize) {
          <mat-paginator
            [length]="d.deliveries.length"
            [pageIndex]="pageIndex()"
            [pageSize]="pageSize"
            [hidePageSize]="true"
            (page)="onPage($event)"
          />
        }
      }
    </section>
  `,
  styles: `
    .message {
      display: flex;
      flex-direction: column;
      gap: 8px;
      margin-bottom: 16px;
    }
    .text {
      margin: 0;
      padding: 12px 16px;
      border-left: 4px solid var(--mat-sys-primary);
      background: var(--mat-sys-surface-container);
      border-radius: 0 8px 8px 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font: var(--mat-sys-body-large);
    }
    .meta {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
      gap: 8px 16px;
      margin: 0;
    }
    dt {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
    }
    .breakdown {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin: 0;
    }
    .retracted-banner {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: 0;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
    }
    .retract {
      --mat-button-outlined-label-text-color: var(--mat-sys-error);
    }
    .urgent {
      color: var(--mat-sys-error);
      font-weight: 500;
    }
    .count {
      font-variant-numeric: tabular-nums;
    }
    .nowrap {
      white-space: nowrap;
    }
    .name {
      font-weight: 500;
    }
    .flag {
      color: var(--mat-sys-error);
    }
    .empty {
      padding: 16px;
    }
    h2 {
      font: var(--mat-sys-title-medium);
      margin: 8px 0;
    }
    table {
      min-width: 820px;
    }
  `,
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
