import { configureTestBed, FakeLive, loggedInStorage } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, Router, convertToParamMap, provideRouter, type Params } from '@angular/router';
import { emptyDeliveryCounts, type MessageResponse, type Page } from '@avisa/contracts';
import { BehaviorSubject, map } from 'rxjs';
import { vi } from 'vitest';
import { LanguageService } from '../../core/i18n';
import { LiveService } from '../../core/live.service';
import { SESSION_STORAGE } from '../../core/session.store';
import { HistoryComponent } from './history.component';

const alert = (id: string, text: string, counts: Partial<MessageResponse['counts']>): MessageResponse => ({
  id,
  sender: 'ana',
  senderDisplay: 'Ana Ruiz',
  target: { kind: 'receiver', name: 'farmacia-centro' },
  text,
  priority: 'normal',
  ttlSeconds: 86400,
  createdAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2026-11-23T10:00:00.000Z',
  retractedAt: null,
  retractedBy: null,
  counts: { ...emptyDeliveryCounts(), ...counts },
  replies: [],
  replied: 0,
  attachments: [],
});

const page = (items: MessageResponse[]): Page<MessageResponse> => ({
  items,
  total: items.length,
  page: 1,
  pageSize: 50,
});
const FIRST = alert('a1', 'Cierre a las 14:00', { total: 3, delivered: 1, read: 1, queued: 1 });
const SECOND = alert('a2', 'Revisad la nevera', { total: 1, queued: 1 });

async function setup(url?: BehaviorSubject<Params>) {
  const live = new FakeLive();
  configureTestBed(
    [HistoryComponent],
    [
      provideRouter([]),
      { provide: SESSION_STORAGE, useValue: loggedInStorage() },
      { provide: LiveService, useValue: live },
      ...(url ? [{ provide: ActivatedRoute, useValue: { queryParamMap: url.pipe(map(convertToParamMap)) } }] : []),
    ],
  );
  const fixture = TestBed.createComponent(HistoryComponent);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  const first = http.expectOne((r) => r.url === '/api/v1/messages');
  expect(first.request.params.get('page')).toBe('1');
  expect(first.request.params.get('pageSize')).toBe('50');
  const asked = first.request.params;
  first.flush(page([FIRST, SECOND]));
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const cell = (id: string, testId: string) =>
    el
      .querySelector(`[data-testid="history-row"][data-message-id="${id}"] [data-testid="${testId}"]`)
      ?.textContent?.trim();
  return { fixture, http, live, el, cell, asked };
}

