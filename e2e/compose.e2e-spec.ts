import { templateDate, type AlertPayload, type ScheduledMessageResponse } from '@avisa/contracts';
import { eventually, passes } from './support/eventually';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';
import { openSocket, SOCKET_WAIT_MS as WAIT_MS, type TestSocket } from './support/test-socket';

/**
 * Compose's send later and templates, against the built server and simulated sites (Socket.IO clients on the
 * receivers' namespace that answer each alert with a `delivered` receipt, as a receiver does).
 */
const SITES = {
  'farmacia-norte': 'Farmacia del Norte',
  'farmacia-sur': 'Farmacia Sur',
  'farmacia-este': 'Farmacia Este',
} as const;
type Site = keyof typeof SITES;
const DUE_WAIT_MS = 10_000;
/** Unconfirmed copies are sent again after this long. */
const SERVER_ENV = { AVISA_LOGIN_IP_LIMIT: '100', AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: '1' };

describe('compose: send later and templates', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  const keys = new Map<string, string>();
  const sockets: TestSocket[] = [];

  const api = (method: string, path: string, body?: unknown, token = operator) =>
    server.api(method, path, { token, body });
  const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const scheduledList = async (token = operator) => {
    const response = await api('GET', '/api/v1/messages/scheduled', undefined, token);
    expect(response.status).toBe(200);
    return response.body as ScheduledMessageResponse[];
  };
  const audited = (action: string, id: string) =>
    queryDb<{ actor_name: string; target: string; details: string }>(
      server,
      'SELECT actor_name, target, details FROM audit_events WHERE action = ? AND details LIKE ? ORDER BY id',
      action,
      `%${id}%`,
    );

  /** A site online, confirming each alert it gets as a receiver does (unless `confirms` is false). */
  const connect = async (name: Site, confirms = true): Promise<TestSocket> => {
    const socket = openSocket(server, '/receivers', { name, key: keys.get(name), clientVersion: 'e2e-site/1.0' });
    sockets.push(socket);
    if (confirms) {
      socket.socket.on('alert', (alert: AlertPayload) => void socket.receipt(alert.id, 'delivered').catch(() => {}));
    }
    await socket.connected();
    await eventually(
      () => socket.received('welcome').length,
      (n) => n > 0,
      WAIT_MS,
    );
    return socket;
  };
  const closeAll = () => sockets.splice(0).forEach((s) => s.close());

  beforeAll(async () => {
    server = await TestServer.start({ env: SERVER_ENV });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'olga', 'operator', 'Olga-Operadora-2026');
    operator = await server.login('olga', 'Olga-Operadora-2026');
    for (const [name, displayName] of Object.entries(SITES)) {
      const response = await api('POST', '/api/v1/receivers', { name, displayName }, admin);
      expect(response.status).toBe(201);
      keys.set(name, response.body.key);
    }
  });

  afterAll(async () => {
    closeAll();
    await server?.dispose();
  });

  describe('refuses a bad sendAt with 400 naming it, storing nothing', () => {
    it.each([
      ['not a date', 'mañana', /^sendAt must be an ISO date-time with its zone/],
      ['a date-time without its zone', '2030-01-01T09:00:00', /^sendAt must be an ISO date-time with its zone/],
      ['a time in the past', '2020-01-01T09:00:00Z', /^sendAt must be in the future$/],
      ['31 days ahead', new Date(Date.now() + 31 * 86_400_000).toISOString(), /^sendAt must be at most 30 days ahead$/],
      ['a number', 1893456000000, /^sendAt must be an ISO date-time with its zone/],
    ])('%s', async (_what, sendAt, message) => {
      const before = [countRows(server, 'scheduled_messages'), countRows(server, 'messages')];
      const response = await api('POST', '/api/v1/messages', { target: { kind: 'all' }, text: 'Más tarde', sendAt });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ sendAt: [expect.stringMatching(message)] });
      expect([countRows(server, 'scheduled_messages'), countRows(server, 'messages')]).toEqual(before);
    });

    it('refuses a site that does not exist when scheduling, not at its time', async () => {
      const response = await api('POST', '/api/v1/messages', {
        target: { kind: 'receiver', name: 'farmacia-fantasma' },
        text: 'Más tarde',
        sendAt: inSeconds(3600),
      });
      expect(response.status).toBe(404);
      expect(countRows(server, 'scheduled_messages')).toBe(0);
    });
  });

  it('lists a scheduled alert, edits it and cancels it, audited, and never sends it', async () => {
    const sendAt = inSeconds(3600);
    const created = await api('POST', '/api/v1/messages', {
      target: { kind: 'receiver', name: 'farmacia-norte' },
      text: 'Inventario a las 9',
      sendAt,
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      state: 'scheduled',
      sender: 'olga',
      target: { kind: 'receiver', name: 'farmacia-norte' },
      text: 'Inventario a las 9',
      priority: 'normal',
      ttlSeconds: 86_400,
      sendAt,
    });
    const id = created.body.id as string;
    expect((await scheduledList()).map((s) => s.id)).toEqual([id]);
    expect((await scheduledList(admin)).map((s) => s.id)).toEqual([id]);
    expect((await api('GET', `/api/v1/messages/${id}`)).status).toBe(404); // not an alert until sent

    const later = inSeconds(7200);
    const edited = await api('PATCH', `/api/v1/messages/scheduled/${id}`, {
      text: 'Inventario a las 10',
      priority: 'urgent',
      ttlSeconds: 3600,
      target: { kind: 'receiver', name: 'farmacia-sur' },
      sendAt: later,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      id,
      text: 'Inventario a las 10',
      priority: 'urgent',
      ttlSeconds: 3600,
      target: { kind: 'receiver', name: 'farmacia-sur' },
      sendAt: later,
    });
    expect(await scheduledList()).toEqual([edited.body]);

    const past = await api('PATCH', `/api/v1/messages/scheduled/${id}`, { sendAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.fields).toEqual({ sendAt: ['sendAt must be in the future'] });
    const empty = await api('PATCH', `/api/v1/messages/scheduled/${id}`, { text: '  ' });
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.fields)).toEqual(['text']);

    expect((await api('DELETE', `/api/v1/messages/scheduled/${id}`)).status).toBe(204);
    expect(await scheduledList()).toEqual([]);
    expect((await api('DELETE', `/api/v1/messages/scheduled/${id}`)).status).toBe(409);
    expect((await api('PATCH', `/api/v1/messages/scheduled/${id}`, { text: 'otra' })).status).toBe(409);
    expect((await api('PATCH', `/api/v1/messages/scheduled/00000000-0000-4000-8000-000000000000`, {})).status).toBe(
      404,
    );

    expect(audited('message.scheduled', id)).toEqual([
      expect.objectContaining({ actor_name: 'olga', target: 'receiver:farmacia-norte' }),
    ]);
    expect(JSON.parse(audited('message.schedule_edited', id)[0].details)).toMatchObject({
      changed: expect.arrayContaining(['text', 'priority', 'ttlSeconds', 'targetKind', 'targetName', 'sendAt']),
    });
    expect(audited('message.schedule_cancelled', id)).toEqual([expect.objectContaining({ actor_name: 'olga' })]);
    expect(queryDb(server, 'SELECT id FROM messages WHERE id = ?', id)).toEqual([]);
  });

  it('sends a scheduled alert at its time, like any other, to a site online then', async () => {
    const norte = await connect('farmacia-norte');
    const sendAt = inSeconds(2);
    const created = await api('POST', '/api/v1/messages', {
      target: { kind: 'receiver', name: 'farmacia-norte' },
      text: 'Cierre de caja',
      priority: 'urgent',
      replies: ['Hecho'],
      sendAt,
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect(norte.alerts(id)).toEqual([]);

    const [alert] = await eventually(
      () => norte.alerts(id),
      (list) => list.length > 0,
      DUE_WAIT_MS,
    );
    expect(alert).toMatchObject({ id, text: 'Cierre de caja', priority: 'urgent', replies: ['Hecho'] });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(Date.parse(alert.sentAt)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(await scheduledList()).toEqual([]);
    await passes(async () => {
      const detail = await api('GET', `/api/v1/messages/${id}`);
      expect(detail.body).toMatchObject({ sender: 'olga', text: 'Cierre de caja', counts: { delivered: 1 } });
    }, WAIT_MS);
    expect(JSON.parse(audited('message.created', id)[0].details)).toMatchObject({ id, scheduledFor: sendAt });
    expect((await api('DELETE', `/api/v1/messages/scheduled/${id}`)).status).toBe(409);
    closeAll();
  });

  it('lists one whose site was deleted before its time as failed, with why, until it is dismissed', async () => {
    const created = await api('POST', '/api/v1/receivers', { name: 'farmacia-cerrada' }, admin);
    expect(created.status).toBe(201);
    const sendAt = inSeconds(2);
    const scheduled = await api('POST', '/api/v1/messages', {
      target: { kind: 'receiver', name: 'farmacia-cerrada' },
      text: 'Traspaso de stock',
      sendAt,
    });
    expect(scheduled.status).toBe(202);
    const id = scheduled.body.id as string;
    expect((await api('DELETE', '/api/v1/receivers/farmacia-cerrada', undefined, admin)).status).toBe(204);

    const [failed] = await eventually(
      () => scheduledList(),
      (list) => list[0]?.state === 'failed',
      DUE_WAIT_MS,
    );
    expect(failed).toMatchObject({ id, state: 'failed', problem: 'site "farmacia-cerrada" does not exist' });
    // The audit row follows the state change (written right after it, not in its transaction).
    await passes(() => {
      expect(audited('message.schedule_failed', id)).toEqual([
        expect.objectContaining({ actor_name: 'olga', target: 'receiver:farmacia-cerrada' }),
      ]);
    }, WAIT_MS);
    expect((await api('PATCH', `/api/v1/messages/scheduled/${id}`, { text: 'otra' })).status).toBe(409);
    expect((await api('DELETE', `/api/v1/messages/scheduled/${id}`)).status).toBe(204);
    expect(await scheduledList()).toEqual([]);
    expect(queryDb(server, 'SELECT id FROM messages WHERE id = ?', id)).toEqual([]);
  });

  it('fills {sitio} and {fecha} per site, live and on catch-up, and keeps the template in the alert', async () => {
    const [norte, sur] = [await connect('farmacia-norte'), await connect('farmacia-sur')];
    const text = 'Hola {sitio}: revisad la nevera hoy {fecha}. ({site}, {date})';
    const sent = await api('POST', '/api/v1/messages', { target: { kind: 'all' }, text });
    expect(sent.status).toBe(201);
    const id = sent.body.id as string;
    const today = templateDate(Date.parse((await api('GET', `/api/v1/messages/${id}`)).body.createdAt));
    const filled = (site: Site) => `Hola ${SITES[site]}: revisad la nevera hoy ${today}. (${SITES[site]}, ${today})`;

    for (const [socket, site] of [
      [norte, 'farmacia-norte'],
      [sur, 'farmacia-sur'],
    ] as const) {
      const alerts = await eventually(
        () => socket.alerts(id),
        (list) => list.length > 0,
        WAIT_MS,
      );
      expect(alerts.map((a) => a.text)).toEqual([filled(site)]);
    }
    // Offline when it was sent: its copy waits, and is filled with its own name when it connects.
    const este = await connect('farmacia-este');
    const caughtUp = await eventually(
      () => este.alerts(id),
      (list) => list.length > 0,
      WAIT_MS,
    );
    expect(caughtUp.map((a) => a.text)).toEqual([filled('farmacia-este')]);

    const detail = await api('GET', `/api/v1/messages/${id}`);
    expect(detail.body.text).toBe(text);
    await passes(async () => {
      expect((await api('GET', `/api/v1/messages/${id}`)).body.counts).toMatchObject({ total: 3, delivered: 3 });
    }, WAIT_MS);
    closeAll();
  });

  it('fills a template again for the site when its copy is sent again (no receipt came)', async () => {
    const sur = await connect('farmacia-sur', false);
    const sent = await api('POST', '/api/v1/messages', {
      target: { kind: 'receiver', name: 'farmacia-sur' },
      text: 'Confirmad la recepción, {sitio}',
    });
    expect(sent.status).toBe(201);
    const alerts = await eventually(
      () => sur.alerts(sent.body.id),
      (list) => list.length >= 2,
      WAIT_MS,
    );
    expect(new Set(alerts.map((a) => a.text))).toEqual(new Set(['Confirmad la recepción, Farmacia Sur']));
    await sur.receipt(sent.body.id, 'delivered');
    closeAll();
  });

  it('sends an alert that fell due while the server was stopped once it is back, once', async () => {
    const sendAt = inSeconds(2);
    const created = await api('POST', '/api/v1/messages', {
      target: { kind: 'receiver', name: 'farmacia-sur' },
      text: 'Tras el reinicio, {sitio}',
      sendAt,
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    const { dir, port } = server;
    await server.stop();
    await eventually(
      () => Date.now(),
      (now) => now > Date.parse(sendAt) + 500,
      DUE_WAIT_MS,
    );
    expect(queryDb(server, 'SELECT id FROM messages WHERE id = ?', id)).toEqual([]);
    server = await TestServer.start({ dir, port, env: SERVER_ENV });
    operator = await server.login('olga', 'Olga-Operadora-2026');

    const sur = await connect('farmacia-sur');
    const alerts = await eventually(
      () => sur.alerts(id),
      (list) => list.length > 0,
      DUE_WAIT_MS,
    );
    expect(alerts.map((a) => a.text)).toEqual(['Tras el reinicio, Farmacia Sur']);
    await passes(async () => {
      expect((await api('GET', `/api/v1/messages/${id}`)).body.counts).toMatchObject({ total: 1, delivered: 1 });
    }, WAIT_MS);
    expect(queryDb(server, 'SELECT state FROM scheduled_messages WHERE id = ?', id)).toEqual([{ state: 'sent' }]);
    expect(queryDb(server, 'SELECT id FROM messages WHERE id = ?', id)).toHaveLength(1);
    expect(audited('message.created', id)).toHaveLength(1);
    expect(sur.alerts(id)).toHaveLength(1);
  });
});
