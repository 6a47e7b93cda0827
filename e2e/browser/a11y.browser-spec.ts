import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import { axeProblems, horizontalOverflow, settled, switchTheme, toTablet } from './support/a11y';
import {
  createGroup,
  createOperator,
  createSite,
  failedResource,
  LAPTOP,
  loginForm,
  openLoggedIn,
  pathOf,
  screenshot,
  startWebServer,
  TABLET,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

type Role = 'admin' | 'operator' | 'member';

/**
 * Every screen and dialog of the app, with whom to log in as and what shows once it has loaded. A new screen is one
 * more line here: it is then checked with axe-core in both themes and measured at tablet width.
 */
interface Screen {
  name: string;
  path: (data: SeedData) => string;
  as: Role;
  /** A selector that is visible once the screen shows its data. */
  ready: string;
  /** For a dialog: the test id of the button on that screen that opens it. */
  dialog?: string;
}

interface SeedData {
  messageId: number;
  roomId: number;
}

const SCREENS: Screen[] = [
  { name: 'home', path: () => '/home', as: 'operator', ready: '[data-testid="home-sites"]' },
  { name: 'compose', path: () => '/operator/compose', as: 'operator', ready: '[data-testid="scheduled-item"]' },
  { name: 'sites', path: () => '/operator/sites', as: 'operator', ready: '[data-testid="site-row"]' },
  { name: 'history', path: () => '/operator/history', as: 'operator', ready: '[data-testid="history-row"]' },
  {
    name: 'alert detail',
    path: (d) => `/operator/history/${d.messageId}`,
    as: 'operator',
    ready: '[data-testid="delivery-row"]',
  },
  { name: 'groups', path: () => '/operator/groups', as: 'operator', ready: '[data-testid="group-row"]' },
  { name: 'quick phrases', path: () => '/operator/phrases', as: 'operator', ready: '[data-testid="phrase-row"]' },
  { name: 'chat', path: (d) => `/chat/${d.roomId}`, as: 'operator', ready: '[data-testid="message-text"]' },
  { name: 'files', path: () => '/files', as: 'operator', ready: '[data-testid="files"]' },
  { name: 'member home', path: () => '/member', as: 'member', ready: '[data-testid="member-home-title"]' },
  { name: 'chat (member)', path: (d) => `/chat/${d.roomId}`, as: 'member', ready: '[data-testid="message-text"]' },
  { name: 'files (member)', path: () => '/files', as: 'member', ready: '[data-testid="files"]' },
  { name: 'home (admin)', path: () => '/home', as: 'admin', ready: '[data-testid="home-sites"]' },
  { name: 'audit', path: () => '/admin/audit', as: 'admin', ready: '[data-testid="audit-row"]' },
  { name: 'users', path: () => '/admin/users', as: 'admin', ready: '[data-testid="user-row"]' },
  { name: 'sites management', path: () => '/admin/sites', as: 'admin', ready: '[data-testid="admin-site-row"]' },
  { name: 'API tokens', path: () => '/admin/tokens', as: 'admin', ready: '[data-testid="token-row"]' },
  {
    name: "a site's card",
    path: () => '/operator/sites',
    as: 'operator',
    ready: '[data-testid="site-row"]',
    dialog: 'site-detail-open',
  },
  {
    name: 'scheduled alert dialog',
    path: () => '/operator/compose',
    as: 'operator',
    ready: '[data-testid="scheduled-item"]',
    dialog: 'scheduled-edit',
  },
  {
    name: 'new group dialog',
    path: () => '/operator/groups',
    as: 'operator',
    ready: '[data-testid="group-row"]',
    dialog: 'group-create',
  },
  {
    name: 'group import dialog',
    path: () => '/operator/groups',
    as: 'operator',
    ready: '[data-testid="group-row"]',
    dialog: 'groups-import',
  },
  {
    name: 'new room dialog',
    path: (d) => `/chat/${d.roomId}`,
    as: 'operator',
    ready: '[data-testid="message-text"]',
    dialog: 'new-room',
  },
  {
    name: 'new user dialog',
    path: () => '/admin/users',
    as: 'admin',
    ready: '[data-testid="user-row"]',
    dialog: 'user-create',
  },
  {
    name: 'new site dialog',
    path: () => '/admin/sites',
    as: 'admin',
    ready: '[data-testid="admin-site-row"]',
    dialog: 'site-create',
  },
  {
    name: 'bulk sites dialog',
    path: () => '/admin/sites',
    as: 'admin',
    ready: '[data-testid="admin-site-row"]',
    dialog: 'sites-bulk',
  },
  {
    name: 'new API token dialog',
    path: () => '/admin/tokens',
    as: 'admin',
    ready: '[data-testid="token-row"]',
    dialog: 'token-create',
  },
  {
    name: 'operator restrictions',
    path: () => '/admin/restrictions',
    as: 'admin',
    ready: '[data-testid="restriction-operator"]',
  },
];

/** Long names, as support teams type them, so the narrow layout is measured against real lengths. */
const LONG_SITE = 'Farmacia Hospital Universitario de la Comarca del Bajo Guadalquivir — Urgencias 24 h';

/** axe-core on every screen in both themes, and every screen measured at 768 px for anything cut at the right. */
describe('browser: accessibility and narrow screens', () => {
  const browser = useBrowser();
  let server: TestServer;
  let data: SeedData;
  const users: Record<Role, Credentials> = {
    admin: { username: 'admin', password: ADMIN_PASSWORD },
    operator: { username: 'carmen', password: 'Carmen-Turno-2026' },
    member: { username: 'pedro', password: 'Pedro-Mostrador-2026' },
  };

  beforeAll(async () => {
    server = await startWebServer();
    const admin = await server.loginAdmin();
    await createOperator(server, admin, users.operator, 'Carmen Villanueva de la Fuente');
    await createOperator(server, admin, users.member, 'Pedro Ruiz', 'member');
    const operator = await server.login(users.operator.username, users.operator.password);
    await createSite(server, admin, 'farmacia-hospital-universitario-comarca-bajo-guadalquivir', LONG_SITE);
    await createSite(server, admin, 'farmacia-centro', 'Farmacia Centro');
    await createGroup(server, operator, 'Guardias de fin de semana', ['farmacia-centro']);
    const expect201 = (what: string, response: { status: number; body: unknown }) => {
      if (response.status !== 201) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as { id: number };
    };
    const expect202 = (what: string, response: { status: number; body: unknown }) => {
      if (response.status !== 202) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    expect201(
      'phrase',
      await server.api('POST', '/api/v1/phrases', { token: operator, body: { text: 'Revisad la nevera de vacunas' } }),
    );
    const message = expect201(
      'alert',
      await server.api('POST', '/api/v1/messages', {
        token: operator,
        body: {
          target: { kind: 'all' },
          text: 'Corte de suministro eléctrico previsto mañana de 8:00 a 10:00 en toda la zona norte.',
          priority: 'urgent',
          replies: ['Enterado', 'Necesito ayuda'],
        },
      }),
    );
    expect201(
      'API token',
      await server.api('POST', '/api/v1/api-tokens', {
        token: admin,
        body: { name: 'nagios-monitorizacion-central', scopes: ['messages:send', 'read'] },
      }),
    );
    const room = expect201(
      'room',
      await server.api('POST', '/api/v1/rooms', { token: operator, body: { name: 'Turno de noche', kind: 'public' } }),
    );
    expect201(
      'room message',
      await server.api('POST', `/api/v1/rooms/${room.id}/messages`, {
        token: operator,
        body: { text: 'Buenas noches: la farmacia de guardia de hoy es la del centro.' },
      }),
    );
    const withDetails = await server.api('POST', '/api/v1/receivers', {
      token: admin,
      body: {
        name: 'farmacia-sol',
        displayName: 'Farmacia Sol',
        postalAddress: 'Calle del Sol 4, 28013 Madrid',
        phone: '+34 912 345 678',
        region: 'Centro',
        tags: ['24h', 'guardia', 'vacunas'],
        notes: 'Llamar a Marta antes de las 9:00. La persiana baja a las 22:00.',
      },
    });
    expect201('site with details', withDetails);
    expect202(
      'scheduled alert',
      await server.api('POST', '/api/v1/messages', {
        token: operator,
        body: {
          target: { kind: 'receiver', name: 'farmacia-sol' },
          text: 'Recordatorio para {sitio}: inventario de estupefacientes el {fecha}.',
          sendAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
      }),
    );
    const member = await server.login(users.member.username, users.member.password);
    const joined = await server.api('POST', `/api/v1/rooms/${room.id}/join`, { token: member, body: {} });
    if (joined.status >= 300) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
    data = { messageId: message.id, roomId: room.id };
  });
  afterAll(() => server?.dispose());

  it('finds no accessibility problem on the login screen, in either theme, and nothing sticks out at 768 px', async () => {
    const page = await browser.newPage(server, '/');
    await page.getByTestId('login-form').waitFor();
    await settled(page);
    const found: Record<string, string[]> = {};
    for (const dark of [false, true]) {
      await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), dark);
      await settled(page);
      found[dark ? 'dark' : 'light'] = await axeProblems(page);
    }
    await page.setViewportSize(TABLET);
    await settled(page);
    found['768 px'] = await horizontalOverflow(page);
    expect(found).toEqual({ light: [], dark: [], '768 px': [] });
  });

  /** One login per role, then each of its screens in turn: what axe finds in each theme, and what sticks out. */
  it.each(['operator', 'member', 'admin'] as const)(
    'as %s: no screen has an accessibility problem in the light or dark theme, or sticks out sideways at 768 px',
    async (role) => {
      const screens = SCREENS.filter((s) => s.as === role);
      const page = await openLoggedIn(browser, server, users[role], screens[0].path(data));
      const found: Record<string, Record<string, string[]>> = {};
      const clean: typeof found = {};
      for (const screen of screens) {
        await page.goto(screen.path(data));
        await page.locator(screen.ready).first().waitFor();
        if (screen.dialog) {
          await page.getByTestId(screen.dialog).first().click();
          await page.locator('mat-dialog-container').waitFor();
        }
        await settled(page);
        const problems: Record<string, string[]> = {};
        const startsDark = await page.evaluate(() => document.documentElement.classList.contains('dark'));
        for (const dark of [startsDark, !startsDark]) {
          await switchTheme(page, dark);
          problems[dark ? 'dark' : 'light'] = await axeProblems(page);
        }
        await toTablet(page);
        problems['768 px'] = await horizontalOverflow(page);
        await page.setViewportSize(LAPTOP);
        found[screen.name] = problems;
        clean[screen.name] = { light: [], dark: [], '768 px': [] };
      }
      expect(found).toEqual(clean);
    },
  );

  /** The focused element as a reader would name it: its tag and test id or text. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement;
      if (!active || active === document.body) return 'body';
      const id = active.getAttribute('data-testid');
      return `${active.tagName.toLowerCase()}:${id ?? (active.textContent ?? '').trim()}`;
    });
  const focusIs = (page: Page, expected: string) =>
    until(
      () => focused(page),
      (f) => f === expected,
    );

  it("takes a keyboard user from the login to a sent alert, landing on each new screen's heading", async () => {
    const page = await browser.newPage(server, '/operator/compose');
    await loginForm(page).waitFor();
    expect(await focusIs(page, 'input:')).toBe('input:');
    await page.keyboard.type(users.operator.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(users.operator.password);
    await page.keyboard.press('Enter');
    await loginForm(page).waitFor({ state: 'detached' });
    // After the login the focus is on the screen's heading, not left on <body>.
    expect(await focusIs(page, 'h1:Enviar aviso')).toBe('h1:Enviar aviso');

    // After a page load the first Tab reaches the skip link, shown on screen, and it leads to the heading.
    await page.reload();
    await page.getByTestId('compose-text').waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a:skip-link');
    const skip = await page.getByTestId('skip-link').boundingBox();
    expect(skip && skip.y >= 0 && skip.x >= 0).toBe(true);
    await page.keyboard.press('Enter');
    expect(await focusIs(page, 'h1:Enviar aviso')).toBe('h1:Enviar aviso');

    // From the heading the message box is a few Tabs away, and Ctrl+Enter sends.
    let tabs = 0;
    while ((await focused(page)) !== 'textarea:compose-text' && tabs < 10) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect({ focused: await focused(page), tabs: tabs <= 5 }).toEqual({ focused: 'textarea:compose-text', tabs: true });
    await page.keyboard.type('Prueba de teclado: aviso enviado sin ratón.');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('compose-result').waitFor();
    const token = await server.login(users.operator.username, users.operator.password);
    const sent = await server.api('GET', '/api/v1/messages?q=teclado', { token });
    expect(sent.body.items.map((m: { text: string }) => m.text)).toEqual([
      'Prueba de teclado: aviso enviado sin ratón.',
    ]);

    // A menu link followed with Enter lands on the new screen's heading, not on the link.
    await page.locator('mat-sidenav a[href="/operator/history"]').focus();
    await page.keyboard.press('Enter');
    expect(await pathOf(page, '/operator/history')).toBe('/operator/history');
    expect(await focusIs(page, 'h1:Historial')).toBe('h1:Historial');
  });

  it('finds no accessibility problem in the open calendar or list of times, and both work from the keyboard', async () => {
    const page = await openLoggedIn(browser, server, users.operator, '/operator/compose');
    await page.locator('[data-testid="scheduled-item"]').first().waitFor();
    await page.getByTestId('compose-send-later').click();
    const opened = (panel: string) =>
      until(
        () =>
          page.evaluate(
            // Open and done growing: a choice made while the panel still animates does not close it.
            (selector) =>
              !!document.querySelector(selector) &&
              !document.querySelector('.mat-datepicker-content-animating') &&
              document.querySelector('.cdk-overlay-container')?.getAnimations({ subtree: true }).length === 0,
            panel,
          ),
        (yes) => yes,
      );
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      await settled(page);
      for (const dark of [false, true]) {
        await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), dark);
        await settled(page);
        found[`${name} (${dark ? 'dark' : 'light'})`] = await axeProblems(page);
      }
    };

    const date = page.getByTestId('compose-send-at');
    await date.focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await opened('mat-calendar .mat-calendar-body-active:focus')).toBe(true);
    await check('calendar');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('mat-calendar').waitFor({ state: 'detached' });
    expect(await date.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);

    const time = page.getByTestId('compose-send-at-time');
    await time.fill('');
    await page.keyboard.press('ArrowDown');
    expect(await opened('.mat-timepicker-panel')).toBe(true);
    await check('times');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.mat-timepicker-panel').waitFor({ state: 'detached' });
    expect(await time.inputValue()).toMatch(/^\d{2}:\d{2}$/);
    expect(found).toEqual({ 'calendar (light)': [], 'calendar (dark)': [], 'times (light)': [], 'times (dark)': [] });
  });

  it("names each screen in the browser tab, and shows dates in the app's language rather than the browser's", async () => {
    const page = await openLoggedIn(browser, server, users.operator, '/operator/history');
    const date = page.locator('[data-testid="history-row"] td.mat-column-createdAt').first();
    expect(
      await until(
        () => page.title(),
        (t) => t === 'Historial — Avisa',
      ),
    ).toBe('Historial — Avisa');
    // The browser is Spanish (es-ES): Spanish dates are day/month/short year.
    expect(await textOf(date, /^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}$/)).toMatch(
      /^\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}$/,
    );

    await page.getByTestId('language-menu').click();
    await page.getByTestId('language-en').click();
    expect(
      await until(
        () => page.title(),
        (t) => t === 'History — Avisa',
      ),
    ).toBe('History — Avisa');
    // English (British) in the same Spanish browser: two-digit day and month, four-digit year.
    expect(await textOf(date, /^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}$/)).toMatch(/^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}$/);

    await page.locator('mat-sidenav a[href="/operator/groups"]').click();
    expect(
      await until(
        () => page.title(),
        (t) => t === 'Groups — Avisa',
      ),
    ).toBe('Groups — Avisa');
    await page.goto(`/operator/history/${data.messageId}`);
    expect(
      await until(
        () => page.title(),
        (t) => t === 'Alert details — Avisa',
      ),
    ).toBe('Alert details — Avisa');
  });

  it('dims the screen behind the side menu on a tablet and lands on the heading from it, and a 200-character member name wraps inside the import dialog', async () => {
    const page = await openLoggedIn(browser, server, users.operator, '/operator/groups', TABLET);
    await page.getByTestId('group-row').first().waitFor();
    await page.getByRole('button', { name: 'Menú' }).focus();
    await page.keyboard.press('Enter');
    const backdrop = page.locator('.mat-drawer-backdrop.mat-drawer-shown');
    await backdrop.waitFor();
    await settled(page);
    const dim = await backdrop.evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(dim).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^transparent$/);
    const covered = await backdrop.boundingBox();
    expect(covered && covered.width >= TABLET.width - 1).toBe(true);
    // The focus goes into the menu; a link followed with Enter closes it and lands on the new screen's heading.
    const inMenu = () => page.evaluate(() => !!document.activeElement?.closest('mat-sidenav'));
    expect(await until(inMenu, (yes) => yes)).toBe(true);
    await screenshot(page, 'tablet-menu', TABLET);
    await page.locator('mat-sidenav a[href="/operator/history"]').focus();
    await page.keyboard.press('Enter');
    expect(await pathOf(page, '/operator/history')).toBe('/operator/history');
    await backdrop.waitFor({ state: 'detached' });
    expect(await focusIs(page, 'h1:Historial')).toBe('h1:Historial');

    await page.goto('/operator/groups');
    await page.getByTestId('group-row').first().waitFor();
    const longName = 'farmaciadelhospitaluniversitariodelacomarcadelbajoguadalquivir'.repeat(4).slice(0, 200);
    await page.getByTestId('groups-import').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'zonas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`grupo,miembro1\nZona Sur,${longName}\n`, 'utf8'),
    });
    const preview = page.getByTestId('import-preview-row');
    await preview.first().waitFor();
    browser.allow(failedResource(400));
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-report').waitFor();
    await settled(page);
    expect(await page.getByTestId('import-report').innerText()).toContain(longName.slice(0, 40));
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'tablet-import-report', TABLET);
  });
});
