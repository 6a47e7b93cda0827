import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

/** Every route that only an admin may call; the bodies are valid, so only the caller decides the answer. */
const ADMIN_ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users', { username: 'intruder', role: 'admin', password: 'Intruder-Pass-2026' }],
  ['GET', '/api/v1/users/1'],
  ['PATCH', '/api/v1/users/1', { displayName: 'Hacked' }],
  ['DELETE', '/api/v1/users/1'],
  ['PUT', '/api/v1/users/1/password', { password: 'Intruder-Pass-2026' }],
  ['PUT', '/api/v1/users/1/role', { role: 'operator' }],
  ['PUT', '/api/v1/users/1/enabled', { enabled: false }],
  ['GET', '/api/v1/api-tokens'],
  ['POST', '/api/v1/api-tokens', { name: 'intruder', scopes: ['read'] }],
  ['DELETE', '/api/v1/api-tokens/1'],
  ['GET', '/api/v1/audit'],
  ['GET', '/api/v1/audit/export'],
  ['GET', '/api/v1/audit/last-read'],
  ['PUT', '/api/v1/audit/last-read', { lastReadId: 1 }],
  ['POST', '/api/v1/receivers', { name: 'intruder-site' }],
  ['POST', '/api/v1/receivers/bulk', 'name\nintruder-site'],
  ['PATCH', '/api/v1/receivers/some-site', { enabled: false }],
  ['PATCH', '/api/v1/receivers/some-site', { phone: '+34 600 000 000', tags: ['intruso'] }],
  ['POST', '/api/v1/receivers/some-site/rotate-key'],
  ['DELETE', '/api/v1/receivers/some-site'],
  ['GET', '/api/v1/receivers/some-site/connections'],
];

/** CSV routes take a text body; everything else JSON. */
const payload = (body: unknown) =>
  typeof body === 'string' ? { raw: body, headers: { 'content-type': 'text/csv' } } : { body };

