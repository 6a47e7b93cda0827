import { createHash } from 'node:crypto';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

describe('API tokens', () => {
  let server: TestServer;
  let admin: string;
  let readToken: { id: number; token: string };

  const tokenRow = (name: string) => queryDb(server, 'SELECT * FROM api_tokens WHERE name = ?', name)[0];
  const auditRows = (action: string, target: string) =>
    queryDb<{ actor_kind: string; actor_name: string }>(
      server,
      'SELECT actor_kind, actor_name FROM audit_events WHERE action = ? AND target = ?',
      action,
      target,
    );

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
  });

  afterAll(() => server.dispose());

  it('creates a token and shows its secret once, in the creation answer', async () => {
    const response = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'Zabbix', scopes: ['read'] },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'zabbix',
      scopes: ['read'],
      createdBy: 'admin',
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(response.body.token).toMatch(/^avt_[A-Za-z0-9_-]{43}$/);
    expect(response.body.prefix).toBe(response.body.token.slice(0, 12));
    readToken = { id: response.body.id, token: response.body.token };
  });

  it('lists the token without its secret', async () => {
    const response = await server.api('GET', '/api/v1/api-tokens', { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([expect.objectContaining({ id: readToken.id, name: 'zabbix', scopes: ['read'] })]);
    expect(response.body[0]).not.toHaveProperty('token');
    expect(JSON.stringify(response.body)).not.toContain(readToken.token);
    // Only the 12-character prefix, never enough of the secret to use it.
    for (const value of Object.values(response.body[0] as Record<string, unknown>)) {
      expect(String(value)).not.toContain(readToken.token.slice(0, 13));
    }
  });

  it('stores only the SHA-256 hex hash of the secret', () => {
    const rows = queryDb(server, 'SELECT * FROM api_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(sha256(readToken.token));
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(readToken.token);
  });

  it('authenticates as a bearer token on GET /api/v1/auth/me, answering kind "token" with its scopes', async () => {
    const response = await server.api('GET', '/api/v1/auth/me', { token: readToken.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ kind: 'token', id: readToken.id, name: 'zabbix', scopes: ['read'] });
    expect(tokenRow('zabbix').last_used_at).toEqual(expect.any(Number));
  });

  it('refuses a token without the "read" scope on /api/v1/auth/me with 403', async () => {
    const created = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'sender', scopes: ['messages:send'] },
    });
    expect(created.status).toBe(201);
    const response = await server.api('GET', '/api/v1/auth/me', { token: created.body.token });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/lacks the scope read/);
  });

  it.each([
    ['GET', '/api/v1/users'],
    ['GET', '/api/v1/api-tokens'],
    ['GET', '/api/v1/audit'],
    ['POST', '/api/v1/api-tokens'],
    ['POST', '/api/v1/auth/logout'],
  ])('refuses any token on %s %s (403), whatever its scopes', async (method, path) => {
    const tokensBefore = countRows(server, 'api_tokens');
    const response = await server.api(method, path, {
      token: readToken.token,
      body: method === 'POST' && path.endsWith('api-tokens') ? { name: 'by-token', scopes: ['read'] } : undefined,
    });
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('API tokens cannot call this route; log in as a user');
    expect(countRows(server, 'api_tokens')).toBe(tokensBefore);
  });

  it('audits the creation with the admin as actor', () => {
    expect(auditRows('api-token.created', 'zabbix')).toEqual([{ actor_kind: 'user', actor_name: 'admin' }]);
    expect(auditRows('api-token.created', 'sender')).toEqual([{ actor_kind: 'user', actor_name: 'admin' }]);
  });

  it('revokes a token with DELETE: it stays listed as revoked, further use is 401, and the revocation is audited', async () => {
    const response = await server.api('DELETE', `/api/v1/api-tokens/${readToken.id}`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: readToken.id, name: 'zabbix', revokedAt: expect.any(String) });
    expect(response.body).not.toHaveProperty('token');
    expect(tokenRow('zabbix').revoked_at).toEqual(expect.any(Number));

    const use = await server.api('GET', '/api/v1/auth/me', { token: readToken.token });
    expect(use.status).toBe(401);
    expect(use.body.message).toMatch(/revoked/);

    const list = await server.api('GET', '/api/v1/api-tokens', { token: admin });
    expect(list.body.find((t: { id: number }) => t.id === readToken.id).revokedAt).toBe(response.body.revokedAt);
    expect(auditRows('api-token.revoked', 'zabbix')).toEqual([{ actor_kind: 'user', actor_name: 'admin' }]);

    // Revoking again changes nothing and is not audited twice.
    const again = await server.api('DELETE', `/api/v1/api-tokens/${readToken.id}`, { token: admin });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(response.body.revokedAt);
    expect(auditRows('api-token.revoked', 'zabbix')).toHaveLength(1);

    const missing = await server.api('DELETE', '/api/v1/api-tokens/9999', { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('API token 9999 does not exist');
  });

  it('writes the token actions to acciones.log with the admin as actor', async () => {
    const log = await eventually(
      () => server.readLog('acciones.log'),
      (text) => text.includes('api-token.revoked'),
    );
    expect(log).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - api-token\.created zabbix /m);
    expect(log).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - api-token\.revoked zabbix/m);
    expect(log).not.toContain(readToken.token);
  });

  it('refuses a duplicate name with 409', async () => {
    const before = countRows(server, 'api_tokens');
    const response = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'ZABBIX', scopes: ['read'] },
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe('an API token named "zabbix" already exists');
    expect(countRows(server, 'api_tokens')).toBe(before);
  });

  it.each([
    [
      'an unknown scope',
      { name: 'bad-scope', scopes: ['read', 'admin'] },
      'scopes',
      /each scope must be one of: messages:send, read/,
    ],
    ['empty scopes', { name: 'no-scope', scopes: [] }, 'scopes', /scopes must name at least one scope/],
    ['scopes that are not an array', { name: 'str-scope', scopes: 'read' }, 'scopes', /scopes must be an array/],
    ['a missing name', { scopes: ['read'] }, 'name', /^name is required$/],
    ['a name with spaces', { name: 'my token', scopes: ['read'] }, 'name', /name may contain only letters, digits/],
    [
      'an expiry of 0 days',
      { name: 'expiry', scopes: ['read'], expiresInDays: 0 },
      'expiresInDays',
      /expiresInDays must not be less than 1/,
    ],
  ])('refuses %s with 400 naming the field, storing nothing', async (_what, body, field, message) => {
    const tokensBefore = countRows(server, 'api_tokens');
    const auditBefore = countRows(server, 'audit_events');
    const response = await server.api('POST', '/api/v1/api-tokens', { token: admin, body });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.fields)).toEqual([field]);
    expect(response.body.fields[field]).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(countRows(server, 'api_tokens')).toBe(tokensBefore);
    expect(countRows(server, 'audit_events')).toBe(auditBefore);
  });

  describe("a token lives as long as its creator's account", () => {
    let creatorId: number;
    let creator: string;
    let send: { id: number; token: string };
    const alert = (token: string) =>
      server.api('POST', '/api/v1/messages', { token, body: { target: { kind: 'all' }, text: 'desde zabbix' } });
    const listed = async (id: number) =>
      ((await server.api('GET', '/api/v1/api-tokens', { token: admin })).body as Record<string, unknown>[]).find(
        (t) => t.id === id,
      )!;
    const setEnabled = (enabled: boolean) =>
      server.api('PUT', `/api/v1/users/${creatorId}/enabled`, { token: admin, body: { enabled } });

    beforeAll(async () => {
      // An alert to every site needs one site at least.
      expect(
        (await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-1' } })).status,
      ).toBe(201);
      creatorId = (await server.createUser(admin, 'jefa', 'admin', 'Jefa-Admin-2026')).id;
      creator = await server.login('jefa', 'Jefa-Admin-2026');
      const created = await server.api('POST', '/api/v1/api-tokens', {
        token: creator,
        body: { name: 'erp', scopes: ['messages:send', 'read'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ createdBy: 'jefa', createdById: creatorId, creatorStatus: 'active' });
      send = { id: created.body.id, token: created.body.token };
    });

    it('lists each token with its creator and last use, written at most once a minute', async () => {
      expect(await listed(send.id)).toMatchObject({ createdBy: 'jefa', creatorStatus: 'active', lastUsedAt: null });
      expect((await alert(send.token)).status).toBe(201);
      const first = tokenRow('erp').last_used_at;
      expect(first).toEqual(expect.any(Number));
      expect((await listed(send.id)).lastUsedAt).toBe(new Date(Number(first)).toISOString());
      expect((await server.api('GET', '/api/v1/auth/me', { token: send.token })).status).toBe(200);
      expect(tokenRow('erp').last_used_at).toBe(first);
    });

    it('stops working while its creator is disabled, and works again once re-enabled', async () => {
      const auditBefore = countRows(server, 'audit_events');
      expect((await setEnabled(false)).status).toBe(200);
      const refused = await alert(send.token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toBe('the account that created this API token is disabled; ask an administrator');
      expect((await server.api('GET', '/api/v1/auth/me', { token: send.token })).status).toBe(401);
      expect(await listed(send.id)).toMatchObject({ createdBy: 'jefa', creatorStatus: 'disabled', revokedAt: null });
      // Only the user change is audited, as before.
      expect(countRows(server, 'audit_events')).toBe(auditBefore + 1);

      expect((await setEnabled(true)).status).toBe(200);
      expect((await alert(send.token)).status).toBe(201);
      expect((await listed(send.id)).creatorStatus).toBe('active');
    });

    it('stops working for good once its creator is deleted, even if an account of the same name comes back', async () => {
      expect((await server.api('DELETE', `/api/v1/users/${creatorId}`, { token: admin })).status).toBe(204);
      const refused = await alert(send.token);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toBe(
        'the account that created this API token no longer exists; ask an administrator for a new token',
      );
      expect(await listed(send.id)).toMatchObject({ createdBy: 'jefa', creatorStatus: 'deleted' });

      await server.createUser(admin, 'jefa', 'admin', 'Jefa-Admin-2027');
      expect((await alert(send.token)).status).toBe(401);
      expect((await listed(send.id)).creatorStatus).toBe('deleted');
    });
  });

  // No route a token may call changes state yet (the only token route is GET /auth/me; logout refuses tokens, see
  // above), so there is no "token:<name>" audit actor to check until one exists.
});
