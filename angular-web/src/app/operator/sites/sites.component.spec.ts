import { configureTestBed, FakeLive, loggedInStorage, aReceiver } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ReceiverResponse } from '@avisa/contracts';
import { LiveService } from '../../core/live.service';
import { SESSION_STORAGE } from '../../core/session.store';
import { SitesComponent } from './sites.component';

const receiver = (name: string, online: boolean, displayName: string): ReceiverResponse =>
  aReceiver(name, online, {
    displayName,
    lastSeenAt: '2026-11-21T18:00:00.000Z',
    clientVersion: online ? '1.2.0' : '1.1.0',
  });

const RECEIVERS = [
  receiver('farmacia-sur', false, 'Farmacia Sur'),
  receiver('farmacia-centro', true, 'Farmacia Centro'),
  receiver('botica-norte', false, 'Botica del Norte'),
];

async function setup() {
  const live = new FakeLive();
  configureTestBed(
    [SitesComponent],
    [
      { provide: SESSION_STORAGE, useValue: loggedInStorage() },
      { provide: LiveService, useValue: live },
    ],
  );
  const fixture = TestBed.createComponent(SitesComponent);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  http.expectOne('/api/v1/receivers').flush(RECEIVERS);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const rows = () =>
    [...el.querySelectorAll<HTMLElement>('[data-testid="site-row"]')].map((r) => ({
      site: r.dataset['site'],
      online: r.dataset['online'],
      state: r.querySelector('[data-testid="site-state"]')?.textContent?.trim(),
      version: r.querySelector('[data-testid="site-version"]')?.textContent?.trim(),
    }));
  return { fixture, http, live, el, rows };
}

describe('SitesComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists the sites by name with their state and the online count', async () => {
    const { el, rows } = await setup();
    expect(rows().map((r) => [r.site, r.online, r.state])).toEqual([
      ['botica-norte', 'false', 'Desconectado'],
      ['farmacia-centro', 'true', 'Conectado'],
      ['farmacia-sur', 'false', 'Desconectado'],
    ]);
    expect(el.querySelector('[data-testid="sites-counts"]')?.textContent?.trim()).toBe('1 conectados / 3');
  });

  it('applies a presence event to its row in place, without asking the server again', async () => {
    const { fixture, http, live, el, rows } = await setup();
    live.presence$.next({
      name: 'farmacia-sur',
      online: true,
      connectedSince: '2026-11-22T09:30:00.000Z',
      lastSeenAt: '2026-11-22T09:30:00.000Z',
      clientVersion: '1.3.0',
    });
    await fixture.whenStable();
    http.expectNone('/api/v1/receivers');
    const row = rows().find((r) => r.site === 'farmacia-sur');
    expect(row).toEqual({ site: 'farmacia-sur', online: 'true', state: 'Conectado', version: '1.3.0' });
    const styled = el.querySelector('[data-site="farmacia-sur"] [data-testid="site-state"]');
    expect(styled?.classList).toContain('av-state-online');
    expect(el.querySelector('[data-testid="sites-counts"]')?.textContent?.trim()).toBe('2 conectados / 3');
  });

  it('reloads the list after the live connection comes back', async () => {
    const { fixture, http, live, rows } = await setup();
    live.resynced$.next();
    http.expectOne('/api/v1/receivers').flush([receiver('farmacia-sur', true, 'Farmacia Sur')]);
    await fixture.whenStable();
    expect(rows().map((r) => r.site)).toEqual(['farmacia-sur']);
  });

  it('filters by name or display name, and by state', async () => {
    const { fixture, el, rows } = await setup();
    const input = el.querySelector<HTMLInputElement>('[data-testid="sites-filter"]')!;
    input.value = 'norte';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(rows().map((r) => r.site)).toEqual(['botica-norte']);

    input.value = 'FARMACIA';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(rows().map((r) => r.site)).toEqual(['farmacia-centro', 'farmacia-sur']);

    el.querySelector<HTMLButtonElement>('[data-testid="sites-state-online"] button')!.click();
    await fixture.whenStable();
    expect(rows().map((r) => r.site)).toEqual(['farmacia-centro']);

    input.value = 'nada-parecido';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(rows()).toEqual([]);
    expect(el.querySelector('[data-testid="sites-empty"]')?.textContent).toContain('Ningún sitio coincide');
  });

  it('sorts by a column when its header is clicked', async () => {
    const { fixture, el, rows } = await setup();
    const header = [...el.querySelectorAll<HTMLElement>('th')].find((th) => th.textContent?.includes('Estado'))!;
    header.click();
    await fixture.whenStable();
    expect(rows().map((r) => r.site)).toEqual(['farmacia-centro', 'botica-norte', 'farmacia-sur']);
  });
});
