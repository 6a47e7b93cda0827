import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT, TestServer, sleep, type StartOptions } from '../../support/server';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const WEB_DIR = join(ROOT, 'angular-web/dist/browser');
/**
 * Where the specs' screenshots go: a git-ignored folder during `npm test`, so a test run leaves the tree as it was;
 * `npm run screenshots` points it at the README's copies in docs/screenshots on purpose.
 */
export const SCREENSHOTS_DIR = resolve(ROOT, process.env.AVISA_SCREENSHOTS_DIR || '.tmp/screenshots');
/** The longest any single UI wait may take. */
export const WAIT_MS = 10_000;
export const LAPTOP = { width: 1280, height: 800 };
export const TABLET = { width: 768, height: 1024 };
/** The README's screenshots: a small laptop, the screen most operators have. */
export const SCREENSHOT_SIZE = { width: 1366, height: 768 };

const CHROMIUM_ARGS = [
  // The test servers' certificates are self-signed. With a context's ignoreHTTPSErrors instead, every new TLS
  // connection raises a certificate error that restarts its request (up to 3 restarts per request and 3 TLS
  // connections per needed one in a quiet page load); on a loaded machine one request reached Chromium's limit of
  // 32 restarts and failed with net::ERR_TOO_MANY_RETRIES. Accepted at the socket, the certificate costs no
  // restart. Only the test server's origin is ever reached (see newPage).
  '--ignore-certificate-errors',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The browser's own line for an HTTP error answer, e.g. a refused login (401) or a locked account (429). */
export const failedResource = (status: number) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}\\b`);

/** The built server with the built web app, and a login rate per address high enough for many browser logins. */
export async function startWebServer(options: StartOptions = {}): Promise<TestServer> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    throw new Error(`the web app is not built in ${WEB_DIR}: run "npm run build" first`);
  }
  return TestServer.start({
    ...options,
    env: { AVISA_WEB_DIR: WEB_DIR, AVISA_LOGIN_IP_LIMIT: '1000', ...options.env },
  });
}

/**
 * One Chromium per spec file and a fresh context (cookies, storage) per `newPage()`. Every console error and uncaught
 * page error of every page is recorded, and the test fails in `afterEach` if any appeared that the test did not
 * explicitly allow with `allow()`.
 */
export class BrowserHarness {
  private browser: Browser | null = null;
  private contexts: BrowserContext[] = [];
  private problems: string[] = [];
  private allowed: RegExp[] = [];

  async launch(): Promise<void> {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  }

  /**
   * A new browser profile (own sessionStorage and localStorage) with one page open on `path`; the browser speaks
   * Spanish from Spain unless `locale` says otherwise.
   */
  async newPage(server: TestServer, path = '/', viewport = LAPTOP, locale = 'es-ES'): Promise<Page> {
    if (!this.browser) throw new Error('the browser is not running');
    // The server's certificate is self-signed and generated per run, and accepted by the browser (CHROMIUM_ARGS).
    const context = await this.browser.newContext({
      baseURL: server.baseUrl,
      viewport,
      locale,
      timezoneId: 'Europe/Madrid',
    });
    context.setDefaultTimeout(WAIT_MS);
    context.setDefaultNavigationTimeout(WAIT_MS * 2);
    context.on('page', (page) => this.watch(page));
    // Certificate errors are ignored, so nothing but the test server may be reached: any other request is an error.
    await context.route(
      (url) => url.origin !== server.baseUrl,
      (route) => {
        this.problems.push(`request outside the test server: ${route.request().url()}`);
        return route.abort('blockedbyclient');
      },
    );
    this.contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    return page;
  }

  /** Another tab of the same browser profile. */
  async newTab(page: Page, path = '/'): Promise<Page> {
    const tab = await page.context().newPage();
    await tab.goto(path);
    return tab;
  }

  /** Lets console errors matching `pattern` pass for the current test only; say why where it is called. */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  /** The problems recorded so far in this test (and forgets them): for tests that provoke one on purpose. */
  take(): string[] {
    const taken = this.problems;
    this.problems = [];
    return taken;
  }

  private watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (this.allowed.some((pattern) => pattern.test(text))) return;
      const where = message.location().url;
      this.problems.push(`console error: ${text}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.stack ?? error.message}`));
  }

  /** Closes the test's pages and fails the test if any page reported an error. */
  async finishTest(): Promise<void> {
    const contexts = this.contexts;
    this.contexts = [];
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    const problems = this.take();
    this.allowed = [];
    if (problems.length) throw new Error(`the browser reported errors:\n${problems.join('\n')}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close().catch(() => undefined)));
    this.contexts = [];
    await this.browser?.close();
    this.browser = null;
  }
}

/** Registers the harness's hooks in the enclosing `describe` (or the file). */
export function useBrowser(): BrowserHarness {
  const harness = new BrowserHarness();
  beforeAll(() => harness.launch());
  afterEach(() => harness.finishTest());
  afterAll(() => harness.close());
  return harness;
}

/** Polls `read` until `accept` holds (or `timeoutMs` passes) and returns the last value, for the caller's assertion. */
export async function until<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await sleep(100);
    value = await read();
  }
  return value;
}

