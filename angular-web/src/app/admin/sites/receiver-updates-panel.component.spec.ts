import { aSite, configureTestBed, serverError } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { ReceiverResponse, ReceiverUpdatesResponse } from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { Notifier } from '../../core/notifier';
import { byTestId } from '../shared/testing';
import { ReceiverUpdatesPanelComponent } from './receiver-updates-panel.component';

const SERVED: ReceiverUpdatesResponse = {
  available: { version: '0.10.0', createdAt: '2026-11-20T10:00:00.000Z', files: [] },
  rollout: null,
  nightWindow: '02:00-05:00',
  sites: [],
};

const SITES: ReceiverResponse[] = [
  aSite('farmacia-centro', { clientVersion: 'avisa-receiver/0.10.0' }),
  aSite('farmacia-norte', { clientVersion: 'avisa-receiver/0.9.3' }),
  aSite('farmacia-sur', { clientVersion: 'avisa-receiver/0.2.0' }),
  aSite('farmacia-este'),
  aSite('farmacia-oeste', { enabled: false, clientVersion: 'avisa-receiver/0.1.0' }),
];

async function setup(status: ReceiverUpdatesResponse | null, confirmed = true) {
  const dialog = { open: vi.fn(() => ({ afterClosed: () => of(confirmed) })) };
  const notifier = { info: vi.fn() };
  configureTestBed([ReceiverUpdatesPanelComponent], [{ provide: Notifier, useValue: notifier }]);
  TestBed.overrideProvider(MatDialog, { useValue: dialog });
  const fixture = TestBed.createComponent(ReceiverUpdatesPanelComponent);
  fixture.componentRef.setInput('status', status);
  fixture.componentRef.setInput('sites', SITES);
  const changed = vi.fn();
  fixture.componentInstance.changed.subscribe(changed);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const text = (id: string) => byTestId(el, id)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const press = async (id: string) => {
    byTestId(el, id)!.click();
    await fixture.whenStable();
  };
  return { fixture, el, text, press, dialog, notifier, changed, http: TestBed.inject(HttpTestingController) };
}

describe('ReceiverUpdatesPanelComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows the served version and how many enabled sites are up to date, behind, or unknown', async () => {
    const { text } = await setup(SERVED);
    expect(text('updates-served')).toContain('0.10.0');
    expect(text('count-current')).toBe('Al día: 1');
    expect(text('count-behind')).toBe('Por detrás: 2');
    expect(text('count-unknown')).toBe('Versión desconocida: 1');
    expect(text('updates-no-rollout')).toContain('No hay ninguna actualización en marcha');
    expect(text('updates-cancel')).toBeNull();
  });

  it('says how to publish packages when the server serves none, and offers no update', async () => {
    const { text } = await setup({ ...SERVED, available: null });
    expect(text('updates-none')).toContain('no publica paquetes del receptor');
    expect(text('updates-panel')).toContain('npm run package:receiver');
    expect(text('updates-panel')).toContain('AVISA_RECEIVER_PACKAGES_DIR');
    expect(text('updates-now')).toBeNull();
  });

  it('starts an update tonight after confirmation and asks for the status again', async () => {
    const { press, http, dialog, notifier, changed } = await setup(SERVED);
    await press('updates-night');
    expect(dialog.open).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        data: expect.objectContaining({
          titleKey: 'manageSites.updates.confirm.night.title',
          params: { version: '0.10.0', window: '02:00-05:00' },
        }),
      }),
    );
    const req = http.expectOne('/api/v1/receiver-updates');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ version: '0.10.0', when: 'night' });
    req.flush({ version: '0.10.0', when: 'night', startedBy: 'admin', startedAt: '2026-11-22T10:00:00.000Z' });
    expect(notifier.info).toHaveBeenCalledWith('manageSites.updates.started.night', {
      version: '0.10.0',
      window: '02:00-05:00',
    });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('starts nothing when the confirmation is declined', async () => {
    const { press, http, changed } = await setup(SERVED, false);
    await press('updates-now');
    http.expectNone('/api/v1/receiver-updates');
    expect(changed).not.toHaveBeenCalled();
  });

  it('shows the server refusing a rollout', async () => {
    const { press, http, text, fixture } = await setup(SERVED);
    await press('updates-now');
    http
      .expectOne('/api/v1/receiver-updates')
      .flush(...serverError(400, 'version must be the one this server serves (0.11.0)'));
    await fixture.whenStable();
    expect(text('api-error')).toContain('version must be the one this server serves (0.11.0)');
  });

  it('shows the rollout in force, who started it, and cancels it', async () => {
    const rollout = {
      version: '0.10.0',
      when: 'night' as const,
      startedBy: 'admin',
      startedAt: '2026-11-22T10:00:00Z',
    };
    const { text, press, http, changed, notifier } = await setup({ ...SERVED, rollout });
    expect(text('updates-rollout')).toContain('programada para la noche');
    expect(text('updates-rollout')).toContain('02:00-05:00');
    expect(text('updates-rollout')).toContain('La inició admin');
    await press('updates-cancel');
    const req = http.expectOne('/api/v1/receiver-updates');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    expect(notifier.info).toHaveBeenCalledWith('manageSites.updates.cancelled', { version: '0.10.0' });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('says a rollout of a version no longer served offers nothing', async () => {
    const rollout = { version: '0.9.0', when: 'now' as const, startedBy: 'admin', startedAt: '2026-11-22T10:00:00Z' };
    const { text } = await setup({ ...SERVED, rollout });
    expect(text('updates-stale')).toContain('ya no se ofrece');
  });

  it('lists the sites whose update failed, with their reason', async () => {
    const { el, text } = await setup({
      ...SERVED,
      sites: [
        { name: 'farmacia-centro', version: '0.10.0', state: 'done', reason: null, at: '2026-11-22T02:10:00Z' },
        { name: 'farmacia-norte', version: '0.10.0', state: 'failed', reason: 'disk full', at: '2026-11-22T02:12:00Z' },
      ],
    });
    expect(text('updates-failed')).toContain('(1)');
    const failed = [...el.querySelectorAll<HTMLElement>('[data-testid="updates-failed-site"]')];
    expect(failed.map((f) => f.dataset['site'])).toEqual(['farmacia-norte']);
    expect(failed[0].textContent).toContain('disk full');
  });
});
