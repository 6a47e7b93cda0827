import type { TestServer } from '../support/server';
import {
  createOperator,
  failedResource,
  logIn,
  loginForm,
  pathOf,
  screenshot,
  startWebServer,
  submitLogin,
  textOf,
  until,
  useBrowser,
} from './support/browser';

/** Logging in through the dialog: wrong passwords, a locked account, per-tab sessions and the keyboard alone. */
describe('browser: logging in', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    // Two failures in a row lock an account, so the lock is reached quickly.
    server = await startWebServer({ env: { AVISA_LOGIN_MAX_FAILURES: '2' } });
    admin = await server.loginAdmin();
  });
  afterAll(() => server?.dispose());

  it('says the password is wrong next to the form, then the right one opens the app', async () => {
    const user = { username: 'marta', password: 'Marta-Turno-2026' };
    await createOperator(server, admin, user, 'Marta Ruiz');
    // The refused login is an HTTP 401 answer, which Chromium itself logs as a failed resource.
    browser.allow(failedResource(401));
    const page = await browser.newPage(server);
    await loginForm(page).locator('input[name="username"]').fill(user.username);
    await screenshot(page, 'login');

    expect(await submitLogin(page, user.username, 'no-es-esta')).toBe(401);
    expect(await textOf(page.getByTestId('login-error'), 'Usuario o contraseña incorrectos.')).toBe(
      'Usuario o contraseña incorrectos.',
    );
    expect(await loginForm(page).isVisible()).toBe(true);

    await logIn(page, user.username, user.password);
    expect(await page.getByTestId('login-error').count()).toBe(0);
    expect(await textOf(page.getByTestId('user-menu'), 'Marta Ruiz')).toContain('Marta Ruiz');
    // The home dashboard opens once the app knows who logged in (members are sent to their own page).
    expect(await pathOf(page, '/home')).toBe('/home');
  });

  it('shows that a locked account is locked, even with the right password', async () => {
    const user = { username: 'bloqueada', password: 'Bloqueada-Pass-2026' };
    await createOperator(server, admin, user);
    // The failures answer 401 and then 429 (locked); Chromium logs both as failed resources.
    browser.allow(failedResource(401));
    browser.allow(failedResource(429));
    const page = await browser.newPage(server);

    expect(await submitLogin(page, user.username, 'mal-1')).toBe(401);
    expect(await textOf(page.getByTestId('login-error'), 'incorrectos')).toBe('Usuario o contraseña incorrectos.');
    expect(await submitLogin(page, user.username, 'mal-2')).toBe(429);
    const locked = /^Demasiados intentos fallidos: la cuenta está bloqueada\. Vuelve a intentarlo en \d+ min\.$/;
    expect(await textOf(page.getByTestId('login-error'), locked)).toMatch(locked);

    // The same message comes back for the right password while the lock lasts, and the dialog stays.
    expect(await submitLogin(page, user.username, user.password)).toBe(429);
    expect(await textOf(page.getByTestId('login-error'), locked)).toMatch(locked);
    expect(await loginForm(page).isVisible()).toBe(true);
    expect(await page.getByTestId('user-menu').count()).toBe(0);
  });

  it('asks a new tab to log in while the first tab stays logged in, also after reloading it', async () => {
    const user = { username: 'pablo', password: 'Pablo-Turno-2026' };
    await createOperator(server, admin, user);
    const first = await browser.newPage(server);
    await logIn(first, user.username, user.password);

    const second = await browser.newTab(first);
    await loginForm(second).waitFor();
    expect(await second.getByTestId('user-menu').count()).toBe(0);

    await first.bringToFront();
    expect(await first.getByTestId('user-menu').isVisible()).toBe(true);
    expect(await loginForm(first).count()).toBe(0);

    await first.reload();
    await first.getByTestId('user-menu').waitFor();
    expect(await loginForm(first).count()).toBe(0);
    expect(new URL(first.url()).pathname).toBe('/home');
  });

  it('can be completed with the keyboard only', async () => {
    const user = { username: 'teclado', password: 'Teclado-Pass-2026' };
    await createOperator(server, admin, user);
    const page = await browser.newPage(server);
    await loginForm(page).waitFor();
    // The dialog puts the cursor in the first field by itself.
    const focusedName = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    expect(await until(focusedName, (n) => n === 'username')).toBe('username');

    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');

    await loginForm(page).waitFor({ state: 'detached' });
    await page.getByTestId('user-menu').waitFor();
  });
});
