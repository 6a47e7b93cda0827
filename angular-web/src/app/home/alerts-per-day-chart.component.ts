import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { DashboardDay } from '@avisa/contracts';
import { TranslocoService } from '@jsverse/transloco';
import { BarController, BarElement, CategoryScale, type ChartConfiguration, LinearScale, Tooltip } from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';
import { LanguageService } from '../core/i18n';
import { ThemeService } from '../core/theme.service';

/** Alerts per day as bars, days in the server's time zone (the labels are its dates, shown in the app's language). */
@Component({
  selector: 'av-alerts-per-day-chart',
  imports: [BaseChartDirective],
  providers: [provideCharts({ registerables: [BarController, BarElement, CategoryScale, LinearScale, Tooltip] })],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="chart">
      <canvas
        baseChart
        type="bar"
        [data]="data()"
        [options]="options()"
        role="img"
        [attr.aria-label]="summary()"
        data-testid="home-chart"
      ></canvas>
    </div>
  `,
  styles: `
    .chart {
      position: relative;
      height: 220px;
    }
  `,
})
export class AlertsPerDayChartComponent {
  readonly days = input.required<DashboardDay[]>();
  private readonly language = inject(LanguageService);
  private readonly transloco = inject(TranslocoService);
  private readonly theme = inject(ThemeService);
  private readonly document = inject(DOCUMENT);

  protected readonly summary = computed(() => {
    this.language.language();
    const days = this.days();
    const total = days.reduce((sum, d) => sum + d.alerts, 0);
    return this.transloco.translate('home.chart.summary', { total, days: days.length });
  });

  protected readonly data = computed((): ChartConfiguration<'bar'>['data'] => {
    const format = new Intl.DateTimeFormat(this.language.locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
    return {
      labels: this.days().map((d) => format.format(new Date(`${d.date}T00:00:00Z`))),
      datasets: [
        {
          data: this.days().map((d) => d.alerts),
          label: this.transloco.translate('home.chart.alerts'),
          backgroundColor: this.color('--mat-sys-primary', '#3f51b5'),
          borderRadius: 3,
        },
      ],
    };
  });

  protected readonly options = computed((): ChartConfiguration<'bar'>['options'] => {
    this.theme.theme();
    const text = this.color('--mat-sys-on-surface-variant', '#555');
    const grid = this.color('--mat-sys-outline-variant', '#ddd');
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { color: text, autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
      },
    };
  });

  /**
   * Chart.js draws on a canvas: it needs the theme's colours as plain values. The theme's variables may hold
   * `light-dark()`, so the browser resolves them on a probe element (a style set through the DOM, which the CSP allows).
   */
  private color(variable: string, fallback: string): string {
    this.theme.theme();
    const probe = this.document.createElement('span');
    probe.style.color = `var(${variable}, ${fallback})`;
    this.document.body.appendChild(probe);
    const value = getComputedStyle(probe).color;
    probe.remove();
    return value || fallback;
  }
}
