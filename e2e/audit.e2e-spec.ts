import { parse } from 'csv-parse/sync';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';
import { openSocket } from './support/test-socket';

interface AuditItem {
  id: number;
  at: string;
  actorKind: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/**
 * The server runs in a fixed-offset zone far from UTC, chosen from the current UTC hour so that the server's "today"
 * started at least an hour ago and does not end during the run, while its midnight is 12 to 14 hours away from UTC
 * midnight. A bare date in a filter is a day of the server's calendar (as an admin reads it), so reading one as UTC
 * would show up here whatever the time of day the suite runs.
 */
const OFFSET_HOURS = new Date().getUTCHours() >= 11 ? 14 : -12;
const SERVER_TZ = OFFSET_HOURS > 0 ? `Etc/GMT-${OFFSET_HOURS}` : `Etc/GMT+${-OFFSET_HOURS}`;
const serverDate = (days: number) =>
  new Date(Date.now() + OFFSET_HOURS * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

const LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - \S+ - \S+/;

describe('audit API and logs', () => {
  let server: TestServer;
  let admin: string;
  let auditor: string;

  const search = (query: string, token = admin) => server.api('GET', `/api/v1/audit${query}`, { token });
  const dbIds = (where = '1 = 1', ...params: unknown[]) =>
    queryDb<{ id: number }>(server, `SELECT id FROM audit_events WHERE ${where} ORDER BY id DESC`, ...params).map(
      (r) => r.id,
    );
  const ids = (items: AuditItem[]) => items.map((i) => i.id);

  beforeAll(async () => {
    server = await TestServer.start({ env: { TZ: SERVER_TZ } });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'marin', 'operator', 'Marin-Pass-2026');
    await server.createUser(admin, 'auditor', 'admin', 'Auditor-Pass-2026');
    auditor = await server.login('auditor', 'Auditor-Pass-2026');
    await server.createUser(auditor, 'zeta', 'operator', 'Zeta-Pass-2026');
    const failed = await server.api('POST', '/api/v1/auth/login', {
      body: { username: 'marin', password: 'Wrong-Pass-2026' },
    });
    expect(failed.status).toBe(401);
    await server.login('marin', 'Marin-Pass-2026');
  });

  afterAll(() => server.dispose());

  it('lists every event newest first, with who, what, on what and from where', async () => {
    const response = await search('');
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(countRows(server, 'audit_events'));
    expect(response.body).toMatchObject({ page: 1, pageSize: 50, lastReadId: null });
    const items: AuditItem[] = response.body.items;
    expect(ids(items)).toEqual(dbIds());
    expect(ids(items)).toEqual([...ids(items)].sort((a, b) => b - a));
    expect(items[0]).toMatchObject({
      actorKind: 'user',
      actor: 'marin',
      action: 'auth.login.succeeded',
      target: 'marin',
    });
    expect(items[0].ip).toMatch(/127\.0\.0\.1/);
    expect(new Date(items[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(items.at(-1)).toMatchObject({
      actorKind: 'system',
      actor: 'system',
      action: 'user.created',
      target: 'admin',
    });
    expect(items).toContainEqual(
      expect.objectContaining({
        actor: 'admin',
        action: 'user.created',
        target: 'marin',
        details: { role: 'operator' },
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        actorKind: 'anonymous',
        actor: 'marin',
        action: 'auth.login.failed',
        details: { reason: 'wrong password' },
      }),
    );
  });

  it('pages through the events with page and pageSize', async () => {
    const all = dbIds();
    expect(all.length).toBeGreaterThan(6);
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 3); page++) {
      const response = await search(`?page=${page}&pageSize=3`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ page, pageSize: 3, total: all.length });
      expect(response.body.items.length).toBe(Math.min(3, all.length - (page - 1) * 3));
      seen.push(...ids(response.body.items));
    }
    expect(seen).toEqual(all);
    const beyond = await search(`?page=${Math.ceil(all.length / 3) + 1}&pageSize=3`);
    expect(beyond.body).toMatchObject({ items: [], total: all.length });

    const bad = await search('?page=0&pageSize=501');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual({
      page: ['page must not be less than 1'],
      pageSize: ['pageSize must not be greater than 500'],
    });
  });

  it('filters by the acting user, each admin separately', async () => {
    const byAdmin = await search('?user=admin');
    expect(byAdmin.status).toBe(200);
    expect(ids(byAdmin.body.items)).toEqual(dbIds("actor_name = 'admin'"));
    expect(byAdmin.body.items.every((i: AuditItem) => i.actor === 'admin')).toBe(true);
    expect(byAdmin.body.items.map((i: AuditItem) => `${i.action} ${i.target}`)).toEqual([
      'user.created auditor',
      'user.created marin',
      'auth.login.succeeded admin',
    ]);

    const byAuditor = await search('?user=auditor');
    expect(byAuditor.body.items.map((i: AuditItem) => `${i.actor} ${i.action} ${i.target}`)).toEqual([
      'auditor user.created zeta',
      'auditor auth.login.succeeded auditor',
    ]);
    expect(byAuditor.body.total).toBe(2);

    const normalized = await search('?user=%20ADMIN%20');
    expect(ids(normalized.body.items)).toEqual(ids(byAdmin.body.items));
    expect((await search('?user=nobody')).body).toMatchObject({ items: [], total: 0 });
  });

  it('filters by free text in action, actor, target and details, case-insensitively and literally', async () => {
    const response = await search('?q=marin');
    expect(response.status).toBe(200);
    const items: AuditItem[] = response.body.items;
    expect(ids(items)).toEqual(
      dbIds(
        "LOWER(action || ' ' || actor_name || ' ' || COALESCE(target, '') || ' ' || details || ' ' || COALESCE(ip, '')) LIKE '%marin%'",
      ),
    );
    expect(items.map((i) => `${i.actor} ${i.action} ${i.target}`)).toEqual([
      'marin auth.login.succeeded marin',
      'marin auth.login.failed marin',
      'admin user.created marin',
    ]);
    expect(ids((await search('?q=MARIN')).body.items)).toEqual(ids(items));
    expect(ids((await search('?q=login.failed')).body.items)).toEqual(dbIds("action = 'auth.login.failed'"));
    // LIKE wildcards are searched for as text, not as patterns.
    expect((await search('?q=%25')).body.total).toBe(0);
    expect((await search('?q=_')).body.total).toBe(0);
  });

  it(`filters by a date range of the server's calendar (server zone ${SERVER_TZ})`, async () => {
    const total = countRows(server, 'audit_events');
    const today = serverDate(0);
    const tomorrow = serverDate(1);
    const yesterday = serverDate(-1);

    const fromTomorrow = await search(`?from=${tomorrow}`);
    expect(fromTomorrow.status).toBe(200);
    expect(fromTomorrow.body).toMatchObject({ items: [], total: 0 });
    expect((await search(`?to=${yesterday}`)).body).toMatchObject({ items: [], total: 0 });

    expect((await search(`?from=${today}`)).body.total).toBe(total);
    expect((await search(`?to=${today}`)).body.total).toBe(total);
    expect((await search(`?from=${today}&to=${today}`)).body.total).toBe(total);
    expect((await search(`?from=${yesterday}&to=${tomorrow}`)).body.total).toBe(total);

    // Date-times with an explicit offset are taken as they are.
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    expect((await search(`?from=${encodeURIComponent(inAMinute)}`)).body.total).toBe(0);
    expect((await search(`?to=${encodeURIComponent(inAMinute)}`)).body.total).toBe(total);
  });

  it.each([
    ['from', '?from=yesterday'],
    ['from', '?from=2026-13-45'],
    ['to', '?to=22/11/2026'],
  ])('refuses a bad date in %s with 400 naming it (%s)', async (field, query) => {
    const response = await search(query);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(new RegExp(`^${field} must be an ISO 8601 date`));
    expect(Object.keys(response.body.fields)).toEqual([field]);
  });

  it('refuses a range that ends before it starts', async () => {
    const response = await search(`?from=${serverDate(0)}&to=${serverDate(-1)}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('from must not be later than to');
  });

  describe('last-read marker', () => {
    it('starts empty', async () => {
      const response = await server.api('GET', '/api/v1/audit/last-read', { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ lastReadId: null, updatedAt: null });
    });

    it('is set per admin with PUT, read back with GET and reported by GET /api/v1/audit', async () => {
      const newest = dbIds()[0];
      const marker = newest - 2;
      const put = await server.api('PUT', '/api/v1/audit/last-read', { token: admin, body: { lastReadId: marker } });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ lastReadId: marker, updatedAt: expect.any(String) });
      expect(Date.now() - new Date(put.body.updatedAt).getTime()).toBeLessThan(60_000);

      const get = await server.api('GET', '/api/v1/audit/last-read', { token: admin });
      expect(get.body).toEqual(put.body);
      expect((await search('')).body.lastReadId).toBe(marker);
      const adminId = queryDb<{ id: number }>(server, "SELECT id FROM users WHERE username = 'admin'")[0].id;
      expect(queryDb(server, 'SELECT user_id, last_read_id FROM audit_read_markers')).toEqual([
        { user_id: adminId, last_read_id: marker },
      ]);

      // The other admin has a marker of its own, still unset.
      expect((await server.api('GET', '/api/v1/audit/last-read', { token: auditor })).body).toEqual({
        lastReadId: null,
        updatedAt: null,
      });
      expect((await search('', auditor)).body.lastReadId).toBeNull();

      // Moving it is allowed, also backwards (e.g. "mark as unread").
      const back = await server.api('PUT', '/api/v1/audit/last-read', { token: admin, body: { lastReadId: 1 } });
      expect(back.body.lastReadId).toBe(1);
      const auditorPut = await server.api('PUT', '/api/v1/audit/last-read', {
        token: auditor,
        body: { lastReadId: newest },
      });
      expect(auditorPut.body.lastReadId).toBe(newest);
      expect((await server.api('GET', '/api/v1/audit/last-read', { token: admin })).body.lastReadId).toBe(1);
      expect(countRows(server, 'audit_read_markers')).toBe(2);
    });

    it.each([
      ['beyond the newest event', (newest: number) => newest + 1, /beyond the newest audit event/],
      ['negative', () => -1, /lastReadId must not be less than 0/],
      ['not an integer', () => 1.5, /lastReadId must be an integer number/],
    ])('refuses a marker %s with 400, keeping the old one', async (_what, value, message) => {
      const newest = dbIds()[0];
      const before = queryDb(server, 'SELECT * FROM audit_read_markers ORDER BY user_id');
      const response = await server.api('PUT', '/api/v1/audit/last-read', {
        token: admin,
        body: { lastReadId: value(newest) },
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
      expect(queryDb(server, 'SELECT * FROM audit_read_markers ORDER BY user_id')).toEqual(before);
    });
  });

  describe('CSV export', () => {
    const exportCsv = (query: string, token = admin) => server.api('GET', `/api/v1/audit/export${query}`, { token });
    const csvRows = (text: string) => parse(text) as string[][];
    const exportedEvents = () =>
      queryDb<{ actor_name: string; details: string }>(
        server,
        "SELECT actor_name, details FROM audit_events WHERE action = 'audit.exported' ORDER BY id",
      );

    it.each([
      ['from', '?from=yesterday', /^from must be an ISO 8601 date/],
      ['to', '?to=22/11/2026', /^to must be an ISO 8601 date/],
      ['user', `?user=${'x'.repeat(129)}`, /^user must be shorter than or equal to 128 characters/],
      ['page', '?page=2', /^unknown field "page" is not allowed/],
    ])('refuses a bad filter with 400 naming %s, and exports nothing', async (field, query, message) => {
      const before = exportedEvents().length;
      const response = await exportCsv(query);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.fields)).toEqual([field]);
      expect(response.body.fields[field][0]).toMatch(message);
      expect(exportedEvents()).toHaveLength(before);
    });

    it('refuses a range that ends before it starts', async () => {
      const response = await exportCsv(`?from=${serverDate(0)}&to=${serverDate(-1)}`);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('from must not be later than to');
    });

    it('is for admins only: an operator gets 403 and no file', async () => {
      const operator = await server.login('marin', 'Marin-Pass-2026');
      const before = exportedEvents().length;
      const response = await exportCsv('', operator);
      expect(response.status).toBe(403);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(exportedEvents()).toHaveLength(before);
    });

    it('gives an admin exactly the filtered rows, newest first, as a dated CSV attachment, and audits the export', async () => {
      const expected = queryDb<Record<string, string | number | null>>(
        server,
        `SELECT id, at, actor_kind, actor_name, action, target, ip, details FROM audit_events
         WHERE actor_name = 'admin' AND LOWER(action || ' ' || actor_name || ' ' || COALESCE(target, '') || ' ' || details || ' ' || COALESCE(ip, '')) LIKE '%marin%'
         ORDER BY id DESC`,
      );
      expect(expected.length).toBeGreaterThan(0);
      const listed = await search('?user=admin&q=marin');
      const response = await exportCsv('?user=admin&q=marin');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="avisa-auditoria-${serverDate(0)}.csv"`,
      );
      const [header, ...rows] = csvRows(response.body as unknown as string);
      expect(header).toEqual(['id', 'at', 'actor_kind', 'actor', 'action', 'target', 'ip', 'details']);
      expect(rows).toEqual(
        expected.map((e) => [
          String(e.id),
          new Date(Number(e.at)).toISOString(),
          e.actor_kind,
          e.actor_name,
          e.action,
          e.target ?? '',
          e.ip ?? '',
          e.details,
        ]),
      );
      expect(rows.map((r) => `${r[4]} ${r[5]}`)).toContain('user.created marin');
      // The same rows as the list with the same filters.
      expect(rows.map((r) => Number(r[0]))).toEqual(ids(listed.body.items));

      const audited = exportedEvents().at(-1)!;
      expect(audited.actor_name).toBe('admin');
      expect(JSON.parse(audited.details)).toEqual({
        filters: { user: 'admin', q: 'marin' },
        rows: expected.length,
        truncated: false,
      });
    });

    it('exports every event without filters, but not its own audit line', async () => {
      const before = dbIds();
      const response = await exportCsv('');
      expect(response.status).toBe(200);
      const rows = csvRows(response.body as unknown as string).slice(1);
      expect(rows.map((r) => Number(r[0]))).toEqual(before);
      expect(dbIds()).toHaveLength(before.length + 1);
      expect(JSON.parse(exportedEvents().at(-1)!.details)).toMatchObject({ filters: {}, rows: before.length });
    });

    it("neutralises cells a spreadsheet would run as a formula with a leading '", async () => {
      const name = '=hyperlink("http://evil.example","clic")';
      const created = await server.api('POST', '/api/v1/groups', {
        token: admin,
        body: { name, members: ['farmacia-1'] },
      });
      expect(created.status).toBe(201);
      const response = await exportCsv('?q=evil.example');
      expect(response.status).toBe(200);
      const text = response.body as unknown as string;
      const rows = csvRows(text).slice(1);
      expect(rows.map((r) => [r[4], r[5]])).toEqual([['group.created', `'${name}`]]);
      expect(text).not.toMatch(/(^|,)"?=hyperlink/m);
    });
  });

  describe('log files', () => {
    it('writes one acciones.log line per audit event: "YYYY-MM-DD HH:mm:ss - user - action target"', async () => {
      const total = countRows(server, 'audit_events');
      const text = await eventually(
        () => server.readLog('acciones.log'),
        (t) => t.trim().split('\n').length >= total,
      );
      const lines = text.trim().split('\n');
      expect(lines).toHaveLength(total);
      for (const line of lines) expect(line).toMatch(LINE);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - system - user\.created admin\b/m);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - user\.created marin\b/m);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - auditor - user\.created zeta\b/m);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - marin - auth\.login\.failed marin\b/m);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - auth\.login\.succeeded admin\b/m);
      // Stamped with the server's local time.
      expect(lines.at(-1)!.slice(0, 10)).toBe(serverDate(0));
    });

    it('writes servidor.log with timestamped lines, including the start-up', () => {
      const lines = server.readLog('servidor.log').trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - (INFO|WARN|ERROR|DEBUG) /);
      expect(lines.some((l) => /INFO \[Bootstrap\] Avisa listening on https:\/\/127\.0\.0\.1:\d+$/.test(l))).toBe(true);
    });
  });

  describe('hostile values in log lines', () => {
    const FORGED = 'zz\r\n2026-12-02 10:00:00 - admin - FAKELOGIN';
    const ANSI = '\u001b[2J\u001b[31mroot\u001b[0m';
    // Any control character but the line feed that ends each line.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;
    const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - /;

    it('keeps an attempted username with CR/LF or ANSI escapes as data in the audit row, one escaped acciones.log line each', async () => {
      for (const username of [FORGED, ANSI]) {
        const response = await server.api('POST', '/api/v1/auth/login', {
          body: { username, password: 'Wrong-Pass-2026' },
        });
        expect(response.status).toBe(401);
      }
      const failed = queryDb<{ actor_kind: string; actor_name: string; target: string }>(
        server,
        "SELECT actor_kind, actor_name, target FROM audit_events WHERE action = 'auth.login.failed' AND actor_name <> 'marin' ORDER BY id",
      );
      // Stored as sent (normalized like every login name: trimmed, lower case), control characters and all.
      expect(failed).toEqual([
        { actor_kind: 'anonymous', actor_name: FORGED.toLowerCase(), target: FORGED.toLowerCase() },
        { actor_kind: 'anonymous', actor_name: ANSI.toLowerCase(), target: ANSI.toLowerCase() },
      ]);
      const listed = await search('?q=fakelogin');
      expect(listed.body.items.map((i: AuditItem) => i.actor)).toEqual([FORGED.toLowerCase()]);

      const total = countRows(server, 'audit_events');
      const text = await eventually(
        () => server.readLog('acciones.log'),
        (t) => t.includes('[31mroot'),
      );
      const lines = text.replace(/\n$/, '').split('\n');
      expect(lines).toHaveLength(total);
      for (const line of lines) expect(line).toMatch(STAMP);
      expect(text).not.toMatch(CONTROL);
      expect(text).not.toMatch(/^2026-12-02 10:00:00/m);
      // The name is written quoted and escaped, so it cannot pass for the "user" field of another line.
      expect(text).toContain(' - "zz\\r\\n2026-12-02 10:00:00 - admin - fakelogin" - auth.login.failed ');
      expect(text).toContain(' - "\\u001b[2j\\u001b[31mroot\\u001b[0m" - auth.login.failed ');
    });

    it('bounds the attempted username at 64 characters: a longer one is refused before any audit row', async () => {
      const before = countRows(server, 'audit_events');
      const long = await server.api('POST', '/api/v1/auth/login', {
        body: { username: `${'\r\n'.repeat(32)}x`, password: 'Wrong-Pass-2026' },
      });
      expect(long.status).toBe(400);
      expect(long.body.fields).toEqual({ username: ['username must be shorter than or equal to 64 characters'] });
      expect(countRows(server, 'audit_events')).toBe(before);
    });

    it('escapes control characters in servidor.log too: a refused site name stays on its line', async () => {
      const name = 'x\r\n2026-12-02 10:00:00 - ERROR [Bootstrap] \u001b[31mforged';
      const socket = openSocket(server, '/receivers', { name, key: 'avr_not-a-key' });
      await socket.refused();
      socket.close();
      const text = await eventually(
        () => server.readLog('servidor.log'),
        (t) => t.includes('refused site connection'),
      );
      const lines = text.replace(/\n$/, '').split('\n');
      for (const line of lines)
        expect(line).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - (INFO|WARN|ERROR|DEBUG|VERBOSE|FATAL) /);
      expect(text).not.toMatch(CONTROL);
      expect(text).not.toMatch(/^2026-12-02 10:00:00/m);
      expect(text).toContain(
        'refused site connection "x\\r\\n2026-12-02 10:00:00 - ERROR [Bootstrap] \\u001b[31mforged"',
      );
    });
  });
});
