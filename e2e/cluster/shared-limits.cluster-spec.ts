import { TestServer, sleep } from '../support/server';
import { openSocket, type TestSocket } from '../support/test-socket';

/**
 * Limits that must hold for the deployment, not per instance: otherwise a guesser would simply spread its attempts
 * over the instances behind the load balancer.
 */
const ENV = {
  AVISA_LOGIN_IP_LIMIT: '4',
  AVISA_LOGIN_MAX_FAILURES: '3',
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '3',
  AVISA_SEND_LIMIT_PER_MINUTE: '3',
};

describe('limits shared by two instances', () => {
  let a: TestServer;
  let b: TestServer;
  const sockets: TestSocket[] = [];

  const attempt = (server: TestServer, username: string, password: string, from: string) =>
    server.api('POST', '/api/v1/auth/login', { body: { username, password }, from });

  beforeAll(async () => {
    a = await TestServer.start({ env: ENV });
    b = await TestServer.startAnother(a, ENV);
    const admin = await a.loginAdmin();
    await a.createUser(admin, 'turno', 'operator', 'Turno-Noche-2026');
    expect((await a.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'faro' } })).status).toBe(201);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await b?.dispose();
    await a?.dispose();
  });

  it("counts one user's alerts on both instances against one limit per minute", async () => {
    const turno = await a.login('turno', 'Turno-Noche-2026');
    const send = (server: TestServer, text: string) =>
      server.api('POST', '/api/v1/messages', {
        token: turno,
        body: { target: { kind: 'receiver', name: 'faro' }, text },
      });
    for (const [i, server] of [a, b, a].entries()) expect((await send(server, `aviso ${i}`)).status).toBe(201);
    const fourth = await send(b, 'aviso 3');
    expect(fourth.status).toBe(429);
    expect(fourth.headers['retry-after']).toBeDefined();
  });

  it('counts login attempts from one address on both instances', async () => {
    for (const [i, server] of [a, b, a, b].entries()) {
      expect((await attempt(server, `nadie-${i}`, 'whatever-1', '127.0.0.2')).status).toBe(401);
    }
    const fifth = await attempt(a, 'turno', 'Turno-Noche-2026', '127.0.0.2');
    expect(fifth.status).toBe(429);
    expect(fifth.body.message).toMatch(/too many login attempts from this address/);
    expect((await attempt(b, 'turno', 'Turno-Noche-2026', '127.0.0.3')).status).toBe(200);
  });

  it('locks an account after failures spread over both instances', async () => {
    for (const server of [a, b]) expect((await attempt(server, 'turno', 'mal-1', '127.0.0.4')).status).toBe(401);
    // The third failure (AVISA_LOGIN_MAX_FAILURES) locks, whichever instance it reaches.
    const third = await attempt(a, 'turno', 'mal-1', '127.0.0.4');
    expect(third.status).toBe(429);
    const locked = await attempt(b, 'turno', 'Turno-Noche-2026', '127.0.0.4');
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(/too many failed logins for this account from your address/);
  });

  it('counts failed site handshakes from one address on both instances', async () => {
    for (const server of [a, b, a]) {
      const wrong = openSocket(server, '/receivers', { name: 'faro', key: `avr_${'x'.repeat(43)}`, protocol: 1 });
      sockets.push(wrong);
      expect((await wrong.refused()).data?.code).toBe('invalid_credentials');
    }
    const next = openSocket(b, '/receivers', { name: 'faro', key: `avr_${'y'.repeat(43)}`, protocol: 1 });
    sockets.push(next);
    const refusal = await next.refused();
    expect(refusal.data?.code).toBe('too_many_attempts');
    expect(refusal.data?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('background work on two instances', () => {
  let a: TestServer;
  let b: TestServer;
  // Resend rounds every 500 ms on each instance (half the 1 s acknowledgement timeout).
  const ENV_DEBUG = { AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: '1', AVISA_LOG_LEVEL: 'debug' };

  beforeAll(async () => {
    a = await TestServer.start({ env: ENV_DEBUG });
    b = await TestServer.startAnother(a, ENV_DEBUG);
  });

  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  const rounds = () => [a, b].map((server) => (server.text.match(/\[Jobs\] resend: round/g) ?? []).length);

  it('runs each round once across instances, not once per instance', async () => {
    const before = rounds();
    await sleep(4000);
    const during = rounds().map((n, i) => n - before[i]);
    const total = during[0] + during[1];
    // Each instance ticks 8 times in 4 s; with a lease per round the two together run about 8, never 16.
    expect(total).toBeGreaterThanOrEqual(3);
    expect(total).toBeLessThanOrEqual(10);
  });
});
