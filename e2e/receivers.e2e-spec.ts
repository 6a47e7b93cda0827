import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';
import { openSocket, SOCKET_WAIT_MS as WAIT_MS, type Refusal, type TestSocket } from './support/test-socket';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY = /^avr_[A-Za-z0-9_-]{43}$/;

describe('receivers admin API', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let readToken: string;
  let sendToken: string;
  let key: string;
  const sockets: TestSocket[] = [];

  const connect = (auth: Record<string, unknown>) => {
    const socket = openSocket(server, '/receivers', auth);
    sockets.push(socket);
    return socket;
  };
  /** Connects as a site and waits for its welcome, so the server has recorded the connection. */
  const connectSite = async (name: string, siteKey: string, clientVersion = 'e2e-site/1.0') => {
    const socket = connect({ name, key: siteKey, clientVersion });
    await socket.connected();
    await eventually(
      () => socket.received('welcome'),
      (w) => w.length > 0,
      WAIT_MS,
    );
    expect(socket.received('welcome')).toHaveLength(1);
    return socket;
  };
  const waitDisconnected = async (socket: TestSocket) => {
    await eventually(
      () => socket.disconnectReason,
      (reason) => reason !== null,
      WAIT_MS,
    );
    expect(socket.disconnectReason).toBe('io server disconnect');
    expect(socket.socket.connected).toBe(false);
  };
  const openConnections = (name: string) =>
    queryDb<{ n: number }>(
      server,
      `SELECT COUNT(*) AS n FROM receiver_connections c JOIN receivers r ON r.id = c.receiver_id
       WHERE r.name = ? AND c.disconnected_at IS NULL`,
      name,
    )[0].n;
  /** Closes a site's socket from the site's side and waits until the server has recorded the end. */
  const closeSite = async (socket: TestSocket, name: string) => {
    socket.close();
    expect(
      await eventually(
        () => openConnections(name),
        (n) => n === 0,
      ),
    ).toBe(0);
  };
  const getSite = async (name: string) => {
    const response = await server.api('GET', `/api/v1/receivers/${name}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body;
  };
  const connections = async (name: string) => {
    const response = await server.api('GET', `/api/v1/receivers/${name}/connections`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as {
      address: string | null;
      clientVersion: string | null;
      connectedAt: string;
      disconnectedAt: string | null;
      endReason: string | null;
    }[];
  };
  const auditRows = (action: string, target: string | null) =>
    queryDb<{ actor_kind: string; actor_name: string; details: string }>(
      server,
      `SELECT actor_kind, actor_name, details FROM audit_events WHERE action = ? AND target IS NOT DISTINCT FROM ? ORDER BY id`,
      action,
      target,
    );
  const receiverCount = () => countRows(server, 'receivers');

  beforeAll(async () => {
    server = await TestServer.start({ env: { AVISA_LOGIN_IP_LIMIT: '100' } });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'opal', 'operator', 'Opal-Operator-2026');
    operator = await server.login('opal', 'Opal-Operator-2026');
    const tokens = await Promise.all(
      [
        ['reader', ['read']],
        ['sender', ['messages:send']],
      ].map(([name, scopes]) => server.api('POST', '/api/v1/api-tokens', { token: admin, body: { name, scopes } })),
    );
    for (const t of tokens) expect(t.status).toBe(201);
    [readToken, sendToken] = tokens.map((t) => t.body.token as string);
  });

  /** Sockets a test keeps open for the next test; every other socket is closed after its test. */
  const kept = new Set<TestSocket>();

  afterEach(() => {
    for (const socket of sockets.splice(0).filter((s) => !kept.has(s))) socket.close();
  });

  afterAll(async () => {
    for (const socket of [...sockets, ...kept]) socket.close();
    await server?.dispose();
  });

  it('creates a site with a trimmed, lower-case name and shows its avr_ key once, in the answer', async () => {
    const response = await server.api('POST', '/api/v1/receivers', {
      token: admin,
      body: { name: '  Farmacia-Centro ', displayName: 'Farmacia Centro' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'farmacia-centro',
      displayName: 'Farmacia Centro',
      enabled: true,
      online: false,
      connectedSince: null,
      createdAt: expect.stringMatching(ISO),
    });
    expect(response.body.key).toMatch(KEY);
    key = response.body.key;

    const again = await getSite('farmacia-centro');
    expect(again).not.toHaveProperty('key');
    expect(JSON.stringify(again)).not.toContain(key);
  });

  it('stores only the SHA-256 hex hash of the key', () => {
    const rows = queryDb<{ key_hash: string }>(server, 'SELECT * FROM receivers WHERE name = ?', 'farmacia-centro');
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].key_hash).not.toBe(key);
    expect(rows[0].key_hash).toBe(sha256(key));
    expect(JSON.stringify(queryDb(server, 'SELECT * FROM receivers'))).not.toContain(key);
  });

  it('refuses a duplicate name (in any case) with 409, storing nothing', async () => {
    const before = receiverCount();
    const response = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'FARMACIA-centro' } });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe('a site named "farmacia-centro" already exists');
    expect(receiverCount()).toBe(before);
  });

  it.each([
    ['a name with a space', 'a b', /name may contain only letters, digits/],
    ['a one-character name', 'x', /name must be at least 2 characters long/],
  ])('refuses %s with 400 naming the field "name", storing nothing', async (_what, name, message) => {
    const before = receiverCount();
    const auditBefore = countRows(server, 'audit_events');
    const response = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.fields)).toEqual(['name']);
    expect(response.body.fields.name).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(receiverCount()).toBe(before);
    expect(countRows(server, 'audit_events')).toBe(auditBefore);
  });

  it('lists sites offline to an admin, an operator and a token with the read scope, but not to a send-only token', async () => {
    for (const token of [admin, operator, readToken]) {
      const response = await server.api('GET', '/api/v1/receivers', { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        expect.objectContaining({
          name: 'farmacia-centro',
          online: false,
          connectedSince: null,
          address: null,
          clientVersion: null,
        }),
      ]);
      expect(JSON.stringify(response.body)).not.toContain(key);
    }
    const refused = await server.api('GET', '/api/v1/receivers', { token: sendToken });
    expect(refused.status).toBe(403);
  });

  it('shows a site connected with its key as online, with since, client version and address', async () => {
    const before = Date.now();
    const site = await connectSite('farmacia-centro', key, 'e2e-site/1.2.3');
    expect(site.received('welcome')[0]).toMatchObject({
      name: 'farmacia-centro',
      displayName: 'Farmacia Centro',
      protocol: 1,
      pending: 0,
    });
    const response = await server.api('GET', '/api/v1/receivers', { token: operator });
    expect(response.status).toBe(200);
    const [listed] = response.body;
    expect(listed).toMatchObject({
      name: 'farmacia-centro',
      online: true,
      clientVersion: 'e2e-site/1.2.3',
      address: '127.0.0.1',
      connectedSince: expect.stringMatching(ISO),
    });
    expect(Date.parse(listed.connectedSince)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(listed.connectedSince)).toBeLessThanOrEqual(Date.now());
    await closeSite(site, 'farmacia-centro');
    expect((await getSite('farmacia-centro')).online).toBe(false);
  });

  it('renames a site with PATCH displayName, and audits it', async () => {
    const response = await server.api('PATCH', '/api/v1/receivers/farmacia-centro', {
      token: admin,
      body: { displayName: '  Farmacia del Centro ' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'farmacia-centro', displayName: 'Farmacia del Centro', enabled: true });
    expect((await getSite('farmacia-centro')).displayName).toBe('Farmacia del Centro');
    const audited = auditRows('receiver.updated', 'farmacia-centro');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor_kind: 'user', actor_name: 'admin' });
    expect(JSON.parse(audited[0].details)).toEqual({ displayName: 'Farmacia del Centro' });
  });

  it('disabling a site cuts its live connection at once and refuses its next handshake', async () => {
    const site = await connectSite('farmacia-centro', key);
    expect(site.received('welcome')[0]).toMatchObject({ displayName: 'Farmacia del Centro' });
    const response = await server.api('PATCH', '/api/v1/receivers/farmacia-centro', {
      token: admin,
      body: { enabled: false },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ enabled: false, online: false });
    await waitDisconnected(site);
    expect(site.received('disconnect_reason')).toEqual([{ code: 'disabled', message: 'it was disabled' }]);

    const refusal = await connect({ name: 'farmacia-centro', key }).refused();
    expect(refusal.message).toBe('this receiver is disabled');
    expect(refusal.data).toMatchObject({ code: 'disabled' });

    const latest = await eventually(
      () =>
        queryDb<{ end_reason: string | null }>(
          server,
          'SELECT end_reason FROM receiver_connections ORDER BY id DESC',
        )[0],
      (row) => row.end_reason !== null,
    );
    expect(latest.end_reason).toBe('disabled');

    const enabled = await server.api('PATCH', '/api/v1/receivers/farmacia-centro', {
      token: admin,
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);
    const back = await connectSite('farmacia-centro', key);
    expect(back.socket.connected).toBe(true);
    await closeSite(back, 'farmacia-centro');
  });

  it('rotating the key answers a new key, cuts the connection made with the old one, refuses the old key and accepts the new', async () => {
    const site = await connectSite('farmacia-centro', key);
    const response = await server.api('POST', '/api/v1/receivers/farmacia-centro/rotate-key', { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'farmacia-centro', enabled: true });
    expect(response.body.key).toMatch(KEY);
    expect(response.body.key).not.toBe(key);
    await waitDisconnected(site);
    // Told before being cut, so the site's log can say why rather than retrying a key that no longer works.
    expect(site.received('disconnect_reason')).toEqual([{ code: 'key_changed', message: 'its key was changed' }]);

    const old = await connect({ name: 'farmacia-centro', key }).refused();
    expect(old.message).toBe('invalid receiver name or key');
    expect(old.data).toMatchObject({ code: 'invalid_credentials' });

    key = response.body.key;
    expect(queryDb<{ key_hash: string }>(server, 'SELECT key_hash FROM receivers')[0].key_hash).toBe(sha256(key));
    const fresh = await connectSite('farmacia-centro', key);
    expect((await getSite('farmacia-centro')).online).toBe(true);
    await closeSite(fresh, 'farmacia-centro');
  });

  it('lists the latest connections with address, client version, times and why each ended, newest first', async () => {
    const all = await connections('farmacia-centro');
    // Newest first: the new key's connection closed by the site, the one cut by the key rotation, the one closed by
    // the site after re-enabling, the one cut by disabling, and the first one, closed by the site.
    expect(all.map((c) => c.endReason)).toEqual([
      'client namespace disconnect',
      'key rotated',
      'client namespace disconnect',
      'disabled',
      'client namespace disconnect',
    ]);
    for (const c of all) {
      expect(c).toMatchObject({ address: '127.0.0.1', connectedAt: expect.stringMatching(ISO) });
      expect(c.disconnectedAt).toMatch(ISO);
      expect(Date.parse(c.disconnectedAt!)).toBeGreaterThanOrEqual(Date.parse(c.connectedAt));
    }
    expect(all.map((c) => c.clientVersion)).toEqual([
      'e2e-site/1.0',
      'e2e-site/1.0',
      'e2e-site/1.0',
      'e2e-site/1.0',
      'e2e-site/1.2.3',
    ]);
    const times = all.map((c) => Date.parse(c.connectedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });

  it('refuses a wrong key (and an unknown name) with "invalid receiver name or key", and audits each refusal', async () => {
    const before = auditRows('receiver.connection.refused', 'farmacia-centro').length;
    const wrong = await connect({ name: 'farmacia-centro', key: `avr_${'x'.repeat(43)}` }).refused();
    expect(wrong.message).toBe('invalid receiver name or key');
    expect(wrong.data).toMatchObject({ code: 'invalid_credentials' });
    const unknown = await connect({ name: 'no-such-site', key }).refused();
    expect(unknown.message).toBe('invalid receiver name or key');
    expect(unknown.data).toMatchObject({ code: 'invalid_credentials' });

    const refused = auditRows('receiver.connection.refused', 'farmacia-centro');
    expect(refused).toHaveLength(before + 1);
    expect(refused[refused.length - 1]).toMatchObject({ actor_kind: 'anonymous', actor_name: 'site:farmacia-centro' });
    expect(JSON.parse(refused[refused.length - 1].details)).toEqual({ reason: 'invalid_credentials' });
    expect(auditRows('receiver.connection.refused', 'no-such-site')).toHaveLength(1);
    const ip = queryDb<{ ip: string | null }>(
      server,
      "SELECT ip FROM audit_events WHERE action = 'receiver.connection.refused' ORDER BY id DESC",
    )[0].ip;
    expect(ip).toBe('127.0.0.1');
    expect(JSON.stringify(queryDb(server, 'SELECT * FROM audit_events'))).not.toContain(key);
  });

  it('refuses a second connection under a connected name; the first stays connected and still receives alerts', async () => {
    const first = await connectSite('farmacia-centro', key, 'first/1.0');
    kept.add(first);
    const since = (await getSite('farmacia-centro')).connectedSince;
    const second = await connect({ name: 'farmacia-centro', key, clientVersion: 'second/1.0' }).refused();
    expect(second.message).toBe('already connected');
    expect(second.data).toMatchObject({ code: 'already_connected' });
    expect(
      auditRows('receiver.connection.refused', 'farmacia-centro').map((r) => JSON.parse(r.details).reason),
    ).toContain('already_connected');

    expect(first.socket.connected).toBe(true);
    expect(first.disconnectReason).toBeNull();
    expect(await getSite('farmacia-centro')).toMatchObject({
      online: true,
      connectedSince: since,
      clientVersion: 'first/1.0',
    });

    const sent = await server.api('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'receiver', name: 'farmacia-centro' }, text: 'still here?' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.online).toEqual(['farmacia-centro']);
    const alerts = await eventually(
      () => first.received<{ id: string; text: string }>('alert'),
      (a) => a.length > 0,
    );
    expect(alerts).toEqual([expect.objectContaining({ id: sent.body.id, text: 'still here?', reminder: 0 })]);
    expect(first.socket.connected).toBe(true);
  });

  it('DELETE cuts the connection and removes the site: 404 afterwards, and audited', async () => {
    const [first] = kept;
    expect(first.socket.connected).toBe(true);
    const response = await server.api('DELETE', '/api/v1/receivers/farmacia-centro', { token: admin });
    expect(response.status).toBe(204);
    await waitDisconnected(first);
    kept.delete(first);
    expect(first.received('disconnect_reason')).toEqual([{ code: 'deleted', message: 'it was deleted' }]);

    for (const path of ['/api/v1/receivers/farmacia-centro', '/api/v1/receivers/farmacia-centro/connections']) {
      const gone = await server.api('GET', path, { token: admin });
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe('site "farmacia-centro" does not exist');
    }
    expect(queryDb(server, 'SELECT * FROM receivers WHERE name = ?', 'farmacia-centro')).toEqual([]);
    const again = await server.api('DELETE', '/api/v1/receivers/farmacia-centro', { token: admin });
    expect(again.status).toBe(404);
    const refusal = await connect({ name: 'farmacia-centro', key }).refused();
    expect(refusal.data).toMatchObject({ code: 'invalid_credentials' });
  });

  it('provisions sites in bulk from a CSV and answers a CSV of name,key whose keys work', async () => {
    const response = await server.api('POST', '/api/v1/receivers/bulk', {
      token: admin,
      raw: 'name\nsite-a\nsite-b,Farmacia B\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(typeof response.body).toBe('string');
    const lines = (response.body as string).trim().split(/\r?\n/);
    expect(lines[0]).toBe('name,key');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['site-a', 'site-b']);
    for (const [, siteKey] of rows) expect(siteKey).toMatch(KEY);
    expect(rows[0][1]).not.toBe(rows[1][1]);

    const stored = queryDb<{ name: string; display_name: string; key_hash: string }>(
      server,
      "SELECT name, display_name, key_hash FROM receivers WHERE name LIKE 'site-%' ORDER BY name",
    );
    expect(stored).toEqual([
      { name: 'site-a', display_name: 'site-a', key_hash: sha256(rows[0][1]) },
      { name: 'site-b', display_name: 'Farmacia B', key_hash: sha256(rows[1][1]) },
    ]);
    for (const [name, siteKey] of rows) {
      const site = await connectSite(name, siteKey);
      expect(site.socket.connected).toBe(true);
    }
  });

  it('refuses a CSV with a duplicate, an invalid name and an existing site with 400 listing each line, creating nothing', async () => {
    const before = receiverCount();
    const auditBefore = countRows(server, 'audit_events');
    const response = await server.api('POST', '/api/v1/receivers/bulk', {
      token: admin,
      raw: 'name\nsite-c\nsite-c\nx y\nsite-a\nsite-d\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(400);
    // Each problem once, in line order; the valid new names (site-c on line 2, site-d on line 6) are not problems.
    expect((response.body.message as string).split('; ')).toEqual([
      'nothing was created: line 3: site "site-c" is already listed on line 2',
      'line 4: "x y" is not a valid site name (2-64 letters, digits, ".", "_", "-")',
      'line 5: site "site-a" already exists',
    ]);
    expect(receiverCount()).toBe(before);
    expect(queryDb(server, "SELECT * FROM receivers WHERE name IN ('site-c', 'site-d')")).toEqual([]);
    expect(countRows(server, 'audit_events')).toBe(auditBefore);

    const onlyExisting = await server.api('POST', '/api/v1/receivers/bulk', {
      token: admin,
      raw: 'site-e\nSITE-B\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(onlyExisting.status).toBe(400);
    expect(onlyExisting.body.message).toBe('nothing was created: line 2: site "site-b" already exists');
    expect(receiverCount()).toBe(before);
  });

  it('checks a bulk CSV with ?dryRun=true: the sites it would create and each problem by line, creating nothing', async () => {
    const before = receiverCount();
    const auditBefore = countRows(server, 'audit_events');
    const check = (raw: string) =>
      server.api('POST', '/api/v1/receivers/bulk?dryRun=true', {
        token: admin,
        raw,
        headers: { 'content-type': 'text/csv' },
      });
    const good = await check('name\nsite-x\nsite-y,Farmacia Y\n');
    expect(good.status).toBe(200);
    expect(good.body).toEqual({
      sites: [
        { line: 2, name: 'site-x', displayName: 'site-x' },
        { line: 3, name: 'site-y', displayName: 'Farmacia Y' },
      ],
      errors: [],
    });
    const bad = await check('name\nsite-c\nsite-c\nsite-a\n');
    expect(bad.status).toBe(200);
    expect(bad.body).toEqual({
      sites: [],
      errors: [
        {
          line: 3,
          field: 'name',
          code: 'repeatedName',
          params: { name: 'site-c', other: 2 },
          message: 'line 3: site "site-c" is already listed on line 2',
        },
        {
          line: 4,
          field: 'name',
          code: 'exists',
          params: { name: 'site-a' },
          message: 'line 4: site "site-a" already exists',
        },
      ],
    });
    const wrongFlag = await server.api('POST', '/api/v1/receivers/bulk?dryRun=maybe', {
      token: admin,
      raw: 'site-z\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(wrongFlag.status).toBe(400);
    expect(receiverCount()).toBe(before);
    expect(countRows(server, 'audit_events')).toBe(auditBefore);
  });

  it('a key rotation or a disabling while the site is offline does not become the end reason of its next connection', async () => {
    expect(
      await eventually(
        () => openConnections('site-a'),
        (n) => n === 0,
      ),
    ).toBe(0);
    const rotated = await server.api('POST', '/api/v1/receivers/site-a/rotate-key', { token: admin });
    expect(rotated.status).toBe(200);
    for (const enabled of [false, true]) {
      const patched = await server.api('PATCH', '/api/v1/receivers/site-a', { token: admin, body: { enabled } });
      expect(patched.status).toBe(200);
    }
    const site = await connectSite('site-a', rotated.body.key);
    await closeSite(site, 'site-a');
    const [latest] = await connections('site-a');
    expect(latest.endReason).toBe('client namespace disconnect');
  });

  it('audits creation, renaming, disabling, key rotation, deletion and provisioning with the admin as actor', () => {
    const admin = { actor_kind: 'user', actor_name: 'admin' };
    expect(auditRows('receiver.created', 'farmacia-centro')).toEqual([expect.objectContaining(admin)]);
    const updates = auditRows('receiver.updated', 'farmacia-centro');
    expect(updates.map((u) => JSON.parse(u.details))).toEqual([
      { displayName: 'Farmacia del Centro' },
      { enabled: false },
      { enabled: true },
    ]);
    for (const u of updates) expect(u).toMatchObject(admin);
    expect(auditRows('receiver.key.rotated', 'farmacia-centro')).toEqual([expect.objectContaining(admin)]);
    expect(auditRows('receiver.deleted', 'farmacia-centro')).toEqual([expect.objectContaining(admin)]);
    const provisioned = auditRows('receivers.provisioned', null);
    expect(provisioned).toEqual([expect.objectContaining(admin)]);
    expect(JSON.parse(provisioned[0].details)).toEqual({ count: 2 });
  });
});

describe('receiver handshake throttle', () => {
  let server: TestServer;
  const sockets: Socket[] = [];

  const attempt = (auth: Record<string, unknown>) => {
    const socket = io(`${server.baseUrl}/receivers`, {
      transports: ['websocket'],
      ca: readFileSync(server.path('certs', 'server.crt'), 'utf8'),
      auth,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise<Refusal | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the handshake')), WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(null);
      });
      socket.once('connect_error', (error: Refusal) => {
        clearTimeout(timer);
        resolve(error);
      });
    });
  };

  beforeAll(async () => {
    server = await TestServer.start({ env: { AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.dispose();
  });

  it('after 3 failed handshakes from an address, refuses the 4th, even with the right key, with too_many_attempts', async () => {
    const admin = await server.loginAdmin();
    const created = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'throttled' } });
    expect(created.status).toBe(201);
    const good = await attempt({ name: 'throttled', key: created.body.key });
    expect(good).toBeNull();
    sockets.pop()!.disconnect();

    for (let i = 0; i < 3; i++) {
      const refusal = await attempt({ name: 'throttled', key: `avr_wrong-${i}` });
      expect(refusal?.data?.code).toBe('invalid_credentials');
    }
    const fourth = await attempt({ name: 'throttled', key: created.body.key });
    expect(fourth).not.toBeNull();
    expect(fourth!.message).toBe('too many failed attempts from this address; wait and retry');
    expect(fourth!.data?.code).toBe('too_many_attempts');
    expect(fourth!.data?.retryAfterSeconds).toBeGreaterThan(0);
    expect(fourth!.data?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});
