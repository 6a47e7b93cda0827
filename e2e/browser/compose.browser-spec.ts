import { templateDate, type AlertPayload, type ScheduledMessageResponse } from '@avisa/contracts';
import type { Page } from 'playwright-core';
import { eventually } from '../support/eventually';
import type { TestServer } from '../support/server';
import { openSocket, type TestSocket } from '../support/test-socket';
import {
  createOperator,
  createSite,
  failedResource,
  openLoggedIn,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  WAIT_MS,
  type Credentials,
} from './support/browser';

/** A time as the send-later fields take it, day first and in the browser's own zone: `[dd/mm/yyyy, hh:mm]`. */
const localFields = (page: Page, at: number) =>
  page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return [
      `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`,
      `${pad(d.getHours())}:${pad(d.getMinutes())}`,
    ];
  }, at);

/** Compose: a clean start after each send, send later with its list, and templates filled per site. */
describe('browser: compose', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const operator: Credentials = { username: 'marta', password: 'Marta-Turno-2026' };
  const SITES = { 'farmacia-norte': 'Farmacia del Norte', 'farmacia-sur': 'Farmacia Sur' } as const;
  const sockets = new Map<string, TestSocket>();
  const keys = new Map<string, string>();

  /** A simulated site that confirms each alert it gets, as the receiver does. */
  const connectSite = async (name: string) => {
    const socket = openSocket(server, '/receivers', { name, key: keys.get(name)!, clientVersion: 'e2e-site/1.0' });
    socket.socket.on('alert', (a: AlertPayload) => void socket.receipt(a.id, 'delivered').catch(() => {}));
    await socket.connected();
    sockets.set(name, socket);
  };

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Marta Gil');
    for (const [name, displayName] of Object.entries(SITES)) {
      keys.set(name, await createSite(server, admin, name, displayName));
      await connectSite(name);
    }
  });
  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await server?.dispose();
  });

  const chooseOption = async (page: Page, select: string, option: string) => {
    await page.getByTestId(select).click();
    await page.getByTestId(option).click();
  };
  const scheduledViaApi = async () =>
    (await server.api<ScheduledMessageResponse[]>('GET', '/api/v1/messages/scheduled', { token: admin })).body;

  it('returns priority and validity to their defaults after a send, and clears the result when a send fails', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    await page.getByTestId('compose-text').fill('Corte de luz programado esta tarde');
    await chooseOption(page, 'compose-priority', 'priority-urgent');
    await chooseOption(page, 'compose-ttl', 'ttl-3600');
    await page.getByTestId('compose-send').click();
    expect(await textOf(page.getByTestId('result-online'), 'farmacia-sur')).toContain('farmacia-norte');

    expect(await textOf(page.getByTestId('compose-priority'), 'Normal')).toBe('Normal');
    expect(await textOf(page.getByTestId('compose-ttl'), '24 horas')).toBe('24 horas');
    expect(await page.getByTestId('compose-text').inputValue()).toBe('');
    // Sent as urgent once; the next one would have gone out normal.
    const [last] = (await server.api('GET', '/api/v1/messages?pageSize=1', { token: admin })).body.items;
    expect(last).toMatchObject({ priority: 'urgent', ttlSeconds: 3600 });

    browser.allow(failedResource(404));
    await page.getByTestId('target-receiver').click();
    await page.getByTestId('compose-target-name').fill('farmacia-fantasma');
    await page.keyboard.press('Escape');
    await page.getByTestId('compose-text').fill('Este no sale');
    await page.getByTestId('compose-send').click();
    await page.getByTestId('compose-name-error').waitFor();
    await page.getByTestId('compose-result').waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('schedules an alert for later, lists it, edits it and cancels it', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    await page.getByTestId('scheduled-empty').waitFor();
    await page.getByTestId('compose-text').fill('Inventario trimestral mañana a primera hora');
    await page.getByTestId('compose-send-later').click();
    const sendAt = Date.now() + 2 * 3_600_000;
    const [day, time] = await localFields(page, sendAt);
    await page.getByTestId('compose-send-at').fill(day);
    await page.getByTestId('compose-send-at-time').fill(time);
    expect(await textOf(page.getByTestId('compose-send'), 'Programar aviso')).toContain('Programar aviso');
    await page.getByTestId('compose-send').click();
    await page.getByTestId('compose-scheduled-result').waitFor();

    const item = page.getByTestId('scheduled-item');
    expect(await textOf(item.getByTestId('scheduled-text'), 'Inventario trimestral')).toBe(
      'Inventario trimestral mañana a primera hora',
    );
    const [stored] = await scheduledViaApi();
    expect(stored).toMatchObject({ text: 'Inventario trimestral mañana a primera hora', target: { kind: 'all' } });
    expect(Math.abs(Date.parse(stored.sendAt) - sendAt)).toBeLessThan(60_000);
    // Nothing went out.
    expect([...sockets.values()].every((s) => s.alerts(stored.id).length === 0)).toBe(true);
    await screenshot(page, 'compose-scheduled');

    await item.getByTestId('scheduled-edit').click();
    await page.getByTestId('scheduled-edit-text').fill('Inventario trimestral a las 10');
    await page.getByTestId('scheduled-edit-save').click();
    await page.getByTestId('scheduled-edit-form').waitFor({ state: 'detached' });
    expect(await textOf(item.getByTestId('scheduled-text'), 'a las 10')).toBe('Inventario trimestral a las 10');
    expect((await scheduledViaApi())[0].text).toBe('Inventario trimestral a las 10');

    await item.getByTestId('scheduled-cancel').click();
    await page.getByTestId('confirm').click();
    await page.getByTestId('scheduled-empty').waitFor();
    expect(await scheduledViaApi()).toEqual([]);

    // One due in a moment (scheduled by a script): listed, then gone from the list once it went out, without a reload.
    const soon = await server.api('POST', '/api/v1/messages', {
      token: admin,
      body: {
        target: { kind: 'receiver', name: 'farmacia-sur' },
        text: 'Recordatorio de guardia',
        sendAt: new Date(Date.now() + 3000).toISOString(),
      },
    });
    expect(soon.status).toBe(202);
    await page.reload();
    expect(await textOf(item.getByTestId('scheduled-text'), 'guardia')).toBe('Recordatorio de guardia');
    await page.getByTestId('scheduled-empty').waitFor({ timeout: 15_000 });
    const got = await eventually(
      () => sockets.get('farmacia-sur')!.alerts(soon.body.id),
      (alerts) => alerts.length > 0,
      WAIT_MS,
    );
    expect(got.map((a) => a.text)).toEqual(['Recordatorio de guardia']);
  });

  it('fills a template per site: each site gets its own name and the date, the detail keeps the template', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    const template = 'Hola {sitio}: revisad la nevera de vacunas hoy {fecha}';
    await page.getByTestId('compose-text').fill(template);
    expect(await textOf(page.getByTestId('compose-template-hint'), 'Plantilla')).toContain('{sitio}');
    await page.getByTestId('compose-send').click();
    await page.getByTestId('compose-result').waitFor();

    const id = await until(
      async () => (await server.api('GET', '/api/v1/messages?pageSize=1', { token: admin })).body.items[0],
      (m) => m?.text === template,
    );
    const today = templateDate(Date.parse(id.createdAt));
    for (const [name, displayName] of Object.entries(SITES)) {
      const got = await eventually(
        () => sockets.get(name)!.alerts(id.id),
        (alerts) => alerts.length > 0,
        WAIT_MS,
      );
      expect(got.map((a) => a.text)).toEqual([`Hola ${displayName}: revisad la nevera de vacunas hoy ${today}`]);
    }

    await page.getByTestId('result-detail').click();
    expect(await textOf(page.getByTestId('detail-text'), template)).toBe(template);
    await page.getByTestId('detail-template').waitFor();
  });

  it('sends a scheduled alert whose time came while the server was stopped once it is back, once, and moves it from the scheduled list to the history', async () => {
    // Far enough ahead for the page to list it first, even on a loaded machine; the outage then spans its time.
    const sendAt = new Date(Date.now() + 20_000).toISOString();
    const text = 'Tras el corte, {sitio}: comprobad la cadena de frío';
    const scheduled = await server.api('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'receiver', name: 'farmacia-sur' }, text, sendAt },
    });
    expect(scheduled.status).toBe(202);
    const id = (scheduled.body as ScheduledMessageResponse).id;
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    expect(await textOf(page.getByTestId('scheduled-text'), text)).toBe(text);

    // The outage: the server stops before the alert's time and comes back after it, on the same data. The open page
    // fails to reach it meanwhile, as any browser would.
    browser.allow(/WebSocket connection to 'wss:\/\/127\.0\.0\.1:\d+\/socket\.io\/.*' failed/);
    browser.allow(/Failed to load resource: net::ERR_CONNECTION_REFUSED/);
    for (const socket of sockets.values()) socket.close();
    const { dir, port } = server;
    await server.stop();
    await eventually(
      () => Date.now(),
      (now) => now > Date.parse(sendAt) + 500,
      30_000,
    );
    server = await startWebServer({ dir, port });
    await connectSite('farmacia-sur');

    const got = await eventually(
      () => sockets.get('farmacia-sur')!.alerts(id),
      (alerts) => alerts.length > 0,
      WAIT_MS,
    );
    expect(got.map((a) => a.text)).toEqual(['Tras el corte, Farmacia Sur: comprobad la cadena de frío']);
    // The operator's page reconnects by itself; the history lists the alert as delivered, the scheduled list no more.
    await page.goto('/operator/history');
    const row = page.getByTestId('history-row').filter({ hasText: 'Tras el corte' });
    expect(await textOf(row.getByTestId('history-delivered'), /^1\D+1$/)).toMatch(/^1\D+1$/);
    await page.goto('/operator/compose');
    await page.getByTestId('scheduled-empty').waitFor();
    expect(sockets.get('farmacia-sur')!.alerts(id)).toHaveLength(1);
  });
});