describe('access control, public routes, headers and CORS', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let tables: Record<string, number>;
  let apiToken: string;

  const snapshot = () =>
    Object.fromEntries(
      ['users', 'sessions', 'api_tokens', 'audit_read_markers', 'receivers'].map(
        (t) => [t, countRows(server, t)] as const,
      ),
    );

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    await server.createUser(admin, 'oper', 'operator', 'Oper-Pass-2026');
    operator = await server.login('oper', 'Oper-Pass-2026');
    // A token, so DELETE /api-tokens/1 would have something to revoke if it were let through.
    const token = await server.api('POST', '/api/v1/api-tokens', {
      token: admin,
      body: { name: 'probe', scopes: ['read'] },
    });
    expect(token.status).toBe(201);
    apiToken = token.body.token;
    const site = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'some-site' } });
    expect(site.status).toBe(201);
    tables = snapshot();
  });

  afterAll(() => server.dispose());

  describe.each(ADMIN_ROUTES)('%s %s', (method, path, body) => {
    it('is refused to an operator with 403', async () => {
      const response = await server.api(method, path, { token: operator, ...payload(body) });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'this action requires the admin role',
        code: 'auth.role_required',
        params: { roles: ['admin'] },
      });
      expect(snapshot()).toEqual(tables);
    });

    it('is refused to an anonymous caller with 401', async () => {
      const response = await server.api(method, path, payload(body));
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/log in first/);
      expect(snapshot()).toEqual(tables);
    });
  });

  // Read-only routes only, so the admin changes nothing the refusals are checked against.
  it.each(ADMIN_ROUTES.filter(([method]) => method === 'GET'))(
    '%s %s answers 200 to an admin (the refusals are about the caller, not the route)',
    async (method, path) => {
      const response = await server.api(method, path, { token: admin });
      expect(response.status).toBe(200);
    },
  );

  it.each([
    ['a garbage bearer token', 'Bearer garbage', /session expired or logged out/],
    ['a garbage API token', 'Bearer avt_not-a-real-token', /unknown API token/],
    ['another scheme', 'Basic YWRtaW46YWRtaW4=', /must be "Bearer <token>"/],
    ['an empty bearer', 'Bearer ', /must be "Bearer <token>"/],
  ])('refuses %s with 401', async (_what, authorization, message) => {
    const response = await server.api('GET', '/api/v1/auth/me', { headers: { authorization } });
    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(message);
  });

  it.each(['access_token', 'token'])(
    'refuses a valid token passed as ?%s= with 400, without authenticating',
    async (param) => {
      const sessionsBefore = countRows(server, 'sessions');
      const inUrl = await server.api('GET', `/api/v1/users?${param}=${encodeURIComponent(admin)}`);
      expect(inUrl.status).toBe(400);
      expect(inUrl.body.message).toContain(`query parameter "${param}"`);
      expect(JSON.stringify(inUrl.body)).not.toContain('"username"');

      // Even alongside a valid header the URL credential is refused, so it cannot be relied upon.
      const withHeader = await server.api('GET', `/api/v1/auth/me?${param}=${encodeURIComponent(admin)}`, {
        token: admin,
      });
      expect(withHeader.status).toBe(400);
      expect(countRows(server, 'sessions')).toBe(sessionsBefore);

      // An API token in the URL is not even looked at: it is never marked as used.
      const apiTokenInUrl = await server.api('GET', `/api/v1/auth/me?${param}=${encodeURIComponent(apiToken)}`);
      expect(apiTokenInUrl.status).toBe(400);
      expect(queryDb(server, "SELECT last_used_at FROM api_tokens WHERE name = 'probe'")).toEqual([
        { last_used_at: null },
      ]);
    },
  );

  it('serves GET /api/v1/health without login and reports the database up', async () => {
    const response = await server.api('GET', '/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('serves the Swagger UI at /api/docs and the OpenAPI document with the API paths', async () => {
    const ui = await server.api('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.headers['content-type'])).toMatch(/text\/html/);
    expect(ui.body).toMatch(/<title>Swagger UI<\/title>/);

    const doc = await server.api('GET', '/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.info.title).toBe('Avisa API');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/auth/me',
        '/api/v1/users',
        '/api/v1/users/{id}',
        '/api/v1/users/{id}/password',
        '/api/v1/api-tokens',
        '/api/v1/audit',
        '/api/v1/health',
      ]),
    );
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('sends the security headers', async () => {
    const response = await server.api('GET', '/api/v1/health');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(response.headers['strict-transport-security']).toMatch(/includeSubDomains/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('allows no cross-origin caller by default', async () => {
    const simple = await server.api('GET', '/api/v1/health', { headers: { origin: 'https://evil.example' } });
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await server.api('OPTIONS', '/api/v1/users', {
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  describe('with AVISA_CORS_ORIGINS set', () => {
    let corsServer: TestServer;

    beforeAll(async () => {
      corsServer = await TestServer.start({
        env: { AVISA_CORS_ORIGINS: 'https://ok.example, https://also-ok.example' },
      });
    });

    afterAll(() => corsServer.dispose());

    it('allows exactly the configured origins', async () => {
      const ok = await corsServer.api('GET', '/api/v1/health', { headers: { origin: 'https://ok.example' } });
      expect(ok.status).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe('https://ok.example');

      const second = await corsServer.api('GET', '/api/v1/health', { headers: { origin: 'https://also-ok.example' } });
      expect(second.headers['access-control-allow-origin']).toBe('https://also-ok.example');

      const evil = await corsServer.api('GET', '/api/v1/health', { headers: { origin: 'https://evil.example' } });
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight from an allowed origin with the allowed methods', async () => {
      const preflight = await corsServer.api('OPTIONS', '/api/v1/users', {
        headers: {
          origin: 'https://ok.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://ok.example');
      expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/POST/);
    });
  });
});
