import type { DeliveriesUpdatedPayload, DeliveryResponse, ReceiverResponse } from '@avisa/contracts';
import { execFileSync } from 'node:child_process';
import { TcpBalancer } from '../support/balancer';
import { queryDb } from '../support/database';
import { eventually } from '../support/eventually';
import { SitePc, disposeSitePcs } from '../support/receiver';
import { databaseNameFor, TEST_REDIS_URL, TestServer } from '../support/server';
import { openSocket, type TestSocket } from '../support/test-socket';

/**
 * Two instances of one deployment on the real PostgreSQL and Redis, behind a TCP balancer as nginx would be, with real
 * receiver processes spread over both. What a national chain relies on: an alert sent through one instance reaches
 * sites on the other, operators anywhere see the receipts, a site cannot connect twice, and killing an instance loses
 * nothing.
 */
const WAIT_MS = 30_000;
const PRESENCE_TTL_SECONDS = 3;
const ENV = {
  AVISA_PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS),
  AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: '2',
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000',
  AVISA_LOGIN_IP_LIMIT: '100',
};
const SITES = ['norte', 'sur', 'este', 'oeste', 'centro', 'puerto'];
const OPERATOR = { username: 'guardia', password: 'Guardia-Turno-2026' };

const poll = <T>(read: () => T | Promise<T>, accept: (value: T) => boolean) => eventually(read, accept, WAIT_MS);

