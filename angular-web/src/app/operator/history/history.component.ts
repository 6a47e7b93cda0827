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
  templateUrl: './history.component.html',
  styleUrl: './history.component.scss',
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
