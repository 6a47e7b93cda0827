import type { DeliveriesUpdatedPayload, MessageResponse, PresencePayload, ReceiverResponse } from '@avisa/contracts';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { queryDb } from './support/database';
import { openSocket, SOCKET_WAIT_MS as WAIT_MS, type TestSocket } from './support/test-socket';

/**
 * Who may do what, for every route and every live event: an admin, an operator, an operator restricted to some
 * groups, a member (chat only: no alert, site, group or admin route), an API token with each scope, and no one. A restricted operator sees and acts only on the sites of its
 * groups and on alerts that stay within them (or that it sent); the others are not narrowed.
 */
const CALLERS = ['admin', 'operator', 'restricted', 'member', 'readToken', 'sendToken', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];
type Statuses = Record<Caller, number>;

const PASSWORDS = { operator: 'Oper-Pass-2026', restricted: 'Limitado-Pass-2026', member: 'Miembro-Pass-2026' };
const USERNAMES = { operator: 'oper', restricted: 'limitado', member: 'miembro' };

/** Sites: two in "norte" (the restricted operator's group), one in "sur", one in no group. */
const NORTE = ['norte-1', 'norte-2'];
const SUR = 'sur-1';
const LOOSE = 'suelta-1';
const ALL_SITES = [...NORTE, SUR, LOOSE].sort();

const adminOnly = (admin: number): Statuses => ({
  admin,
  operator: 403,
  restricted: 403,
  member: 403,
  readToken: 403,
  sendToken: 403,
  anonymous: 401,
});
/** Admins and operators: alerts, sites, groups, phrases. */
const usersOnly = (status: number, restricted = status): Statuses => ({
  admin: status,
  operator: status,
  restricted,
  member: 403,
  readToken: 403,
  sendToken: 403,
  anonymous: 401,
});
/** Every logged-in user, members too: their own account and session. */
const accounts = (status: number): Statuses => ({ ...usersOnly(status), member: status });
const usersAndReaders = (status: number, restricted = status): Statuses => ({
  ...usersOnly(status, restricted),
  readToken: status,
});
const usersAndSenders = (status: number): Statuses => ({ ...usersOnly(status), sendToken: status });
/** Chat rooms: every logged-in user alike (what each may do in a room is the room's own rule); no token here. */
const chat = (status: number): Statuses => ({ ...accounts(status), restricted: status });
const everyone = (status: number): Statuses => Object.fromEntries(CALLERS.map((c) => [c, status])) as Statuses;

interface Fixtures {
  /** An alert the restricted operator must not see (the admin's, to group "sur"). */
  hidden: string;
  /** An alert within its groups (the admin's, to group "norte"). */
  visible: string;
}

interface Row {
  /** As in the OpenAPI document: every route there must have at least one row. */
  route: string;
  path?: (f: Fixtures) => string;
  body?: unknown;
  expected: Statuses;
  /** Called with a session opened for this call only (logging out ends it). */
  fresh?: boolean;
}

const NO_SUCH_ALERT = '00000000-0000-4000-8000-000000000000';

