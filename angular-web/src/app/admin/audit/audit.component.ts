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
  templateUrl: './audit.component.html',
  styleUrl: './audit.component.scss',
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