describe('HistoryComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows delivered (read ones included) and read of the total for each alert', async () => {
    const { el, cell } = await setup();
    expect(el.querySelectorAll('[data-testid="history-row"]').length).toBe(2);
    expect(cell('a1', 'history-delivered')).toBe('2/3');
    expect(cell('a1', 'history-read')).toBe('1/3');
    expect(el.querySelector('[data-message-id="a1"]')?.textContent).toContain('Sitio farmacia-centro');
  });

  it('moves the counts of one alert in place as receipts arrive, and marks a withdrawn one', async () => {
    const { fixture, http, live, el, cell } = await setup();
    live.deliveryUpdated$.next({
      messageId: 'a2',
      receiver: 'farmacia-centro',
      state: 'read',
      at: '2026-11-22T10:05:00.000Z',
      reminders: 0,
      flagged: false,
      counts: { ...emptyDeliveryCounts(), total: 1, read: 1 },
    });
    live.messageRetracted$.next({ id: 'a1' });
    await fixture.whenStable();
    http.expectNone((r) => r.url === '/api/v1/messages');
    expect(cell('a2', 'history-delivered')).toBe('1/1');
    expect(cell('a2', 'history-read')).toBe('1/1');
    expect(cell('a1', 'history-retracted')).toBe('Retirado');
    expect(el.querySelector('[data-message-id="a2"] [data-testid="history-retracted"]')).toBeNull();
  });

  it('reloads once for a burst of new alerts', async () => {
    const { fixture, http, live, el } = await setup();
    vi.useFakeTimers();
    try {
      live.messageCreated$.next({
        id: 'a3',
        sender: 'luis',
        priority: 'normal',
        createdAt: '2026-11-22T11:00:00.000Z',
      });
      live.messageCreated$.next({
        id: 'a4',
        sender: 'luis',
        priority: 'normal',
        createdAt: '2026-11-22T11:00:00.000Z',
      });
      http.expectNone((r) => r.url === '/api/v1/messages');
      vi.advanceTimersByTime(600);
    } finally {
      vi.useRealTimers();
    }
    http
      .expectOne((r) => r.url === '/api/v1/messages')
      .flush(page([alert('a4', 'Nuevo', { total: 1 }), FIRST, SECOND]));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="history-row"]')?.getAttribute('data-message-id')).toBe('a4');
  });

  it('opens the detail of the row that is clicked', async () => {
    const { fixture, el } = await setup();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    el.querySelector<HTMLElement>('[data-message-id="a2"]')!.click();
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith(['/operator/history', 'a2']);
    expect(el.querySelector('[data-message-id="a1"] [data-testid="history-open"]')?.getAttribute('href')).toBe(
      '/operator/history/a1',
    );
  });

  it('loads the filters of its URL, shows them in the fields, and asks the server for exactly those', async () => {
    const url = new BehaviorSubject<Params>({
      from: '2026-11-01',
      to: '2026-11-30',
      sender: 'ana',
      targetKind: 'group',
      target: 'zona norte',
      priority: 'urgent',
      q: 'nevera',
      page: 'ignored',
    });
    const { fixture, el, asked, http } = await setup(url);
    expect(Object.fromEntries(asked.keys().map((k) => [k, asked.get(k)]))).toEqual({
      page: '1',
      pageSize: '50',
      from: '2026-11-01',
      to: '2026-11-30',
      sender: 'ana',
      targetKind: 'group',
      target: 'zona norte',
      priority: 'urgent',
      q: 'nevera',
    });
    const value = (testId: string) => el.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)?.value;
    expect(value('history-from')).toBe('01/11/2026');
    expect(value('history-to')).toBe('30/11/2026');
    expect(value('history-sender')).toBe('ana');
    expect(value('history-target')).toBe('zona norte');
    expect(el.querySelector('[data-testid="history-priority-filter"]')?.textContent).toContain('Urgente');
    url.next({ priority: 'normal' });
    await fixture.whenStable();
    const again = http.expectOne((r) => r.url === '/api/v1/messages');
    expect(again.request.params.get('priority')).toBe('normal');
    expect(again.request.params.get('sender')).toBeNull();
    again.flush(page([]));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="history-empty"]')?.textContent).toContain('Ningún aviso coincide');
  });

  it('puts the filters typed into the URL, leaving out the empty ones', async () => {
    const { fixture, el } = await setup();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    vi.useFakeTimers();
    try {
      const sender = el.querySelector<HTMLInputElement>('[data-testid="history-sender"]')!;
      sender.value = ' ana ';
      sender.dispatchEvent(new Event('input'));
      const from = el.querySelector<HTMLInputElement>('[data-testid="history-from"]')!;
      from.value = '1/11/2026';
      from.dispatchEvent(new Event('input'));
      vi.advanceTimersByTime(450);
    } finally {
      vi.useRealTimers();
    }
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledTimes(1);
    const [, extras] = navigate.mock.calls[0];
    expect(extras?.queryParams).toEqual({
      from: '2026-11-01',
      to: null,
      sender: 'ana',
      targetKind: null,
      target: null,
      priority: null,
      q: null,
    });
  });

  it('keeps a name typed while "clear" is still on its way to the URL, and puts that name in the URL', async () => {
    const url = new BehaviorSubject<Params>({ sender: 'ana' });
    const { fixture, el, http } = await setup(url);
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const sender = el.querySelector<HTMLInputElement>('[data-testid="history-sender"]')!;
    expect(sender.value).toBe('ana');
    el.querySelector<HTMLButtonElement>('[data-testid="history-clear"]')!.click();
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(navigate.mock.calls[0][1]?.queryParams).toMatchObject({ sender: null });
    vi.useFakeTimers();
    try {
      sender.value = 'marta';
      sender.dispatchEvent(new Event('input'));
      // The URL of "clear" arrives only now, after the typing.
      url.next({});
      vi.advanceTimersByTime(450);
    } finally {
      vi.useRealTimers();
    }
    await fixture.whenStable();
    http.expectOne((r) => r.url === '/api/v1/messages').flush(page([FIRST, SECOND]));
    await fixture.whenStable();
    expect(sender.value).toBe('marta');
    expect(navigate).toHaveBeenCalledTimes(2);
    expect(navigate.mock.calls[1][1]?.queryParams).toMatchObject({ sender: 'marta' });
  });

  it('shows the dates of its URL day first and names the calendar in the language of the app, not the browser', async () => {
    const { fixture, el } = await setup(new BehaviorSubject<Params>({ from: '2026-11-21' }));
    const from = el.querySelector<HTMLInputElement>('[data-testid="history-from"]')!;
    const toggle = el.querySelector<HTMLButtonElement>('mat-datepicker-toggle button')!;
    expect(from.value).toBe('21/11/2026');
    expect(from.placeholder).toBe('dd/mm/aaaa');
    expect(toggle.getAttribute('aria-label')).toBe('Abrir el calendario');
    toggle.click();
    await fixture.whenStable();
    const calendar = () => document.querySelector<HTMLElement>('mat-calendar')!;
    const header = () => calendar().querySelector('.mat-calendar-period-button')!.textContent!.trim();
    const firstWeekday = () => calendar().querySelector('th .cdk-visually-hidden')!.textContent!.trim();
    expect(header()).toBe('NOVIEMBRE 2026');
    expect(calendar().querySelector('.mat-calendar-period-button')!.getAttribute('aria-label')).toBe(
      'NOVIEMBRE 2026, Elegir el mes y el año',
    );
    expect(firstWeekday()).toBe('lunes');
    expect(calendar().querySelector('.mat-calendar-body-selected')?.parentElement?.getAttribute('aria-label')).toBe(
      'sábado, 21 de noviembre de 2026',
    );

    const language = TestBed.inject(LanguageService);
    try {
      language.use('en');
      await fixture.whenStable();
      expect(header()).toBe('NOVEMBER 2026');
      expect(firstWeekday()).toBe('Monday');
      expect(from.value).toBe('21/11/2026');
      expect(from.placeholder).toBe('dd/mm/yyyy');
      expect(toggle.getAttribute('aria-label')).toBe('Open the calendar');
    } finally {
      language.use('es');
    }
  });

  it('keeps a date it cannot read in its field, says so, and leaves the URL as it was', async () => {
    const { fixture, el } = await setup();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const from = el.querySelector<HTMLInputElement>('[data-testid="history-from"]')!;
    vi.useFakeTimers();
    try {
      from.value = '31/02/2026';
      from.dispatchEvent(new Event('input'));
      from.dispatchEvent(new Event('blur'));
      vi.advanceTimersByTime(450);
    } finally {
      vi.useRealTimers();
    }
    await fixture.whenStable();
    expect(navigate).not.toHaveBeenCalled();
    expect(from.value).toBe('31/02/2026');
    expect(el.querySelector('mat-error')?.textContent?.trim()).toBe('Escribe la fecha como dd/mm/aaaa');
  });
});