const ROUTES: Row[] = [
  { route: 'POST /api/v1/auth/login', body: {}, expected: everyone(400) },
  { route: 'POST /api/v1/auth/logout', expected: accounts(204), fresh: true },
  { route: 'GET /api/v1/auth/me', expected: { ...accounts(200), readToken: 200 } },
  { route: 'GET /api/v1/health', expected: everyone(200) },

  { route: 'PUT /api/v1/users/me/password', body: {}, expected: accounts(400) },
  { route: 'GET /api/v1/users', expected: adminOnly(200) },
  { route: 'POST /api/v1/users', body: {}, expected: adminOnly(400) },
  { route: 'GET /api/v1/users/{id}', path: () => '/api/v1/users/999999', expected: adminOnly(404) },
  {
    route: 'PATCH /api/v1/users/{id}',
    path: () => '/api/v1/users/999999',
    body: { displayName: 'Nadie' },
    expected: adminOnly(404),
  },
  {
    route: 'PUT /api/v1/users/{id}/password',
    path: () => '/api/v1/users/999999/password',
    body: { password: 'Nobody-Pass-2026' },
    expected: adminOnly(404),
  },
  {
    route: 'PUT /api/v1/users/{id}/role',
    path: () => '/api/v1/users/999999/role',
    body: { role: 'operator' },
    expected: adminOnly(404),
  },
  {
    route: 'PUT /api/v1/users/{id}/enabled',
    path: () => '/api/v1/users/999999/enabled',
    body: { enabled: false },
    expected: adminOnly(404),
  },
  { route: 'DELETE /api/v1/users/{id}', path: () => '/api/v1/users/999999', expected: adminOnly(404) },
  {
    route: 'GET /api/v1/users/{id}/restrictions',
    path: () => '/api/v1/users/999999/restrictions',
    expected: adminOnly(404),
  },
  {
    route: 'PUT /api/v1/users/{id}/restrictions',
    path: () => '/api/v1/users/999999/restrictions',
    body: { restricted: false },
    expected: adminOnly(404),
  },

  { route: 'GET /api/v1/api-tokens', expected: adminOnly(200) },
  { route: 'POST /api/v1/api-tokens', body: {}, expected: adminOnly(400) },
  { route: 'DELETE /api/v1/api-tokens/{id}', path: () => '/api/v1/api-tokens/999999', expected: adminOnly(404) },

  { route: 'GET /api/v1/audit', expected: adminOnly(200) },
  { route: 'GET /api/v1/audit/export', expected: adminOnly(200) },
  { route: 'GET /api/v1/audit/last-read', expected: adminOnly(200) },
  { route: 'PUT /api/v1/audit/last-read', body: {}, expected: adminOnly(400) },

  { route: 'GET /api/v1/receivers', expected: usersAndReaders(200) },
  { route: 'GET /api/v1/receivers/export', expected: usersAndReaders(200) },
  { route: 'POST /api/v1/receivers', body: {}, expected: adminOnly(400) },
  { route: 'POST /api/v1/receivers/bulk', body: '', expected: adminOnly(400) },
  {
    route: 'GET /api/v1/receivers/{name}',
    path: () => `/api/v1/receivers/${SUR}`,
    expected: usersAndReaders(200, 404),
  },
  {
    route: 'GET /api/v1/receivers/{name}',
    path: () => `/api/v1/receivers/${NORTE[0]}`,
    expected: usersAndReaders(200),
  },
  {
    route: 'PATCH /api/v1/receivers/{name}',
    path: () => '/api/v1/receivers/no-such-site',
    body: { enabled: false },
    expected: adminOnly(404),
  },
  {
    route: 'POST /api/v1/receivers/{name}/installer',
    path: () => '/api/v1/receivers/no-such-site/installer',
    body: {},
    expected: adminOnly(400),
  },
  { route: 'GET /api/v1/receiver-packages', expected: everyone(404) },
  {
    route: 'GET /api/v1/receiver-packages/{file}',
    path: () => '/api/v1/receiver-packages/avisa-receiver-9.9.9.js',
    expected: everyone(404),
  },
  { route: 'GET /api/v1/receiver-updates', expected: adminOnly(200) },
  { route: 'POST /api/v1/receiver-updates', body: {}, expected: adminOnly(400) },
  { route: 'DELETE /api/v1/receiver-updates', expected: adminOnly(404) },
  {
    route: 'POST /api/v1/receivers/{name}/rotate-key',
    path: () => '/api/v1/receivers/no-such-site/rotate-key',
    expected: adminOnly(404),
  },
  { route: 'DELETE /api/v1/receivers/{name}', path: () => '/api/v1/receivers/no-such-site', expected: adminOnly(404) },
  {
    route: 'GET /api/v1/receivers/{name}/connections',
    path: () => `/api/v1/receivers/${SUR}/connections`,
    expected: adminOnly(200),
  },

  { route: 'POST /api/v1/messages', body: {}, expected: usersAndSenders(400) },
  { route: 'GET /api/v1/messages', expected: usersAndReaders(200) },
  { route: 'GET /api/v1/messages/scheduled', expected: usersAndReaders(200) },
  {
    route: 'PATCH /api/v1/messages/scheduled/{id}',
    path: () => `/api/v1/messages/scheduled/${NO_SUCH_ALERT}`,
    body: { text: 'Más tarde' },
    expected: usersOnly(404),
  },
  {
    route: 'DELETE /api/v1/messages/scheduled/{id}',
    path: () => `/api/v1/messages/scheduled/${NO_SUCH_ALERT}`,
    expected: usersOnly(404),
  },
  {
    route: 'GET /api/v1/messages/{id}',
    path: (f) => `/api/v1/messages/${f.hidden}`,
    expected: usersAndReaders(200, 404),
  },
  { route: 'GET /api/v1/messages/{id}', path: (f) => `/api/v1/messages/${f.visible}`, expected: usersAndReaders(200) },
  {
    route: 'POST /api/v1/messages/{id}/retract',
    path: () => `/api/v1/messages/${NO_SUCH_ALERT}/retract`,
    expected: usersOnly(404),
  },
  {
    route: 'GET /api/v1/messages/{id}/deliveries',
    path: (f) => `/api/v1/messages/${f.hidden}/deliveries`,
    expected: usersAndReaders(200, 404),
  },
  {
    route: 'GET /api/v1/messages/{id}/deliveries',
    path: (f) => `/api/v1/messages/${f.visible}/deliveries`,
    expected: usersAndReaders(200),
  },
  {
    route: 'GET /api/v1/messages/{id}/deliveries/export',
    path: (f) => `/api/v1/messages/${f.hidden}/deliveries/export`,
    expected: usersAndReaders(200, 404),
  },
  {
    route: 'POST /api/v1/messages/{id}/resend-unread',
    path: () => `/api/v1/messages/${NO_SUCH_ALERT}/resend-unread`,
    expected: usersOnly(404),
  },

  { route: 'GET /api/v1/groups', expected: usersAndReaders(200) },
  { route: 'POST /api/v1/groups', body: {}, expected: usersOnly(400) },
  { route: 'GET /api/v1/groups/export', expected: usersAndReaders(200) },
  { route: 'POST /api/v1/groups/import', body: '', expected: usersOnly(400, 403) },
  { route: 'GET /api/v1/groups/{name}', path: () => '/api/v1/groups/sur', expected: usersAndReaders(200, 403) },
  { route: 'GET /api/v1/groups/{name}', path: () => '/api/v1/groups/norte', expected: usersAndReaders(200) },
  {
    route: 'GET /api/v1/groups/{name}/info',
    path: () => '/api/v1/groups/sur/info',
    expected: usersAndReaders(200, 403),
  },
  {
    route: 'PUT /api/v1/groups/{name}',
    path: () => '/api/v1/groups/no-such-group',
    body: {},
    expected: usersOnly(400),
  },
  {
    route: 'DELETE /api/v1/groups/{name}',
    path: () => '/api/v1/groups/no-such-group',
    expected: usersOnly(404, 403),
  },

  { route: 'GET /api/v1/phrases', expected: usersAndReaders(200) },
  { route: 'POST /api/v1/phrases', body: {}, expected: usersOnly(400) },
  { route: 'PUT /api/v1/phrases/order', body: {}, expected: usersOnly(400) },
  { route: 'PUT /api/v1/phrases', body: {}, expected: usersOnly(400) },
  { route: 'PATCH /api/v1/phrases/{id}', path: () => '/api/v1/phrases/999999', body: {}, expected: usersOnly(400) },
  { route: 'DELETE /api/v1/phrases/{id}', path: () => '/api/v1/phrases/999999', expected: usersOnly(404) },

  // The home dashboard: operators (a restricted one sees its groups' figures) and admins; no member, no token.
  { route: 'GET /api/v1/dashboard', expected: usersOnly(200) },

  {
    route: 'GET /api/v1/messages/{id}/attachments/{fileId}',
    path: () => `/api/v1/messages/${NO_SUCH_ALERT}/attachments/${NO_SUCH_ALERT}`,
    expected: everyone(401),
  },
  { route: 'POST /api/v1/files', expected: { ...usersOnly(400) } },
  { route: 'GET /api/v1/files', expected: chat(200) },
  {
    route: 'GET /api/v1/files/{id}',
    path: () => '/api/v1/files/00000000-0000-4000-8000-000000000000',
    expected: chat(404),
  },
  {
    route: 'GET /api/v1/files/{id}/content',
    path: () => '/api/v1/files/00000000-0000-4000-8000-000000000000/content',
    expected: chat(404),
  },
  {
    route: 'POST /api/v1/files/{id}/release',
    path: () => '/api/v1/files/00000000-0000-4000-8000-000000000000/release',
    body: { reason: 'checked' },
    expected: adminOnly(404),
  },
  {
    route: 'DELETE /api/v1/files/{id}',
    path: () => '/api/v1/files/00000000-0000-4000-8000-000000000000',
    expected: adminOnly(404),
  },

  { route: 'GET /api/v1/rooms', expected: chat(200) },
  { route: 'POST /api/v1/rooms', body: {}, expected: chat(400) },
  { route: 'GET /api/v1/rooms/search', path: () => '/api/v1/rooms/search?q=x', expected: chat(400) },
  { route: 'POST /api/v1/rooms/join', body: {}, expected: chat(400) },
  { route: 'GET /api/v1/rooms/{id}', path: () => '/api/v1/rooms/999999', expected: chat(404) },
  { route: 'PATCH /api/v1/rooms/{id}', path: () => '/api/v1/rooms/999999', body: {}, expected: chat(404) },
  { route: 'DELETE /api/v1/rooms/{id}', path: () => '/api/v1/rooms/999999', expected: chat(404) },
  { route: 'POST /api/v1/rooms/{id}/join', path: () => '/api/v1/rooms/999999/join', expected: chat(404) },
  { route: 'POST /api/v1/rooms/{id}/leave', path: () => '/api/v1/rooms/999999/leave', expected: chat(404) },
  { route: 'GET /api/v1/rooms/{id}/members', path: () => '/api/v1/rooms/999999/members', expected: chat(404) },
  { route: 'GET /api/v1/rooms/{id}/candidates', path: () => '/api/v1/rooms/999999/candidates', expected: chat(404) },
  {
    route: 'PUT /api/v1/rooms/{id}/members/{userId}',
    path: () => '/api/v1/rooms/999999/members/999998',
    body: {},
    expected: chat(404),
  },
  {
    route: 'DELETE /api/v1/rooms/{id}/members/{userId}',
    path: () => '/api/v1/rooms/999999/members/999998',
    expected: chat(404),
  },
  {
    route: 'GET /api/v1/rooms/{id}/messages',
    path: () => '/api/v1/rooms/999999/messages',
    expected: { ...chat(404), readToken: 404 },
  },
  {
    route: 'POST /api/v1/rooms/{id}/messages',
    path: () => '/api/v1/rooms/999999/messages',
    body: { text: 'hola' },
    expected: chat(404),
  },
  {
    route: 'PATCH /api/v1/rooms/{id}/messages/{messageId}',
    path: () => '/api/v1/rooms/999999/messages/1',
    body: { text: 'hola' },
    expected: chat(404),
  },
  {
    route: 'DELETE /api/v1/rooms/{id}/messages/{messageId}',
    path: () => '/api/v1/rooms/999999/messages/1',
    expected: chat(404),
  },
  {
    route: 'GET /api/v1/rooms/{id}/messages/{messageId}/receipts',
    path: () => '/api/v1/rooms/999999/messages/1/receipts',
    expected: chat(404),
  },
  {
    route: 'GET /api/v1/rooms/{id}/messages/{messageId}/attachments/{fileId}',
    path: () => `/api/v1/rooms/999999/messages/1/attachments/${NO_SUCH_ALERT}`,
    expected: { ...chat(404), readToken: 404 },
  },
  {
    route: 'PUT /api/v1/rooms/{id}/read',
    path: () => '/api/v1/rooms/999999/read',
    body: { seq: 1 },
    expected: chat(404),
  },
  { route: 'GET /api/v1/rooms/{id}/tokens', path: () => '/api/v1/rooms/999999/tokens', expected: adminOnly(404) },
  {
    route: 'PUT /api/v1/rooms/{id}/tokens/{tokenId}',
    path: () => '/api/v1/rooms/999999/tokens/1',
    expected: adminOnly(404),
  },
  {
    route: 'DELETE /api/v1/rooms/{id}/tokens/{tokenId}',
    path: () => '/api/v1/rooms/999999/tokens/1',
    expected: adminOnly(404),
  },
];

