import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { RouterLink } from '@angular/router';
import type { DashboardResponse, DeliveryUpdatePayload } from '@avisa/contracts';
import { auditTime, merge } from 'rxjs';
import { apiResource } from '../core/api-resource';
import { LanguageService } from '../core/i18n';
import { LiveService } from '../core/live.service';
import { SessionStore } from '../core/session.store';
import { SCREEN_KIT } from '../core/ui/kit';
import { deliveredCount } from '../operator/shared/deliveries';
import { AlertsPerDayChartComponent } from './alerts-per-day-chart.component';
import { AttentionService } from './attention.service';
import { DashboardApi } from './dashboard.api';

/** A burst of receipts or connections refetches the figures at most this often. */
const REFETCH_EVERY_MS = 1000;

/** The numbers of one alert after a live receipt, so the last alerts move at once (the rest follows the refetch). */
export function withCounts(dashboard: DashboardResponse, update: DeliveryUpdatePayload): DashboardResponse {
  if (!dashboard.lastAlerts.some((m) => m.id === update.messageId)) return dashboard;
  return {
    ...dashboard,
    lastAlerts: dashboard.lastAlerts.map((m) => (m.id === update.messageId ? { ...m, counts: update.counts } : m)),
  };
}

/**
 * The first screen of operators and admins: sites online and offline, today's alerts and their read rate, urgent
 * alerts left unread, the last alerts and 30 days of alerts; live through the operators' socket. With no site yet,
 * the first steps instead.
 */
@Component({
  selector: 'av-home',
  imports: [SCREEN_KIT, RouterLink, MatCardModule, MatSlideToggleModule, AlertsPerDayChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './home.component.html',
  styleUrl: './home.component.scss',
})
export class HomeComponent {
  private readonly api = inject(DashboardApi);
  private readonly live = inject(LiveService);
  private readonly language = inject(LanguageService);
  protected readonly session = inject(SessionStore);
  protected readonly attention = inject(AttentionService);

  protected readonly dashboard = apiResource<DashboardResponse | null>(() => this.api.get(), {
    initial: null,
    reloadOn: this.live.resynced$,
  });
  protected readonly value = this.dashboard.value;
  /** No site at all; for an operator restricted to groups, none in its groups (the first steps are not theirs). */
  protected readonly noSite = computed(() => {
    const sites = this.value()?.sites;
    return !!sites && sites.total + sites.disabled === 0;
  });
  protected readonly firstRun = computed(() => this.noSite() && !this.value()?.restricted);
  protected readonly readRate = computed(() => {
    const rate = this.value()?.today.readRate;
    if (rate === null || rate === undefined) return '—';
    return new Intl.NumberFormat(this.language.locale(), { style: 'percent', maximumFractionDigits: 0 }).format(rate);
  });
  protected readonly delivered = deliveredCount;

  constructor() {
    const live = this.live;
    merge(live.presence$, live.messageCreated$, live.messageRetracted$, live.deliveryUpdated$)
      .pipe(auditTime(REFETCH_EVERY_MS), takeUntilDestroyed())
      .subscribe(() => this.dashboard.reload());
    live.deliveryUpdated$
      .pipe(takeUntilDestroyed())
      .subscribe((update) => this.value.update((d) => d && withCounts(d, update)));
  }

  protected toggleNotify(on: boolean): void {
    void this.attention.setEnabled(on);
  }
}
