import { configureTestBed, FakeLive, renderLoaded } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ScheduledMessageResponse } from '@avisa/contracts';
import { LiveService } from '../../core/live.service';
import { ScheduledListComponent } from './scheduled-list.component';

const scheduled = (id: string, text: string, sendAt: string): ScheduledMessageResponse => ({
  id,
  state: 'scheduled',
  problem: null,
  sender: 'ana',
  senderDisplay: 'Ana Soporte',
  target: { kind: 'receiver', name: 'farmacia-sur' },
  text,
  priority: 'normal',
  ttlSeconds: 86400,
  replies: [],
  attachments: [],
  sendAt,
  createdAt: '2026-12-04T08:00:00.000Z',
  updatedAt: '2026-12-04T08:00:00.000Z',
});
const LIST = [
  scheduled('a', 'Inventario a las 9', '2026-12-05T08:00:00.000Z'),
  scheduled('b', 'Hola {sitio}', '2026-12-06T08:00:00.000Z'),
];

async function setup(live = new FakeLive()) {
  configureTestBed([ScheduledListComponent], [{ provide: LiveService, useValue: live }]);
  return { live, ...(await renderLoaded(ScheduledListComponent, '/api/v1/messages/scheduled', LIST)) };
}

const items = (el: HTMLElement) => [...el.querySelectorAll<HTMLElement>('[data-testid="scheduled-item"]')];
const texts = (el: HTMLElement) =>
  items(el).map((i) => i.querySelector('[data-testid="scheduled-text"]')?.textContent?.trim());

describe('ScheduledListComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists the waiting alerts with their target and sender, and marks a template', async () => {
    const { el } = await setup();
    expect(texts(el)).toEqual(['Inventario a las 9', 'Hola {sitio}']);
    expect(items(el)[0].textContent).toContain('por Ana Soporte');
    expect(items(el)[1].textContent).toContain('Plantilla');
    expect(items(el)[0].textContent).not.toContain('Plantilla');
  });

  it('cancels one after confirming', async () => {
    const { fixture, http, el } = await setup();
    items(el)[0]
      .querySelector<HTMLElement>('[data-testid="scheduled-cancel"] button, [data-testid="scheduled-cancel"]')!
      .click();
    await fixture.whenStable();
    expect(document.body.textContent).toContain('«Inventario a las 9» no se enviará.');
    document.querySelector<HTMLButtonElement>('[data-testid="confirm"]')!.click();
    await fixture.whenStable();
    const request = http.expectOne('/api/v1/messages/scheduled/a');
    expect(request.request.method).toBe('DELETE');
    request.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Hola {sitio}']);
  });

  it('shows one that could not be sent with why, and dismisses it without asking', async () => {
    configureTestBed([ScheduledListComponent], [{ provide: LiveService, useValue: new FakeLive() }]);
    const failed = { ...LIST[0], state: 'failed' as const, problem: 'site "farmacia-sur" does not exist' };
    const { fixture, http, el } = await renderLoaded(ScheduledListComponent, '/api/v1/messages/scheduled', [failed]);
    expect(items(el)[0].querySelector('[data-testid="scheduled-failed"]')?.textContent).toContain(
      'No se pudo enviar a su hora: site "farmacia-sur" does not exist',
    );
    expect(items(el)[0].querySelector('[data-testid="scheduled-edit"]')).toBeNull();
    items(el)[0]
      .querySelector<HTMLElement>('[data-testid="scheduled-dismiss"] button, [data-testid="scheduled-dismiss"]')!
      .click();
    await fixture.whenStable();
    http.expectOne('/api/v1/messages/scheduled/a').flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(texts(el)).toEqual([]);
  });

  it('loads again when an alert goes out, so a sent one leaves the list', async () => {
    const { fixture, http, el, live } = await setup();
    live.messageCreated$.next({ id: 'a', sender: 'ana', priority: 'normal', createdAt: '2026-12-05T08:00:00.000Z' });
    http.expectOne('/api/v1/messages/scheduled').flush([LIST[1]]);
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Hola {sitio}']);
  });
});