/** CSV routes take a text body; everything else JSON. */
const payload = (body: unknown) =>
  body === undefined
    ? {}
    : typeof body === 'string'
      ? { raw: body, headers: { 'content-type': 'text/csv' } }
      : { body };

describe('access by caller: every route and live event, for admins, operators, restricted operators and tokens', () => {
  let server: TestServer;
  const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  const keys = new Map<string, string>();
  const sockets: TestSocket[] = [];
  const live = {} as Record<'admin' | 'operator' | 'restricted', TestSocket>;
  let restrictedId: number;
  let memberId: number;

  /** The fixture alerts, by what they are. */
  const alerts = {} as Record<
    'adminAll' | 'adminNorte' | 'adminNorte1' | 'adminSur' | 'adminLoose' | 'ownAll' | 'tokenNorte' | 'operatorSur',
    string
  >;
  const VISIBLE = ['adminNorte', 'adminNorte1', 'ownAll', 'tokenNorte'] as const;
  const HIDDEN = ['adminAll', 'adminSur', 'adminLoose', 'operatorSur'] as const;
  /** Every fixture alert's text says so, to list them apart from the alerts the later tests send. */
  const FIXTURE = '[fixture]';

  const api = (caller: Caller, method: string, path: string, body?: unknown) =>
    server.api(method, path, { token: caller === 'anonymous' ? undefined : tokens[caller], ...payload(body) });

  const send = async (caller: Caller, target: Record<string, string>, text: string) => {
    const response = await api(caller, 'POST', '/api/v1/messages', { target, text });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  const openLive = async (token: string) => {
    const socket = openSocket(server, '/operators', { token });
    sockets.push(socket);
    await socket.connected();
    return socket;
  };

  const connectSite = async (name: string) => {
    const socket = openSocket(server, '/receivers', { name, key: keys.get(name), clientVersion: 'e2e-site/1.0' });
    sockets.push(socket);
    await socket.connected();
    await eventually(
      () => socket.received('welcome').length,
      (n) => n > 0,
      WAIT_MS,
    );
    return socket;
  };

  const fixtureIds = async (caller: Caller, query = '') => {
    const response = await api(caller, 'GET', `/api/v1/messages?q=${encodeURIComponent(FIXTURE)}&pageSize=100${query}`);
    expect(response.status).toBe(200);
    const page = response.body as { items: MessageResponse[]; total: number };
    return { ids: page.items.map((m) => m.id).sort(), total: page.total };
  };

  const idsOf = (...names: (keyof typeof alerts)[]) => names.map((n) => alerts[n]).sort();

  beforeAll(async () => {
    server = await TestServer.start({ env: { AVISA_LOGIN_IP_LIMIT: '200' } });
    tokens.admin = await server.loginAdmin();
    await server.createUser(tokens.admin, USERNAMES.operator, 'operator', PASSWORDS.operator);
    restrictedId = (await server.createUser(tokens.admin, USERNAMES.restricted, 'operator', PASSWORDS.restricted)).id;
    tokens.operator = await server.login(USERNAMES.operator, PASSWORDS.operator);
    tokens.restricted = await server.login(USERNAMES.restricted, PASSWORDS.restricted);
    memberId = (await server.createUser(tokens.admin, USERNAMES.member, 'member', PASSWORDS.member)).id;
    tokens.member = await server.login(USERNAMES.member, PASSWORDS.member);
    for (const [caller, name, scopes] of [
      ['readToken', 'lector', ['read']],
      ['sendToken', 'monitor', ['messages:send']],
    ] as const) {
      const created = await api('admin', 'POST', '/api/v1/api-tokens', { name, scopes });
      expect(created.status).toBe(201);
      tokens[caller] = created.body.token;
    }
    for (const name of ALL_SITES) {
      const created = await api('admin', 'POST', '/api/v1/receivers', { name });
      expect(created.status).toBe(201);
      keys.set(name, created.body.key);
    }
    expect((await api('admin', 'POST', '/api/v1/groups', { name: 'norte', members: NORTE })).status).toBe(201);
    expect((await api('admin', 'POST', '/api/v1/groups', { name: 'sur', members: [SUR] })).status).toBe(201);
    // Allowed to send global alerts, to show that this does not open the others' global alerts to it.
    const restricted = await api('admin', 'PUT', `/api/v1/users/${restrictedId}/restrictions`, {
      restricted: true,
      allowGlobal: true,
      groups: ['norte'],
    });
    expect(restricted.status).toBe(200);

    alerts.adminAll = await send('admin', { kind: 'all' }, `${FIXTURE} todas`);
    alerts.adminNorte = await send('admin', { kind: 'group', name: 'norte' }, `${FIXTURE} grupo norte`);
    alerts.adminNorte1 = await send('admin', { kind: 'receiver', name: NORTE[0] }, `${FIXTURE} norte-1`);
    alerts.adminSur = await send('admin', { kind: 'group', name: 'sur' }, `${FIXTURE} grupo sur`);
    alerts.adminLoose = await send('admin', { kind: 'receiver', name: LOOSE }, `${FIXTURE} suelta`);
    alerts.ownAll = await send('restricted', { kind: 'all' }, `${FIXTURE} propia a todas`);
    alerts.tokenNorte = await send('sendToken', { kind: 'group', name: 'norte' }, `${FIXTURE} script norte`);
    alerts.operatorSur = await send('operator', { kind: 'group', name: 'sur' }, `${FIXTURE} operador sur`);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.dispose();
  });

  describe('every route, by caller', () => {
    it('has a row for every route of the API', async () => {
      const doc = await server.api('GET', '/api/docs/openapi.json');
      expect(doc.status).toBe(200);
      const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const covered = new Set(ROUTES.map((r) => r.route));
      expect(documented.filter((route) => !covered.has(route))).toEqual([]);
      expect([...covered].filter((route) => !documented.includes(route))).toEqual([]);
    });

    const label = (row: Row) =>
      `${row.route.split(' ')[0]} ${row.path ? row.path({ hidden: '<hidden alert>', visible: '<visible alert>' }) : row.route.split(' ')[1]}`;
    describe.each(ROUTES.map((row) => [label(row), row] as const))('%s', (_label, row) => {
      it.each(CALLERS)('answers %s as expected', async (caller) => {
        const fixtures = { hidden: alerts.adminSur, visible: alerts.adminNorte };
        const [method, template] = row.route.split(' ');
        const path = row.path ? row.path(fixtures) : template;
        let token = caller === 'anonymous' ? undefined : tokens[caller];
        if (
          row.fresh &&
          (caller === 'admin' || caller === 'operator' || caller === 'restricted' || caller === 'member')
        ) {
          token =
            caller === 'admin' ? await server.loginAdmin() : await server.login(USERNAMES[caller], PASSWORDS[caller]);
        }
        const response = await server.api(method, path, { token, ...payload(row.body) });
        expect({ caller, status: response.status }).toEqual({ caller, status: row.expected[caller] });
      });
    });
  });

  describe('alerts of a restricted operator: its own, and those whose every target is within its groups', () => {
    it('lists only those, with a total that counts only those', async () => {
      for (const caller of ['admin', 'operator', 'readToken'] as const) {
        expect(await fixtureIds(caller)).toEqual({ ids: Object.values(alerts).sort(), total: 8 });
      }
      expect(await fixtureIds('restricted')).toEqual({ ids: idsOf(...VISIBLE), total: VISIBLE.length });
    });

    it('pages and filters within what it may see (the narrowing is in the query, not after the page)', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= VISIBLE.length + 1; page += 1) {
        const response = await api(
          'restricted',
          'GET',
          `/api/v1/messages?q=${encodeURIComponent(FIXTURE)}&pageSize=1&page=${page}`,
        );
        expect(response.status).toBe(200);
        expect(response.body.total).toBe(VISIBLE.length);
        seen.push(...(response.body.items as MessageResponse[]).map((m) => m.id));
      }
      expect(seen.sort()).toEqual(idsOf(...VISIBLE));
      expect(await fixtureIds('restricted', '&targetKind=group')).toEqual({
        ids: idsOf('adminNorte', 'tokenNorte'),
        total: 2,
      });
      expect(await fixtureIds('restricted', '&sender=admin')).toEqual({
        ids: idsOf('adminNorte', 'adminNorte1'),
        total: 2,
      });
      expect(await fixtureIds('restricted', '&targetKind=all')).toEqual({ ids: idsOf('ownAll'), total: 1 });
      expect(await fixtureIds('restricted', '&target=sur')).toEqual({ ids: [], total: 0 });
      expect(await fixtureIds('operator', '&target=sur')).toEqual({
        ids: idsOf('adminSur', 'operatorSur'),
        total: 2,
      });
    });

    it('answers 404 for any other alert, exactly as for one that does not exist', async () => {
      const missing = await api('restricted', 'GET', `/api/v1/messages/${NO_SUCH_ALERT}`);
      for (const name of HIDDEN) {
        const response = await api('restricted', 'GET', `/api/v1/messages/${alerts[name]}`);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          ...missing.body,
          message: missing.body.message.replace(NO_SUCH_ALERT, alerts[name]),
          params: { id: alerts[name] },
        });
        expect((await api('operator', 'GET', `/api/v1/messages/${alerts[name]}`)).status).toBe(200);
      }
    });

    it("shows each visible alert whole, with every site's copy", async () => {
      const group = await api('restricted', 'GET', `/api/v1/messages/${alerts.adminNorte}`);
      expect(group.status).toBe(200);
      expect((group.body.deliveries as { receiver: string }[]).map((d) => d.receiver)).toEqual(NORTE);
      const own = await api('restricted', 'GET', `/api/v1/messages/${alerts.ownAll}`);
      expect(own.status).toBe(200);
      expect((own.body.deliveries as { receiver: string }[]).map((d) => d.receiver)).toEqual(ALL_SITES);
    });

    it('cannot withdraw an alert it may not see: 404, nothing withdrawn, the attempt audited', async () => {
      const retracted = () =>
        queryDb<{ retracted_at: unknown }>(server, 'SELECT retracted_at FROM messages WHERE id = ?', alerts.adminAll)[0]
          .retracted_at;
      const states = () =>
        queryDb(server, 'SELECT state FROM deliveries WHERE message_id = ? ORDER BY receiver_name', alerts.adminAll);
      const before = states();
      const response = await api('restricted', 'POST', `/api/v1/messages/${alerts.adminAll}/retract`);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`alert ${alerts.adminAll} does not exist`);
      expect(retracted()).toBeNull();
      expect(states()).toEqual(before);
      expect(
        queryDb(
          server,
          "SELECT actor_name FROM audit_events WHERE action = 'access.refused' AND target = ?",
          `withdraw alert ${alerts.adminAll}`,
        ),
      ).toEqual([{ actor_name: USERNAMES.restricted }]);
    });

    it("withdraws the admin's alert within its groups and its own global one", async () => {
      for (const name of ['adminNorte1', 'ownAll'] as const) {
        const response = await api('restricted', 'POST', `/api/v1/messages/${alerts[name]}/retract`);
        expect(response.status).toBe(200);
        expect(response.body.retractedBy).toBe(USERNAMES.restricted);
      }
    });

    it('leaves admins, unrestricted operators and tokens as they were', async () => {
      const byOperator = await api('operator', 'POST', `/api/v1/messages/${alerts.adminSur}/retract`);
      expect(byOperator.status).toBe(200);
      expect((await api('sendToken', 'POST', `/api/v1/messages/${alerts.adminLoose}/retract`)).status).toBe(403);
      expect((await api('readToken', 'POST', `/api/v1/messages/${alerts.adminLoose}/retract`)).status).toBe(403);
      expect((await api('readToken', 'GET', `/api/v1/messages/${alerts.adminLoose}`)).status).toBe(200);
    });
  });

  describe('sites of a restricted operator: those of its groups', () => {
    it('lists only them; the others answer 404 as if they did not exist', async () => {
      const names = async (caller: Caller) =>
        ((await api(caller, 'GET', '/api/v1/receivers')).body as ReceiverResponse[]).map((r) => r.name).sort();
      for (const caller of ['admin', 'operator', 'readToken'] as const) expect(await names(caller)).toEqual(ALL_SITES);
      expect(await names('restricted')).toEqual(NORTE);

      const missing = await api('restricted', 'GET', '/api/v1/receivers/no-such-site');
      expect(missing.status).toBe(404);
      for (const site of [SUR, LOOSE]) {
        const response = await api('restricted', 'GET', `/api/v1/receivers/${site}`);
        expect(response.status).toBe(404);
        expect(response.body.message).toBe(missing.body.message.replace('no-such-site', site));
      }
    });

    it('exports only its sites, and searches within them', async () => {
      const exported = async (caller: Caller) =>
        ((await api(caller, 'GET', '/api/v1/receivers/export')).body as string)
          .trim()
          .split(/\r?\n/)
          .slice(1)
          .map((line) => line.split(',')[0])
          .sort();
      expect(await exported('restricted')).toEqual(NORTE);
      expect(await exported('operator')).toEqual(ALL_SITES);
      const found = await api('restricted', 'GET', '/api/v1/receivers?q=sur');
      expect(found.status).toBe(200);
      expect(found.body).toEqual([]);
    });

    it('exports only its groups', async () => {
      const own = await api('restricted', 'GET', '/api/v1/groups/export');
      expect(own.status).toBe(200);
      expect(own.body).toBe('norte,norte-1,norte-2\n');
      const all = await api('operator', 'GET', '/api/v1/groups/export');
      expect(all.body).toBe('norte,norte-1,norte-2\nsur,sur-1\n');
    });
  });

  describe('live events on /operators', () => {
    /** What one operator socket received about `ids`, by event. */
    const about = (socket: TestSocket, ids: readonly string[]) => ({
      created: socket.received<{ id: string }>('message.created').filter((m) => ids.includes(m.id)).length,
      updated: socket.received<DeliveriesUpdatedPayload>('deliveries.updated').filter((u) => ids.includes(u.messageId))
        .length,
      retracted: socket.received<{ id: string }>('message.retracted').filter((m) => ids.includes(m.id)).length,
    });
    const presenceOf = (socket: TestSocket, site: string) =>
      socket.received<PresencePayload>('receiver.presence').filter((p) => p.name === site).length;
    /** Waits until `socket` has received `event` matching `match`. */
    const until = (socket: TestSocket, event: string, match: (payload: never) => boolean) =>
      eventually(
        () => socket.received<never>(event).filter(match).length,
        (n) => n > 0,
        WAIT_MS,
      );
    const hiddenIds: string[] = [];
    const visibleIds: string[] = [];
    let memberLive: TestSocket;

    beforeAll(async () => {
      live.admin = await openLive(tokens.admin);
      live.operator = await openLive(tokens.operator);
      live.restricted = await openLive(tokens.restricted);
      // A member may connect (its session can end live, and chat will use it) but hears nothing of alerts or sites.
      memberLive = await openLive(tokens.member);
    });

    it('refuses API tokens and anonymous callers: they get no live events', async () => {
      for (const token of [tokens.readToken, tokens.sendToken]) {
        const refusal = await openSocket(server, '/operators', { token }).refused();
        expect(refusal.data).toMatchObject({ code: 'unauthorized' });
      }
      expect((await openSocket(server, '/operators', {}).refused()).data).toMatchObject({ code: 'unauthorized' });
    });

    it('pushes receiver.presence of a site outside its groups to everyone but the restricted operator', async () => {
      await connectSite(SUR);
      await until(live.admin, 'receiver.presence', (p: PresencePayload) => p.name === SUR);
      await connectSite(NORTE[0]);
      // Events reach a socket in the order they are sent: once the second is in, the first would be too.
      for (const socket of Object.values(live)) {
        await until(socket, 'receiver.presence', (p: PresencePayload) => p.name === NORTE[0]);
      }
      expect(presenceOf(live.admin, SUR)).toBe(1);
      expect(presenceOf(live.operator, SUR)).toBe(1);
      expect(presenceOf(live.restricted, SUR)).toBe(0);
      expect(presenceOf(memberLive, SUR) + presenceOf(memberLive, NORTE[0])).toBe(0);
    });

    it('pushes message.created, deliveries.updated and message.retracted of an alert it may not see to the others only', async () => {
      const [sur, norte1] = [
        sockets.find((s) => s.received('welcome').some((w) => (w as { name: string }).name === SUR))!,
        sockets.find((s) => s.received('welcome').some((w) => (w as { name: string }).name === NORTE[0]))!,
      ];
      hiddenIds.push(
        await send('admin', { kind: 'group', name: 'sur' }, 'en vivo: sur'),
        await send('operator', { kind: 'all' }, 'en vivo: todas'),
        await send('sendToken', { kind: 'receiver', name: SUR }, 'en vivo: script'),
      );
      visibleIds.push(
        await send('admin', { kind: 'receiver', name: NORTE[0] }, 'en vivo: norte-1'),
        await send('restricted', { kind: 'all' }, 'en vivo: propia'),
      );
      const last = visibleIds[visibleIds.length - 1];
      for (const socket of Object.values(live)) {
        await until(socket, 'message.created', (m: { id: string }) => m.id === last);
      }

      // The fixture alerts queued for these sites were pushed as they connected: they are confirmed too.
      const pending = [alerts.adminAll, alerts.operatorSur];
      for (const id of [...pending, ...hiddenIds]) {
        await eventually(
          () => sur.alerts(id).length,
          (n) => n > 0,
          WAIT_MS,
        );
        expect(await sur.receipt(id, 'read')).toEqual({ ok: true });
      }
      for (const id of visibleIds) {
        await eventually(
          () => norte1.alerts(id).length,
          (n) => n > 0,
          WAIT_MS,
        );
        expect(await norte1.receipt(id, 'read')).toEqual({ ok: true });
      }
      for (const socket of Object.values(live)) {
        await until(socket, 'deliveries.updated', (u: DeliveriesUpdatedPayload) => u.messageId === last);
      }

      for (const id of [...hiddenIds, ...visibleIds]) {
        expect((await api('admin', 'POST', `/api/v1/messages/${id}/retract`)).status).toBe(200);
      }
      for (const socket of Object.values(live)) {
        await until(socket, 'message.retracted', (m: { id: string }) => m.id === last);
      }

      const everything = { created: hiddenIds.length, updated: expect.any(Number), retracted: hiddenIds.length };
      expect(about(live.admin, hiddenIds)).toEqual(everything);
      expect(about(live.operator, hiddenIds)).toEqual(everything);
      expect(about(live.admin, hiddenIds).updated).toBeGreaterThanOrEqual(hiddenIds.length);
      expect(about(live.restricted, hiddenIds)).toEqual({ created: 0, updated: 0, retracted: 0 });
      expect(about(live.restricted, visibleIds)).toEqual({
        created: visibleIds.length,
        updated: expect.any(Number),
        retracted: visibleIds.length,
      });
      expect(about(live.restricted, visibleIds).updated).toBeGreaterThanOrEqual(visibleIds.length);
      expect(about(live.admin, pending).updated).toBeGreaterThanOrEqual(pending.length);
      expect(about(live.restricted, pending).updated).toBe(0);
      expect(about(memberLive, [...hiddenIds, ...visibleIds, ...pending])).toEqual({
        created: 0,
        updated: 0,
        retracted: 0,
      });
      expect(memberLive.socket.connected).toBe(true);
    });

    it('refuses to restrict a member to groups: members send no alerts and see no sites', async () => {
      const response = await api('admin', 'PUT', `/api/v1/users/${memberId}/restrictions`, {
        restricted: true,
        groups: ['norte'],
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('members send no alerts and see no sites; only operators can be restricted');
    });

    it('follows a change of restriction at once, on the sockets already open', async () => {
      const lifted = await api('admin', 'PUT', `/api/v1/users/${restrictedId}/restrictions`, { restricted: false });
      expect(lifted.status).toBe(200);
      const id = await send('admin', { kind: 'group', name: 'sur' }, 'en vivo: sin restricción');
      await until(live.restricted, 'message.created', (m: { id: string }) => m.id === id);

      const again = await api('admin', 'PUT', `/api/v1/users/${restrictedId}/restrictions`, {
        restricted: true,
        allowGlobal: false,
        groups: ['norte'],
      });
      expect(again.status).toBe(200);
      const hidden = await send('admin', { kind: 'group', name: 'sur' }, 'en vivo: restringido otra vez');
      const visible = await send('admin', { kind: 'group', name: 'norte' }, 'en vivo: norte otra vez');
      await until(live.restricted, 'message.created', (m: { id: string }) => m.id === visible);
      expect(about(live.restricted, [hidden]).created).toBe(0);
    });
  });
});
