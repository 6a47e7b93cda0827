import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import { openSocket, type TestSocket } from '../support/test-socket';
import {
  createOperator,
  createSite,
  normalize,
  openLoggedIn,
  pathOf,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

interface Raised {
  title: string;
  body: string;
}

/**
 * The home screen: the first-run checklist while there is no site, the figures following sites that connect and
 * alerts that are read without a reload (sites simulated by sockets on the receivers' namespace), and a browser
 * notification when an urgent alert ends its reminders unread and when someone mentions the operator in a room.
 */
describe('browser: the home dashboard', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  let operatorId: number;
  const operator: Credentials = { username: 'rosa', password: 'Rosa-Turno-2026' };
  const keys = new Map<string, string>();
  const sites: TestSocket[] = [];

  beforeAll(async () => {
    server = await startWebServer({
      env: { AVISA_URGENT_REMINDER_SECONDS: '1', AVISA_URGENT_MAX_REMINDERS: '1' },
    });
    admin = await server.loginAdmin();
    operatorId = (await createOperator(server, admin, operator, 'Rosa Martín')).id;
  });
  afterAll(async () => {
    for (const site of sites) site.close();
    await server?.dispose();
  });

  const connectSite = async (name: string) => {
    const socket = openSocket(server, '/receivers', { name, key: keys.get(name), clientVersion: 'e2e-site/1.0' });
    sites.push(socket);
    await socket.connected();
    return socket;
  };

  const send = async (body: Record<string, unknown>) => {
    const response = await server.api('POST', '/api/v1/messages', { token: admin, body });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  /** Records each `new Notification(…)` of the page (set before the app's scripts run, so reloads the page). */
  const recordNotifications = async (page: Page) => {
    await page.context().grantPermissions(['notifications'], { origin: server.baseUrl });
    await page.addInitScript(() => {
      const raised: { title: string; body: string }[] = [];
      (window as unknown as { raised: typeof raised }).raised = raised;
      const Original = window.Notification;
      class Recorded extends Original {
        constructor(title: string, options?: NotificationOptions) {
          raised.push({ title, body: options?.body ?? '' });
          super(title, options);
        }
      }
      window.Notification = Recorded;
    });
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
  };
  const raised = (page: Page) => page.evaluate(() => (window as unknown as { raised: Raised[] }).raised);

  it('shows the first steps while there is no site, each linking to its screen', async () => {
    const page = await openLoggedIn(browser, server, { username: 'admin', password: ADMIN_PASSWORD });
    // The first screen after login for an admin or an operator.
    expect(await pathOf(page, '/home')).toBe('/home');
    const steps = page.getByTestId('home-first-run');
    expect(await textOf(steps, 'Primeros pasos')).toContain('Todavía no hay ningún sitio');
    expect(await page.getByTestId('home-sites').count()).toBe(0);
    await screenshot(page, 'home-first-run');
    await page.getByTestId('home-step-site-link').click();
    expect(await pathOf(page, '/admin/sites')).toBe('/admin/sites');
    await page.goBack();
    await page.getByTestId('home-step-alert-link').click();
    expect(await pathOf(page, '/operator/compose')).toBe('/operator/compose');
    // The compose screen says there is nothing to send to yet (not "0 connected of 0") and leads back.
    expect(await textOf(page.getByTestId('compose-no-site'), 'ningún sitio')).toContain(
      'Todavía no hay ningún sitio al que enviar.',
    );
    expect(await page.getByTestId('compose-all-summary').count()).toBe(0);
    await page.getByTestId('compose-no-site').getByRole('link').click();
    expect(await pathOf(page, '/home')).toBe('/home');

    // An operator cannot create sites: told to ask an admin, with the way to the compose screen.
    const operatorPage = await openLoggedIn(browser, server, operator);
    expect(await pathOf(operatorPage, '/home')).toBe('/home');
    expect(await textOf(operatorPage.getByTestId('home-step-site'), 'administrador')).toContain(
      'Pide a un administrador que lo cree.',
    );
    expect(await operatorPage.getByTestId('home-step-site-link').count()).toBe(0);
  });

  it('follows sites connecting and alerts being read without a reload', async () => {
    for (const name of ['alfa', 'bravo']) keys.set(name, await createSite(server, admin, name, `Farmacia ${name}`));
    const page = await openLoggedIn(browser, server, operator);
    expect(await textOf(page.getByTestId('home-online'), '0')).toBe('0');
    expect(await textOf(page.getByTestId('home-offline'), '2')).toBe('2');
    expect(await page.getByTestId('home-offline-site').count()).toBe(2);

    const alfa = await connectSite('alfa');
    expect(await textOf(page.getByTestId('home-online'), '1')).toBe('1');
    expect(await textOf(page.getByTestId('home-offline'), '1')).toBe('1');
    expect(await page.getByTestId('home-offline-site').getAttribute('data-site')).toBe('bravo');

    const id = await send({ target: { kind: 'all' }, text: 'Revisad la cadena de frío' });
    expect(await textOf(page.getByTestId('home-today-alerts'), '1')).toBe('1');
    const last = page.locator(`[data-testid="home-last-item"][data-message-id="${id}"]`);
    expect(await textOf(last, 'Revisad la cadena de frío')).toContain('leídos 0/2');

    await until(
      () => alfa.alerts(id).length,
      (n) => n > 0,
    );
    await alfa.receipt(id, 'read');
    expect(normalize(await textOf(last.getByTestId('home-last-counts'), 'leídos 1/2'))).toBe(
      'entregados 1/2 · leídos 1/2',
    );
    expect(await textOf(page.getByTestId('home-read-copies'), '1 de 2')).toBe('1 de 2 copias leídas');
    expect(normalize(await textOf(page.getByTestId('home-read-rate'), '50'))).toMatch(/^50\s?%$/);
    // The chart counts today's alert.
    expect(await page.getByTestId('home-chart').getAttribute('aria-label')).toBe('1 avisos en los últimos 30 días');
    await screenshot(page, 'home');
  });

  it('notifies an urgent alert left unread after its reminders, one click from its detail, and a mention', async () => {
    const page = await openLoggedIn(browser, server, operator);
    await recordNotifications(page);
    await page.getByTestId('home-notify').click();
    const toggle = page.getByTestId('home-notify').locator('button');
    expect(
      await until(
        () => toggle.getAttribute('aria-checked'),
        (checked) => checked === 'true',
      ),
    ).toBe('true');
    // Remembered in this browser.
    expect(await page.evaluate(() => localStorage.getItem('avisa.notify'))).toBe('on');

    const bravo = await connectSite('bravo');
    const id = await send({
      target: { kind: 'receiver', name: 'bravo' },
      text: 'Llamad a central',
      priority: 'urgent',
    });
    await until(
      () => bravo.alerts(id).length,
      (n) => n > 0,
    );
    await bravo.receipt(id, 'delivered');

    const urgent = await until(
      () => raised(page),
      (r) => r.some((n) => n.title === 'Aviso urgente sin leer'),
    );
    expect(urgent).toContainEqual({
      title: 'Aviso urgente sin leer',
      body: '1 sitio(s) no lo han leído tras los recordatorios: bravo',
    });
    const item = page.locator(`[data-testid="home-urgent-item"][data-message-id="${id}"]`);
    expect(await textOf(item, 'Llamad a central')).toContain('Llamad a central');
    await item.click();
    expect(await pathOf(page, `/operator/history/${id}`)).toBe(`/operator/history/${id}`);

    // A mention in a room the operator is in.
    const room = await server.api('POST', '/api/v1/rooms', { token: admin, body: { name: 'Turno', kind: 'public' } });
    expect(room.status).toBe(201);
    const roomId = room.body.id as number;
    const added = await server.api('PUT', `/api/v1/rooms/${roomId}/members/${operatorId}`, { token: admin, body: {} });
    expect(added.status).toBe(200);
    // The PUT answers once the operator's sockets joined the room (the gateway listens before the answer leaves).
    const posted = await server.api('POST', `/api/v1/rooms/${roomId}/messages`, {
      token: admin,
      body: { text: '@rosa ¿puedes mirar la farmacia bravo?' },
    });
    expect(posted.status).toBe(201);
    const mention = await until(
      () => raised(page),
      (r) => r.some((n) => n.body.includes('@rosa')),
    );
    expect(mention).toContainEqual(expect.objectContaining({ body: '@rosa ¿puedes mirar la farmacia bravo?' }));
    expect(mention.find((n) => n.body.includes('@rosa'))!.title).toMatch(/te ha mencionado$/);
    // A message without the mention raises nothing: the next mention is the only one after it.
    for (const text of ['gracias', '@rosa y la de alfa también']) {
      const sent = await server.api('POST', `/api/v1/rooms/${roomId}/messages`, { token: admin, body: { text } });
      expect(sent.status).toBe(201);
    }
    const all = await until(
      () => raised(page),
      (r) => r.some((n) => n.body.includes('alfa también')),
    );
    expect(all.map((n) => n.body).filter((b) => !b.includes('sitio(s)'))).toEqual([
      '@rosa ¿puedes mirar la farmacia bravo?',
      '@rosa y la de alfa también',
    ]);
  });
});
