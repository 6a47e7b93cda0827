import { serverError, configureTestBed, aSite, renderLoaded } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { ReceiverUpdatesResponse, ReceiverWithKeyResponse } from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { LiveService } from '../../core/live.service';
import { Notifier } from '../../core/notifier';
import { ConfirmDialogComponent } from '../../core/ui/confirm-dialog.component';
import { FakeLive, allByTestId, byTestId, typeInto } from '../shared/testing';
import { AdminSitesComponent, REPORTS_SETTLE_MS } from './admin-sites.component';
import { SiteConnectionsDialogComponent } from './site-connections-dialog.component';
import { SiteFormDialogComponent } from './site-form-dialog.component';
import { SiteKeyDialogComponent } from './site-key-dialog.component';

const site = aSite;

const SITES = [
  site('farmacia-centro', { online: true, clientVersion: '1.0.0' }),
  site('farmacia-norte'),
  site('farmacia-sur', { enabled: false }),
];

const NO_PACKAGES: ReceiverUpdatesResponse = { available: null, rollout: null, nightWindow: '02:00-05:00', sites: [] };

/** MatDialog stand-in: each open answers what `answers` says for that dialog. */
function fakeDialog(answers: Map<unknown, unknown>) {
  return { open: vi.fn((component: unknown) => ({ afterClosed: () => of(answers.get(component)) })) };
}

async function setup(answers = new Map<unknown, unknown>(), updates = NO_PACKAGES, sites = SITES) {
  const live = new FakeLive();
  const dialog = fakeDialog(answers);
  const notifier = { info: vi.fn() };
  configureTestBed(
    [AdminSitesComponent],
    [
      { provide: LiveService, useValue: live },
      { provide: Notifier, useValue: notifier },
    ],
  );
  TestBed.overrideProvider(MatDialog, { useValue: dialog });
  const { fixture, el, http } = await renderLoaded(AdminSitesComponent, '/api/v1/receivers', sites);
  http.expectOne('/api/v1/receiver-updates').flush(updates);
  await fixture.whenStable();
  const row = (name: string) => el.querySelector<HTMLElement>(`[data-testid="admin-site-row"][data-site="${name}"]`)!;
  const stable = () => fixture.whenStable();
  return { fixture, el, http, live, dialog, notifier, row, stable };
}

