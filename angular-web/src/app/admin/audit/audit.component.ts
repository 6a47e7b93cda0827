import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { AuditEventResponse, AuditExportQuery } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { Subject, catchError, finalize, interval, of, switchMap, tap } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { downloadText } from '../../core/download';
import { DateTimePipe } from '../../core/format';
import { Notifier } from '../../core/notifier';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { AuditApi } from './audit.api';
import { EMPTY_FILTERS, actionLabelKey, attachmentName, clock, compactDetails, toAuditQuery } from './audit-query';

/** Seconds between automatic refreshes. */
export const AUDIT_REFRESH_SECONDS = 300;
const PAGE_SIZES = [25, 50, 100, 200];

/**
 * The audit trail, newest first. A red line separates what this admin has not read yet from the rest; it follows the
 * server's marker, so it stays put across refreshes, tabs and sessions until the admin marks everything read.
 */
@Component({
  selector: 'av-audit',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTooltipModule,
    TranslocoPipe,
    DateTimePipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.audit' | transloco }}</h1>
        <span class="countdown av-muted" data-testid="audit-countdown">
          {{ 'audit.countdown' | transloco: { time: countdown() } }}
        </span>
        <button mat-stroked-button type="button" (click)="refresh()" data-testid="audit-refresh">
          <mat-icon>refresh</mat-icon>
          {{ 'common.refresh' | transloco }}
        </button>
        <button
          mat-stroked-button
          type="button"
          (click)="exportCsv()"
          [disabled]="exporting()"
          data-testid="audit-export"
        >
          <mat-icon>download</mat-icon>
          {{ 'common.export' | transloco }}
        </button>
        <button
          mat-flat-button
          type="button"
          (click)="markAllRead()"
          [disabled]="!canMarkRead() || marking()"
          data-testid="audit-mark-read"
        >
          <mat-icon>done_all</mat-icon>
          {{ 'audit.markRead' | transloco }}
        </button>
      </header>
      <av-api-error [problem]="actionProblem()" />

      <form class="filters" [formGroup]="filters" (ngSubmit)="apply()" novalidate>
        <mat-form-field>
          <mat-label>{{ 'audit.filters.from' | transloco }}</mat-label>
          <input matInput type="datetime-local" formControlName="from" data-testid="audit-from" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'audit.filters.to' | transloco }}</mat-label>
          <input matInput type="datetime-local" formControlName="to" data-testid="audit-to" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'audit.filters.user' | transloco }}</mat-label>
          <input matInput formControlName="user" maxlength="128" autocomplete="off" data-testid="audit-user" />
        </mat-form-field>
        <mat-form-field class="text">
          <mat-label>{{ 'audit.filters.text' | transloco }}</mat-label>
          <mat-icon matPrefix>search</mat-icon>
          <input matInput formControlName="text" maxlength="200" autocomplete="off" data-testid="audit-text" />
        </mat-form-field>
        <div class="filter-actions">
          <button mat-flat-button type="submit" data-testid="audit-apply">
            <mat-icon>filter_alt</mat-icon>
            {{ 'audit.filters.apply' | transloco }}
          </button>
          <button mat-button type="button" (click)="clear()" data-testid="audit-clear">
            {{ 'audit.filters.clear' | transloco }}
          </button>
        </div>
      </form>
      <av-api-error [problem]="problem()" />

      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <div class="av-table-wrap">
        <table class="audit-table">
          <thead>
            <tr>
              <th scope="col">{{ 'audit.columns.at' | transloco }}</th>
              <th scope="col">{{ 'audit.columns.user' | transloco }}</th>
              <th scope="col">{{ 'audit.columns.action' | transloco }}</th>
              <th scope="col">{{ 'audit.columns.target' | transloco }}</th>
              <th scope="col">{{ 'audit.columns.ip' | transloco }}</th>
              <th scope="col">{{ 'audit.columns.details' | transloco }}</th>
            </tr>
          </thead>
          <tbody>
            @for (e of items(); track e.id; let i = $index) {
              @if (i === lineIndex()) {
                <tr class="last-read" data-testid="audit-last-read">
                  <td colspan="6">
                    <div class="line">
                      <span class="label">{{ 'audit.lastRead' | transloco }}</span>
                    </div>
                  </td>
                </tr>
              }
              <tr data-testid="audit-row" [attr.data-id]="e.id" [class.unread]="isUnread(e)">
                <td class="nowrap">{{ e.at | avDateTime: 'medium' }}</td>
                <td>
                  {{ e.actor }}
                  @if (e.actorKind !== 'user') {
                    <span class="av-muted kind">({{ 'audit.actorKinds.' + e.actorKind | transloco }})</span>
                  }
                </td>
                <td>
                  @if (labelKey(e.action); as key) {
                    <span class="action">{{ key | transloco }}</span>
                  }
                  <code class="av-muted">{{ e.action }}</code>
                </td>
                <td class="target">{{ e.target ?? '—' }}</td>
                <td class="nowrap">{{ e.ip ?? '—' }}</td>
                <td class="details">
                  @if (hasDetails(e)) {
                    <div class="details-cell">
                      @if (expanded().has(e.id)) {
                        <pre data-testid="audit-details-full">{{ pretty(e) }}</pre>
                      } @else {
                        <span class="compact" [title]="compact(e)">{{ compact(e) }}</span>
                      }
                      <button
                        mat-icon-button
                        type="button"
                        (click)="toggle(e.id)"
                        [attr.aria-expanded]="expanded().has(e.id)"
                        [attr.aria-label]="(expanded().has(e.id) ? 'audit.collapse' : 'audit.expand') | transloco"
                        [matTooltip]="(expanded().has(e.id) ? 'audit.collapse' : 'audit.expand') | transloco"
                        data-testid="audit-details-toggle"
                      >
                        <mat-icon>{{ expanded().has(e.id) ? 'expand_less' : 'expand_more' }}</mat-icon>
                      </button>
                    </div>
                  } @else {
                    —
                  }
                </td>
              </tr>
            } @empty {
              @if (!loading()) {
                <tr>
                  <td colspan="6" class="empty av-muted" data-testid="audit-empty">{{ 'audit.empty' | transloco }}</td>
                </tr>
              }
            }
          </tbody>
        </table>
      </div>
      <mat-paginator
        [length]="total()"
        [pageIndex]="pageIndex()"
        [pageSize]="pageSize()"
        [pageSizeOptions]="pageSizes"
        [showFirstLastButtons]="true"
        (page)="onPage($event)"
      />
    </section>
  `,
  styles: `
    .countdown {
      font: var(--mat-sys-body-medium);
      font-variant-numeric: tabular-nums;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0 12px;
      align-items: baseline;
    }
    .filters mat-form-field {
      flex: 1 1 180px;
      min-width: 180px;
    }
    .filters .text {
      flex: 2 1 240px;
    }
    .filter-actions {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .audit-table {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-medium);
    }
    th {
      text-align: left;
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
      padding: 12px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    tr.unread td {
      background: color-mix(in srgb, var(--mat-sys-primary) 8%, transparent);
    }
    tr.unread td:first-child {
      box-shadow: inset 3px 0 0 var(--mat-sys-primary);
    }
    tr.last-read td {
      padding: 0;
      border-bottom: none;
    }
    .line {
      display: flex;
      align-items: center;
      height: 20px;
    }
    .line::after {
      content: '';
      flex: 1 1 auto;
      border-top: 2px solid var(--mat-sys-error);
    }
    .label {
      padding: 1px 8px;
      border-radius: 8px;
      font: var(--mat-sys-label-small);
      background: var(--mat-sys-error);
      color: var(--mat-sys-on-error);
    }
    .nowrap {
      white-space: nowrap;
    }
    .kind {
      font: var(--mat-sys-body-small);
    }
    .action {
      display: block;
    }
    code {
      font-size: 12px;
    }
    .target {
      overflow-wrap: anywhere;
    }
    .details {
      min-width: 200px;
      max-width: 420px;
    }
    .details-cell {
      display: flex;
      align-items: flex-start;
      gap: 4px;
    }
    .compact {
      flex: 1 1 auto;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 360px;
    }
    .details-cell button {
      margin: -12px 0;
    }
    pre {
      flex: 1 1 auto;
      margin: 0;
      font-size: 12px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .empty {
      padding: 24px 8px;
      text-align: center;
    }
  `,
})
export class AuditComponent {
  private readonly api = inject(AuditApi);
  private readonly notifier = inject(Notifier);
  private readonly document = inject(DOCUMENT);

  protected readonly pageSizes = PAGE_SIZES;
  protected readonly filters = inject(FormBuilder).nonNullable.group({ ...EMPTY_FILTERS });

  private readonly applied = signal<AuditExportQuery>({});
  protected readonly items = signal<AuditEventResponse[]>([]);
  protected readonly total = signal(0);
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(50);
  protected readonly lastReadId = signal<number | null>(null);
  protected readonly loading = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly actionProblem = signal<ApiProblem | null>(null);
  protected readonly exporting = signal(false);
  protected readonly marking = signal(false);
  protected readonly expanded = signal<ReadonlySet<number>>(new Set());
  private readonly secondsLeft = signal(AUDIT_REFRESH_SECONDS);
  protected readonly countdown = computed(() => clock(this.secondsLeft()));

  /** Where the line goes: before the first row already read, unless that row opens a later page. */
  protected readonly lineIndex = computed(() => {
    const marker = this.lastReadId();
    if (marker === null) return -1;
    const index = this.items().findIndex((e) => e.id <= marker);
    return index > 0 || (index === 0 && this.pageIndex() === 0) ? index : -1;
  });

  protected readonly canMarkRead = computed(() => {
    const newest = this.items()[0]?.id;
    const marker = this.lastReadId();
    return newest !== undefined && (marker === null || newest > marker);
  });

  private readonly loads = new Subject<void>();

  constructor() {
    this.loads
      .pipe(
        tap(() => {
          this.loading.set(true);
          this.secondsLeft.set(AUDIT_REFRESH_SECONDS);
        }),
        switchMap(() =>
          this.api.search({ ...this.applied(), page: this.pageIndex() + 1, pageSize: this.pageSize() }).pipe(
            tap((page) => {
              this.items.set(page.items);
              this.total.set(page.total);
              this.lastReadId.set(page.lastReadId);
              this.problem.set(null);
            }),
            catchError((error: unknown) => {
              const problem = toApiProblem(error);
              this.problem.set(problem);
              // Refused filters: the rows of the previous ones would read as the answer to these.
              if (problem.status === 400) {
                this.items.set([]);
                this.total.set(0);
              }
              return of(null);
            }),
            finalize(() => this.loading.set(false)),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe();
    // Hidden tabs do not count down: a background tab does not poll the server.
    interval(1000)
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        if (this.document.visibilityState === 'hidden') return;
        const left = this.secondsLeft() - 1;
        if (left <= 0) this.refresh();
        else this.secondsLeft.set(left);
      });
    this.refresh();
  }

  protected apply(): void {
    this.applied.set(toAuditQuery(this.filters.getRawValue()));
    this.pageIndex.set(0);
    this.refresh();
  }

  protected clear(): void {
    this.filters.reset();
    this.apply();
  }

  protected refresh(): void {
    this.loads.next();
  }

  protected onPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
    this.refresh();
  }

  protected markAllRead(): void {
    const newest = this.items()[0]?.id;
    if (newest === undefined || this.marking()) return;
    this.marking.set(true);
    this.actionProblem.set(null);
    this.api
      .setLastRead(newest)
      .pipe(finalize(() => this.marking.set(false)))
      .subscribe({
        next: (marker) => {
          this.lastReadId.set(marker.lastReadId);
          this.notifier.info('audit.markedRead');
        },
        error: (error: unknown) => this.actionProblem.set(toApiProblem(error)),
      });
  }

  protected exportCsv(): void {
    if (this.exporting()) return;
    this.exporting.set(true);
    this.actionProblem.set(null);
    const fallback = `avisa-auditoria-${new Date().toISOString().slice(0, 10)}.csv`;
    this.api
      .export(this.applied())
      .pipe(finalize(() => this.exporting.set(false)))
      .subscribe({
        next: (response) => {
          downloadText(attachmentName(response.headers.get('content-disposition'), fallback), response.body ?? '');
          this.notifier.info('audit.exported');
        },
        error: (error: unknown) => this.actionProblem.set(toApiProblem(error)),
      });
  }

  protected toggle(id: number): void {
    const next = new Set(this.expanded());
    if (!next.delete(id)) next.add(id);
    this.expanded.set(next);
  }

  protected isUnread(e: AuditEventResponse): boolean {
    const marker = this.lastReadId();
    return marker === null || e.id > marker;
  }

  protected labelKey(action: string): string | null {
    return actionLabelKey(action);
  }

  protected hasDetails(e: AuditEventResponse): boolean {
    return Object.keys(e.details).length > 0;
  }

  protected compact(e: AuditEventResponse): string {
    return compactDetails(e.details);
  }

  protected pretty(e: AuditEventResponse): string {
    return JSON.stringify(e.details, null, 2);
  }
}
