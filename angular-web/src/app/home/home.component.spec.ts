import { Component, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { emptyDeliveryCounts, type DashboardDay, type DashboardResponse, type MessageResponse } from '@avisa/contracts';
import { LiveService } from '../core/live.service';
import { SESSION_STORAGE } from '../core/session.store';
import { configureTestBed, FakeLive, loggedInStorage, render } from '../core/testing';
import { AlertsPerDayChartComponent } from './alerts-per-day-chart.component';
import { HomeComponent } from './home.component';

/** Chart.js needs a real canvas; the chart itself is covered by the browser spec. */
@Component({ selector: 'av-alerts-per-day-chart', template: '' })
class ChartStub {
  readonly days = input.required<DashboardDay[]>();
}

const alert: MessageResponse = {
  id: 'a1',
  sender: 'ana',
  senderDisplay: 'Ana Ruiz',
  target: { kind: 'all', name: null },
  text: 'Cierre a las 14:00',
  priority: 'normal',
  ttlSeconds: 86400,
  createdAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2026-11-23T10:00:00.000Z',
  retractedAt: null,
  retractedBy: null,
  counts: { ...emptyDeliveryCounts(), total: 4, sent: 3, read: 1 },
  replies: [],
  replied: 0,
  attachments: [],
};

const dashboard = (extra: Partial<DashboardResponse> = {}): DashboardResponse => ({
  generatedAt: '2026-11-22T11:00:00.000Z',
  restricted: false,
  timeZone: 'Europe/Madrid',
  sites: {
    total: 4,
    online: 3,
    offline: 1,
    disabled: 0,
    offlineLongest: [
      { name: 'sur', displayName: 'Farmacia Sur', since: '2026-11-20T08:00:00.000Z', neverConnected: false },
    ],
  },
  today: { since: '2026-11-21T23:00:00.000Z', alerts: 1, copies: 4, read: 1, readRate: 0.25 },
  urgentUnread: [
    {
      id: 'u1',
      text: 'Llamad a central',
      senderDisplay: 'Ana Ruiz',
      createdAt: '2026-11-22T09:00:00.000Z',
      sites: 2,
      siteNames: ['norte', 'sur'],
    },
  ],
  lastAlerts: [alert],
  perDay: [{ date: '2026-11-22', alerts: 1 }],
  ...extra,
});

async function setup(answer: DashboardResponse) {
  const live = new FakeLive();
  configureTestBed(
    [HomeComponent],
    [
      provideRouter([]),
      { provide: SESSION_STORAGE, useValue: loggedInStorage() },
      { provide: LiveService, useValue: live },
    ],
  );
  TestBed.overrideComponent(HomeComponent, {
    remove: { imports: [AlertsPerDayChartComponent] },
    add: { imports: [ChartStub] },
  });
  const rendered = await render(HomeComponent);
  rendered.http.expectOne('/api/v1/dashboard').flush(answer);
  await rendered.fixture.whenStable();
  const text = (testId: string) =>
    rendered.el.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
  return { ...rendered, live, text };
}

describe('HomeComponent', () => {
  it('shows the figures, the urgent alerts as links to their detail and the last alerts', async () => {
    const { el, text } = await setup(dashboard());
    expect(text('home-online')).toBe('3');
    expect(text('home-offline')).toBe('1');
    expect(text('home-offline-site')).toContain('Farmacia Sur');
    expect(text('home-today-alerts')).toBe('1');
    expect(text('home-read-rate')).toMatch(/^25\s?%$/);
    expect(text('home-read-copies')).toBe('1 de 4 copias leídas');
    const urgent = el.querySelector<HTMLAnchorElement>('[data-testid="home-urgent-item"]')!;
    expect(urgent.getAttribute('href')).toBe('/operator/history/u1');
    expect(text('home-urgent')).toContain('Sin leer tras los recordatorios en 2 sitio(s): norte, sur');
    expect(text('home-last-counts')).toBe('entregados 1/4 · leídos 1/4');
    expect(el.querySelector('[data-testid="home-first-run"]')).toBeNull();
  });

  it('moves the counts of a last alert as its receipts arrive', async () => {
    const { live, fixture, text } = await setup(dashboard());
    live.deliveryUpdated$.next({
      messageId: 'a1',
      receiver: 'norte',
      state: 'read',
      at: '2026-11-22T11:01:00.000Z',
      reminders: 0,
      flagged: false,
      counts: { ...emptyDeliveryCounts(), total: 4, sent: 1, delivered: 1, read: 2 },
    });
    await fixture.whenStable();
    expect(text('home-last-counts')).toBe('entregados 3/4 · leídos 2/4');
  });

  it('shows the first steps instead of the figures while there is no site', async () => {
    const empty = dashboard({
      sites: { total: 0, online: 0, offline: 0, disabled: 0, offlineLongest: [] },
      today: { since: '2026-11-21T23:00:00.000Z', alerts: 0, copies: 0, read: 0, readRate: null },
      urgentUnread: [],
      lastAlerts: [],
    });
    const { el, text } = await setup(empty);
    expect(text('home-first-run')).toContain('Todavía no hay ningún sitio');
    // An operator is told to ask an admin; the test alert links to the compose screen.
    expect(text('home-step-site')).toContain('Pide a un administrador');
    expect(el.querySelector('[data-testid="home-step-alert-link"]')!.getAttribute('href')).toBe('/operator/compose');
    expect(el.querySelector('[data-testid="home-sites"]')).toBeNull();
  });

  it('tells a restricted operator without sites in its groups to ask an admin, not to create sites', async () => {
    const { el, text } = await setup(
      dashboard({
        restricted: true,
        sites: { total: 0, online: 0, offline: 0, disabled: 0, offlineLongest: [] },
        urgentUnread: [],
        lastAlerts: [],
      }),
    );
    expect(el.querySelector('[data-testid="home-first-run"]')).toBeNull();
    expect(text('home-no-site-in-groups')).toContain('Tus grupos no tienen todavía ningún sitio');
  });
});
