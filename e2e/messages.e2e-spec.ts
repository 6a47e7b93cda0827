import { emptyDeliveryCounts, type AlertPayload, type DeliveryCounts } from '@avisa/contracts';
import { eventually } from './support/eventually';
import { sleep, TestServer } from './support/server';
import { countRows, queryDb, storedCopies } from './support/database';
import { openSocket, SOCKET_WAIT_MS as WAIT_MS, type TestSocket } from './support/test-socket';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const counts = (partial: Partial<DeliveryCounts>): DeliveryCounts => ({ ...emptyDeliveryCounts(), ...partial });

/** One started server with its sockets, which are all closed when it is disposed. */
class Harness {
  readonly sockets: TestSocket[] = [];
  readonly keys = new Map<string, string>();

  constructor(readonly server: TestServer) {}

  open(namespace: '/receivers' | '/operators', auth: Record<string, unknown>): TestSocket {
    const socket = openSocket(this.server, namespace, auth);
    this.sockets.push(socket);
    return socket;
  }

  async createSite(admin: string, name: string): Promise<void> {
    const response = await this.server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
    expect(response.status).toBe(201);
    this.keys.set(name, response.body.key);
  }

  /** Connects as a site and waits for its welcome, so the server has recorded the connection. */
  async connectSite(name: string): Promise<TestSocket> {
    const socket = this.open('/receivers', { name, key: this.keys.get(name), clientVersion: 'e2e-site/1.0' });
    await socket.connected();
    await eventually(
      () => socket.received('welcome').length,
      (n) => n > 0,
      WAIT_MS,
    );
    expect(socket.received('welcome')).toHaveLength(1);
    return socket;
  }

  async dispose(): Promise<void> {
    for (const socket of this.sockets) socket.close();
    await this.server.dispose();
  }
}

