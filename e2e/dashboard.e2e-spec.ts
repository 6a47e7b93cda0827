import type { DashboardResponse } from '@avisa/contracts';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eventually } from './support/eventually';
import { ON_POSTGRES, databaseUrlFor, TestServer } from './support/server';
import { openSocket, type TestSocket } from './support/test-socket';

/**
 * The home dashboard's figures, each checked against what this spec created: sites connected or not (and since
 * when), today's alerts and how many of their copies were read, an urgent alert left unread after its one reminder,
 * and 30 days of alerts counted in the server's time zone (a zone other than UTC here, with alerts written in the
 * past straight into the database).
 */
const TIME_ZONE = 'America/Bogota';
const DAY_MS = 86_400_000;
const OPERATOR = { username: 'turno', password: 'Turno-Noche-2026' };
const RESTRICTED = { username: 'zonal', password: 'Zonal-Norte-2026' };

/** `YYYY-MM-DD` of an instant in the server's zone. */
const dateIn = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date(at));

/** Writes an alert sent at `at` as the server would have stored it (no copy), on SQLite or PostgreSQL. */
function insertPastAlert(server: TestServer, at: number): void {
  const values = [randomUUID(), 'user', 'admin', 'Admin', 'all', null, 'antes', 'normal', 3600, at, at + 3_600_000, 0];
  const columns =
    'id, sender_kind, sender_name, sender_display, target_kind, target_name, text, priority, ttl_seconds, created_at, expires_at, recipient_count';
  if (ON_POSTGRES) {
    const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`);
    execFileSync('psql', [databaseUrlFor(server.dir), '-X', '-q', '-v', 'ON_ERROR_STOP=1'], {
      input: `INSERT INTO messages (${columns}) VALUES (${values.map(literal).join(', ')});\n`,
    });
    return;
  }
  const db = new Database(server.path('data', 'avisa.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(`INSERT INTO messages (${columns}) VALUES (${values.map(() => '?').join(', ')})`).run(...values);
  } finally {
    db.close();
  }
}

describe('GET /api/v1/dashboard', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  const keys = new Map<string, string>();
  const sockets: TestSocket[] = [];

  const dashboard = async (token = operator): Promise<DashboardResponse> => {
    const response = await server.api('GET', '/api/v1/dashboard', { token });
    expect(response.status).toBe(200);
    return response.body as DashboardResponse;
  };

  const connect = async (name: string) => {
    const socket = openSocket(server, '/receivers', { name, key: keys.get(name), clientVersion: 'e2e-site/1.0' });
    sockets.push(socket);
    await socket.connected();
    await eventually(
      () => socket.received('welcome').length,
      (n) => n > 0,
    );
    return socket;
  };

  const send = async (body: Record<string, unknown>) => {
    const response = await server.api('POST', '/api/v1/messages', { token: operator, body });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  beforeAll(async () => {
    server = await TestServer.start({
      env: {
        TZ: TIME_ZONE,
        AVISA_URGENT_REMINDER_SECONDS: '1',
        AVISA_URGENT_MAX_REMINDERS: '1',
        AVISA_LOGIN_IP_LIMIT: '100',
      },
    });
    admin = await server.loginAdmin();
    await server.createUser(admin, OPERATOR.username, 'operator', OPERATOR.password);
    operator = await server.login(OPERATOR.username, OPERATOR.password);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.dispose();
  });

  it('starts empty: no site, no alert, no read rate, 30 days of zero ending today in the server time zone', async () => {
    const answer = await dashboard();
    expect(answer.timeZone).toBe(TIME_ZONE);
    expect(answer.restricted).toBe(false);
    expect(answer.sites).toEqual({ total: 0, online: 0, offline: 0, disabled: 0, offlineLongest: [] });
    expect(answer.today).toMatchObject({ alerts: 0, copies: 0, read: 0, readRate: null });
    expect(answer.urgentUnread).toEqual([]);
    expect(answer.lastAlerts).toEqual([]);
    expect(answer.perDay).toHaveLength(30);
    expect(answer.perDay.every((d) => d.alerts === 0)).toBe(true);
    expect(answer.perDay.at(-1)!.date).toBe(dateIn(Date.now()));
    // Today starts at local midnight in Bogotá (UTC-5): 05:00 UTC.
    expect(answer.today.since).toBe(`${dateIn(Date.now())}T05:00:00.000Z`);
  });

  it('counts sites online and offline, and lists the offline ones longest first with since when', async () => {
    for (const name of ['alfa', 'bravo', 'charlie', 'delta', 'eco']) {
      const created = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
      expect(created.status).toBe(201);
      keys.set(name, created.body.key);
    }
    const disabled = await server.api('PATCH', '/api/v1/receivers/eco', { token: admin, body: { enabled: false } });
    expect(disabled.status).toBe(200);
    await connect('alfa');
    await connect('bravo');
    const charlie = await connect('charlie');
    charlie.close();
    const answer = await eventually(
      () => dashboard(),
      (d) => d.sites.online === 2,
    );
    expect(answer.sites).toMatchObject({ total: 4, online: 2, offline: 2, disabled: 1 });
    // delta never connected: offline since it was created, before charlie, which was seen a moment ago.
    expect(answer.sites.offlineLongest.map((s) => [s.name, s.neverConnected])).toEqual([
      ['delta', true],
      ['charlie', false],
    ]);
    const [delta, charlieRow] = answer.sites.offlineLongest;
    expect(Date.parse(delta.since)).toBeLessThan(Date.parse(charlieRow.since));
    expect(Date.now() - Date.parse(charlieRow.since)).toBeLessThan(30_000);
  });

  it("counts today's alerts and their read rate, and lists an urgent alert flagged unread after its reminder", async () => {
    const [alfa, bravo] = sockets;
    const global = await send({ target: { kind: 'all' }, text: 'Cierre a las 14:00' });
    const urgent = await send({ target: { kind: 'receiver', name: 'bravo' }, text: 'Llamad ya', priority: 'urgent' });
    await eventually(
      () => alfa.alerts(global).length + bravo.alerts(urgent).length,
      (n) => n === 2,
    );
    await alfa.receipt(global, 'read');
    await bravo.receipt(urgent, 'delivered');

    const answer = await eventually(
      () => dashboard(),
      (d) => d.urgentUnread.length > 0,
      10_000,
    );
    // 4 copies of the global alert (the enabled sites) and 1 of the urgent one; alfa read one.
    expect(answer.today).toMatchObject({ alerts: 2, copies: 5, read: 1, readRate: 0.2 });
    expect(answer.urgentUnread).toEqual([
      expect.objectContaining({ id: urgent, text: 'Llamad ya', sites: 1, siteNames: ['bravo'] }),
    ]);
    expect(bravo.alerts(urgent).map((a) => a.reminder)).toEqual([0, 1]);
    expect(answer.lastAlerts.map((m) => [m.id, m.counts.total, m.counts.read])).toEqual([
      [urgent, 1, 0],
      [global, 4, 1],
    ]);
    expect(answer.perDay.at(-1)).toEqual({ date: dateIn(Date.now()), alerts: 2 });

    // Read at last, it leaves the list.
    await bravo.receipt(urgent, 'read');
    const after = await eventually(
      () => dashboard(),
      (d) => d.urgentUnread.length === 0,
    );
    expect(after.today).toMatchObject({ copies: 5, read: 2, readRate: 0.4 });
  });

  it('counts 30 days of alerts by day in the server time zone, leaving out older ones', async () => {
    const now = Date.now();
    const past = [now - 3 * DAY_MS, now - 3 * DAY_MS + 60_000, now - 20 * DAY_MS, now - 31 * DAY_MS];
    for (const at of past) insertPastAlert(server, at);
    const answer = await dashboard();
    const dates = answer.perDay.map((d) => d.date);
    const expected = new Map<string, number>([[dateIn(now), 2]]);
    for (const at of past) {
      if (dates.includes(dateIn(at))) expected.set(dateIn(at), (expected.get(dateIn(at)) ?? 0) + 1);
    }
    expect(dates.includes(dateIn(now - 31 * DAY_MS))).toBe(false);
    expect(answer.perDay.filter((d) => d.alerts > 0)).toEqual(
      [...expected].map(([date, alerts]) => ({ date, alerts })).sort((a, b) => a.date.localeCompare(b.date)),
    );
    // Consecutive days, oldest first.
    for (let i = 1; i < dates.length; i++) {
      expect(Date.parse(`${dates[i]}T12:00:00Z`) - Date.parse(`${dates[i - 1]}T12:00:00Z`)).toBe(DAY_MS);
    }
    // Today's figures are unchanged by older alerts.
    expect(answer.today.alerts).toBe(2);
  });

  it("narrows every figure to a restricted operator's groups", async () => {
    const group = await server.api('POST', '/api/v1/groups', {
      token: admin,
      body: { name: 'norte', members: ['alfa'] },
    });
    expect(group.status).toBe(201);
    const { id } = await server.createUser(admin, RESTRICTED.username, 'operator', RESTRICTED.password);
    const restricted = await server.api('PUT', `/api/v1/users/${id}/restrictions`, {
      token: admin,
      body: { restricted: true, groups: ['norte'] },
    });
    expect(restricted.status).toBe(200);
    const token = await server.login(RESTRICTED.username, RESTRICTED.password);
    const answer = await dashboard(token);
    expect(answer.restricted).toBe(true);
    expect(answer.sites).toEqual({ total: 1, online: 1, offline: 0, disabled: 0, offlineLongest: [] });
    // The global alert and the urgent one to bravo are not within "norte"; no older alert is either.
    expect(answer.today).toMatchObject({ alerts: 0, copies: 0, readRate: null });
    expect(answer.urgentUnread).toEqual([]);
    expect(answer.lastAlerts).toEqual([]);
    expect(answer.perDay.every((d) => d.alerts === 0)).toBe(true);
  });

  it('refuses members and API tokens', async () => {
    await server.createUser(admin, 'socia', 'member', 'Socia-Chat-2026');
    const member = await server.login('socia', 'Socia-Chat-2026');
    expect((await server.api('GET', '/api/v1/dashboard', { token: member })).status).toBe(403);
    const created = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'lector', scopes: ['read'] },
    });
    expect(created.status).toBe(201);
    expect((await server.api('GET', '/api/v1/dashboard', { token: created.body.token })).status).toBe(403);
    expect((await server.api('GET', '/api/v1/dashboard')).status).toBe(401);
  });
});
