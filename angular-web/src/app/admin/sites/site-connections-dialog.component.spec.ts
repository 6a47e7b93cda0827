import { configureTestBed } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA } from '@angular/material/dialog';
import type { ReceiverConnectionResponse, ReceiverResponse } from '@avisa/contracts';
import { allByTestId, byTestId } from '../shared/testing';
import { SiteConnectionsDialogComponent, duration } from './site-connections-dialog.component';

const SITE = { name: 'farmacia-norte', displayName: 'Farmacia Norte' } as ReceiverResponse;

const connection = (id: number, extra: Partial<ReceiverConnectionResponse>): ReceiverConnectionResponse => ({
  id,
  address: '10.0.0.4',
  clientVersion: '1.0.0',
  connectedAt: '2026-11-22T10:00:00.000Z',
  disconnectedAt: null,
  endReason: null,
  ...extra,
});

async function setup() {
  configureTestBed([SiteConnectionsDialogComponent], [{ provide: MAT_DIALOG_DATA, useValue: SITE }]);
  const fixture = TestBed.createComponent(SiteConnectionsDialogComponent);
  await fixture.whenStable();
  return { fixture, el: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController) };
}

describe('SiteConnectionsDialogComponent', () => {
  it('lists the connections with their duration and why they ended, in plain words', async () => {
    const { fixture, el, http } = await setup();
    http
      .expectOne('/api/v1/receivers/farmacia-norte/connections')
      .flush([
        connection(3, {}),
        connection(2, { disconnectedAt: '2026-11-22T11:05:00.000Z', endReason: 'key rotated' }),
        connection(1, { disconnectedAt: '2026-11-22T10:00:42.000Z', endReason: 'something new' }),
      ]);
    await fixture.whenStable();
    const rows = allByTestId(el, 'connection-row').map((r) => r.textContent ?? '');
    expect(rows[0]).toContain('Sigue conectado');
    expect(rows[1]).toContain('1 h 5 min');
    expect(rows[1]).toContain('Se cambió la clave');
    expect(rows[2]).toContain('42 s');
    expect(rows[2]).toContain('something new');
  });

  it('says when a site never connected', async () => {
    const { fixture, el, http } = await setup();
    http.expectOne('/api/v1/receivers/farmacia-norte/connections').flush([]);
    await fixture.whenStable();
    expect(byTestId(el, 'connections-empty')?.textContent).toContain('no se ha conectado nunca');
  });

  it('measures durations in days, hours, minutes or seconds', () => {
    expect(duration('2026-11-20T10:00:00Z', '2026-11-22T13:00:00Z')).toEqual({
      key: 'manageSites.duration.days',
      params: { d: 2, h: 3 },
    });
    expect(duration('2026-11-22T10:00:00Z', '2026-11-22T10:03:07Z')).toEqual({
      key: 'manageSites.duration.minutes',
      params: { m: 3, s: 7 },
    });
    expect(duration('2026-11-22T10:00:00Z', null, Date.parse('2026-11-22T10:00:09Z'))).toEqual({
      key: 'manageSites.duration.seconds',
      params: { s: 9 },
    });
  });
});
