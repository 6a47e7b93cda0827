import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

interface Phrase {
  id: number;
  text: string;
  position: number;
}

describe('quick phrases', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;

  const list = async (token = admin) => {
    const response = await server.api<Phrase[]>('GET', '/api/v1/phrases', { token });
    expect(response.status).toBe(200);
    return response.body;
  };
  const texts = async () => (await list()).map((p) => p.text);
  const idOf = async (text: string) => (await list()).find((p) => p.text === text)!.id;
  const storedRows = () =>
    queryDb<{ text: string; position: number }>(server, 'SELECT text, position FROM phrases ORDER BY position');
  const auditRows = (action: string) =>
    queryDb<{ actor_name: string; target: string | null; details: string }>(
      server,
      'SELECT actor_name, target, details FROM audit_events WHERE action = ? ORDER BY id',
      action,
    ).map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
  const replace = (phrases: unknown, token = admin) =>
    server.api('PUT', '/api/v1/phrases', { token, body: { phrases } });
  const newToken = async (name: string, scopes: string[]) => {
    const response = await server.api('POST', '/api/v1/api-tokens', { token: admin, body: { name, scopes } });
    expect(response.status).toBe(201);
    return response.body.token as string;
  };

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    await server.createUser(admin, 'oper', 'operator', 'Oper-Pass-2026');
    operator = await server.login('oper', 'Oper-Pass-2026');
  });

  afterAll(() => server.dispose());

  it('starts with an empty list', async () => {
    expect(await list()).toEqual([]);
  });

  it('appends each new phrase at the end, trimmed, and answers the whole ordered list', async () => {
    const first = await server.api('POST', '/api/v1/phrases', { token: admin, body: { text: '  Hola  ' } });
    expect(first.status).toBe(201);
    expect(first.body).toEqual([{ id: expect.any(Number), text: 'Hola', position: 0 }]);
    const second = await server.api('POST', '/api/v1/phrases', { token: admin, body: { text: 'Adiós' } });
    expect(second.status).toBe(201);
    expect(second.body).toEqual([
      { id: first.body[0].id, text: 'Hola', position: 0 },
      { id: expect.any(Number), text: 'Adiós', position: 1 },
    ]);
    expect(storedRows()).toEqual([
      { text: 'Hola', position: 0 },
      { text: 'Adiós', position: 1 },
    ]);
  });

  it('refuses a phrase equal to an existing one ignoring case and spaces, with 409 naming it', async () => {
    const response = await server.api('POST', '/api/v1/phrases', { token: admin, body: { text: ' ADIÓS ' } });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe('the phrase "Adiós" already exists');
    expect(countRows(server, 'phrases')).toBe(2);
  });

  it.each([
    ['an empty text', { text: '' }, 'text must not be empty'],
    ['a text of spaces only', { text: '   \t ' }, 'text must not be empty'],
    ['a missing text', {}, 'text is required'],
    ['a text that is not a string', { text: 42 }, 'text must be a string'],
    ['a text of 2001 characters', { text: 'x'.repeat(2001) }, 'text must be at most 2000 characters'],
    ['an unknown field', { text: 'Hola otra vez', position: 0 }, 'unknown field "position" is not allowed'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_what, body, message) => {
    const auditBefore = countRows(server, 'audit_events');
    const response = await server.api('POST', '/api/v1/phrases', { token: admin, body });
    expect(response.status).toBe(400);
    expect(Object.values(response.body.fields as Record<string, string[]>).flat()).toContain(message);
    expect(countRows(server, 'phrases')).toBe(2);
    expect(countRows(server, 'audit_events')).toBe(auditBefore);
  });

  it('accepts a text of exactly 2000 characters after trimming, and edits it', async () => {
    const long = 'y'.repeat(2000);
    const created = await server.api<Phrase[]>('POST', '/api/v1/phrases', {
      token: admin,
      body: { text: `  ${long}  ` },
    });
    expect(created.status).toBe(201);
    expect(created.body.at(-1)).toMatchObject({ text: long, position: 2 });
    const id = created.body.at(-1)!.id;
    const tooLong = await server.api('PATCH', `/api/v1/phrases/${id}`, {
      token: admin,
      body: { text: 'z'.repeat(2001) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields).toEqual({ text: ['text must be at most 2000 characters'] });
    expect(storedRows().at(-1)).toEqual({ text: long, position: 2 });
  });

  it('edits a phrase in place: trimmed, a change of case alone allowed', async () => {
    const id = await idOf('Hola');
    const response = await server.api('PATCH', `/api/v1/phrases/${id}`, { token: admin, body: { text: ' HOLA ' } });
    expect(response.status).toBe(200);
    expect(response.body[0]).toEqual({ id, text: 'HOLA', position: 0 });
    const back = await server.api('PATCH', `/api/v1/phrases/${id}`, { token: admin, body: { text: 'Hola' } });
    expect(back.status).toBe(200);
    expect(back.body.map((p: Phrase) => p.text)).toEqual(['Hola', 'Adiós', 'y'.repeat(2000)]);
  });

  it('refuses an edit that repeats another phrase (409), an empty one (400) and a missing phrase (404)', async () => {
    const id = await idOf('Hola');
    const duplicate = await server.api('PATCH', `/api/v1/phrases/${id}`, { token: admin, body: { text: 'adiós' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toBe('the phrase "Adiós" already exists');
    const empty = await server.api('PATCH', `/api/v1/phrases/${id}`, { token: admin, body: { text: '  ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.fields).toEqual({ text: ['text must not be empty'] });
    const missing = await server.api('PATCH', '/api/v1/phrases/9999', { token: admin, body: { text: 'Nueva' } });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('phrase 9999 does not exist');
    const notAnId = await server.api('PATCH', '/api/v1/phrases/abc', { token: admin, body: { text: 'Nueva' } });
    expect(notAnId.status).toBe(400);
    expect(await texts()).toEqual(['Hola', 'Adiós', 'y'.repeat(2000)]);
  });

  it('reorders with every current id once', async () => {
    const [hola, adios, long] = (await list()).map((p) => p.id);
    const response = await server.api('PUT', '/api/v1/phrases/order', {
      token: admin,
      body: { ids: [long, hola, adios] },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { id: long, text: 'y'.repeat(2000), position: 0 },
      { id: hola, text: 'Hola', position: 1 },
      { id: adios, text: 'Adiós', position: 2 },
    ]);
    expect(storedRows().map((r) => r.position)).toEqual([0, 1, 2]);
  });

  it.each([
    ['a missing id', (ids: number[]) => [ids[0], ids[1]], (ids: number[]) => `missing ${ids[2]}`],
    ['an unknown id', (ids: number[]) => [...ids, 9999], () => 'unknown 9999'],
    ['a duplicated id', (ids: number[]) => [ids[0], ids[0], ids[1], ids[2]], (ids: number[]) => `duplicated ${ids[0]}`],
  ])('refuses an order with %s, with 400 saying which, changing nothing', async (_what, build, expected) => {
    const before = await list();
    const ids = before.map((p) => p.id);
    const response = await server.api('PUT', '/api/v1/phrases/order', { token: admin, body: { ids: build(ids) } });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual({ ids: [`ids must list every phrase exactly once: ${expected(ids)}`] });
    expect(await list()).toEqual(before);
  });

  it('refuses an order that is not a list of whole numbers', async () => {
    const response = await server.api('PUT', '/api/v1/phrases/order', { token: admin, body: { ids: ['1', 2.5] } });
    expect(response.status).toBe(400);
    expect(response.body.fields.ids).toContain('each id must be a whole number');
  });

  it('deletes a phrase with 204 and closes the gap; deleting it again is 404', async () => {
    const id = await idOf('Hola');
    const response = await server.api('DELETE', `/api/v1/phrases/${id}`, { token: admin });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect((await list()).map((p) => [p.text.slice(0, 5), p.position])).toEqual([
      ['yyyyy', 0],
      ['Adiós', 1],
    ]);
    const again = await server.api('DELETE', `/api/v1/phrases/${id}`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`phrase ${id} does not exist`);
  });

  it('replaces the whole list: trimmed, empty entries and case-insensitive repeats dropped, order kept', async () => {
    const response = await replace(['  Hola  ', '', 'hola', 'Adiós']);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { id: expect.any(Number), text: 'Hola', position: 0 },
      { id: expect.any(Number), text: 'Adiós', position: 1 },
    ]);
    expect(storedRows()).toEqual([
      { text: 'Hola', position: 0 },
      { text: 'Adiós', position: 1 },
    ]);
  });

  it('refuses a replacement with a phrase over 2000 characters, naming its index, and keeps the old list', async () => {
    const before = await list();
    const response = await replace(['Uno', 'Dos', 'Tres', 'x'.repeat(2001)]);
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual({ phrases: ['phrases[3] must be at most 2000 characters'] });
    expect(countRows(server, 'phrases')).toBe(2);
    expect(await list()).toEqual(before);
  });

  it.each([
    ['more than 500 phrases', Array.from({ length: 501 }, (_, i) => `p${i}`), 'phrases must hold at most 500 entries'],
    ['an entry that is not a string', ['Uno', 7], 'each phrase must be a string'],
    ['phrases that are not a list', 'Uno', 'phrases must be an array'],
  ])('refuses a replacement with %s (400), keeping the old list', async (_what, phrases, message) => {
    const response = await replace(phrases);
    expect(response.status).toBe(400);
    expect(response.body.fields.phrases).toContain(message);
    expect(await texts()).toEqual(['Hola', 'Adiós']);
  });

  it('replaces with 500 phrases, and with an empty list', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `Frase ${i}`);
    const full = await replace(many);
    expect(full.status).toBe(200);
    expect(full.body.map((p: Phrase) => p.text)).toEqual(many);
    const tooMany = await server.api('POST', '/api/v1/phrases', { token: admin, body: { text: 'Una más' } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.message).toBe('the list already holds 500 phrases; delete one first');
    const empty = await replace(['', '   ']);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    expect(countRows(server, 'phrases')).toBe(0);
  });

  it('lets an operator manage the list', async () => {
    const created = await server.api('POST', '/api/v1/phrases', { token: operator, body: { text: 'Buenos días' } });
    expect(created.status).toBe(201);
    await server.api('POST', '/api/v1/phrases', { token: operator, body: { text: 'Buenas noches' } });
    const [dias, noches] = (await list(operator)).map((p) => p.id);
    const edited = await server.api('PATCH', `/api/v1/phrases/${dias}`, {
      token: operator,
      body: { text: 'Buenos días a todos' },
    });
    expect(edited.status).toBe(200);
    const reordered = await server.api('PUT', '/api/v1/phrases/order', {
      token: operator,
      body: { ids: [noches, dias] },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.map((p: Phrase) => p.text)).toEqual(['Buenas noches', 'Buenos días a todos']);
    expect((await server.api('DELETE', `/api/v1/phrases/${noches}`, { token: operator })).status).toBe(204);
    const replaced = await replace(['Cerramos a las 14:00', 'Buenos días a todos'], operator);
    expect(replaced.status).toBe(200);
    expect(await texts()).toEqual(['Cerramos a las 14:00', 'Buenos días a todos']);
  });

  it('answers 401 to an anonymous caller on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/phrases'],
      ['POST', '/api/v1/phrases'],
      ['PATCH', '/api/v1/phrases/1'],
      ['DELETE', '/api/v1/phrases/1'],
      ['PUT', '/api/v1/phrases/order'],
      ['PUT', '/api/v1/phrases'],
    ]) {
      const response = await server.api(method, path, { body: method === 'GET' ? undefined : { text: 'x' } });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
    }
    expect(await texts()).toEqual(['Cerramos a las 14:00', 'Buenos días a todos']);
  });

  it('lets a token with the read scope list the phrases but not change them', async () => {
    const reader = await newToken('lector', ['read']);
    const listed = await server.api('GET', '/api/v1/phrases', { token: reader });
    expect(listed.status).toBe(200);
    expect(listed.body.map((p: Phrase) => p.text)).toEqual(['Cerramos a las 14:00', 'Buenos días a todos']);
    const create = await server.api('POST', '/api/v1/phrases', { token: reader, body: { text: 'Desde un script' } });
    expect(create.status).toBe(403);
    expect(create.body.message).toBe('API tokens cannot call this route; log in as a user');
    expect((await replace([], reader)).status).toBe(403);
    expect(countRows(server, 'phrases')).toBe(2);
  });

  it('refuses GET to a token with only messages:send (403)', async () => {
    const sender = await newToken('emisor', ['messages:send']);
    const response = await server.api('GET', '/api/v1/phrases', { token: sender });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/lacks the scope read/);
  });

  it('audits every change with the user as actor and what changed', () => {
    const created = auditRows('phrase.created');
    expect(created.map((r) => [r.actor_name, r.details.text])).toEqual([
      ['admin', 'Hola'],
      ['admin', 'Adiós'],
      ['admin', 'y'.repeat(2000)],
      ['oper', 'Buenos días'],
      ['oper', 'Buenas noches'],
    ]);
    expect(created[0].target).toMatch(/^#\d+$/);
    expect(auditRows('phrase.updated').map((r) => [r.actor_name, r.details])).toEqual([
      ['admin', { from: 'Hola', to: 'HOLA' }],
      ['admin', { from: 'HOLA', to: 'Hola' }],
      ['oper', { from: 'Buenos días', to: 'Buenos días a todos' }],
    ]);
    expect(auditRows('phrase.deleted').map((r) => [r.actor_name, r.details])).toEqual([
      ['admin', { text: 'Hola' }],
      ['oper', { text: 'Buenas noches' }],
    ]);
    const reordered = auditRows('phrases.reordered');
    expect(reordered.map((r) => r.actor_name)).toEqual(['admin', 'oper']);
    expect(reordered[0].details).toEqual({ from: expect.any(Array), to: expect.any(Array) });
    expect(auditRows('phrases.replaced').map((r) => [r.actor_name, r.details])).toEqual([
      ['admin', { before: 2, after: 2, dropped: 2 }],
      ['admin', { before: 2, after: 500, dropped: 0 }],
      ['admin', { before: 500, after: 0, dropped: 2 }],
      ['oper', { before: 1, after: 2, dropped: 0 }],
    ]);
  });

  it('writes the phrase actions to acciones.log with the user as actor', async () => {
    const log = await eventually(
      () => server.readLog('acciones.log'),
      (text) => text.includes('phrases.replaced {"before":1'),
    );
    const line = (actor: string, rest: string) =>
      new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - ${actor} - ${rest}`, 'm');
    expect(log).toMatch(line('admin', 'phrase\\.created #\\d+ \\{"text":"Hola"\\}'));
    expect(log).toMatch(line('admin', 'phrase\\.updated #\\d+ \\{"from":"Hola","to":"HOLA"\\}'));
    expect(log).toMatch(line('admin', 'phrase\\.deleted #\\d+ \\{"text":"Hola"\\}'));
    expect(log).toMatch(line('admin', 'phrases\\.reordered \\{"from":\\['));
    expect(log).toMatch(line('admin', 'phrases\\.replaced \\{"before":2,"after":2,"dropped":2\\}'));
    expect(log).toMatch(line('oper', 'phrase\\.created #\\d+ \\{"text":"Buenos días"\\}'));
    expect(log).toMatch(line('oper', 'phrases\\.replaced \\{"before":1,"after":2,"dropped":0\\}'));
  });
});