describe('messages API', () => {
  let h: Harness;
  let server: TestServer;
  let admin: string;
  let operator: string;
  let sendToken: string;
  let readToken: string;
  let north: TestSocket;

  const send = (body: unknown, token = admin) => server.api('POST', '/api/v1/messages', { token, body });
  const detail = async (id: string) => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body;
  };
  const deliveryRows = (id: string) =>
    queryDb<{
      receiver_name: string;
      state: string;
      sent_at: number | null;
      ended_at: number | null;
      attempts: number;
    }>(
      server,
      'SELECT receiver_name, state, sent_at, ended_at, attempts FROM deliveries WHERE message_id = ? ORDER BY receiver_name',
      id,
    );
  const stateOf = async (id: string) =>
    Object.fromEntries(
      ((await detail(id)).deliveries as { receiver: string; state: string }[]).map((d) => [d.receiver, d.state]),
    );

  beforeAll(async () => {
    server = await TestServer.start({ env: { AVISA_LOGIN_IP_LIMIT: '100' } });
    h = new Harness(server);
    admin = await server.loginAdmin();
    const user = await server.api('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'opal', role: 'operator', password: 'Opal-Operator-2026', displayName: 'Opal Operadora' },
    });
    expect(user.status).toBe(201);
    operator = await server.login('opal', 'Opal-Operator-2026');
    for (const [name, scopes] of [
      ['zabbix', ['messages:send']],
      ['grafana', ['read']],
    ] as const) {
      const token = await server.api('POST', '/api/v1/api-tokens', { token: admin, body: { name, scopes } });
      expect(token.status).toBe(201);
      if (name === 'zabbix') sendToken = token.body.token;
      else readToken = token.body.token;
    }
    for (const name of ['north', 'south', 'east']) await h.createSite(admin, name);
    north = await h.connectSite('north');
  });

  afterAll(() => h?.dispose());

  describe('refuses bad input with 400 naming the field, storing nothing', () => {
    const valid = { target: { kind: 'all' }, text: 'hola' };
    it.each([
      ['a missing text', { target: { kind: 'all' } }, 'text', /^text is required$/],
      ['an empty text', { ...valid, text: '' }, 'text', /^text must not be empty$/],
      ['a text of only spaces', { ...valid, text: '   ' }, 'text', /^text must not be empty$/],
      [
        'a text of 2001 characters',
        { ...valid, text: 'a'.repeat(2001) },
        'text',
        /^text must be at most 2000 characters$/,
      ],
      ['priority "high"', { ...valid, priority: 'high' }, 'priority', /^priority must be one of: normal, urgent$/],
      [
        'target.kind "everyone"',
        { ...valid, target: { kind: 'everyone' } },
        'target.kind',
        /^target.kind must be one of/,
      ],
      [
        'a site target without a name',
        { ...valid, target: { kind: 'receiver' } },
        'target.name',
        /^target.name is required/,
      ],
      ['ttlSeconds -1', { ...valid, ttlSeconds: -1 }, 'ttlSeconds', /^ttlSeconds must not be less than 0$/],
      ['ttlSeconds 1.5', { ...valid, ttlSeconds: 1.5 }, 'ttlSeconds', /^ttlSeconds must be a whole number of seconds$/],
      ['an unknown field', { ...valid, color: 'red' }, 'color', /^unknown field "color" is not allowed$/],
      ['a missing target', { text: 'hola' }, 'target', /^target is required$/],
      ['a target that is not an object', { ...valid, target: 'all' }, 'target', /^target must be an object/],
      ['a null target', { ...valid, target: null }, 'target', /^target must be an object/],
      [
        'four quick replies',
        { ...valid, replies: ['Sí', 'No', 'Luego', 'Llamadme'] },
        'replies',
        /^replies must hold at most 3 entries$/,
      ],
      [
        'an empty quick reply',
        { ...valid, replies: ['Recibido', '  '] },
        'replies',
        /^replies\[1\] must not be empty$/,
      ],
      [
        'a quick reply of 41 characters',
        { ...valid, replies: ['a'.repeat(41)] },
        'replies',
        /^replies\[0\] must be at most 40 characters$/,
      ],
      [
        'the same quick reply twice',
        { ...valid, replies: ['Recibido', 'recibido'] },
        'replies',
        /^replies\[1\] repeats another reply$/,
      ],
      [
        'quick replies that are not texts',
        { ...valid, replies: [1, 2] },
        'replies',
        /^replies must be a list of texts$/,
      ],
    ])('%s', async (_what, body, field, message) => {
      const before = [countRows(server, 'messages'), countRows(server, 'deliveries')];
      const response = await send(body);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.fields)).toEqual([field]);
      expect(response.body.fields[field]).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
      expect([countRows(server, 'messages'), countRows(server, 'deliveries')]).toEqual(before);
    });
  });

  it('answers 404 for an unknown site and an unknown group, storing nothing', async () => {
    const site = await send({ target: { kind: 'receiver', name: ' X ' }, text: 'hola' });
    expect(site.status).toBe(404);
    expect(site.body.message).toBe('site "x" does not exist');
    expect(site.body).toMatchObject({ code: 'site.not_found', params: { name: 'x' }, field: 'target.name' });
    const group = await send({ target: { kind: 'group', name: 'farmacias' }, text: 'hola' });
    expect(group.status).toBe(404);
    expect(group.body.message).toBe('group "farmacias" does not exist');
    expect(group.body).toMatchObject({ code: 'group.not_found', params: { name: 'farmacias' } });
    expect(countRows(server, 'messages')).toBe(0);
    expect(countRows(server, 'deliveries')).toBe(0);
  });

  let broadcastId: string;

  it('lets an operator send to all sites: online ones get it now, offline ones are queued, all stored before the answer', async () => {
    const response = await send({ target: { kind: 'all' }, text: 'Primera alerta' }, operator);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(UUID),
      online: ['north'],
      queued: ['east', 'south'],
      dropped: [],
      unknown: [],
    });
    broadcastId = response.body.id;
    // Read straight away: the message and every site's copy were committed before the answer.
    const message = queryDb(server, 'SELECT * FROM messages WHERE id = ?', broadcastId);
    expect(message).toEqual([
      expect.objectContaining({
        sender_kind: 'user',
        sender_name: 'opal',
        sender_display: 'Opal Operadora',
        target_kind: 'all',
        target_name: null,
        text: 'Primera alerta',
        priority: 'normal',
        recipient_count: 3,
      }),
    ]);
    expect(storedCopies(server, broadcastId)).toEqual([
      ['east', 'queued'],
      ['north', 'sent'],
      ['south', 'queued'],
    ]);
    const alerts = await eventually(
      () => north.alerts(broadcastId),
      (a) => a.length > 0,
    );
    expect(alerts).toEqual([
      {
        id: broadcastId,
        text: 'Primera alerta',
        priority: 'normal',
        sender: 'Opal Operadora',
        sentAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
        reminder: 0,
      },
    ]);
    // The default time to live is one day.
    expect(Date.parse(alerts[0].expiresAt!) - Date.parse(alerts[0].sentAt)).toBe(86_400_000);
  });

  it("GET /api/v1/messages/:id shows the alert and each site's state and times", async () => {
    const body = await detail(broadcastId);
    expect(body).toMatchObject({
      id: broadcastId,
      sender: 'opal',
      senderDisplay: 'Opal Operadora',
      target: { kind: 'all', name: null },
      text: 'Primera alerta',
      priority: 'normal',
      ttlSeconds: 86400,
      createdAt: expect.stringMatching(ISO),
      retractedAt: null,
      counts: counts({ total: 3, sent: 1, queued: 2 }),
    });
    expect(body.deliveries).toEqual([
      expect.objectContaining({ receiver: 'east', state: 'queued', sentAt: null, deliveredAt: null, attempts: 0 }),
      expect.objectContaining({
        receiver: 'north',
        state: 'sent',
        sentAt: expect.stringMatching(ISO),
        deliveredAt: null,
        readAt: null,
        attempts: 1,
        reminders: 0,
        flagged: false,
      }),
      expect.objectContaining({ receiver: 'south', state: 'queued', sentAt: null, attempts: 0 }),
    ]);
  });

  it('stores receipts acknowledged with { ok: true }: the state becomes delivered, then read', async () => {
    expect(await north.receipt(broadcastId, 'delivered')).toEqual({ ok: true });
    let mine = (await detail(broadcastId)).deliveries[1];
    expect(mine).toMatchObject({
      receiver: 'north',
      state: 'delivered',
      deliveredAt: expect.stringMatching(ISO),
      readAt: null,
    });
    expect(await north.receipt(broadcastId, 'read')).toEqual({ ok: true });
    const body = await detail(broadcastId);
    mine = body.deliveries[1];
    expect(mine).toMatchObject({ receiver: 'north', state: 'read', readAt: expect.stringMatching(ISO) });
    expect(Date.parse(mine.readAt)).toBeGreaterThanOrEqual(Date.parse(mine.deliveredAt));
    expect(body.counts).toEqual(counts({ total: 3, read: 1, queued: 2 }));
    // States only move forward: a late "delivered" changes nothing.
    expect(await north.receipt(broadcastId, 'delivered')).toEqual({ ok: true });
    expect((await detail(broadcastId)).deliveries[1]).toEqual(mine);
  });

  it('answers an invalid receipt with { ok: false, error }, storing nothing', async () => {
    const before = JSON.stringify(queryDb(server, 'SELECT * FROM deliveries ORDER BY id'));
    expect(await north.receipt(broadcastId, 'seen')).toEqual({
      ok: false,
      error: 'receipt.state must be "delivered" or "read"',
    });
    expect(await north.socket.timeout(WAIT_MS).emitWithAck('receipt', 'nonsense')).toEqual({
      ok: false,
      error: expect.stringMatching(/receipt must be an object/),
    });
    expect(await north.socket.timeout(WAIT_MS).emitWithAck('receipt', { id: 42, state: 'read' })).toEqual({
      ok: false,
      error: 'receipt.id must be an alert id',
    });
    // A reply the alert does not offer (this one offers none), or one on a mere "delivered", is refused whole.
    expect(
      await north.socket.timeout(WAIT_MS).emitWithAck('receipt', { id: broadcastId, state: 'read', reply: 'Sí' }),
    ).toEqual({ ok: false, error: `receipt.reply "Sí" is not one of this alert's quick replies` });
    expect(
      await north.socket.timeout(WAIT_MS).emitWithAck('receipt', { id: broadcastId, state: 'delivered', reply: 'Sí' }),
    ).toEqual({ ok: false, error: 'receipt.reply goes only with state "read"' });
    expect(JSON.stringify(queryDb(server, 'SELECT * FROM deliveries ORDER BY id'))).toBe(before);
  });

  it('lets a token with messages:send send; the sender and the audit actor are token:<name>', async () => {
    const response = await send(
      { target: { kind: 'receiver', name: 'North' }, text: 'desde zabbix', priority: 'urgent' },
      sendToken,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ online: ['north'], queued: [], dropped: [] });
    const id = response.body.id;
    expect(await detail(id)).toMatchObject({
      sender: 'token:zabbix',
      senderDisplay: 'token:zabbix',
      target: { kind: 'receiver', name: 'north' },
      priority: 'urgent',
      counts: counts({ total: 1, sent: 1 }),
    });
    const audited = queryDb<{ actor_kind: string; actor_name: string; target: string; details: string }>(
      server,
      "SELECT actor_kind, actor_name, target, details FROM audit_events WHERE action = 'message.created' AND details LIKE ?",
      `%${id}%`,
    );
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor_kind: 'token', actor_name: 'token:zabbix', target: 'receiver:north' });
    expect(JSON.parse(audited[0].details)).toMatchObject({
      id,
      priority: 'urgent',
      recipients: 1,
      online: 1,
      queued: 0,
    });
    const alerts = await eventually(
      () => north.alerts(id),
      (a) => a.length > 0,
    );
    expect(alerts).toEqual([expect.objectContaining({ sender: 'token:zabbix', priority: 'urgent', reminder: 0 })]);
  });

  it('refuses POST to a token with only the read scope (403), which may still read the history', async () => {
    const before = countRows(server, 'messages');
    const post = await send({ target: { kind: 'all' }, text: 'no' }, readToken);
    expect(post.status).toBe(403);
    expect(countRows(server, 'messages')).toBe(before);
    const list = await server.api('GET', '/api/v1/messages', { token: readToken });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(before);
    const one = await server.api('GET', `/api/v1/messages/${broadcastId}`, { token: readToken });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(broadcastId);
    const tokenGet = await server.api('GET', '/api/v1/messages', { token: sendToken });
    expect(tokenGet.status).toBe(403);
  });

  it('with ttlSeconds 0, offline sites are dropped and their deliveries expired at once', async () => {
    const response = await send({ target: { kind: 'all' }, text: 'solo conectados', ttlSeconds: 0 });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ online: ['north'], queued: [], dropped: ['east', 'south'] });
    expect(storedCopies(server, response.body.id)).toEqual([
      ['east', 'expired'],
      ['north', 'sent'],
      ['south', 'expired'],
    ]);
    const body = await detail(response.body.id);
    expect(body.counts).toEqual(counts({ total: 3, sent: 1, expired: 2 }));
    expect(deliveryRows(response.body.id)[0].ended_at).toEqual(expect.any(Number));
    expect(body.deliveries[0]).toMatchObject({ state: 'expired', endedAt: expect.stringMatching(ISO), sentAt: null });
  });

  it('sends to all the sites enabled when it goes out: one added or disabled since the last global alert counts', async () => {
    const toAll = async (text: string) => {
      const response = await send({ target: { kind: 'all' }, text, ttlSeconds: 0 });
      expect(response.status).toBe(201);
      return response.body as { online: string[]; dropped: string[] };
    };
    const setEnabled = async (name: string, enabled: boolean) =>
      expect((await server.api('PATCH', `/api/v1/receivers/${name}`, { token: admin, body: { enabled } })).status).toBe(
        200,
      );
    expect(await toAll('todas')).toMatchObject({ online: ['north'], dropped: ['east', 'south'] });
    await setEnabled('east', false);
    expect(await toAll('sin east')).toMatchObject({ online: ['north'], dropped: ['south'] });
    await h.createSite(admin, 'west');
    expect(await toAll('con west')).toMatchObject({ online: ['north'], dropped: ['south', 'west'] });
    await setEnabled('east', true);
    expect((await server.api('DELETE', '/api/v1/receivers/west', { token: admin })).status).toBe(204);
    expect(await toAll('como antes')).toMatchObject({ online: ['north'], dropped: ['east', 'south'] });
  });

  it('refuses a ttlSeconds above the maximum with 400', async () => {
    const before = countRows(server, 'messages');
    const response = await send({ target: { kind: 'all' }, text: 'x', ttlSeconds: 30 * 86400 + 1 });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(`ttlSeconds must be at most ${30 * 86400}`);
    expect(countRows(server, 'messages')).toBe(before);
  });

  describe('history', () => {
    const sent: { id: string; createdAt: string }[] = [];

    const history = async (query: string, token = admin) => {
      const response = await server.api('GET', `/api/v1/messages${query}`, { token });
      expect(response.status).toBe(200);
      return response.body as {
        items: { id: string; sender: string; target: { kind: string }; counts: DeliveryCounts }[];
        total: number;
        page: number;
        pageSize: number;
      };
    };
    const dbIds = (where = '1 = 1', ...params: unknown[]) =>
      queryDb<{ id: string }>(
        server,
        `SELECT id FROM messages WHERE ${where} ORDER BY created_at DESC, id DESC`,
        ...params,
      ).map((r) => r.id);

    beforeAll(async () => {
      for (const [body, token] of [
        [{ target: { kind: 'receiver', name: 'south' }, text: 'Mantenimiento PROGRAMADO del servidor' }, admin],
        [{ target: { kind: 'all' }, text: 'Corte de luz' }, operator],
        [{ target: { kind: 'receiver', name: 'south' }, text: 'disco lleno: 95%' }, sendToken],
      ] as const) {
        await sleep(5);
        const response = await send(body, token);
        expect(response.status).toBe(201);
        sent.push({ id: response.body.id, createdAt: (await detail(response.body.id)).createdAt });
      }
    });

    it('lists every alert newest first, with its counts', async () => {
      const page = await history('');
      expect(page.total).toBe(countRows(server, 'messages'));
      expect(page.items.map((m) => m.id)).toEqual(dbIds());
      expect(page.items.slice(0, 3).map((m) => m.id)).toEqual([sent[2].id, sent[1].id, sent[0].id]);
      for (const item of page.items) {
        const states = queryDb<{ state: keyof DeliveryCounts }>(
          server,
          'SELECT state FROM deliveries WHERE message_id = ?',
          item.id,
        );
        const expected = counts({ total: states.length });
        for (const { state } of states) expected[state] += 1;
        expect(item.counts).toEqual(expected);
      }
      expect(page.items.find((m) => m.id === sent[1].id)!.counts).toEqual(counts({ total: 3, sent: 1, queued: 2 }));
    });

    it('filters by sender (user or token:<name>, any case)', async () => {
      const opal = await history('?sender=OPAL');
      expect(opal.items.map((m) => m.id)).toEqual(dbIds("sender_name = 'opal'"));
      expect(opal.items.map((m) => m.id)).toContain(sent[1].id);
      expect(opal.items.every((m) => m.sender === 'opal')).toBe(true);
      const zabbix = await history('?sender=token:zabbix');
      expect(zabbix.items.map((m) => m.id)).toEqual(dbIds("sender_name = 'token:zabbix'"));
      expect(zabbix.items.map((m) => m.id)).toContain(sent[2].id);
      expect(zabbix.total).toBe(2);
      expect((await history('?sender=nobody')).total).toBe(0);
    });

    it('filters by target kind and target name', async () => {
      const south = await history('?targetKind=receiver&target=South');
      expect(south.items.map((m) => m.id)).toEqual([sent[2].id, sent[0].id]);
      expect(south.total).toBe(2);
      const all = await history('?targetKind=all');
      expect(all.items.map((m) => m.id)).toEqual(dbIds("target_kind = 'all'"));
      expect(all.items.map((m) => m.id)).toContain(sent[1].id);
      expect(all.items.every((m) => m.target.kind === 'all')).toBe(true);
    });

    it('searches the text case-insensitively, with % taken literally', async () => {
      expect((await history('?q=programado')).items.map((m) => m.id)).toEqual([sent[0].id]);
      expect((await history('?q=LUZ')).items.map((m) => m.id)).toEqual([sent[1].id]);
      expect((await history(`?q=${encodeURIComponent('95%')}`)).items.map((m) => m.id)).toEqual([sent[2].id]);
      expect((await history(`?q=${encodeURIComponent('%')}`)).items.map((m) => m.id)).toEqual([sent[2].id]);
      expect((await history('?q=nada-de-esto')).total).toBe(0);
    });

    it('filters by a from/to range, as instants or bare dates', async () => {
      const from = encodeURIComponent(sent[1].createdAt);
      const to = encodeURIComponent(sent[1].createdAt);
      expect((await history(`?from=${from}`)).items.map((m) => m.id)).toEqual([sent[2].id, sent[1].id]);
      const until = await history(`?to=${to}`);
      expect(until.items.map((m) => m.id)).toEqual(dbIds('created_at <= ?', Date.parse(sent[1].createdAt)));
      expect(until.items.map((m) => m.id)).not.toContain(sent[2].id);
      const between = await history(`?from=${encodeURIComponent(sent[0].createdAt)}&to=${to}`);
      expect(between.items.map((m) => m.id)).toEqual([sent[1].id, sent[0].id]);
      // Bare dates are whole days of the server's calendar; two days either side covers any time zone.
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      expect((await history(`?from=${day(-2)}&to=${day(2)}`)).total).toBe(countRows(server, 'messages'));
      expect((await history(`?to=${day(-2)}`)).total).toBe(0);
      expect((await history(`?from=${day(2)}`)).total).toBe(0);
      const bad = await server.api('GET', '/api/v1/messages?from=yesterday', { token: admin });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.fields)).toEqual(['from']);
    });

    it('paginates with page and pageSize, and reports the total', async () => {
      const all = dbIds();
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / 2); page++) {
        const body = await history(`?page=${page}&pageSize=2`);
        expect(body).toMatchObject({ page, pageSize: 2, total: all.length });
        expect(body.items.length).toBe(Math.min(2, all.length - seen.length));
        seen.push(...body.items.map((m) => m.id));
      }
      expect(seen).toEqual(all);
      const beyond = await history(`?page=${all.length + 1}&pageSize=2`);
      expect(beyond).toMatchObject({ items: [], total: all.length });
      for (const query of ['?pageSize=501', '?page=0', '?pageSize=abc']) {
        const bad = await server.api('GET', `/api/v1/messages${query}`, { token: admin });
        expect(bad.status).toBe(400);
      }
    });
  });

  describe('retract', () => {
    it('withdraws an alert: queued and sent copies become retracted, a connected site is told, a second retract is 409', async () => {
      const response = await send({ target: { kind: 'all' }, text: 'retirar esto' });
      expect(response.status).toBe(201);
      const id = response.body.id;
      await eventually(
        () => north.alerts(id).length,
        (n) => n > 0,
      );
      const retract = await server.api('POST', `/api/v1/messages/${id}/retract`, { token: operator });
      expect(retract.status).toBe(200);
      expect(retract.body).toMatchObject({ id, retractedAt: expect.stringMatching(ISO), retractedBy: 'opal' });
      expect(await stateOf(id)).toEqual({ east: 'retracted', north: 'retracted', south: 'retracted' });
      const told = await eventually(
        () => north.received<{ id: string }>('retract').filter((r) => r.id === id),
        (r) => r.length > 0,
      );
      expect(told).toEqual([{ id }]);
      expect(queryDb(server, "SELECT actor_name, target FROM audit_events WHERE action = 'message.retracted'")).toEqual(
        [{ actor_name: 'opal', target: id }],
      );

      const again = await server.api('POST', `/api/v1/messages/${id}/retract`, { token: admin });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('this alert was already withdrawn');
      expect(await stateOf(id)).toEqual({ east: 'retracted', north: 'retracted', south: 'retracted' });
    });

    it('keeps a read copy as read, and does not tell a site that never had the alert', async () => {
      const response = await send({ target: { kind: 'all' }, text: 'leído y retirado' });
      const id = response.body.id;
      await eventually(
        () => north.alerts(id).length,
        (n) => n > 0,
      );
      expect(await north.receipt(id, 'read')).toEqual({ ok: true });
      const retract = await server.api('POST', `/api/v1/messages/${id}/retract`, { token: admin });
      expect(retract.status).toBe(200);
      expect(await stateOf(id)).toEqual({ east: 'retracted', north: 'read', south: 'retracted' });
    });

    it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/messages/not-a-uuid/retract'],
        ['GET', '/api/v1/messages/not-a-uuid'],
      ]) {
        const response = await server.api(method, path, { token: admin });
        expect(response.status).toBe(400);
      }
      const unknown = '3e1c6d22-d5d4-4ef6-9fc6-fdf6da2a3357';
      const missing = await server.api('POST', `/api/v1/messages/${unknown}/retract`, { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe(`alert ${unknown} does not exist`);
      expect((await server.api('GET', `/api/v1/messages/${unknown}`, { token: admin })).status).toBe(404);
    });
  });

  describe('store and forward', () => {
    it('a site that connects after an alert was sent gets a welcome with pending 1, then the alert', async () => {
      await h.createSite(admin, 'lone');
      const response = await send({ target: { kind: 'receiver', name: 'lone' }, text: 'para cuando vuelvas' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ online: [], queued: ['lone'] });
      expect(deliveryRows(response.body.id)).toEqual([expect.objectContaining({ state: 'queued', attempts: 0 })]);

      const lone = await h.connectSite('lone');
      await eventually(
        () => lone.alerts(response.body.id).length,
        (n) => n > 0,
      );
      expect(lone.events.map((e) => e.event)).toEqual(['welcome', 'alert']);
      expect(lone.received('welcome')[0]).toMatchObject({ name: 'lone', pending: 1, protocol: 1 });
      expect(lone.alerts(response.body.id)).toEqual([
        expect.objectContaining({ text: 'para cuando vuelvas', reminder: 0 }),
      ]);
      const rows = await eventually(
        () => deliveryRows(response.body.id),
        (r) => r[0].state === 'sent',
      );
      expect(rows).toEqual([expect.objectContaining({ state: 'sent', attempts: 1 })]);
    });
  });

  describe('operators live view', () => {
    let live: TestSocket;

    beforeAll(async () => {
      live = h.open('/operators', { token: operator });
      await live.connected();
    });

    it('pushes receiver.presence when a site connects and disconnects', async () => {
      const east = await h.connectSite('east');
      const online = await eventually(
        () => live.received<{ name: string; online: boolean }>('receiver.presence').filter((p) => p.name === 'east'),
        (p) => p.length > 0,
      );
      expect(online).toEqual([
        {
          name: 'east',
          online: true,
          connectedSince: expect.stringMatching(ISO),
          lastSeenAt: expect.stringMatching(ISO),
          clientVersion: 'e2e-site/1.0',
        },
      ]);
      east.close();
      const both = await eventually(
        () => live.received<{ name: string; online: boolean }>('receiver.presence').filter((p) => p.name === 'east'),
        (p) => p.length > 1,
      );
      expect(both[1]).toEqual({
        name: 'east',
        online: false,
        connectedSince: null,
        lastSeenAt: expect.stringMatching(ISO),
        clientVersion: 'e2e-site/1.0',
      });
    });

    it('pushes message.created when an alert is sent and deliveries.updated with counts when a receipt is stored', async () => {
      const response = await send(
        { target: { kind: 'receiver', name: 'north' }, text: 'en vivo', priority: 'urgent' },
        operator,
      );
      expect(response.status).toBe(201);
      const id = response.body.id;
      const created = await eventually(
        () => live.received<{ id: string }>('message.created').filter((m) => m.id === id),
        (m) => m.length > 0,
      );
      expect(created).toEqual([{ id, sender: 'opal', priority: 'urgent', createdAt: expect.stringMatching(ISO) }]);

      await eventually(
        () => north.alerts(id).length,
        (n) => n > 0,
      );
      expect(live.received<{ messageId: string }>('deliveries.updated').filter((u) => u.messageId === id)).toEqual([]);
      expect(await north.receipt(id, 'delivered')).toEqual({ ok: true });
      const updates = await eventually(
        () => live.received<{ messageId: string }>('deliveries.updated').filter((u) => u.messageId === id),
        (u) => u.length > 0,
      );
      expect(updates).toEqual([
        {
          messageId: id,
          counts: counts({ total: 1, delivered: 1 }),
          changes: [
            { receiver: 'north', state: 'delivered', at: expect.stringMatching(ISO), reminders: 0, flagged: false },
          ],
        },
      ]);
    });

    it('refuses a bad session token and an API token', async () => {
      const bad = await h.open('/operators', { token: 'not-a-session' }).refused();
      expect(bad.data).toMatchObject({ code: 'unauthorized' });
      const none = await h.open('/operators', {}).refused();
      expect(none.data).toMatchObject({ code: 'unauthorized' });
      const token = await h.open('/operators', { token: readToken }).refused();
      expect(token.message).toBe('log in first: auth { token } must be a session token');
      expect(token.data).toMatchObject({ code: 'unauthorized' });
    });

    it("logging out ends that session's socket, and only that one", async () => {
      const session = await server.login('opal', 'Opal-Operator-2026');
      const doomed = h.open('/operators', { token: session });
      await doomed.connected();
      const logout = await server.api('POST', '/api/v1/auth/logout', { token: session });
      expect(logout.status).toBe(204);
      await eventually(
        () => doomed.disconnectReason,
        (r) => r !== null,
      );
      expect(doomed.received('session.ended')).toEqual([{ reason: 'logged out' }]);
      expect(doomed.disconnectReason).toBe('io server disconnect');
      expect(live.socket.connected).toBe(true);
      expect(live.disconnectReason).toBeNull();
      const after = await h.open('/operators', { token: session }).refused();
      expect(after.data).toMatchObject({ code: 'unauthorized' });
    });
  });
});

