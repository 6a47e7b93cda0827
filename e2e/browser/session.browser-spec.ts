import type { TestServer } from '../support/server';
import {
  createOperator,
  failedResource,
  logIn,
  loginForm,
  openLoggedIn,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** What happens to an open app when its session ends on the server, or when the server goes away and comes back. */
describe('browser: session and connection', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
  });
  afterAll(() => server?.dispose());

  it('asks for the password again when the session ends, and keeps the text being written', async () => {
    const user: Credentials = { username: 'nuria', password: 'Nuria-Turno-2026' };
    const { id } = await createOperator(server, admin, user);
    const page = await openLoggedIn(browser, server, user, '/operator/compose');
    const draft = 'Revisad la nevera de vacunas antes de cerrar';
    const text = page.getByTestId('compose-text');
    await text.fill(draft);

    // An admin sets a new password for her: every session she had ends at once. Any request the app makes with the
    // ended session is answered 401, which Chromium logs as a failed resource.
    browser.allow(failedResource(401));
    const newPassword = 'Nuria-Nueva-2026';
    const reset = await server.api('PUT', `/api/v1/users/${id}/password`, {
      token: admin,
      body: { password: newPassword },
    });
    expect(reset.status).toBe(204);

    const reason = page.getByTestId('login-reason');
    expect(await textOf(reason, 'Tu sesión ha caducado', 15_000)).toContain('Tu sesión ha caducado');
    expect(await loginForm(page).locator('input[name="username"]').inputValue()).toBe(user.username);

    await logIn(page, user.username, newPassword);
    expect(await text.inputValue()).toBe(draft);
    expect(new URL(page.url()).pathname).toBe('/operator/compose');
  });

  it('shows that the server cannot be reached, and stops showing it when the server is back', async () => {
    const user: Credentials = { username: 'jorge', password: 'Jorge-Turno-2026' };
    await createOperator(server, admin, user);
    const page = await openLoggedIn(browser, server, user, '/operator/sites');
    const banner = page.getByTestId('connection-lost');
    // Give the live socket its moment to connect, so its loss is what the banner reports.
    await page.waitForTimeout(500);
    expect(await banner.count()).toBe(0);

    // While the server is down, Chromium logs each refused reconnection attempt of the socket (and any refused
    // request) itself; those lines are the expected symptom here, not an app error.
    browser.allow(/WebSocket connection to 'wss:\/\/127\.0\.0\.1:\d+\/socket\.io\/.*' failed/);
    browser.allow(/Failed to load resource: net::ERR_CONNECTION_REFUSED/);
    const { dir, port } = server;
    await server.stop('SIGKILL');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await textOf(banner, 'Se ha perdido la conexión con el servidor')).toContain(
      'Se ha perdido la conexión con el servidor',
    );

    server = await startWebServer({ dir, port });
    admin = await server.loginAdmin();
    // Socket.IO retries with growing waits of at most 10 s.
    await banner.waitFor({ state: 'detached', timeout: 25_000 });
    expect(
      await until(
        () => banner.count(),
        (n) => n === 0,
      ),
    ).toBe(0);
    expect(await page.getByTestId('user-menu').isVisible()).toBe(true);
    expect(await loginForm(page).count()).toBe(0);
  });
});