describe('AdminSitesComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists every site with its state, and filters by name', async () => {
    const { el, row, stable } = await setup();
    expect(allByTestId(el, 'admin-site-row').map((r) => r.dataset['site'])).toEqual([
      'farmacia-centro',
      'farmacia-norte',
      'farmacia-sur',
    ]);
    expect(byTestId(row('farmacia-centro'), 'site-online')?.textContent).toContain('Conectado');
    expect(row('farmacia-centro').textContent).toContain('1.0.0');
    typeInto(byTestId(el, 'site-filter'), 'NORTE');
    await stable();
    expect(allByTestId(el, 'admin-site-row').map((r) => r.dataset['site'])).toEqual(['farmacia-norte']);
  });

  it('follows the live presence of the sites', async () => {
    const { live, row, stable } = await setup();
    live.presence$.next({
      name: 'farmacia-norte',
      online: true,
      connectedSince: '2026-11-22T10:00:00.000Z',
      lastSeenAt: '2026-11-22T10:00:00.000Z',
      clientVersion: '1.2.0',
    });
    await stable();
    expect(byTestId(row('farmacia-norte'), 'site-online')?.textContent).toContain('Conectado');
    expect(row('farmacia-norte').textContent).toContain('1.2.0');
  });

  it("marks the sites behind the served version and shows each one's last update report", async () => {
    const sites = [
      site('farmacia-centro', { online: true, clientVersion: 'avisa-receiver/0.10.0' }),
      site('farmacia-norte', { clientVersion: 'avisa-receiver/0.9.3' }),
      site('farmacia-sur', { enabled: false }),
    ];
    const updates: ReceiverUpdatesResponse = {
      ...NO_PACKAGES,
      available: { version: '0.10.0', createdAt: '2026-11-20T10:00:00.000Z', files: [] },
      sites: [
        { name: 'farmacia-centro', version: '0.10.0', state: 'done', reason: null, at: '2026-11-21T02:10:00.000Z' },
        {
          name: 'farmacia-norte',
          version: '0.10.0',
          state: 'failed',
          reason: 'disk full',
          at: '2026-11-21T02:12:00.000Z',
        },
      ],
    };
    const { el, row } = await setup(undefined, updates, sites);
    const version = (name: string) => byTestId(row(name), 'site-version')!;
    expect(version('farmacia-centro').textContent).toContain('0.10.0');
    expect(byTestId(version('farmacia-centro'), 'site-behind')).toBeNull();
    expect(byTestId(version('farmacia-norte'), 'site-behind')?.textContent).toContain('Por detrás');
    expect(byTestId(version('farmacia-sur'), 'site-behind')).toBeNull();
    expect(byTestId(version('farmacia-centro'), 'site-update-report')?.textContent).toContain('Actualizado a 0.10.0');
    const failed = byTestId(version('farmacia-norte'), 'site-update-report')!;
    expect(failed.textContent).toContain('Falló la actualización a 0.10.0');
    expect(failed.textContent).toContain('disk full');
    expect(failed.classList).toContain('av-error');
    expect(byTestId(el, 'updates-served')?.textContent).toContain('0.10.0');
  });

  it('reloads the sites and the update status with the refresh button', async () => {
    const { el, http, stable } = await setup();
    byTestId(el, 'sites-refresh')!.click();
    await stable();
    http.expectOne('/api/v1/receivers').flush(SITES);
    http.expectOne('/api/v1/receiver-updates').flush(NO_PACKAGES);
    await stable();
    expect(byTestId(el, 'updates-none')).not.toBeNull();
  });

  it('loads the update reports again once sites have stopped connecting', async () => {
    const { live, http, row, stable } = await setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      const connect = (clientVersion: string) =>
        live.presence$.next({
          name: 'farmacia-norte',
          online: true,
          connectedSince: new Date().toISOString(),
          lastSeenAt: new Date().toISOString(),
          clientVersion,
        });
      connect('avisa-receiver/0.9.0');
      vi.advanceTimersByTime(REPORTS_SETTLE_MS - 1);
      connect('avisa-receiver/0.10.0');
      vi.advanceTimersByTime(REPORTS_SETTLE_MS - 1);
      http.expectNone('/api/v1/receiver-updates');
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    http.expectOne('/api/v1/receiver-updates').flush({
      ...NO_PACKAGES,
      available: { version: '0.10.0', createdAt: '2026-11-20T10:00:00.000Z', files: [] },
      sites: [{ name: 'farmacia-norte', version: '0.10.0', state: 'done', reason: null, at: '2026-11-22T02:10:00Z' }],
    });
    await stable();
    expect(byTestId(row('farmacia-norte'), 'site-update-report')?.textContent).toContain('Actualizado a 0.10.0');
  });

  it('creates a site and then shows its key once', async () => {
    const created: ReceiverWithKeyResponse = { ...site('farmacia-este'), key: 'avr_new' };
    const { el, dialog, stable } = await setup(new Map([[SiteFormDialogComponent, created]]));
    byTestId(el, 'site-create')!.click();
    await stable();
    expect(dialog.open).toHaveBeenNthCalledWith(
      2,
      SiteKeyDialogComponent,
      expect.objectContaining({ data: { site: created, rotated: false }, disableClose: true }),
    );
    expect(allByTestId(el, 'admin-site-row').map((r) => r.dataset['site'])).toContain('farmacia-este');
  });

  it('disables a site with PATCH {enabled:false}', async () => {
    const { http, row, notifier, stable } = await setup();
    row('farmacia-norte').querySelector<HTMLElement>('[data-testid="site-enabled"] button')!.click();
    await stable();
    const req = http.expectOne('/api/v1/receivers/farmacia-norte');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ enabled: false });
    req.flush({ ...SITES[1], enabled: false });
    await stable();
    expect(notifier.info).toHaveBeenCalledWith('manageSites.disabledDone', { name: 'farmacia-norte' });
  });

  it('shows a failed change in the row and puts the toggle back', async () => {
    const { http, row, stable } = await setup();
    const toggle = () => row('farmacia-norte').querySelector<HTMLButtonElement>('[data-testid="site-enabled"] button')!;
    toggle().click();
    await stable();
    http
      .expectOne('/api/v1/receivers/farmacia-norte')
      .flush(...serverError(404, 'site "farmacia-norte" does not exist'));
    await stable();
    expect(byTestId(row('farmacia-norte'), 'api-error')?.textContent).toContain('does not exist');
    expect(toggle().getAttribute('aria-checked')).toBe('true');
  });

  it('rotates a key after confirmation and shows the new key once', async () => {
    const { http, row, dialog, stable } = await setup(new Map([[ConfirmDialogComponent, true]]));
    byTestId(row('farmacia-centro'), 'site-rotate')!.click();
    await stable();
    const req = http.expectOne('/api/v1/receivers/farmacia-centro/rotate-key');
    expect(req.request.method).toBe('POST');
    const rotated = { ...SITES[0], online: false, key: 'avr_rotated' };
    req.flush(rotated);
    await stable();
    expect(dialog.open).toHaveBeenLastCalledWith(
      SiteKeyDialogComponent,
      expect.objectContaining({ data: { site: rotated, rotated: true } }),
    );
    expect(byTestId(row('farmacia-centro'), 'site-online')?.textContent).toContain('Desconectado');
  });

  it('does not rotate when the confirmation is cancelled', async () => {
    const { http, row, stable } = await setup(new Map([[ConfirmDialogComponent, false]]));
    byTestId(row('farmacia-centro'), 'site-rotate')!.click();
    await stable();
    http.expectNone('/api/v1/receivers/farmacia-centro/rotate-key');
  });

  it('deletes a site after confirmation', async () => {
    const { el, http, row, stable } = await setup(new Map([[ConfirmDialogComponent, true]]));
    byTestId(row('farmacia-sur'), 'site-delete')!.click();
    await stable();
    const req = http.expectOne('/api/v1/receivers/farmacia-sur');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await stable();
    expect(allByTestId(el, 'admin-site-row').map((r) => r.dataset['site'])).toEqual([
      'farmacia-centro',
      'farmacia-norte',
    ]);
  });

  it('opens the connection history of a site', async () => {
    const { row, dialog, stable } = await setup();
    byTestId(row('farmacia-norte'), 'site-connections')!.click();
    await stable();
    expect(dialog.open).toHaveBeenCalledWith(
      SiteConnectionsDialogComponent,
      expect.objectContaining({ data: SITES[1] }),
    );
  });
});
