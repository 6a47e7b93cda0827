import { queryDb } from './support/database';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';

/** Where a leaked token or a stolen session could loop: sending alerts, guessing the current password. */
describe('limits per user and per token', () => {
  let server: TestServer;
  let admin: string;
  let token: string;

  const send = (bearer: string, text: string) =>
    server.api('POST', '/api/v1/messages', {
      token: bearer,
      body: { target: { kind: 'receiver', name: 'faro' }, text },
    });

  beforeAll(async () => {
    server = await TestServer.start({
      env: { AVISA_SEND_LIMIT_PER_MINUTE: '3', AVISA_PASSWORD_CHANGE_MAX_FAILURES: '3' },
    });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'turno', 'operator', 'Turno-Noche-2026');
    await server.createUser(admin, 'guardia', 'operator', 'Guardia-Dia-2026');
    expect((await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'faro' } })).status).toBe(201);
    const created = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'script', scopes: ['messages:send'] },
    });
    token = created.body.token;
  });

  afterAll(() => server.dispose());

  it('refuses a token its fourth alert in a minute with 429 and Retry-After, and stores nothing of it', async () => {
    for (let i = 1; i <= 3; i++) expect((await send(token, `script ${i}`)).status).toBe(201);
    const fourth = await send(token, 'script 4');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(fourth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(fourth.body.message).toMatch(/at most 3 per minute per user or API token/);
    expect(queryDb(server, "SELECT id FROM messages WHERE text = 'script 4'")).toEqual([]);
  });

  it('counts each user on their own: one user at the limit does not stop another', async () => {
    const turno = await server.login('turno', 'Turno-Noche-2026');
    const guardia = await server.login('guardia', 'Guardia-Dia-2026');
    for (let i = 1; i <= 3; i++) expect((await send(turno, `turno ${i}`)).status).toBe(201);
    expect((await send(turno, 'turno 4')).status).toBe(429);
    expect((await send(guardia, 'guardia 1')).status).toBe(201);
  });

  it('audits wrong current passwords, ends the sessions at the limit, then refuses further tries with 429', async () => {
    const session = await server.login('guardia', 'Guardia-Dia-2026');
    const other = await server.login('guardia', 'Guardia-Dia-2026');
    const change = (bearer: string) =>
      server.api('PUT', '/api/v1/users/me/password', {
        token: bearer,
        body: { currentPassword: 'adivinando-1', newPassword: 'Bright-Orange-Lamp-9' },
      });
    expect((await change(session)).status).toBe(401);
    expect((await change(session)).status).toBe(401);
    const third = await change(session);
    expect(third.status).toBe(401);
    expect(third.body.message).toMatch(/sessions were ended/);
    expect((await server.api('GET', '/api/v1/auth/me', { token: session })).status).toBe(401);
    expect((await server.api('GET', '/api/v1/auth/me', { token: other })).status).toBe(401);

    const fresh = await server.login('guardia', 'Guardia-Dia-2026');
    const fourth = await change(fresh);
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);

    const audited = await eventually(
      () =>
        queryDb<{ action: string; target: string }>(
          server,
          "SELECT action, target FROM audit_events WHERE action = 'auth.password.change_failed'",
        ),
      (rows) => rows.length >= 3,
    );
    expect(audited).toEqual(Array(3).fill({ action: 'auth.password.change_failed', target: 'guardia' }));
  });
});
