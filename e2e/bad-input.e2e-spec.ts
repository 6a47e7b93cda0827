import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

const TABLES = [
  'users',
  'sessions',
  'api_tokens',
  'audit_events',
  'audit_read_markers',
  'login_failures',
  'login_locks',
];

interface Case {
  what: string;
  method: string;
  /** `:id` is replaced by the id of an operator created for these tests. */
  path: string;
  /** Sent as the admin unless `anonymous`. */
  anonymous?: boolean;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
  /** The fields the answer must name, exactly. */
  fields?: string[];
  /** The stable code of the answer, and of each field problem in order, for the web app to translate. */
  code?: string;
  problemCodes?: string[];
}

const PASSWORD = 'Valid-Pass-2026';
/** `depth` arrays, one inside the other: `[[[]]]` for 3. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const CASES: Case[] = [
  // unknown fields
  {
    what: 'an unknown field on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'newbie', role: 'operator', password: PASSWORD, x: 1 },
    status: 400,
    message: /^unknown field "x" is not allowed$/,
    fields: ['x'],
    code: 'validation.failed',
    problemCodes: ['validation.unknown_field'],
  },
  {
    what: 'an unknown field on PUT /users/:id/role (no mass assignment)',
    method: 'PUT',
    path: '/api/v1/users/:id/role',
    body: { role: 'admin', builtin: true },
    status: 400,
    message: /unknown field "builtin" is not allowed/,
    fields: ['builtin'],
  },
  {
    what: 'an unknown field on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'admin', password: PASSWORD, remember: true },
    status: 400,
    message: /^unknown field "remember" is not allowed$/,
    fields: ['remember'],
  },
  // wrong types
  {
    what: 'role: 5',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'newbie', role: 5, password: PASSWORD },
    status: 400,
    message: /^role must be one of: admin, operator, member$/,
    fields: ['role'],
  },
  {
    what: 'an unknown role',
    method: 'PUT',
    path: '/api/v1/users/:id/role',
    body: { role: 'root' },
    status: 400,
    message: /^role must be one of: admin, operator, member$/,
    fields: ['role'],
    code: 'validation.failed',
    problemCodes: ['validation.not_in'],
  },
  {
    what: "enabled: 'yes'",
    method: 'PUT',
    path: '/api/v1/users/:id/enabled',
    body: { enabled: 'yes' },
    status: 400,
    message: /^enabled must be a boolean value$/,
    fields: ['enabled'],
    code: 'validation.failed',
    problemCodes: ['validation.not_boolean'],
  },
  {
    what: 'username: 123',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 123, role: 'operator', password: PASSWORD },
    status: 400,
    message: /username must be a string/,
    fields: ['username'],
  },
  {
    what: 'displayName: 42',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    body: { displayName: 42 },
    status: 400,
    message: /displayName must be a string/,
    fields: ['displayName'],
  },
  {
    what: "lastReadId: '1' (a string)",
    method: 'PUT',
    path: '/api/v1/audit/last-read',
    body: { lastReadId: '1' },
    status: 400,
    message: /lastReadId must be an integer number/,
    fields: ['lastReadId'],
    code: 'validation.failed',
    problemCodes: ['validation.min', 'validation.not_integer'],
  },
  {
    what: 'password: 12345678 (a number) on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'admin', password: 12345678 },
    status: 400,
    message: /password must be a string/,
    fields: ['password'],
  },
  // missing fields
  {
    what: 'an empty object on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: {},
    status: 400,
    message: /^username is required; role is required; password is required$/,
    fields: ['username', 'role', 'password'],
    code: 'validation.failed',
    problemCodes: ['validation.required', 'validation.required', 'validation.required'],
  },
  {
    what: 'a missing password on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'newbie', role: 'operator' },
    status: 400,
    message: /^password is required$/,
    fields: ['password'],
  },
  {
    what: 'a missing role on PUT /users/:id/role',
    method: 'PUT',
    path: '/api/v1/users/:id/role',
    body: {},
    status: 400,
    message: /^role is required$/,
    fields: ['role'],
  },
  {
    what: 'a missing password on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'admin' },
    status: 400,
    message: /^password is required$/,
    fields: ['password'],
  },
  {
    what: 'no body at all on PUT /users/:id/enabled',
    method: 'PUT',
    path: '/api/v1/users/:id/enabled',
    status: 400,
    message: /^enabled is required$/,
    fields: ['enabled'],
  },
  // not JSON
  {
    what: 'invalid JSON on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    raw: '{"username": "newbie", "role": "operator",',
    status: 400,
    message: /not valid JSON/,
    code: 'request.bad_json',
  },
  {
    what: 'invalid JSON on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    raw: "{username: 'admin'}",
    status: 400,
    message: /not valid JSON/,
  },
  {
    what: 'a JSON string instead of an object',
    method: 'POST',
    path: '/api/v1/users',
    raw: '"newbie"',
    status: 400,
    message: /not valid JSON/,
  },
  {
    what: 'a text/plain login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    raw: 'username=admin&password=x',
    headers: { 'content-type': 'text/plain' },
    status: 400,
    message: /^request body must be a JSON object$/,
    code: 'request.not_object',
  },
  // nested too deep (a depth limit of 32 before any validation)
  {
    what: 'JSON nested 20,000 levels deep on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    raw: `{"username":${nested(20_000)},"password":"x"}`,
    status: 400,
    message: /^request body is nested deeper than 32 levels$/,
  },
  {
    what: 'JSON nested 33 levels deep on PATCH /users/:id',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    raw: `{"displayName":${nested(32)}}`,
    status: 400,
    message: /^request body is nested deeper than 32 levels$/,
    code: 'request.too_deep',
  },
  {
    what: 'JSON nested exactly 32 levels deep on PATCH /users/:id (past the limit check, refused by validation)',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    raw: `{"displayName":${nested(31)}}`,
    status: 400,
    message: /^displayName must be a string/,
    fields: ['displayName'],
  },
  // too big
  {
    what: 'a body over 100kb on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'newbie', role: 'operator', password: PASSWORD, displayName: 'x'.repeat(101 * 1024) },
    status: 413,
    message: /larger than the limit of \d+ bytes/,
    code: 'request.too_large',
  },
  {
    what: 'a body over 100kb on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'admin', password: 'x'.repeat(101 * 1024) },
    status: 413,
    message: /larger than the limit of \d+ bytes/,
  },
  // over-long values
  {
    what: 'a 73-byte password on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'newbie', role: 'operator', password: 'Aa1-'.repeat(18) + 'x' },
    status: 400,
    message: /^password must be at most 72 bytes long \(got 73\)$/,
    fields: ['password'],
    code: 'validation.failed',
    problemCodes: ['password.too_long'],
  },
  {
    what: 'a 73-byte password on PUT /users/:id/password',
    method: 'PUT',
    path: '/api/v1/users/:id/password',
    body: { password: 'ñ'.repeat(36) + 'x' },
    status: 400,
    message: /^password must be at most 72 bytes long \(got 73\)$/,
    fields: ['password'],
  },
  {
    what: 'a 1025-character password on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'admin', password: 'x'.repeat(1025) },
    status: 400,
    message: /^password must be shorter than or equal to 1024 characters$/,
    fields: ['password'],
  },
  {
    what: 'a 65-character username on login',
    method: 'POST',
    path: '/api/v1/auth/login',
    anonymous: true,
    body: { username: 'a'.repeat(65), password: PASSWORD },
    status: 400,
    message: /^username must be shorter than or equal to 64 characters$/,
    fields: ['username'],
    code: 'validation.failed',
    problemCodes: ['validation.max_length'],
  },
  {
    what: 'a 65-character username on POST /users',
    method: 'POST',
    path: '/api/v1/users',
    body: { username: 'a'.repeat(65), role: 'operator', password: PASSWORD },
    status: 400,
    message: /^username must be at most 64 characters long$/,
    fields: ['username'],
    code: 'validation.failed',
    problemCodes: ['name.too_long'],
  },
  {
    what: 'a 129-character display name',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    body: { displayName: 'd'.repeat(129) },
    status: 400,
    message: /displayName must be shorter than or equal to 128 characters/,
    fields: ['displayName'],
  },
];

describe('bad input', () => {
  let server: TestServer;
  let admin: string;
  let operatorId: number;

  const snapshot = () => ({
    counts: Object.fromEntries(TABLES.map((t) => [t, countRows(server, t)] as const)),
    users: queryDb(server, 'SELECT * FROM users ORDER BY id'),
  });

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    operatorId = (await server.createUser(admin, 'opera', 'operator', 'Opera-Pass-2026')).id;
  });

  afterAll(() => server.dispose());

  it.each(CASES.map((c) => [c.what, c] as const))('refuses %s, storing nothing', async (_what, c) => {
    const before = snapshot();
    const response = await server.api(c.method, c.path.replace(':id', String(operatorId)), {
      token: c.anonymous ? undefined : admin,
      body: c.body,
      raw: c.raw,
      headers: c.headers,
    });
    expect(response.status).toBe(c.status);
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({
      statusCode: c.status,
      error: expect.any(String),
      message: expect.any(String),
    });
    expect(response.body.message).toMatch(c.message);
    expect(response.body).toMatchObject({ code: expect.any(String), params: expect.any(Object) });
    if (c.code) expect(response.body.code).toBe(c.code);
    if (c.problemCodes) {
      expect(response.body.problems.map((p: { code: string }) => p.code)).toEqual(c.problemCodes);
    }
    if (c.fields) expect(Object.keys(response.body.fields).sort()).toEqual([...c.fields].sort());
    expect(snapshot()).toEqual(before);
  });

  it('writes no stack trace and no error line to servidor.log for any of these requests', () => {
    const log = server.readLog('servidor.log');
    expect(log).not.toMatch(/RangeError|Maximum call stack|HttpExceptionFilter/);
    expect(log).not.toMatch(/^\s+at /m);
  });

  it('still works afterwards: the same requests with good input succeed', async () => {
    const created = await server.api('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'newbie', role: 'operator', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    const role = await server.api('PUT', `/api/v1/users/${operatorId}/role`, { token: admin, body: { role: 'admin' } });
    expect(role.status).toBe(200);
    expect(queryDb(server, 'SELECT role FROM users WHERE id = ?', operatorId)).toEqual([{ role: 'admin' }]);
    await expect(server.login('newbie', PASSWORD)).resolves.toMatch(/^avs_/);
  });
});