describe('delivery retries and urgent reminders', () => {
  let h: Harness;
  let server: TestServer;
  let admin: string;

  const send = (body: unknown) => server.api('POST', '/api/v1/messages', { token: admin, body });
  const delivery = async (id: string) => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body.deliveries[0];
  };

  beforeAll(async () => {
    server = await TestServer.start({
      env: {
        AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: '1',
        AVISA_URGENT_REMINDER_SECONDS: '1',
        AVISA_URGENT_MAX_REMINDERS: '2',
      },
    });
    h = new Harness(server);
    admin = await server.loginAdmin();
    for (const name of ['silent', 'reminded']) await h.createSite(admin, name);
  });

  afterAll(() => h?.dispose());

  it('sends an unconfirmed alert again, and stops once the site says delivered', async () => {
    const site = await h.connectSite('silent');
    const response = await send({ target: { kind: 'receiver', name: 'silent' }, text: 'confirma, por favor' });
    expect(response.status).toBe(201);
    const id = response.body.id;
    const repeated = await eventually(
      () => site.events.filter((e) => e.event === 'alert' && (e.args[0] as AlertPayload).id === id),
      (a) => a.length >= 2,
      4000,
    );
    expect(repeated.length).toBeGreaterThanOrEqual(2);
    expect(repeated[1].at - repeated[0].at).toBeLessThanOrEqual(3000);
    expect(repeated.map((e) => (e.args[0] as AlertPayload).reminder)).toEqual(repeated.map(() => 0));
    expect((await delivery(id)).attempts).toBeGreaterThanOrEqual(2);

    expect(await site.receipt(id, 'delivered')).toEqual({ ok: true });
    await sleep(600); // a resend already under way when the receipt arrived may still land
    const settled = site.alerts(id).length;
    await sleep(2500);
    expect(site.alerts(id)).toHaveLength(settled);
    expect(await delivery(id)).toMatchObject({ state: 'delivered' });
  });

  it('shows an urgent alert delivered but unread again, reminder 1 then 2, then flags it; a normal one is never reminded', async () => {
    const site = await h.connectSite('reminded');
    const ids: Record<'urgent' | 'normal', string> = { urgent: '', normal: '' };
    for (const priority of ['urgent', 'normal'] as const) {
      const response = await send({
        target: { kind: 'receiver', name: 'reminded' },
        text: `prioridad ${priority}`,
        priority,
      });
      expect(response.status).toBe(201);
      ids[priority] = response.body.id;
      await eventually(
        () => site.alerts(ids[priority]).length,
        (n) => n > 0,
      );
      expect(await site.receipt(ids[priority], 'delivered')).toEqual({ ok: true });
    }

    const flagged = await eventually(
      () =>
        queryDb<{ flagged: number }>(server, 'SELECT flagged FROM deliveries WHERE message_id = ?', ids.urgent)[0]
          .flagged,
      (f) => !!f,
      8000,
    );
    expect(flagged).toBeTruthy();
    expect(await delivery(ids.urgent)).toMatchObject({ state: 'delivered', reminders: 2, flagged: true, readAt: null });
    expect(site.alerts(ids.urgent).map((a) => a.reminder)).toEqual([0, 1, 2]);

    await sleep(1500); // past another reminder period: no reminder 3
    expect(site.alerts(ids.urgent).map((a) => a.reminder)).toEqual([0, 1, 2]);
    expect(site.alerts(ids.normal).map((a) => a.reminder)).toEqual([0]);
    expect(await delivery(ids.normal)).toMatchObject({ state: 'delivered', reminders: 0, flagged: false });
  });
});
