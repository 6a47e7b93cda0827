import { ADMIN_PASSWORD, TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  enabled: number;
  builtin: number;
  password_hash: string;
}

describe('users API', () => {
  let server: TestServer;
  let admin: string;
  let adminId: number;

  const userRow = (username: string) =>
    queryDb<UserRow>(server, 'SELECT * FROM users WHERE username = ?', username)[0] as UserRow | undefined;
  const sessionsOf = (userId: number) =>
    queryDb<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', userId)[0].n;
  const auditRows = (action: string, target: string) =>
    queryDb<{ actor_name: string; details: string }>(
      server,
      'SELECT actor_name, details FROM audit_events WHERE action = ? AND target = ? ORDER BY id',
      action,
      target,
    );
  const me = (token: string) => server.api('GET', '/api/v1/auth/me', { token });

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    adminId = userRow('admin')!.id;
  });

  afterAll(() => server.dispose());

  describe('list, create, get, update, delete', () => {
    let marinId: number;

    it('lists the built-in admin, without any password hash', async () => {
      const response = await server.api('GET', '/api/v1/users', { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(countRows(server, 'users'));
      expect(response.body).toContainEqual(
        expect.objectContaining({
          id: adminId,
          username: 'admin',
          displayName: 'admin',
          role: 'admin',
          enabled: true,
          builtin: true,
        }),
      );
      expect(JSON.stringify(response.body)).not.toMatch(/password|\$2[aby]\$/i);
    });

    it('creates a user with a role, storing the username trimmed and in lower case and the password as a bcrypt hash', async () => {
      const before = countRows(server, 'users');
      const response = await server.api('POST', '/api/v1/users', {
        token: admin,
        body: { username: '  Marin ', displayName: 'Marin Q.', role: 'operator', password: 'Marin-Pass-2026' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        username: 'marin',
        displayName: 'Marin Q.',
        role: 'operator',
        enabled: true,
        builtin: false,
      });
      expect(Object.keys(response.body).join()).not.toMatch(/password/i);
      marinId = response.body.id;
      expect(countRows(server, 'users')).toBe(before + 1);
      const row = userRow('marin')!;
      expect(row).toMatchObject({ id: marinId, display_name: 'Marin Q.', role: 'operator', enabled: 1, builtin: 0 });
      expect(row.password_hash).toMatch(/^\$2[aby]\$12\$/);
      expect(row.password_hash).not.toContain('Marin-Pass-2026');
      expect(auditRows('user.created', 'marin')).toEqual([{ actor_name: 'admin', details: '{"role":"operator"}' }]);
    });

    it('refuses a duplicate username (after normalization) with 409 and stores nothing', async () => {
      const before = countRows(server, 'users');
      const response = await server.api('POST', '/api/v1/users', {
        token: admin,
        body: { username: 'MARIN', role: 'admin', password: 'Other-Pass-2026' },
      });
      expect(response.status).toBe(409);
      expect(response.body.message).toBe('username "marin" is already taken');
      expect(countRows(server, 'users')).toBe(before);
      expect(userRow('marin')!.role).toBe('operator');
    });

    it('gets one user, and answers 404 for an unknown id and 400 for a non-numeric one', async () => {
      const response = await server.api('GET', `/api/v1/users/${marinId}`, { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: marinId, username: 'marin', role: 'operator' });

      const missing = await server.api('GET', '/api/v1/users/99999', { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('user 99999 does not exist');

      const notNumber = await server.api('GET', '/api/v1/users/marin', { token: admin });
      expect(notNumber.status).toBe(400);
      expect(notNumber.body.message).toMatch(/numeric/);
    });

    it('changes the display name with PATCH (trimmed) and audits the change', async () => {
      const response = await server.api('PATCH', `/api/v1/users/${marinId}`, {
        token: admin,
        body: { displayName: '  Marín Quesada  ' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: marinId, username: 'marin', displayName: 'Marín Quesada' });
      expect(userRow('marin')!.display_name).toBe('Marín Quesada');
      const audit = auditRows('user.updated', 'marin');
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0].details)).toEqual({ displayName: { from: 'Marin Q.', to: 'Marín Quesada' } });

      const empty = await server.api('PATCH', `/api/v1/users/${marinId}`, {
        token: admin,
        body: { displayName: '   ' },
      });
      expect(empty.status).toBe(400);
      expect(empty.body.fields.displayName).toBeDefined();
      expect(userRow('marin')!.display_name).toBe('Marín Quesada');
    });

    it('deletes a user with DELETE, removing the row and its sessions, and audits it', async () => {
      const temp = await server.createUser(admin, 'temp-user', 'operator', 'Temp-User-Pass-1');
      await server.login('temp-user', 'Temp-User-Pass-1');
      expect(sessionsOf(temp.id)).toBe(1);
      const before = countRows(server, 'users');

      const response = await server.api('DELETE', `/api/v1/users/${temp.id}`, { token: admin });
      expect(response.status).toBe(204);
      expect(countRows(server, 'users')).toBe(before - 1);
      expect(userRow('temp-user')).toBeUndefined();
      expect(sessionsOf(temp.id)).toBe(0);
      expect((await server.api('GET', `/api/v1/users/${temp.id}`, { token: admin })).status).toBe(404);
      expect(auditRows('user.deleted', 'temp-user')).toEqual([{ actor_name: 'admin', details: '{"role":"operator"}' }]);

      const again = await server.api('DELETE', `/api/v1/users/${temp.id}`, { token: admin });
      expect(again.status).toBe(404);
    });
  });

  describe('changes that log the user out', () => {
    let lenaId: number;
    let lenaPassword = 'Lena-Pass-2026';

    beforeAll(async () => {
      lenaId = (await server.createUser(admin, 'lena', 'operator', lenaPassword)).id;
    });

    it('PUT :id/password sets the password and revokes every session of that user, not the admin’s', async () => {
      const tabA = await server.login('lena', lenaPassword);
      const tabB = await server.login('lena', lenaPassword);
      expect(sessionsOf(lenaId)).toBe(2);
      const hashBefore = userRow('lena')!.password_hash;

      const response = await server.api('PUT', `/api/v1/users/${lenaId}/password`, {
        token: admin,
        body: { password: 'Lena-Reset-2026' },
      });
      expect(response.status).toBe(204);
      expect(sessionsOf(lenaId)).toBe(0);
      expect(userRow('lena')!.password_hash).not.toBe(hashBefore);
      expect((await me(tabA)).status).toBe(401);
      expect((await me(tabB)).status).toBe(401);
      expect((await me(admin)).status).toBe(200);
      expect(auditRows('user.password.reset', 'lena')).toEqual([expect.objectContaining({ actor_name: 'admin' })]);

      const oldPassword = await server.api('POST', '/api/v1/auth/login', {
        body: { username: 'lena', password: lenaPassword },
      });
      expect(oldPassword.status).toBe(401);
      lenaPassword = 'Lena-Reset-2026';
      await expect(server.login('lena', lenaPassword)).resolves.toMatch(/^avs_/);
    });

    it('PUT :id/role promotes an operator to admin and revokes that user’s sessions', async () => {
      const operatorSession = await server.login('lena', lenaPassword);
      const refused = await server.api('GET', '/api/v1/users', { token: operatorSession });
      expect(refused.status).toBe(403);

      const response = await server.api('PUT', `/api/v1/users/${lenaId}/role`, {
        token: admin,
        body: { role: 'admin' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: lenaId, role: 'admin' });
      expect(userRow('lena')!.role).toBe('admin');
      expect(sessionsOf(lenaId)).toBe(0);
      expect((await me(operatorSession)).status).toBe(401);
      const audit = auditRows('user.role.changed', 'lena');
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0].details)).toEqual({ from: 'operator', to: 'admin' });

      const adminSession = await server.login('lena', lenaPassword);
      expect((await server.api('GET', '/api/v1/users', { token: adminSession })).status).toBe(200);
    });

    it('PUT :id/enabled false revokes the sessions and refuses later logins as disabled; true lets the user back in', async () => {
      const session = await server.login('lena', lenaPassword);
      const response = await server.api('PUT', `/api/v1/users/${lenaId}/enabled`, {
        token: admin,
        body: { enabled: false },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: lenaId, enabled: false });
      expect(userRow('lena')!.enabled).toBe(0);
      expect(sessionsOf(lenaId)).toBe(0);
      expect((await me(session)).status).toBe(401);

      const sessionsBefore = countRows(server, 'sessions');
      const login = await server.api('POST', '/api/v1/auth/login', {
        body: { username: 'lena', password: lenaPassword },
      });
      expect(login.status).toBe(401);
      expect(login.body.message).toMatch(/disabled/);
      expect(countRows(server, 'sessions')).toBe(sessionsBefore);

      const enable = await server.api('PUT', `/api/v1/users/${lenaId}/enabled`, {
        token: admin,
        body: { enabled: true },
      });
      expect(enable.status).toBe(200);
      expect(userRow('lena')!.enabled).toBe(1);
      await expect(server.login('lena', lenaPassword)).resolves.toMatch(/^avs_/);
    });
  });

  describe('protections', () => {
    it.each([
      ['deleted', 'DELETE', '', undefined, 'the built-in admin cannot be deleted'],
      ['disabled', 'PUT', '/enabled', { enabled: false }, 'the built-in admin cannot be disabled'],
      ['demoted', 'PUT', '/role', { role: 'operator' }, 'the built-in admin cannot be demoted'],
    ])('the built-in admin cannot be %s (403)', async (_what, method, suffix, body, message) => {
      const before = userRow('admin');
      const response = await server.api(method, `/api/v1/users/${adminId}${suffix}`, { token: admin, body });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(message);
      expect(userRow('admin')).toEqual(before);
      expect(before).toMatchObject({ role: 'admin', enabled: 1, builtin: 1 });
      expect((await me(admin)).status).toBe(200);
    });

    it('a second admin cannot delete, disable or demote itself', async () => {
      const boss = await server.createUser(admin, 'boss', 'admin', 'Boss-Pass-2026');
      const bossToken = await server.login('boss', 'Boss-Pass-2026');
      const usersBefore = countRows(server, 'users');

      const del = await server.api('DELETE', `/api/v1/users/${boss.id}`, { token: bossToken });
      expect(del.status).toBe(403);
      expect(del.body.message).toBe('you cannot delete your own account');
      const disable = await server.api('PUT', `/api/v1/users/${boss.id}/enabled`, {
        token: bossToken,
        body: { enabled: false },
      });
      expect(disable.status).toBe(403);
      expect(disable.body.message).toBe('you cannot disable your own account');
      const demote = await server.api('PUT', `/api/v1/users/${boss.id}/role`, {
        token: bossToken,
        body: { role: 'operator' },
      });
      expect(demote.status).toBe(403);
      expect(demote.body.message).toBe('you cannot change your own role');

      expect(countRows(server, 'users')).toBe(usersBefore);
      expect(userRow('boss')).toMatchObject({ role: 'admin', enabled: 1 });
      expect((await me(bossToken)).status).toBe(200);
      expect(
        queryDb(
          server,
          "SELECT * FROM audit_events WHERE target = 'boss' AND action != 'user.created' AND action NOT LIKE 'auth.%'",
        ),
      ).toEqual([]);

      // Another admin may delete it.
      expect((await server.api('DELETE', `/api/v1/users/${boss.id}`, { token: admin })).status).toBe(204);
      expect((await me(bossToken)).status).toBe(401);
    });
  });

  describe('own password (PUT /api/v1/users/me/password)', () => {
    let opalToken: string;
    let opalId: number;

    beforeAll(async () => {
      opalId = (await server.createUser(admin, 'opal.ops', 'operator', 'Opal-Pass-2026')).id;
      opalToken = await server.login('opal.ops', 'Opal-Pass-2026');
    });

    it('refuses a wrong current password with 401 and changes nothing', async () => {
      const hashBefore = userRow('opal.ops')!.password_hash;
      const response = await server.api('PUT', '/api/v1/users/me/password', {
        token: opalToken,
        body: { currentPassword: 'Not-Opal-Pass-1', newPassword: 'Opal-Next-2026' },
      });
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/currentPassword/);
      expect(userRow('opal.ops')!.password_hash).toBe(hashBefore);
      expect((await me(opalToken)).status).toBe(200);
      expect(auditRows('auth.password.changed', 'opal.ops')).toEqual([]);
    });

    it.each([
      ['too short', 'Op-1', /newPassword must be at least 8 bytes long/],
      ['longer than 72 bytes', 'é'.repeat(40), /newPassword must be at most 72 bytes long \(got 80\)/],
      ['common', 'qwerty123', /newPassword is one of the most commonly used passwords/],
      ['the username', 'OPAL.OPS', /newPassword must not be the same as the username/],
    ])(
      'refuses a new password that is %s with 400 naming newPassword, changing nothing',
      async (_what, next, message) => {
        const hashBefore = userRow('opal.ops')!.password_hash;
        const response = await server.api('PUT', '/api/v1/users/me/password', {
          token: opalToken,
          body: { currentPassword: 'Opal-Pass-2026', newPassword: next },
        });
        expect(response.status).toBe(400);
        expect(response.body.message).toMatch(message);
        expect(response.body.fields?.newPassword).toEqual([expect.stringMatching(message)]);
        expect(userRow('opal.ops')!.password_hash).toBe(hashBefore);
      },
    );

    it('lets an operator change the own password with the current one; the new one logs in, the old one no longer', async () => {
      const response = await server.api('PUT', '/api/v1/users/me/password', {
        token: opalToken,
        body: { currentPassword: 'Opal-Pass-2026', newPassword: 'Opal-Next-2026' },
      });
      expect(response.status).toBe(204);
      expect((await me(opalToken)).status).toBe(200);
      expect(auditRows('auth.password.changed', 'opal.ops')).toEqual([
        expect.objectContaining({ actor_name: 'opal.ops' }),
      ]);
      const old = await server.api('POST', '/api/v1/auth/login', {
        body: { username: 'opal.ops', password: 'Opal-Pass-2026' },
      });
      expect(old.status).toBe(401);
      await expect(server.login('opal.ops', 'Opal-Next-2026')).resolves.toMatch(/^avs_/);
      expect(sessionsOf(opalId)).toBe(2);
    });
  });

  describe('password policy', () => {
    it.each([
      ['shorter than 8 bytes', 'shorty', 'Ab1-xyz', /^password must be at least 8 bytes long$/],
      [
        'longer than 72 bytes (40 "é" = 80 bytes)',
        'accent',
        'é'.repeat(40),
        /^password must be at most 72 bytes long \(got 80\)$/,
      ],
      ['73 ASCII bytes', 'ascii73', 'Aa1-'.repeat(18) + 'x', /^password must be at most 72 bytes long \(got 73\)$/],
      ['"password123" (common)', 'common1', 'password123', /^password is one of the most commonly used passwords/],
      [
        '"Qwerty123" (common, any case)',
        'common2',
        'Qwerty123',
        /^password is one of the most commonly used passwords/,
      ],
      ['equal to the username', 'valentina.r', 'VALENTINA.R', /^password must not be the same as the username$/],
    ])(
      'POST /users refuses a password %s with 400 naming the field, storing nothing',
      async (what, username, password, message) => {
        const before = countRows(server, 'users');
        const response = await server.api('POST', '/api/v1/users', {
          token: admin,
          body: { username, role: 'operator', password },
        });
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({ password: [expect.stringMatching(message)] });
        expect(response.body.message).toMatch(message);
        expect(response.body.problems).toEqual([
          expect.objectContaining({ field: 'password', code: expect.stringMatching(/^password\./) }),
        ]);
        if (/common/.test(what)) expect(response.body.problems[0].code).toBe('password.common');
        expect(countRows(server, 'users')).toBe(before);
        expect(userRow(username)).toBeUndefined();
      },
    );

    it('counts bytes, not characters: 36 "é" (72 bytes) is accepted and logs in', async () => {
      const password = 'é'.repeat(36);
      await server.createUser(admin, 'accented', 'operator', password);
      await expect(server.login('accented', password)).resolves.toMatch(/^avs_/);
      // bcrypt would ignore a 73rd byte, so one more would have to be refused, not silently cut.
      const longer = await server.api('POST', '/api/v1/auth/login', {
        body: { username: 'accented', password: password + 'x' },
      });
      expect(longer.status).toBe(401);
    });

    it.each([
      ['shorter than 8 bytes', 'Ab1-xyz', /^password must be at least 8 bytes long$/],
      ['longer than 72 bytes', 'é'.repeat(40), /^password must be at most 72 bytes long \(got 80\)$/],
      ['common', 'password123', /^password is one of the most commonly used passwords/],
      ['equal to the username', 'Policy-Target', /^password must not be the same as the username$/],
    ])(
      'PUT /users/:id/password refuses a password %s with 400 naming the field, changing nothing',
      async (_what, password, message) => {
        const target =
          userRow('policy-target') ?? (await server.createUser(admin, 'policy-target', 'operator', 'Policy-Pass-2026'));
        const hashBefore = userRow('policy-target')!.password_hash;
        const usersBefore = countRows(server, 'users');
        const response = await server.api('PUT', `/api/v1/users/${target.id}/password`, {
          token: admin,
          body: { password },
        });
        expect(response.status).toBe(400);
        expect(response.body.message).toMatch(message);
        expect(response.body.fields).toEqual({ password: [expect.stringMatching(message)] });
        expect(userRow('policy-target')!.password_hash).toBe(hashBefore);
        expect(countRows(server, 'users')).toBe(usersBefore);
        expect(auditRows('user.password.reset', 'policy-target')).toEqual([]);
      },
    );

    it('never stores or logs a password in clear', async () => {
      const dump =
        JSON.stringify(queryDb(server, 'SELECT * FROM users')) +
        JSON.stringify(queryDb(server, 'SELECT * FROM audit_events'));
      const logs = server.readLog('acciones.log') + server.readLog('servidor.log');
      for (const secret of [ADMIN_PASSWORD, 'Marin-Pass-2026', 'Lena-Reset-2026', 'Opal-Next-2026', 'Boss-Pass-2026']) {
        expect(dump).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });
  });
});
