import { serverError, configureTestBed } from '../../core/testing';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { AuditEventResponse, AuditPage } from '@avisa/contracts';
import { vi } from 'vitest';
import { AuditComponent } from './audit.component';

const event = (id: number, overrides: Partial<AuditEventResponse> = {}): AuditEventResponse => ({
  id,
  at: new Date(Date.UTC(2026, 10, 22, 8, 0, id)).toISOString(),
  actorKind: 'user',
  actor: 'admin',
  action: 'user.created',
  target: `user-${id}`,
  ip: '10.0.0.9',
  details: { role: 'operator' },
  ...overrides,
});

const page = (ids: number[], lastReadId: number | null, total = ids.length): AuditPage => ({
  items: ids.map((id) => event(id)),
  total,
  page: 1,
  pageSize: 50,
  lastReadId,
});

const isList = (r: { url: string; method: string }) => r.method === 'GET' && r.url === '/api/v1/audit';

async function setup(first: AuditPage) {
  // Only intervals are faked: the countdown is driven by hand, everything else runs as usual.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  configureTestBed([AuditComponent]);
  const fixture = TestBed.createComponent(AuditComponent);
  const http = TestBed.inject(HttpTestingController);
  await fixture.whenStable();
  const request = http.expectOne(isList);
  request.flush(first);
  await fixture.whenStable();
  return { fixture, http, el: fixture.nativeElement as HTMLElement, request };
}

const byTestId = <T extends HTMLElement = HTMLElement>(el: Element, id: string) =>
  el.querySelector<T>(`[data-testid="${id}"]`);
