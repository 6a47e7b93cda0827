import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import { axeProblems, horizontalOverflow, settled, switchTheme } from './support/a11y';
import {
  createGroup,
  createOperator,
  createSite,
  LAPTOP,
  logIn,
  openLoggedIn,
  TABLET,
  startWebServer,
  useBrowser,
  type Credentials,
} from './support/browser';

type Role = 'admin' | 'operator' | 'member';

/**
 * Every screen of the app, with whom to log in as and what shows once it has loaded. A new screen is one more line
 * here: it is then checked with axe-core in both themes and measured at tablet width.
 */
interface Screen {
  name: string;
  path: (data: SeedData) => string;
  as: Role;
  /** A selector that is visible once the screen shows its data. */
  ready: string;
}

interface SeedData {
  messageId: number;
  roomId: number;
}

const SCREENS: Screen[] = [
  { name: 'compose', path: () => '/operator/compose', as: 'operator', ready: '[data-testid="compose-form"]' },
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
  { name: 'audit', path: () => '/admin/audit', as: 'admin', ready: '[data-testid="audit-row"]' },
  { name: 'users', path: () => '/admin/users', as: 'admin', ready: '[data-testid="user-row"]' },
  { name: 'sites management', path: () => '/admin/sites', as: 'admin', ready: '[data-testid="admin-site-row"]' },
  { name: 'API tokens', path: () => '/admin/tokens', as: 'admin', ready: '[data-testid="token-row"]' },
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
    data = { messageId: message.id, roomId: room.id };
  });
  afterAll(() => server?.dispose());

  async function open(screen: Screen): Promise<Page> {
    const page = await openLoggedIn(browser, server, users[screen.as], screen.path(data));
    await page.locator(screen.ready).first().waitFor();
    await settled(page);
    return page;
  }

  it('finds no accessibility problem on the login screen, in either theme', async () => {
    const page = await browser.newPage(server, '/');
    await page.getByTestId('login-form').waitFor();
    await settled(page);
    for (const dark of [false, true]) {
      await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), dark);
      await settled(page);
      expect({ dark, problems: await axeProblems(page) }).toEqual({ dark, problems: [] });
    }
  });

  describe.each(SCREENS)('$name', (screen) => {
    it('has no accessibility problem in the light or dark theme, and nothing sticks out sideways at 768 px', async () => {
      const page = await open(screen);
      const found: Record<string, string[]> = {};
      for (const dark of [false, true]) {
        await switchTheme(page, dark);
        found[dark ? 'dark' : 'light'] = await axeProblems(page);
      }
      await page.setViewportSize(TABLET);
      await page.locator(screen.ready).first().waitFor();
      await settled(page);
      found['768 px'] = await horizontalOverflow(page);
      expect(found).toEqual({ light: [], dark: [], '768 px': [] });
    });
  });
});

