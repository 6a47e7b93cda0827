import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import type { MessageResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { Subject, auditTime, catchError, debounceTime, distinctUntilChanged, finalize, of, switchMap, tap } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { DateTimePipe } from '../../core/format';
import { LiveService } from '../../core/live.service';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { deliveredCount } from '../shared/deliveries';
import { OperatorApi } from '../shared/operator.api';

const COLUMNS = ['createdAt', 'sender', 'target', 'text', 'delivered', 'read', 'priority', 'open'];

/** Sent alerts, newest first; receipt counts follow the live socket. */
@Component({
  selector: 'av-history',
  imports: [
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
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
        <h1>{{ 'nav.history' | transloco }}</h1>
        <mat-form-field class="search">
          <mat-label>{{ 'history.search' | transloco }}</mat-label>
          <mat-icon matPrefix>search</mat-icon>
          <input matInput [value]="query()" (input)="onSearch($event)" data-testid="history-filter" />
        </mat-form-field>
      </header>
      <av-api-error [problem]="problem()" />
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <div class="av-table-wrap">
        <table mat-table [dataSource]="items()" [trackBy]="trackById">
          <ng-container matColumnDef="createdAt">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.createdAt' | transloco }}</th>
            <td mat-cell *matCellDef="let m" class="nowrap">{{ m.createdAt | avDateTime }}</td>
          </ng-container>
          <ng-container matColumnDef="sender">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.sender' | transloco }}</th>
            <td mat-cell *matCellDef="let m" [title]="m.sender">{{ m.senderDisplay || m.sender }}</td>
          </ng-container>
          <ng-container matColumnDef="target">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.target' | transloco }}</th>
            <td mat-cell *matCellDef="let m">{{ 'targets.' + m.target.kind | transloco: { name: m.target.name } }}</td>
          </ng-container>
          <ng-container matColumnDef="text">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.text' | transloco }}</th>
            <td mat-cell *matCellDef="let m" class="text" [title]="m.text">
              @if (m.retractedAt) {
                <span class="av-state av-state-retracted" data-testid="history-retracted">{{
                  'history.retracted' | transloco
                }}</span>
              }
              <span class="truncate">{{ m.text }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="priority">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.priority' | transloco }}</th>
            <td mat-cell *matCellDef="let m" [class.urgent]="m.priority === 'urgent'" data-testid="history-priority">
              {{ 'priorities.' + m.priority | transloco }}
            </td>
          </ng-container>
          <ng-container matColumnDef="delivered">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.delivered' | transloco }}</th>
            <td mat-cell *matCellDef="let m" class="count" data-testid="history-delivered">
              {{ delivered(m) }}/{{ m.counts.total }}
            </td>
          </ng-container>
          <ng-container matColumnDef="read">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.columns.read' | transloco }}</th>
            <td mat-cell *matCellDef="let m" class="count" data-testid="history-read">
              {{ m.counts.read }}/{{ m.counts.total }}
            </td>
          </ng-container>
          <ng-container matColumnDef="open">
            <th mat-header-cell *matHeaderCellDef>
              <span class="cdk-visually-hidden">{{ 'history.open' | transloco }}</span>
            </th>
            <td mat-cell *matCellDef="let m">
              <a
                mat-icon-button
                [routerLink]="['/operator/history', m.id]"
                (click)="$event.stopPropagation()"
                [attr.aria-label]="'history.open' | transloco"
                [matTooltip]="'history.open' | transloco"
                data-testid="history-open"
              >
                <mat-icon>chevron_right</mat-icon>
              </a>
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns; sticky: true"></tr>
          <tr
            mat-row
            *matRowDef="let m; columns: columns"
            class="row"
            [class.retracted]="m.retractedAt"
            (click)="open(m)"
            data-testid="history-row"
            [attr.data-message-id]="m.id"
          ></tr>
          <tr class="mat-mdc-row" *matNoDataRow>
            <td class="mat-mdc-cell empty av-muted" [attr.colspan]="columns.length" data-testid="history-empty">
              {{ (query() ? 'history.noMatch' : 'history.none') | transloco }}
            </td>
          </tr>
        </table>
      </div>
      <mat-paginator
        [length]="total()"
        [pageIndex]="pageIndex()"
        [pageSize]="pageSize()"
        [pageSizeOptions]="[25, 50, 100]"
        (page)="onPage($event)"
        showFirstLastButtons
      />
    </section>
  `,
  styles: `
    .search {
      flex: 0 1 320px;
    }
    .row {
      cursor: pointer;
    }
    .row:hover {
      background: var(--mat-sys-surface-container);
    }
    .row.retracted .truncate {
      text-decoration: line-through;
      color: var(--mat-sys-on-surface-variant);
    }
    .text {
      max-width: 360px;
    }
    .truncate {
      display: block;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .text .av-state {
      margin-bottom: 2px;
    }
    .nowrap,
    .count {
      white-space: nowrap;
    }
    .count {
      font-variant-numeric: tabular-nums;
    }
    .urgent {
      color: var(--mat-sys-error);
      font-weight: 500;
    }
    .empty {
      padding: 16px;
    }
    table {
      min-width: 680px;
    }
    @media (max-width: 959.98px) {
      .mat-column-sender {
        display: none;
      }
      .text {
        max-width: 220px;
      }
    }
  `,
})
export class HistoryComponent {
  private readonly api = inject(OperatorApi);
  private readonly live = inject(LiveService);
  private readonly router = inject(Router);

  protected readonly columns = COLUMNS;
  protected readonly items = signal<MessageResponse[]>([]);
  protected readonly total = signal(0);
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(50);
  protected readonly query = signal('');
  protected readonly loading = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly delivered = (m: MessageResponse) => deliveredCount(m.counts);
  protected readonly trackById = (_: number, m: MessageResponse) => m.id;

  private readonly reload$ = new Subject<void>();
  private readonly search$ = new Subject<string>();

  constructor() {
    this.reload$
      .pipe(
        tap(() => this.loading.set(true)),
        switchMap(() =>
          this.api
            .history({ page: this.pageIndex() + 1, pageSize: this.pageSize(), q: this.query().trim() || undefined })
            .pipe(
              tap((page) => {
                this.items.set(page.items);
                this.total.set(page.total);
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
    this.search$.pipe(debounceTime(300), distinctUntilChanged(), takeUntilDestroyed()).subscribe((q) => {
      this.query.set(q);
      this.pageIndex.set(0);
      this.reload$.next();
    });
    this.live.deliveryUpdated$
      .pipe(takeUntilDestroyed())
      .subscribe((u) =>
        this.items.update((list) => list.map((m) => (m.id === u.messageId ? { ...m, counts: u.counts } : m))),
      );
    this.live.messageRetracted$
      .pipe(takeUntilDestroyed())
      .subscribe(({ id }) =>
        this.items.update((list) =>
          list.map((m) => (m.id === id && !m.retractedAt ? { ...m, retractedAt: new Date().toISOString() } : m)),
        ),
      );
    // A script may send many alerts at once: one reload per burst.
    this.live.messageCreated$.pipe(auditTime(500), takeUntilDestroyed()).subscribe(() => this.reload$.next());
    this.live.resynced$.pipe(takeUntilDestroyed()).subscribe(() => this.reload$.next());
    this.reload$.next();
  }

  protected onPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
    this.reload$.next();
  }

  protected onSearch(event: Event): void {
    this.search$.next((event.target as HTMLInputElement).value);
  }

  protected open(message: MessageResponse): void {
    void this.router.navigate(['/operator/history', message.id]);
  }
}