const allByTestId = (el: Element, id: string) => [...el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

/** The table body from top to bottom: row ids, and "line" where the last-read line is. */
const bodyOrder = (el: HTMLElement) =>
  [...el.querySelectorAll<HTMLElement>('[data-testid="audit-row"], [data-testid="audit-last-read"]')].map((r) =>
    r.dataset['testid'] === 'audit-last-read' ? 'line' : Number(r.dataset['id']),
  );

const unreadIds = (el: HTMLElement) =>
  [...el.querySelectorAll<HTMLElement>('[data-testid="audit-row"].unread')].map((r) => Number(r.dataset['id']));

async function tick(fixture: ComponentFixture<unknown>, seconds: number) {
  vi.advanceTimersByTime(seconds * 1000);
  await fixture.whenStable();
}

async function type(fixture: ComponentFixture<unknown>, input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

const params = (request: TestRequest) =>
  Object.fromEntries(request.request.params.keys().map((k) => [k, request.request.params.get(k)]));

describe('AuditComponent', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    vi.useRealTimers();
  });

  it('asks for the first page, newest first, without filters', async () => {
    const { el, request } = await setup(page([3, 2, 1], null));
    expect(params(request)).toEqual({ page: '1', pageSize: '50' });
    expect(bodyOrder(el)).toEqual([3, 2, 1]);
    const first = byTestId(el, 'audit-row')!;
    expect(first.textContent).toContain('Usuario creado');
    expect(first.textContent).toContain('user-3');
    expect(first.textContent).toContain('10.0.0.9');
    expect(first.textContent).toContain('Rol: operador');
    expect(first.textContent).not.toContain('user.created');
  });

  it('draws the last-read line after the unread rows and keeps it there after a refresh', async () => {
    const { fixture, http, el } = await setup(page([10, 9, 8, 7], 8));
    expect(bodyOrder(el)).toEqual([10, 9, 'line', 8, 7]);
    expect(byTestId(el, 'audit-last-read')!.textContent).toContain('Último leído');
    expect(unreadIds(el)).toEqual([10, 9]);

    byTestId(el, 'audit-refresh')!.click();
    await fixture.whenStable();
    http.expectOne(isList).flush(page([12, 11, 10, 9, 8, 7], 8));
    await fixture.whenStable();
    expect(bodyOrder(el)).toEqual([12, 11, 10, 9, 'line', 8, 7]);
    expect(unreadIds(el)).toEqual([12, 11, 10, 9]);
  });

  it('shows no line while nothing was read, and every row as unread', async () => {
    const { el } = await setup(page([2, 1], null));
    expect(byTestId(el, 'audit-last-read')).toBeNull();
    expect(unreadIds(el)).toEqual([2, 1]);
  });

  it('marks everything read with the newest id shown, moving the line to the top', async () => {
    const { fixture, http, el } = await setup(page([10, 9, 8], 8));
    byTestId(el, 'audit-mark-read')!.click();
    await fixture.whenStable();

    const put = http.expectOne('/api/v1/audit/last-read');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ lastReadId: 10 });
    put.flush({ lastReadId: 10, updatedAt: new Date().toISOString() });
    await fixture.whenStable();

    expect(bodyOrder(el)).toEqual(['line', 10, 9, 8]);
    expect(unreadIds(el)).toEqual([]);
    expect(byTestId<HTMLButtonElement>(el, 'audit-mark-read')!.disabled).toBe(true);
  });

  it('counts down to the next refresh, refreshes at zero, and a manual refresh starts again from 5:00', async () => {
    const { fixture, http, el } = await setup(page([1], null));
    const countdown = () => byTestId(el, 'audit-countdown')!.textContent!.trim();
    expect(countdown()).toBe('Actualización en 5:00');
    await tick(fixture, 1);
    expect(countdown()).toBe('Actualización en 4:59');
    await tick(fixture, 60);
    expect(countdown()).toBe('Actualización en 3:59');

    byTestId(el, 'audit-refresh')!.click();
    await fixture.whenStable();
    http.expectOne(isList).flush(page([1], null));
    await fixture.whenStable();
    expect(countdown()).toBe('Actualización en 5:00');

    await tick(fixture, 299);
    expect(countdown()).toBe('Actualización en 0:01');
    http.expectNone(isList);
    await tick(fixture, 1);
    http.expectOne(isList).flush(page([2, 1], 1));
    await fixture.whenStable();
    expect(countdown()).toBe('Actualización en 5:00');
    expect(bodyOrder(el)).toEqual([2, 'line', 1]);
  });

  it('builds the query from the filters (local days and times as instants, the end minute included) and goes back to page 1', async () => {
    const { fixture, http, el } = await setup(page([1], null));
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-from')!, '20/11/2026');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-from-time')!, '08:00');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-to')!, '21/11/2026');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-to-time')!, '18:30');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-user')!, '  marin ');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-text')!, ' login ');
    byTestId(el, 'audit-apply')!.click();
    await fixture.whenStable();

    const request = http.expectOne(isList);
    expect(params(request)).toEqual({
      from: new Date(2026, 10, 20, 8, 0, 0, 0).toISOString(),
      to: new Date(2026, 10, 21, 18, 30, 59, 999).toISOString(),
      user: 'marin',
      q: 'login',
      page: '1',
      pageSize: '50',
    });
    request.flush(page([1], null));
    await fixture.whenStable();

    byTestId(el, 'audit-clear')!.click();
    await fixture.whenStable();
    expect(params(http.expectOne(isList))).toEqual({ page: '1', pageSize: '50' });
    expect(byTestId<HTMLInputElement>(el, 'audit-user')!.value).toBe('');
    expect(byTestId<HTMLInputElement>(el, 'audit-from')!.value).toBe('');
    expect(byTestId<HTMLInputElement>(el, 'audit-to-time')!.value).toBe('');
  });

  it('takes a day without a time as the whole day', async () => {
    const { fixture, http, el } = await setup(page([1], null));
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-from')!, '20/11/2026');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-to')!, '21/11/26');
    byTestId(el, 'audit-apply')!.click();
    await fixture.whenStable();
    expect(params(http.expectOne(isList))).toEqual({
      from: new Date(2026, 10, 20, 0, 0, 0, 0).toISOString(),
      to: new Date(2026, 10, 21, 23, 59, 59, 999).toISOString(),
      page: '1',
      pageSize: '50',
    });
  });

  it('says which date or time it cannot read, in Spanish, and asks the server nothing', async () => {
    const { fixture, http, el } = await setup(page([1], null));
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-from')!, '2026/11/20');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-to-time')!, '25:00');
    byTestId(el, 'audit-apply')!.click();
    await fixture.whenStable();
    http.expectNone(isList);
    expect([...el.querySelectorAll('mat-error')].map((e) => e.textContent!.trim())).toEqual([
      'Escribe la fecha como dd/mm/aaaa',
      'Escribe la hora como hh:mm',
    ]);
    expect(byTestId<HTMLInputElement>(el, 'audit-from')!.value).toBe('2026/11/20');
  });

  it("shows the server's refusal of the filters right below them", async () => {
    const { fixture, http, el } = await setup(page([1], null));
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-from')!, '21/11/2026');
    await type(fixture, byTestId<HTMLInputElement>(el, 'audit-to')!, '20/11/2026');
    el.querySelector('form')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    http.expectOne(isList).flush(...serverError(400, 'from must not be later than to'));
    await fixture.whenStable();

    const error = el.querySelector('form')!.nextElementSibling!.querySelector('av-api-error')!;
    expect(error.tagName.toLowerCase()).toBe('av-api-error');
    expect(error.textContent).toContain('Revisa los datos:');
    expect(error.textContent).toContain('from must not be later than to');
    // The rows of the earlier filters are not left standing as if they answered these.
    expect(bodyOrder(el)).toEqual([]);
  });

  it('exports the applied filters as a CSV download named by the server', async () => {
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:audit';
    });
    URL.revokeObjectURL = vi.fn();
    const clicks: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    try {
      const { fixture, http, el } = await setup(page([1], null));
      await type(fixture, byTestId<HTMLInputElement>(el, 'audit-text')!, '=cmd');
      byTestId(el, 'audit-apply')!.click();
      await fixture.whenStable();
      http.expectOne(isList).flush(page([1], null));
      await fixture.whenStable();

      byTestId(el, 'audit-export')!.click();
      await fixture.whenStable();
      const request = http.expectOne((r) => r.url === '/api/v1/audit/export');
      expect(request.request.method).toBe('GET');
      expect(request.request.responseType).toBe('text');
      expect(params(request)).toEqual({ q: '=cmd' });
      request.flush('id,at\n1,x\n', {
        headers: { 'content-disposition': 'attachment; filename="avisa-auditoria-2026-11-22.csv"' },
      });
      await fixture.whenStable();

      expect(clicks).toEqual(['avisa-auditoria-2026-11-22.csv']);
      expect(await created[0].text()).toBe('id,at\n1,x\n');
    } finally {
      click.mockRestore();
    }
  });

  it("shows an export failure in the server's words", async () => {
    const { fixture, http, el } = await setup(page([1], null));
    byTestId(el, 'audit-export')!.click();
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/audit/export')
      .flush(JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'admins only' }), {
        status: 403,
        statusText: 'Forbidden',
      });
    await fixture.whenStable();
    const error = byTestId(el, 'api-error')!;
    expect(error.textContent).toContain('No tienes permiso para hacer esto:');
    expect(error.textContent).toContain('admins only');
  });

  it('says the details as labelled values in Spanish, and expands them one per line', async () => {
    const { fixture, el } = await setup({
      ...page([], null),
      items: [
        event(3, {
          action: 'audit.exported',
          details: { filters: { q: 'retract', from: '2026-11-20T08:00:00.000Z' }, rows: 1, truncated: false },
        }),
        event(2, { action: 'message.retracted', details: { toldSites: 6 } }),
        event(1, { action: 'auth.login.failed', details: { reason: 'wrong password', nested: { a: 1 } } }),
      ],
      total: 3,
    });
    const [exported, retracted, failed] = allByTestId(el, 'audit-details').map((d) => d.textContent!.trim());
    expect(exported).toMatch(
      /^Filtros: Texto: «retract», Desde: 20\/11\/(20)?26,? \d{1,2}:00:00 · Filas: 1 · Recortado: No$/,
    );
    expect(retracted).toBe('Sitios avisados: 6');
    expect(failed).toBe('Motivo: contraseña incorrecta · «nested»: «a»: 1');
    for (const text of [exported, retracted, failed]) expect(text).not.toMatch(/reason|toldSites|truncated|\{"/);

    const toggle = allByTestId(el, 'audit-details-toggle')[2];
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await fixture.whenStable();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const full = byTestId(el, 'audit-details-full')!;
    expect([...full.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual(['Motivo', '«nested»']);
    expect([...full.querySelectorAll('dd')].map((dd) => dd.textContent)).toEqual(['contraseña incorrecta', '«a»: 1']);
  });
});
