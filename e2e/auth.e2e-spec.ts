import { ADMIN_PASSWORD, TestServer, sleep } from './support/server';
import { countRows, queryDb } from './support/database';

describe('login, sessions and lockout', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start({
      env: {
        AVISA_SESSION_IDLE_SECONDS: '3',
        AVISA_SESSION_ABSOLUTE_SECONDS: '6',
        AVISA_LOGIN_LOCK_SECONDS: '4',
        AVISA_LOGIN_ACCOUNT_MAX_FAILURES: '8',
      },
    });
  });

  afterAll(() => server.dispose());

  it('logs in with a normalized username and answers a token and the user', async () => {
    const response = await server.api('POST', '/api/v1/auth/login', {
      body: { username: '  ADMIN ', password: ADMIN_PASSWORD },
    });
    expect(response.status).toBe(200);
    expect(response.body.token).toMatch(/^avs_[A-Za-z0-9_-]{43}$/);
    expect(response.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    const me = await server.api('GET', '/api/v1/auth/me', { token: response.body.token });
    expect(me.body).toMatchObject({ kind: 'user', username: 'admin', role: 'admin' });
  });

  it('stores the session only as a hash of its token', async () => {
    const token = await server.loginAdmin();
    const rows = queryDb<{ id: string }>(server, 'SELECT id FROM sessions');
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
  });

  it('refuses a wrong password with 401 and audits the failure', async () => {
    const response = await server.api('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'not-the-password' },
    });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'wrong username or password',
      code: 'auth.wrong_credentials',
      params: {},
    });
    const failures = queryDb(
      server,
      "SELECT * FROM audit_events WHERE action = 'auth.login.failed' AND target = 'admin'",
    );
    expect(failures.length).toBeGreaterThanOrEqual(1);
  });

  it('locks an account from one address after 5 failures, audits it, and lifts the lock after the lock time', async () => {
    const admin = await server.loginAdmin();
    await server.createUser(admin, 'locky', 'operator', 'Locky-Pass-2026');
    for (let i = 0; i < 4; i++) {
      const r = await server.api('POST', '/api/v1/auth/login', {
        body: { username: 'locky', password: 'wrong-one-1' },
      });
      expect(r.status).toBe(401);
    }
    const fifth = await server.api('POST', '/api/v1/auth/login', {
      body: { username: 'locky', password: 'wrong-one-1' },
    });
    expect(fifth.status).toBe(429);
    expect(fifth.body.message).toMatch(/too many failed logins/);
    const whileLocked = await server.api('POST', '/api/v1/auth/login', {
      body: { username: 'locky', password: 'Locky-Pass-2026' },
    });
    expect(whileLocked.status).toBe(429);
    expect(whileLocked.headers['retry-after']).toBeDefined();
    expect(
      queryDb(server, "SELECT * FROM audit_events WHERE action = 'auth.login.locked' AND target = 'locky'"),
    ).toHaveLength(1);
    await sleep(4500);
    const after = await server.api('POST', '/api/v1/auth/login', {
      body: { username: 'locky', password: 'Locky-Pass-2026' },
    });
    expect(after.status).toBe(200);
  });

  it('expires an idle session', async () => {
    const token = await server.loginAdmin();
    expect((await server.api('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    await sleep(3500);
    const response = await server.api('GET', '/api/v1/auth/me', { token });
    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(/inactivity/);
  });

  it('expires a session at its absolute limit even while in use', async () => {
    const token = await server.loginAdmin();
    for (let i = 0; i < 5; i++) {
      await sleep(1300);
      const r = await server.api('GET', '/api/v1/auth/me', { token });
      if (r.status !== 200) {
        expect(i).toBeGreaterThanOrEqual(3);
        expect(r.body.message).toMatch(/maximum duration/);
        return;
      }
    }
    throw new Error('session outlived its absolute limit');
  });

  it('revokes the session on logout and audits it', async () => {
    const token = await server.loginAdmin();
    expect((await server.api('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    expect((await server.api('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    expect(server.readLog('acciones.log')).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - auth\.logout admin/m,
    );
  });

  it('revokes every other session of a user when the password changes', async () => {
    const admin = await server.loginAdmin();
    await server.createUser(admin, 'changer', 'operator', 'Changer-Pass-2026');
    const tabA = await server.login('changer', 'Changer-Pass-2026');
    const tabB = await server.login('changer', 'Changer-Pass-2026');
    const change = await server.api('PUT', '/api/v1/users/me/password', {
      token: tabA,
      body: { currentPassword: 'Changer-Pass-2026', newPassword: 'Changer-New-2026' },
    });
    expect(change.status).toBe(204);
    expect((await server.api('GET', '/api/v1/auth/me', { token: tabA })).status).toBe(200);
    expect((await server.api('GET', '/api/v1/auth/me', { token: tabB })).status).toBe(401);
    await expect(server.login('changer', 'Changer-New-2026')).resolves.toMatch(/^avs_/);
  });

  it('never writes a password or token to the logs', async () => {
    const token = await server.loginAdmin();
    const logs = server.readLog('acciones.log') + server.readLog('servidor.log');
    expect(logs).not.toContain(ADMIN_PASSWORD);
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('Changer-New-2026');
    expect(countRows(server, 'audit_events')).toBeGreaterThan(5);
  });
});

describe('limits across accounts and addresses', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start({
      env: {
        AVISA_LOGIN_IP_LIMIT: '6',
        AVISA_LOGIN_IP_WINDOW_SECONDS: '60',
        AVISA_LOGIN_MAX_FAILURES: '5',
        AVISA_LOGIN_ACCOUNT_MAX_FAILURES: '8',
      },
    });
  });

  afterAll(() => server.dispose());

  const attempt = (username: string, password: string, from: string) =>
    server.api('POST', '/api/v1/auth/login', { body: { username, password }, from });

  it('locks the whole account when failures from several addresses reach the account ceiling', async () => {
    const admin = await server.login('admin', ADMIN_PASSWORD);
    await server.createUser(admin, 'shared', 'operator', 'Shared-Pass-2026');
    for (const from of ['127.0.0.2', '127.0.0.3']) {
      for (let i = 0; i < 4; i++) expect((await attempt('shared', 'bad-guess-1', from)).status).toBe(401);
    }
    const fromElsewhere = await attempt('shared', 'Shared-Pass-2026', '127.0.0.4');
    expect(fromElsewhere.status).toBe(429);
    expect(fromElsewhere.body.message).toMatch(/it is locked/);
    const locks = queryDb<{ ip: string }>(server, "SELECT ip FROM login_locks WHERE username = 'shared'");
    expect(locks).toEqual([{ ip: '*' }]);
    expect(
      queryDb(server, "SELECT * FROM audit_events WHERE action = 'auth.login.locked' AND target = 'shared'"),
    ).toHaveLength(1);
  });

  it('limits login attempts per address across accounts, without touching other addresses', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await attempt(`nobody-${i}`, 'whatever-1', '127.0.0.5')).status).toBe(401);
    }
    const seventh = await attempt('admin', ADMIN_PASSWORD, '127.0.0.5');
    expect(seventh.status).toBe(429);
    expect(seventh.body.message).toMatch(/too many login attempts from this address/);
    expect((await attempt('admin', ADMIN_PASSWORD, '127.0.0.6')).status).toBe(200);
  });
});