describe('two instances on PostgreSQL and Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let balancer: TcpBalancer;
  let admin: string;
  let operator: string;
  const keys = new Map<string, string>();
  const pcs = new Map<string, SitePc>();
  const sockets: TestSocket[] = [];

  const sites = async (server: TestServer): Promise<ReceiverResponse[]> => {
    const response = await server.api<ReceiverResponse[]>('GET', '/api/v1/receivers', { token: admin });
    expect(response.status).toBe(200);
    return response.body;
  };
  const online = async (server: TestServer) =>
    (await sites(server))
      .filter((s) => s.online)
      .map((s) => s.name)
      .sort();

  const send = async (server: TestServer, text: string, target: object = { kind: 'all' }) =>
    server.api('POST', '/api/v1/messages', { token: operator, body: { target, text } });

  const deliveries = async (server: TestServer, id: string) => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: operator });
    expect(response.status).toBe(200);
    return Object.fromEntries((response.body.deliveries as DeliveryResponse[]).map((d) => [d.receiver, d.state]));
  };

  const shownEverywhere = (text: string) => Object.fromEntries(SITES.map((name) => [name, pcs.get(name)!.shown(text)]));
  const once = Object.fromEntries(SITES.map((name) => [name, 1]));
  const ALL = [...SITES].sort();

  /** Waits until every site is online as `server` sees it, and says so. */
  const expectAllOnline = async (server: TestServer) =>
    expect(
      await poll(
        () => online(server),
        (names) => names.length === SITES.length,
      ),
    ).toEqual(ALL);

  /** Waits until `text` was shown at every site, and checks it was shown exactly once at each. */
  const expectShownOnceEverywhere = async (text: string) =>
    expect(
      await poll(
        () => shownEverywhere(text),
        (s) => Object.values(s).every((n) => n >= 1),
      ),
    ).toEqual(once);

  const operatorSocket = async (server: TestServer) => {
    const socket = openSocket(server, '/operators', { token: operator });
    sockets.push(socket);
    await socket.connected();
    return socket;
  };

  /** The sites an operator socket has seen reach `state` for one alert, from the live `deliveries.updated` events. */
  const seenAs = (socket: TestSocket, id: string, state: string) =>
    [
      ...new Set(
        socket
          .received<DeliveriesUpdatedPayload>('deliveries.updated')
          .filter((u) => u.messageId === id)
          .flatMap((u) => u.changes.filter((c) => c.state === state).map((c) => c.receiver)),
      ),
    ].sort();

  beforeAll(async () => {
    a = await TestServer.start({ env: ENV });
    b = await TestServer.startAnother(a, ENV);
    balancer = await TcpBalancer.start([a.port, b.port]);
    admin = await a.loginAdmin();
    await a.createUser(admin, OPERATOR.username, 'operator', OPERATOR.password);
    // A session opened through one instance is good on the other: sessions live in the shared database.
    operator = await b.login(OPERATOR.username, OPERATOR.password);
    for (const name of SITES) {
      const created = await a.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
      expect(created.status).toBe(201);
      keys.set(name, created.body.key);
      const pc = SitePc.create(a, name, created.body.key, { clickAfterMs: 300 });
      pc.writeConfig({ ...pc.config(), serverUrl: balancer.url });
      pcs.set(name, pc);
      pc.start();
    }
    await expectAllOnline(b);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await disposeSitePcs();
    await balancer?.close();
    await b?.dispose();
    await a?.dispose();
  });

  it('spreads the sites over both instances; an alert sent through one reaches every site once, and operators on either see the receipts', async () => {
    expect(balancer.open.get(a.port)).toBeGreaterThan(0);
    expect(balancer.open.get(b.port)).toBeGreaterThan(0);
    expect(await online(a)).toEqual(await online(b));
    const onA = await operatorSocket(a);
    const onB = await operatorSocket(b);

    const text = 'Retirada de lote: revisar estanterías';
    const sent = await send(a, text);
    expect(sent.status).toBe(201);
    expect([...sent.body.online].sort()).toEqual(ALL);

    await expectShownOnceEverywhere(text);
    expect(
      await poll(
        () => seenAs(onB, sent.body.id, 'read'),
        (s) => s.length === SITES.length,
      ),
    ).toEqual(ALL);
    expect(
      await poll(
        () => seenAs(onA, sent.body.id, 'read'),
        (s) => s.length === SITES.length,
      ),
    ).toEqual(ALL);
    expect(await deliveries(b, sent.body.id)).toEqual(Object.fromEntries(SITES.map((s) => [s, 'read'])));
    expect(shownEverywhere(text)).toEqual(once);
  });

  it("logging out through one instance ends that session's live view on the other", async () => {
    const session = await a.login(OPERATOR.username, OPERATOR.password);
    const onB = await operatorSocket(b);
    const doomed = openSocket(b, '/operators', { token: session });
    sockets.push(doomed);
    await doomed.connected();
    expect((await a.api('POST', '/api/v1/auth/logout', { token: session })).status).toBe(204);
    expect(
      await poll(
        () => doomed.disconnectReason,
        (r) => r !== null,
      ),
    ).toBe('io server disconnect');
    expect(doomed.received('session.ended')).toEqual([{ reason: 'logged out' }]);
    expect(onB.socket.connected).toBe(true);
  });

  it('refuses a second connection under a connected name on either instance; the first keeps receiving', async () => {
    for (const server of [a, b]) {
      const copy = openSocket(server, '/receivers', { name: 'norte', key: keys.get('norte'), protocol: 1 });
      sockets.push(copy);
      const refusal = await copy.refused();
      expect(refusal.data?.code).toBe('already_connected');
    }
    const text = 'Solo para norte';
    const sent = await send(b, text, { kind: 'receiver', name: 'norte' });
    expect(sent.status).toBe(201);
    expect(
      await poll(
        () => pcs.get('norte')!.shown(text),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(
      queryDb<{ n: number }>(
        a,
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'receiver.connection.refused' AND target = 'norte'",
      )[0].n,
    ).toBe(2);
  });

  it('a key rotated through one instance cuts the site on the other, telling it why first', async () => {
    const created = await a.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'rotada' } });
    expect(created.status).toBe(201);
    const site = openSocket(b, '/receivers', { name: 'rotada', key: created.body.key, protocol: 1 });
    sockets.push(site);
    await site.connected();
    expect((await a.api('POST', '/api/v1/receivers/rotada/rotate-key', { token: admin })).status).toBe(200);
    expect(
      await poll(
        () => site.disconnectReason,
        (r) => r !== null,
      ),
    ).toBe('io server disconnect');
    expect(site.received('disconnect_reason')).toEqual([{ code: 'key_changed', message: 'its key was changed' }]);
    expect((await a.api('DELETE', '/api/v1/receivers/rotada', { token: admin })).status).toBe(204);
  });

  it('writes its sites back when Redis lost everything (restarted empty); they stay reachable', async () => {
    const redis = (...args: string[]) =>
      execFileSync('redis-cli', ['-u', TEST_REDIS_URL, ...args], { encoding: 'utf8' });
    const keysOfThisDeployment = redis('--scan', '--pattern', `${databaseNameFor(a.dir)}:*`)
      .split('\n')
      .filter(Boolean);
    expect(keysOfThisDeployment.length).toBeGreaterThan(0);
    redis('DEL', ...keysOfThisDeployment);

    await expectAllOnline(b);
    const text = 'Tras reiniciar Redis';
    const sent = await send(a, text);
    expect(sent.status).toBe(201);
    expect([...sent.body.online].sort()).toEqual(ALL);
    await expectShownOnceEverywhere(text);
  });

  it('sends an unconfirmed alert again to a site held by either instance, and stops once the site says delivered', async () => {
    const created = await a.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'callada' } });
    expect(created.status).toBe(201);
    // A site on instance a that shows alerts but sends no receipt until told to; the alert goes through b.
    const site = openSocket(a, '/receivers', { name: 'callada', key: created.body.key, clientVersion: 'e2e/1.0' });
    sockets.push(site);
    await site.connected();
    const response = await send(b, 'Callada: confirma la recepción', { kind: 'receiver', name: 'callada' });
    expect(response.status).toBe(201);
    const id = response.body.id as string;
    const pushes = await poll(
      () => site.alerts(id),
      (list) => list.length >= 2,
    );
    expect(pushes.map((p) => p.reminder)).toEqual(pushes.map(() => 0));

    expect(await site.receipt(id, 'delivered')).toEqual({ ok: true });
    expect(
      await poll(
        () => deliveries(b, id),
        (d) => d.callada === 'delivered',
      ),
    ).toEqual({ callada: 'delivered' });
    const settled = site.alerts(id).length;
    // The resend round runs every second on one of the two instances; two time-outs later nothing more came.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(site.alerts(id)).toHaveLength(settled);
    // The global alerts of the next test are for the six sites only.
    expect((await a.api('DELETE', '/api/v1/receivers/callada', { token: admin })).status).toBe(204);
  });

  it('loses nothing when an instance is killed mid-fan-out: its sites move to the other and get every accepted alert once', async () => {
    const accepted: { id: string; text: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const text = `Ráfaga ${i}`;
      // The first half goes through the instance about to die; it is killed right after the sixth was accepted.
      const through = i < 6 ? a : b;
      const response = await send(through, text);
      expect(response.status).toBe(201);
      accepted.push({ id: response.body.id, text });
      if (i === 5) a.process.kill('SIGKILL');
    }
    await expectAllOnline(b);

    for (const { text } of accepted) {
      await expectShownOnceEverywhere(text);
    }
    const states = await poll(
      () =>
        queryDb<{ state: string; n: number }>(
          a,
          `SELECT state, COUNT(*) AS n FROM deliveries WHERE message_id IN (${accepted.map(() => '?').join(', ')})
           GROUP BY state ORDER BY state`,
          ...accepted.map((m) => m.id),
        ),
      (rows) => rows.length === 1 && rows[0].state === 'read',
    );
    expect(states).toEqual([{ state: 'read', n: accepted.length * SITES.length }]);
    // Nothing shown twice anywhere, although the sites of the dead instance reconnected and caught up.
    for (const { text } of accepted) expect(shownEverywhere(text)).toEqual(once);
    // Each site has one open connection record: the one the dead instance left was closed, and the new one is
    // written with the connection journal's next batch (within a quarter of a second).
    const open = await poll(
      () =>
        queryDb<{ name: string; n: number }>(
          a,
          `SELECT r.name, COUNT(*) AS n FROM receiver_connections c JOIN receivers r ON r.id = c.receiver_id
           WHERE c.disconnected_at IS NULL GROUP BY r.name ORDER BY r.name`,
        ),
      (rows) => rows.length === ALL.length && rows.every((r) => r.n === 1),
    );
    expect(open).toEqual(ALL.map((name) => ({ name, n: 1 })));
  });
});