/** The visible text of `locator` once it matches `expected` (or whatever it shows after the wait). */
export async function textOf(locator: Locator, expected: string | RegExp, timeoutMs = WAIT_MS): Promise<string> {
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  return until(
    async () =>
      normalize(
        await locator
          .first()
          .innerText({ timeout: 1000 })
          .catch(() => ''),
      ),
    matches,
    timeoutMs,
  );
}

export const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

export const loginForm = (page: Page) => page.getByTestId('login-form');

/** Fills the login dialog and waits for it to close. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await submitLogin(page, username, password);
  await loginForm(page).waitFor({ state: 'detached' });
  await page.getByTestId('user-menu').waitFor();
}

/**
 * Fills the login dialog, submits it and returns the HTTP status the server answered. On a loaded machine the
 * dialog can be opened again (a screen's first loads answered 401 while it was being filled), leaving an empty
 * form: then it is filled and submitted once more.
 */
export async function submitLogin(page: Page, username: string, password: string): Promise<number> {
  const isLogin = (url: string) => new URL(url).pathname === '/api/v1/auth/login';
  for (let attempt = 1; ; attempt++) {
    const form = loginForm(page);
    await form.waitFor();
    await form.locator('input[name="username"]').fill(username);
    await form.locator('input[name="password"]').fill(password);
    const response = page.waitForResponse((r) => isLogin(r.url()));
    const sent = page
      .waitForRequest((r) => isLogin(r.url()), { timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );
    await page.getByTestId('login-submit').click();
    if ((await sent) || attempt === 2) return (await response).status();
    response.catch(() => undefined);
  }
}

/** Opens `path` in a new browser profile and logs in there. */
export async function openLoggedIn(
  harness: BrowserHarness,
  server: TestServer,
  user: { username: string; password: string },
  path = '/',
  viewport = LAPTOP,
): Promise<Page> {
  const page = await harness.newPage(server, path, viewport);
  await logIn(page, user.username, user.password);
  return page;
}

/** The session token this tab holds (per-tab sessionStorage), to call the API as the same session. */
export async function tabToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => sessionStorage.getItem('avisa.session'));
  if (!stored) throw new Error('this tab has no session');
  return (JSON.parse(stored) as { token: string }).token;
}

/** The pathname the app is on once it equals `expected` (or whatever it is after the wait). */
export async function pathOf(page: Page, expected: string): Promise<string> {
  return until(
    () => new URL(page.url()).pathname,
    (p) => p === expected,
  );
}

// ---- data through the API, as the admin ----

export interface Credentials {
  username: string;
  password: string;
}

export async function createOperator(
  server: TestServer,
  adminToken: string,
  user: Credentials,
  displayName?: string,
  role: 'operator' | 'member' = 'operator',
) {
  const response = await server.api('POST', '/api/v1/users', {
    token: adminToken,
    body: { ...user, role, ...(displayName ? { displayName } : {}) },
  });
  if (response.status !== 201) throw new Error(`create operator: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: number; username: string };
}

/** Creates a site and returns its key. */
export async function createSite(server: TestServer, adminToken: string, name: string, displayName?: string) {
  const response = await server.api('POST', '/api/v1/receivers', {
    token: adminToken,
    body: { name, ...(displayName ? { displayName } : {}) },
  });
  if (response.status !== 201) throw new Error(`create site: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.key as string;
}

export async function createGroup(server: TestServer, token: string, name: string, members: string[]) {
  const response = await server.api('POST', '/api/v1/groups', { token, body: { name, members } });
  if (response.status !== 201) throw new Error(`create group: ${response.status} ${JSON.stringify(response.body)}`);
}

// ---- screenshots for the docs ----

const isDark = async (page: Page) => page.evaluate(() => document.documentElement.classList.contains('dark'));

async function useTheme(page: Page, dark: boolean): Promise<void> {
  if ((await isDark(page)) === dark) return;
  const toggle = page.getByTestId('theme-toggle');
  const overlayOpen = await page.locator('.cdk-overlay-backdrop').count();
  if (!overlayOpen && (await toggle.isVisible())) {
    await toggle.click();
  } else {
    // A dialog covers the toolbar (or no one is logged in yet): set the class the theme toggle sets on <html>.
    await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), dark);
  }
  const now = await until(
    () => isDark(page),
    (d) => d === dark,
  );
  if (now !== dark) throw new Error(`the theme did not switch to ${dark ? 'dark' : 'light'}`);
}

/**
 * Saves `<SCREENSHOTS_DIR>/<name>-light.png` and `<name>-dark.png` of the page as it is, at 1366×768 (or `size`), and
 * leaves the page in the theme it had.
 */
export async function screenshot(page: Page, name: string, size = SCREENSHOT_SIZE): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const viewport = page.viewportSize();
  await page.setViewportSize(size);
  const wasDark = await isDark(page);
  for (const dark of [false, true]) {
    await useTheme(page, dark);
    // Let the theme transition and any ripple finish.
    await page.mouse.move(0, size.height - 1);
    await sleep(400);
    await page.screenshot({
      path: join(SCREENSHOTS_DIR, `${name}-${dark ? 'dark' : 'light'}.png`),
      animations: 'disabled',
      caret: 'hide',
    });
  }
  await useTheme(page, wasDark);
  if (viewport) await page.setViewportSize(viewport);
}
