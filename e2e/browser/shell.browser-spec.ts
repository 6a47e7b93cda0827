import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server';
import {
  createOperator,
  openLoggedIn,
  pathOf,
  startWebServer,
  tabToken,
  TABLET,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** The app's frame: language, admin-only areas, the Content-Security-Policy and the tablet layout. */
describe('browser: the shell', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const operator: Credentials = { username: 'lucia', password: 'Lucia-Turno-2026' };
  const member: Credentials = { username: 'marta', password: 'Marta-Mostrador-2026' };

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Lucía Gómez');
    await createOperator(server, admin, member, 'Marta Ruiz', 'member');
  });
  afterAll(() => server?.dispose());

  const nav = (page: Page) => page.locator('mat-sidenav');
  const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

  it('switches between Spanish and English, and keeps the choice after a reload', async () => {
    const page = await openLoggedIn(browser, server, operator);
    expect(await textOf(nav(page), 'Enviar aviso')).toContain('Enviar aviso');
    expect(await htmlLang(page)).toBe('es');

    await page.getByTestId('language-menu').click();
    await page.getByTestId('language-en').click();
    expect(await textOf(nav(page), 'Send alert')).toContain('Send alert');
    expect(await nav(page).innerText()).not.toContain('Enviar aviso');
    expect(await htmlLang(page)).toBe('en');

    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(await textOf(nav(page), 'Send alert')).toContain('Send alert');
    expect(await htmlLang(page)).toBe('en');

    await page.getByTestId('language-menu').click();
    await page.getByTestId('language-es').click();
    expect(await textOf(nav(page), 'Enviar aviso')).toContain('Enviar aviso');
    expect(await htmlLang(page)).toBe('es');
  });

  it('keeps an operator out of the admin area, and the API refuses that session too', async () => {
    const page = await openLoggedIn(browser, server, operator, '/admin/audit');
    expect(await pathOf(page, '/home')).toBe('/home');
    const notice = page.locator('mat-snack-bar-container');
    expect(await textOf(notice, 'Esa sección es solo para administradores.')).toContain(
      'Esa sección es solo para administradores.',
    );
    expect(await textOf(nav(page), 'Enviar aviso')).toContain('Historial');
    expect(await nav(page).innerText()).not.toContain('Administración');
    expect(await nav(page).locator('a[href^="/admin"]').count()).toBe(0);

    const token = await tabToken(page);
    expect((await server.api('GET', '/api/v1/audit', { token })).status).toBe(403);
    // The same session still works where an operator may go.
    expect((await server.api('GET', '/api/v1/receivers', { token })).status).toBe(200);
  });

  it('gives a member a page of their own and the chat, and no alert, site or admin screen (the API refuses them too)', async () => {
    const page = await openLoggedIn(browser, server, member, '/operator/history');
    expect(await pathOf(page, '/member')).toBe('/member');
    expect(await textOf(page.getByTestId('member-home-title'), 'Hola, Marta Ruiz')).toBe('Hola, Marta Ruiz');
    const notice = page.locator('mat-snack-bar-container');
    expect(await textOf(notice, 'Esa sección es para operadores y administradores.')).toContain(
      'Esa sección es para operadores y administradores.',
    );
    expect(
      await nav(page)
        .locator('a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    ).toEqual(['/member', '/chat', '/files']);
    await page.getByTestId('member-open-chat').click();
    expect(await pathOf(page, '/chat')).toBe('/chat');
    expect(await textOf(page.getByTestId('room-list'), 'Aún no estás en ninguna sala')).toContain('Aún no estás');

    for (const path of ['/admin/users', '/operator/compose']) {
      await page.goto(`${server.baseUrl}${path}`);
      expect(await pathOf(page, '/member')).toBe('/member');
    }
    const token = await tabToken(page);
    for (const path of ['/api/v1/receivers', '/api/v1/messages', '/api/v1/groups', '/api/v1/phrases']) {
      expect({ path, status: (await server.api('GET', path, { token })).status }).toEqual({ path, status: 403 });
    }
    expect((await server.api('GET', '/api/v1/auth/me', { token })).body).toMatchObject({ role: 'member' });
  });

  it('serves the app with a strict Content-Security-Policy, and the app runs under it without violations', async () => {
    const response = await server.api('GET', '/', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const csp = String(response.headers['content-security-policy'] ?? '');
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    const page = await openLoggedIn(browser, server, operator);
    await page.getByTestId('language-menu').click();
    await page.keyboard.press('Escape');
    expect(browser.take()).toEqual([]);

    // The error watch does see a violation: an inline script is refused and reported.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    const seen = await until(
      () => browser.take(),
      (problems) => problems.length > 0,
    );
    expect(seen.join('\n')).toMatch(/Content Security Policy/);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
  });

  it('shows a menu button instead of the side navigation on a tablet', async () => {
    const page = await openLoggedIn(browser, server, operator, '/', TABLET);
    const menu = page.getByRole('button', { name: 'Menú' });
    await menu.waitFor();
    expect(await nav(page).isVisible()).toBe(false);

    await menu.click();
    await nav(page).waitFor({ state: 'visible' });
    await nav(page).getByText('Historial').click();
    expect(await pathOf(page, '/operator/history')).toBe('/operator/history');
    await nav(page).waitFor({ state: 'hidden' });
  });
});
