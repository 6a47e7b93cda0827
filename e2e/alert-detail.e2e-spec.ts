import type { AlertPayload, DeliveriesPage, ResendUnreadResponse } from '@avisa/contracts';
import { parse } from 'csv-parse/sync';
import { passes } from './support/eventually';
import { queryDb } from './support/database';
import { TestServer } from './support/server';
import { openSocket, type TestSocket } from './support/test-socket';

/** 300 sites, half "Norte" and half "Sur" by display name; 20 of them connected. */
const SITES = Array.from({ length: 300 }, (_, i) => {
  const n = String(i + 1).padStart(3, '0');
  return { name: `sitio-${n}`, displayName: `Farmacia ${i % 2 ? 'Sur' : 'Norte'} ${n}` };
});
/** A display name a spreadsheet would run as a formula. */
SITES[6].displayName = '=HYPERLINK("http://x")';
const CONNECTED = SITES.slice(0, 20).map((s) => s.name);
const READERS = CONNECTED.slice(0, 5);
const DELIVERED = CONNECTED.slice(5, 10);

describe('alert detail: per-site copies at a few hundred sites', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let alertId: string;
  const sockets = new Map<string, TestSocket>();

  const page = async (query: string, token = admin) => {
    const response = await server.api<DeliveriesPage>('GET', `/api/v1/messages/${alertId}/deliveries${query}`, {
      token,
    });
    expect(response.status).toBe(200);
    return response.body;
  };
  const names = (p: DeliveriesPage) => p.items.map((d) => d.receiver);

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    await server.createUser(admin, 'opal', 'operator', 'Opal-Operator-2026');
    operator = await server.login('opal', 'Opal-Operator-2026');
    const csv = ['name,display_name', ...SITES.map((s) => `${s.name},"${s.displayName.replace(/"/g, '""')}"`)];
    const bulk = await server.api('POST', '/api/v1/receivers/bulk', {
      token: admin,
      raw: `${csv.join('\n')}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(bulk.status).toBe(201);
    const keys = new Map(
      (parse(bulk.body as string, { columns: true }) as { name: string; key: string }[]).map((r) => [r.name, r.key]),
    );
    for (const name of CONNECTED) {
      const socket = openSocket(server, '/receivers', { name, key: keys.get(name), clientVersion: 'e2e-site/1.0' });
      await socket.connected();
      sockets.set(name, socket);
    }
    await passes(() => CONNECTED.forEach((n) => expect(sockets.get(n)!.received('welcome')).toHaveLength(1)), 10_000);

    const sent = await server.api('POST', '/api/v1/messages', {
      token: operator,
      body: { target: { kind: 'all' }, text: 'Revisad la cadena de frío', priority: 'urgent' },
    });
    expect(sent.status).toBe(201);
    alertId = sent.body.id;
    for (const name of [...READERS, ...DELIVERED]) {
      await passes(() => expect(sockets.get(name)!.alerts(alertId)).toHaveLength(1), 5000);
      await sockets.get(name)!.receipt(alertId, READERS.includes(name) ? 'read' : 'delivered');
    }
    await passes(async () => expect((await page('?state=read')).total).toBe(READERS.length), 5000);
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await server?.dispose();
  });

  it('answers the totals by state in one shape, each copy once, with the first page sorted by site name', async () => {
    const first = await page('');
    expect(first.message).toMatchObject({ id: alertId, text: 'Revisad la cadena de frío', priority: 'urgent' });
    expect(first.message.counts).toEqual({
      total: 300,
      queued: 280,
      sent: 10,
      delivered: 5,
      read: 5,
      expired: 0,
      retracted: 0,
      cancelled: 0,
    });
    expect(first).toMatchObject({ total: 300, page: 1, pageSize: 100 });
    expect(names(first)).toEqual(SITES.slice(0, 100).map((s) => s.name));
    expect(first.items[1]).toMatchObject({ receiver: 'sitio-002', displayName: 'Farmacia Sur 002', state: 'read' });
  });

  it('filters by one or several states, and its total counts only the matching copies', async () => {
    const read = await page('?state=read');
    expect(read.total).toBe(5);
    expect(names(read)).toEqual(READERS);
    expect(read.items.every((d) => d.state === 'read' && d.readAt !== null)).toBe(true);
    const reached = await page('?state=delivered,read');
    expect(names(reached)).toEqual([...READERS, ...DELIVERED].sort());
    const waiting = await page('?state=queued&pageSize=500');
    expect(waiting.total).toBe(280);
    expect(waiting.items).toHaveLength(280);
    expect(waiting.message.counts.total).toBe(300);
  });

  it('searches the site name and the display name, case-insensitively', async () => {
    const byName = await page('?q=SITIO-01');
    expect(names(byName)).toEqual(SITES.slice(9, 19).map((s) => s.name));
    const byDisplay = await page('?q=norte&pageSize=500');
    expect(byDisplay.total).toBe(149);
    expect(byDisplay.items.every((d) => d.displayName!.includes('Norte'))).toBe(true);
    const both = await page('?q=sur&state=read');
    expect(names(both)).toEqual(['sitio-002', 'sitio-004']);
  });

  it('sorts by display name, state and times either way, with what has not happened yet last', async () => {
    const byDisplay = await page('?sort=displayName&order=desc&pageSize=3');
    expect(byDisplay.items.map((d) => d.displayName)).toEqual([
      'Farmacia Sur 300',
      'Farmacia Sur 298',
      'Farmacia Sur 296',
    ]);
    const byState = await page('?sort=state&order=desc&pageSize=10');
    expect(byState.items.map((d) => d.state)).toEqual([...Array(5).fill('read'), ...Array(5).fill('delivered')]);
    const byRead = await page('?sort=readAt&order=desc&pageSize=6');
    expect(
      byRead.items
        .slice(0, 5)
        .map((d) => d.receiver)
        .sort(),
    ).toEqual(READERS);
    expect(byRead.items[5].readAt).toBeNull();
    const readTimes = byRead.items.slice(0, 5).map((d) => d.readAt!);
    expect([...readTimes].sort().reverse()).toEqual(readTimes);
    const bySent = await page('?sort=sentAt&order=asc&pageSize=25');
    expect(bySent.items.slice(0, 20).every((d) => d.sentAt !== null)).toBe(true);
    expect(bySent.items.slice(20).every((d) => d.sentAt === null)).toBe(true);
  });

  it('pages through every copy once, the total unchanged', async () => {
    const seen: string[] = [];
    for (let p = 1; p <= 4; p++) {
      const result = await page(`?page=${p}&pageSize=80&sort=displayName`);
      expect(result.total).toBe(300);
      seen.push(...names(result));
    }
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  it('refuses bad filters with 400 naming the field', async () => {
    for (const [query, field] of [
      ['?state=lost', /^state must be any of/],
      ['?sort=colour', /^sort must be one of/],
      ['?order=up', /^order must be one of/],
      ['?pageSize=501', /^pageSize must be a whole number from 1 to 500/],
      ['?page=0', /^page must be a whole number from 1/],
    ] as const) {
      const response = await server.api('GET', `/api/v1/messages/${alertId}/deliveries${query}`, { token: admin });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(new RegExp(field.source.replace('^', '')));
    }
  });

  it('exports the filtered copies as CSV, a formula-like display name made text', async () => {
    const response = await server.api('GET', `/api/v1/messages/${alertId}/deliveries/export?q=sitio-00&sort=receiver`, {
      token: admin,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="avisa-aviso-[0-9a-f]{8}\.csv"$/);
    const rows = parse(response.body as string, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.site)).toEqual(SITES.slice(0, 9).map((s) => s.name));
    expect(rows[6].display_name).toBe('\'=HYPERLINK("http://x")');
    expect(rows[0]).toMatchObject({ site: 'sitio-001', display_name: 'Farmacia Norte 001', state: 'read', reply: '' });
    expect(rows[0].read_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const unread = await server.api('GET', `/api/v1/messages/${alertId}/deliveries/export?state=queued`, {
      token: admin,
    });
    expect((parse(unread.body as string, { columns: true }) as unknown[]).length).toBe(280);
  });

  it('re-sends to the connected sites that have not read it, and only to them, audited with how many', async () => {
    const before = new Map(CONNECTED.map((n) => [n, sockets.get(n)!.alerts(alertId).length]));
    const response = await server.api<ResendUnreadResponse>('POST', `/api/v1/messages/${alertId}/resend-unread`, {
      token: operator,
    });
    expect(response.status).toBe(200);
    const unreadConnected = CONNECTED.filter((n) => !READERS.includes(n));
    expect([...response.body.told].sort()).toEqual(unreadConnected);
    expect(response.body.notConnected).toBe(280);
    await passes(() => {
      for (const name of unreadConnected) {
        const alerts = sockets.get(name)!.alerts(alertId) as AlertPayload[];
        expect(alerts).toHaveLength(before.get(name)! + 1);
        expect(alerts.at(-1)!.reminder).toBe(1);
      }
    }, 5000);
    for (const name of READERS) expect(sockets.get(name)!.alerts(alertId)).toHaveLength(before.get(name)!);
    const reminded = await page('?sort=reminders&order=desc&pageSize=16');
    expect(reminded.items.slice(0, 15).every((d) => d.reminders === 1)).toBe(true);
    expect(reminded.items[15].reminders).toBe(0);
    const audit = queryDb<{ actor_name: string; target: string; details: string }>(
      server,
      "SELECT actor_name, target, details FROM audit_events WHERE action = 'message.resent'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_name: 'opal', target: alertId });
    expect(JSON.parse(audit[0].details)).toEqual({ toldSites: 15, notConnected: 280 });
  });

  it('refuses to re-send a withdrawn alert with 409', async () => {
    const sent = await server.api('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'receiver', name: 'sitio-020' }, text: 'Se retira' },
    });
    expect((await server.api('POST', `/api/v1/messages/${sent.body.id}/retract`, { token: admin })).status).toBe(200);
    const response = await server.api('POST', `/api/v1/messages/${sent.body.id}/resend-unread`, { token: admin });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe('this alert was withdrawn');
  });

  it('filters the history by priority, and refuses an unknown one with 400 naming it', async () => {
    const urgent = await server.api('GET', '/api/v1/messages?priority=urgent', { token: admin });
    expect(urgent.status).toBe(200);
    expect(urgent.body.items.map((m: { id: string }) => m.id)).toEqual([alertId]);
    const normal = await server.api('GET', '/api/v1/messages?priority=normal&sender=admin', { token: admin });
    expect(normal.body.items.map((m: { text: string }) => m.text)).toEqual(['Se retira']);
    const bad = await server.api('GET', '/api/v1/messages?priority=high', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('priority must be one of: normal, urgent');
  });
});
