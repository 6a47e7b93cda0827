import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, FormControl } from '@angular/forms';
import { MatPaginatorModule } from '@angular/material/paginator';
import type { AuditEventResponse, AuditExportQuery, AuditPage } from '@avisa/contracts';
import { type Observable, catchError, interval, tap, throwError } from 'rxjs';
import { toApiProblem } from '../../core/api-error';
import { bundledText } from '../../core/api-error-text';
import { LanguageService } from '../../core/i18n';
import { type DetailItem, type DetailWords, describeDetails, describeTarget } from './audit-details';
import { apiAction, apiResource } from '../../core/api-resource';
import { downloadText } from '../../core/download';
import { Notifier } from '../../core/notifier';
import { AuditApi } from './audit.api';
import { columnsOf } from '../../core/ui/table-head.component';
import { EMPTY_FILTERS, actionLabelKey, attachmentName, clock, toAuditQuery } from './audit-query';
import { SCREEN_KIT, FORM_KIT, DATE_KIT } from '../../core/ui/kit';
import { Paging } from '../../core/ui/paging.directive';

/** Seconds between automatic refreshes. */
export const AUDIT_REFRESH_SECONDS = 300;
const PAGE_SIZES = [25, 50, 100, 200];

/**
 * The audit trail, newest first. A red line separates what this admin has not read yet from the rest; it follows the
 * server's marker, so it stays put across refreshes, tabs and sessions until the admin marks everything read.
 */
@Component({
  selector: 'av-audit',
  imports: [SCREEN_KIT, FORM_KIT, DATE_KIT, MatPaginatorModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit.component.html',
  styleUrl: './audit.component.scss',
})
export class AuditComponent {
  private readonly api = inject(AuditApi);
  private readonly notifier = inject(Notifier);
  private readonly document = inject(DOCUMENT);
  private readonly language = inject(LanguageService);

  protected readonly columns = columnsOf('audit.columns', ['at', 'user', 'action', 'target', 'ip', 'details']);
  protected readonly filters = inject(FormBuilder).nonNullable.group({
    ...EMPTY_FILTERS,
    from: new FormControl<Date | null>(null),
    fromTime: new FormControl<Date | null>(null),
    to: new FormControl<Date | null>(null),
    toTime: new FormControl<Date | null>(null),
  });

  private readonly applied = signal<AuditExportQuery>({});
  protected readonly paging = new Paging(PAGE_SIZES);
  protected readonly lastReadId = signal<number | null>(null);
  private readonly secondsLeft = signal(AUDIT_REFRESH_SECONDS);
  protected readonly page = apiResource<AuditPage | null>(() => this.search(), { initial: null });
  protected readonly items = computed(() => this.page.value()?.items ?? []);
  protected readonly total = computed(() => this.page.value()?.total ?? 0);
  protected readonly exporting = apiAction();
  protected readonly marking = apiAction();
  protected readonly expanded = signal<ReadonlySet<number>>(new Set());
  protected readonly countdown = computed(() => clock(this.secondsLeft()));
  /** Each event's details as labelled values in the app's language, said again when the language changes. */
  protected readonly described = computed(() => {
    const words = this.detailWords();
    return new Map(this.items().map((e) => [e.id, describeDetails(e.details, words)]));
  });
  /** Each event's target in words ("Sitio farmacia-norte"); the raw target stays in the cell's title and the export. */
  protected readonly targets = computed(() => {
    const words = this.detailWords();
    return new Map(this.items().map((e) => [e.id, describeTarget(e.target, words)]));
  });

  /** Where the line goes: before the first row already read, unless that row opens a later page. */
  protected readonly lineIndex = computed(() => {
    const marker = this.lastReadId();
    if (marker === null) return -1;
    const index = this.items().findIndex((e) => e.id <= marker);
    return index > 0 || (index === 0 && this.paging.index() === 0) ? index : -1;
  });

  protected readonly canMarkRead = computed(() => {
    const newest = this.items()[0]?.id;
    const marker = this.lastReadId();
    return newest !== undefined && (marker === null || newest > marker);
  });

  constructor() {
    // Hidden tabs do not count down: a background tab does not poll the server.
    interval(1000)
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        if (this.document.visibilityState === 'hidden') return;
        const left = this.secondsLeft() - 1;
        if (left <= 0) this.refresh();
        else this.secondsLeft.set(left);
      });
  }

  /** Applies the filters, unless a date or time cannot be read: the field says so instead. */
  protected apply(): void {
    if (this.filters.invalid) {
      this.filters.markAllAsTouched();
      return;
    }
    this.applied.set(toAuditQuery(this.filters.getRawValue()));
    this.paging.index.set(0);
    this.refresh();
  }

  protected clear(): void {
    this.filters.reset();
    this.apply();
  }

  protected refresh(): void {
    this.page.reload();
  }

  protected markAllRead(): void {
    const newest = this.items()[0]?.id;
    if (newest === undefined || this.marking.busy()) return;
    this.exporting.problem.set(null);
    this.marking.run(this.api.setLastRead(newest), {
      next: (marker) => {
        this.lastReadId.set(marker.lastReadId);
        this.notifier.info('audit.markedRead');
      },
    });
  }

  protected exportCsv(): void {
    if (this.exporting.busy()) return;
    this.marking.problem.set(null);
    const fallback = `avisa-auditoria-${new Date().toISOString().slice(0, 10)}.csv`;
    this.exporting.run(this.api.export(this.applied()), {
      next: (response) => {
        downloadText(attachmentName(response.headers.get('content-disposition'), fallback), response.body ?? '');
        this.notifier.info('audit.exported');
      },
    });
  }

  /** One page with the applied filters; each load starts the countdown to the next again. */
  private search(): Observable<AuditPage> {
    this.secondsLeft.set(AUDIT_REFRESH_SECONDS);
    return this.api.search({ ...this.applied(), page: this.paging.index() + 1, pageSize: this.paging.size() }).pipe(
      tap((page) => this.lastReadId.set(page.lastReadId)),
      catchError((error: unknown) => {
        // Refused filters: the rows of the previous ones would read as the answer to these.
        if (toApiProblem(error).status === 400) this.page.value.set(null);
        return throwError(() => error);
      }),
    );
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

  protected detailsOf(e: AuditEventResponse): DetailItem[] {
    return this.described().get(e.id) ?? [];
  }

  /** `Motivo: contraseña incorrecta · Sitios avisados: 6`, short enough for a table cell. */
  protected compact(items: DetailItem[]): string {
    return items.map((item) => `${item.label}: ${item.value}`).join(' · ');
  }

  private detailWords(): DetailWords {
    const language = this.language.language();
    const locale = this.language.locale();
    const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    const numbers = new Intl.NumberFormat(locale);
    return {
      translate: (key, params) => bundledText(language, key, params),
      dateTime: (iso) => dates.format(new Date(iso)),
      number: (value) => numbers.format(value),
    };
  }
}
