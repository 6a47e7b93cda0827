import type {
  RoomMemberResponse,
  RoomMembershipPayload,
  RoomMessageReceiptsResponse,
  RoomMessageResponse,
  RoomMessagesPage,
  RoomReadResponse,
  RoomReceiptsPayload,
  RoomResponse,
  RoomSearchHit,
  RoomTypingPayload,
} from '@avisa/contracts';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countRows, queryDb } from './support/database';
import { passes } from './support/eventually';
import { databaseUrlFor, ON_POSTGRES, TestServer } from './support/server';
import { openSocket, type TestSocket } from './support/test-socket';

const PASSWORD = 'Chat-Pass-2026!';

describe('chat rooms', () => {
  let server: TestServer;
  let admin: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const sockets: TestSocket[] = [];

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped unless asked, as TestServer.api answers
  const api = <T = any>(method: string, path: string, as: string, body?: unknown) =>
    server.api<T>(method, `/api/v1${path}`, { token: tokens[as] ?? as, body });
  const create = async (as: string, body: Record<string, unknown>) => {
    const response = await api<RoomResponse>('POST', '/rooms', as, body);
    expect(response.status).toBe(201);
    return response.body;
  };
  const post = async (as: string, roomId: number, text: string) => {
    const response = await api<RoomMessageResponse>('POST', `/rooms/${roomId}/messages`, as, { text });
    expect(response.status).toBe(201);
    return response.body;
  };
  const history = async (as: string, roomId: number, query = '') => {
    const response = await api<RoomMessagesPage>('GET', `/rooms/${roomId}/messages${query}`, as);
    expect(response.status).toBe(200);
    return response.body;
  };
  const listed = async (as: string) => (await api<RoomResponse[]>('GET', '/rooms', as)).body;
  const add = (as: string, roomId: number, user: string, role?: string) =>
    api<RoomMemberResponse>('PUT', `/rooms/${roomId}/members/${ids[user]}`, as, role ? { role } : {});
  const live = async (as: string) => {
    const socket = openSocket(server, '/operators', { token: tokens[as] });
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const audit = (action: string) =>
    queryDb<{ actor_name: string; target: string | null; details: string }>(
      server,
      'SELECT actor_name, target, details FROM audit_events WHERE action = ? ORDER BY id',
      action,
    );

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    tokens.admin = admin;
    for (const [name, role] of [
      ['ana', 'operator'],
      ['luis', 'member'],
      ['marta', 'member'],
      ['pablo', 'operator'],
    ] as const) {
      const user = await server.createUser(admin, name, role, PASSWORD);
      ids[name] = (user as { id: number }).id;
      tokens[name] = await server.login(name, PASSWORD);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.dispose();
  });

  describe('rooms and who sees them', () => {
    it('lists a public room to everyone, and a private room only to its members', async () => {
      const lobby = await create('ana', { name: 'Lobby', description: 'Everyone', kind: 'public' });
      expect(lobby).toMatchObject({ name: 'Lobby', kind: 'public', role: 'owner', memberCount: 1, code: null });
      const backroom = await create('ana', { name: 'Backroom', kind: 'private' });
      const forLuis = (await listed('luis')).map((r) => r.name);
      expect(forLuis).toContain('Lobby');
      expect(forLuis).not.toContain('Backroom');
      expect((await listed('luis')).find((r) => r.name === 'Lobby')!.role).toBeNull();
      const peek = await api('GET', `/rooms/${backroom.id}`, 'luis');
      expect(peek.status).toBe(403);
      expect(JSON.stringify(peek.body)).not.toContain('Backroom');
    });

    it('lets anyone join a public room, and never a private one without being added', async () => {
      const lobby = (await listed('luis')).find((r) => r.name === 'Lobby')!;
      const joined = await api<RoomResponse>('POST', `/rooms/${lobby.id}/join`, 'luis');
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ role: 'member', memberCount: 2 });
      const backroom = (await listed('ana')).find((r) => r.name === 'Backroom')!;
      expect((await api('POST', `/rooms/${backroom.id}/join`, 'luis')).status).toBe(403);
      expect(audit('room.joined').map((r) => r.actor_name)).toEqual(['luis']);
    });

    it('shows every room to an admin who asks for all, and refuses that list to others', async () => {
      const all = await api<RoomResponse[]>('GET', '/rooms?all=true', 'admin');
      expect(all.body.map((r) => r.name)).toEqual(expect.arrayContaining(['Backroom', 'Lobby']));
      expect((await api('GET', '/rooms?all=true', 'ana')).status).toBe(403);
    });

    it.each([
      ['an empty name', { name: '  ', kind: 'public' }, 'name', 'name must not be empty'],
      ['an over-long name', { name: 'x'.repeat(81), kind: 'public' }, 'name', 'name must be at most 80 characters'],
      ['an unknown kind', { name: 'Odd', kind: 'secret' }, 'kind', 'kind must be one of public'],
      ['a protected room without a password', { name: 'Vault', kind: 'protected' }, 'password', 'required'],
      [
        'a password on a public room',
        { name: 'Open', kind: 'public', password: 'Long-enough-1' },
        'password',
        'no password',
      ],
      ['a short password', { name: 'Vault', kind: 'protected', password: 'short' }, 'password', 'at least 8'],
      ['a retention of 0 days', { name: 'Kept', kind: 'public', retentionDays: 0 }, 'retentionDays', 'at least 1'],
    ])('refuses %s with 400 naming the field, and stores nothing', async (_, body, field, text) => {
      const before = countRows(server, 'rooms');
      const response = await api('POST', '/rooms', 'ana', body);
      expect(response.status).toBe(400);
      expect(response.body.fields[field].join(' ')).toContain(text);
      expect(countRows(server, 'rooms')).toBe(before);
    });

    it('refuses a second room with the same name, ignoring case and spaces', async () => {
      const response = await api('POST', '/rooms', 'pablo', { name: '  lobby ', kind: 'private' });
      expect(response.status).toBe(409);
      expect(response.body.message).toBe('a room named "Lobby" already exists');
    });
  });

  describe('protected rooms', () => {
    let vault: RoomResponse;

    beforeAll(async () => {
      vault = await create('ana', { name: 'Vault', kind: 'protected', password: 'Open-Sesame-26' });
    });

    it('shows the code to the owner only, and stores the password hashed', () => {
      expect(vault.code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(vault.hasPassword).toBe(true);
      const [row] = queryDb<{ password_hash: string }>(
        server,
        'SELECT password_hash FROM rooms WHERE id = ?',
        vault.id,
      );
      expect(row.password_hash).toMatch(/^\$2[aby]\$12\$/);
      expect(row.password_hash).not.toContain('Open-Sesame-26');
    });

    it('answers a wrong password and an unknown code the same way, audits both, and lets the right pair in', async () => {
      const wrongPassword = await api('POST', '/rooms/join', 'marta', { code: vault.code, password: 'nope-nope' });
      const wrongCode = await api('POST', '/rooms/join', 'marta', { code: 'aaaa-bbbb-cccc-dddd', password: 'x' });
      expect(wrongPassword.status).toBe(403);
      expect(wrongCode.status).toBe(403);
      expect(wrongPassword.body.message).toBe('the code or password is wrong');
      expect(wrongCode.body.message).toBe(wrongPassword.body.message);
      expect(audit('room.join.failed').map((r) => JSON.parse(r.details).reason)).toEqual([
        'wrong password',
        'unknown code',
      ]);
      const joined = await api<RoomResponse>('POST', '/rooms/join', 'marta', {
        code: vault.code!.toUpperCase(),
        password: 'Open-Sesame-26',
      });
      expect(joined.status).toBe(200);
      expect(joined.body).toMatchObject({ id: vault.id, role: 'member', code: null });
    });

    it('after five wrong tries in the window, refuses even the right password with 429 and Retry-After', async () => {
      const safe = await create('ana', { name: 'Safe', kind: 'protected', password: 'Open-Sesame-26' });
      for (let i = 0; i < 5; i++) {
        const response = await api('POST', '/rooms/join', 'pablo', { code: safe.code, password: `guess-${i}-xx` });
        expect(response.status).toBe(403);
      }
      const blocked = await api('POST', '/rooms/join', 'pablo', { code: safe.code, password: 'Open-Sesame-26' });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(
        (await api<RoomMemberResponse[]>('GET', `/rooms/${safe.id}/members`, 'ana')).body.map((m) => m.username),
      ).not.toContain('pablo');
    });
  });

  describe('messages', () => {
    let room: RoomResponse;
    let first: RoomMessageResponse;
    let mention: RoomMessageResponse;

    beforeAll(async () => {
      room = await create('ana', { name: 'Incident 42', kind: 'private' });
      expect((await add('ana', room.id, 'luis')).status).toBe(200);
      expect((await add('ana', room.id, 'marta', 'moderator')).status).toBe(200);
    });

    it('stores plain text as sent, numbered in order, and pages the history newest first by cursor', async () => {
      first = await post('ana', room.id, '  <img src=x onerror=alert(1)> hello @luis  ');
      expect(first).toMatchObject({ seq: 1, text: '<img src=x onerror=alert(1)> hello @luis', mentions: ['luis'] });
      for (let i = 2; i <= 7; i++) await post(i % 2 ? 'ana' : 'luis', room.id, `message ${i}`);
      const page1 = await history('marta', room.id, '?limit=3');
      expect(page1.items.map((m) => m.seq)).toEqual([7, 6, 5]);
      const page2 = await history('marta', room.id, `?limit=3&before=${page1.nextCursor}`);
      expect(page2.items.map((m) => m.seq)).toEqual([4, 3, 2]);
      const page3 = await history('marta', room.id, `?limit=3&before=${page2.nextCursor}`);
      expect(page3.items.map((m) => m.seq)).toEqual([1]);
      expect(page3.nextCursor).toBeNull();
      expect((await history('marta', room.id, '?after=5')).items.map((m) => m.seq)).toEqual([6, 7]);
      // A catch-up pages forward the same way: a full page names where the next one starts, the last says none.
      const ahead1 = await history('marta', room.id, '?after=1&limit=3');
      expect(ahead1.items.map((m) => m.seq)).toEqual([2, 3, 4]);
      const ahead2 = await history('marta', room.id, `?after=${ahead1.nextCursor}&limit=3`);
      expect(ahead2.items.map((m) => m.seq)).toEqual([5, 6, 7]);
      const ahead3 = await history('marta', room.id, `?after=${ahead2.nextCursor}&limit=3`);
      expect(ahead3).toEqual({ items: [], nextCursor: null });
    });

    it("counts each member's unread messages and mentions; posting marks one's own read up to it", async () => {
      const forLuis = (await listed('luis')).find((r) => r.id === room.id)!;
      expect(forLuis).toMatchObject({ readSeq: 6, unread: 1, mentions: 0 });
      expect((await listed('marta')).find((r) => r.id === room.id)).toMatchObject({ unread: 7, mentions: 0 });
      mention = await post('ana', room.id, '@marta please check the fridge log');
      expect((await listed('marta')).find((r) => r.id === room.id)).toMatchObject({ unread: 8, mentions: 1 });
    });

    it('moves the read marker only forward, and the counts with it', async () => {
      const read = await api<RoomReadResponse>('PUT', `/rooms/${room.id}/read`, 'marta', { seq: 5 });
      expect(read.body).toEqual({ roomId: room.id, readSeq: 5, unread: 3, mentions: 1 });
      const back = await api<RoomReadResponse>('PUT', `/rooms/${room.id}/read`, 'marta', { seq: 2 });
      expect(back.body.readSeq).toBe(5);
      const bad = await api('PUT', `/rooms/${room.id}/read`, 'marta', { seq: -1 });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.seq).toEqual(['seq must not be negative']);
    });

    it('tells the author who a message reached and who read it, and nobody else', async () => {
      const receipts = (id: string, as = 'ana') =>
        api<RoomMessageReceiptsResponse>('GET', `/rooms/${room.id}/messages/${id}/receipts`, as);
      expect((await receipts(first.id)).body).toMatchObject({ seq: 1, waiting: [] });
      expect((await receipts(first.id)).body.readBy.map((p) => p.username)).toEqual(['luis', 'marta']);
      const latest = (await receipts(mention.id)).body;
      expect(latest.readBy).toEqual([]);
      expect(latest.waiting.map((p) => p.username)).toEqual(['luis', 'marta']);
      expect((await receipts(first.id, 'luis')).status).toBe(403);
    });

    it('lets the author edit their message, and nobody else', async () => {
      const edited = await api<RoomMessageResponse>('PATCH', `/rooms/${room.id}/messages/${first.id}`, 'ana', {
        text: 'hello again',
      });
      expect(edited.body).toMatchObject({ text: 'hello again', mentions: [], editedAt: expect.any(String) });
      expect((await api('PATCH', `/rooms/${room.id}/messages/${first.id}`, 'marta', { text: 'mine' })).status).toBe(
        403,
      );
    });

    it("lets a moderator delete another's message, audited without its text; a plain member may not", async () => {
      const target = (await history('ana', room.id, '?after=1&limit=1')).items[0];
      expect((await api('DELETE', `/rooms/${room.id}/messages/${target.id}`, 'luis')).status).toBe(
        target.author.username === 'luis' ? 204 : 403,
      );
      const other = (await history('ana', room.id)).items.find((m) => m.author.username === 'ana' && !m.deleted)!;
      expect((await api('DELETE', `/rooms/${room.id}/messages/${other.id}`, 'luis')).status).toBe(403);
      expect((await api('DELETE', `/rooms/${room.id}/messages/${other.id}`, 'marta')).status).toBe(204);
      const shown = (await history('luis', room.id)).items.find((m) => m.id === other.id)!;
      expect(shown).toMatchObject({ deleted: true, text: '' });
      const [row] = audit('room.message.deleted');
      expect(row.actor_name).toBe('marta');
      expect(row.details).not.toContain(other.text);
    });

    it.each([
      ['an empty text', { text: '   ' }, 'text must not be empty'],
      ['a text of 4001 characters', { text: 'x'.repeat(4001) }, 'text must be at most 4000 characters'],
      ['no text', {}, 'text is required'],
    ])('refuses %s with 400 and stores nothing', async (_, body, message) => {
      const before = countRows(server, 'room_messages');
      const response = await api('POST', `/rooms/${room.id}/messages`, 'ana', body);
      expect(response.status).toBe(400);
      expect(response.body.fields.text).toEqual([message]);
      expect(countRows(server, 'room_messages')).toBe(before);
    });

    it("refuses a non-member's post and read with 403 that shows nothing of the room", async () => {
      const before = countRows(server, 'room_messages');
      for (const [method, path] of [
        ['POST', `/rooms/${room.id}/messages`],
        ['GET', `/rooms/${room.id}/messages`],
        ['GET', `/rooms/${room.id}/members`],
      ]) {
        const response = await api(method, path, 'pablo', { text: 'let me in' });
        expect(response.status).toBe(403);
        expect(JSON.stringify(response.body)).not.toMatch(/Incident|message [0-9]|hello/);
      }
      expect(countRows(server, 'room_messages')).toBe(before);
    });

    it("searches only the caller's rooms", async () => {
      await post('admin', (await listed('admin')).find((r) => r.name === 'Lobby')!.id, 'message in the lobby').catch(
        () => undefined,
      );
      const forLuis = await api<RoomSearchHit[]>('GET', '/rooms/search?q=MESSAGE', 'luis');
      expect(forLuis.status).toBe(200);
      expect(forLuis.body.length).toBeGreaterThan(0);
      expect(new Set(forLuis.body.map((h) => h.room.name))).toEqual(new Set(['Incident 42']));
      const forPablo = await api<RoomSearchHit[]>('GET', '/rooms/search?q=message', 'pablo');
      expect(forPablo.body).toEqual([]);
      expect((await api('GET', '/rooms/search?q=m', 'luis')).status).toBe(400);
    });
  });

  describe('live', () => {
    let room: RoomResponse;

    beforeAll(async () => {
      room = await create('ana', { name: 'Live desk', kind: 'private' });
      await add('ana', room.id, 'luis');
      await add('ana', room.id, 'marta');
    });

    it('pushes new messages, edits, typing and markers to the members connected, and to nobody else', async () => {
      const [luis, marta, pablo] = [await live('luis'), await live('marta'), await live('pablo')];
      const sent = await post('ana', room.id, 'live one');
      await passes(() =>
        expect(luis.received<RoomMessageResponse>('room.message').map((m) => m.id)).toContain(sent.id),
      );
      await passes(() =>
        expect(marta.received<RoomMessageResponse>('room.message').map((m) => m.id)).toContain(sent.id),
      );
      luis.socket.emit('room.typing', { roomId: room.id });
      await passes(() =>
        expect(marta.received<RoomTypingPayload>('room.typing')).toContainEqual({
          roomId: room.id,
          user: expect.objectContaining({ username: 'luis' }),
        }),
      );
      luis.socket.emit('room.delivered', { roomId: room.id, seq: sent.seq });
      await passes(() =>
        expect(marta.received<RoomReceiptsPayload>('room.receipts').flatMap((r) => r.members)).toContainEqual(
          expect.objectContaining({ userId: ids.luis, deliveredSeq: sent.seq }),
        ),
      );
      const receipts = await api<RoomMessageReceiptsResponse>(
        'GET',
        `/rooms/${room.id}/messages/${sent.id}/receipts`,
        'ana',
      );
      expect(receipts.body.deliveredTo.map((p) => p.username)).toEqual(['luis']);
      expect(pablo.received('room.message')).toEqual([]);
      expect(pablo.received('room.typing')).toEqual([]);
    });

    it("joins the owner's open sockets to a room they create, so its messages reach them live", async () => {
      const socket = await live('pablo');
      const created = await create('pablo', { name: 'Made while connected', kind: 'private' });
      await add('pablo', created.id, 'luis');
      const sent = await post('luis', created.id, 'hola pablo');
      await passes(() =>
        expect(socket.received<RoomMessageResponse>('room.message').map((m) => m.id)).toContain(sent.id),
      );
    });

    it("moves the read marker in the user's other tabs", async () => {
      const otherTab = await live('luis');
      const newest = await post('ana', room.id, 'read me');
      await api('PUT', `/rooms/${room.id}/read`, 'luis', { seq: newest.seq });
      await passes(() =>
        expect(otherTab.received<RoomReadResponse>('room.read')).toContainEqual({
          roomId: room.id,
          readSeq: newest.seq,
          unread: 0,
          mentions: 0,
        }),
      );
    });

    it('cuts a removed member off at once: told, then nothing more from the room', async () => {
      const marta = await live('marta');
      expect((await api('DELETE', `/rooms/${room.id}/members/${ids.marta}`, 'ana')).status).toBe(204);
      await passes(() =>
        expect(marta.received<RoomMembershipPayload>('room.membership')).toContainEqual(
          expect.objectContaining({
            roomId: room.id,
            role: null,
            member: expect.objectContaining({ username: 'marta' }),
          }),
        ),
      );
      const watcher = await live('luis');
      const after = await post('ana', room.id, 'after marta left');
      await passes(() =>
        expect(watcher.received<RoomMessageResponse>('room.message').map((m) => m.id)).toContain(after.id),
      );
      expect(marta.received<RoomMessageResponse>('room.message').map((m) => m.id)).not.toContain(after.id);
      expect((await api('GET', `/rooms/${room.id}/messages`, 'marta')).status).toBe(403);
      expect(audit('room.member.removed').map((r) => JSON.parse(r.details).user)).toContain('marta');
    });

    it('adds a new member to the live room at once', async () => {
      const pablo = await live('pablo');
      await add('ana', room.id, 'pablo');
      await passes(() => expect(pablo.received('room.list').length).toBeGreaterThan(0));
      const sent = await post('ana', room.id, 'welcome pablo');
      await passes(() =>
        expect(pablo.received<RoomMessageResponse>('room.message').map((m) => m.id)).toContain(sent.id),
      );
    });

    it('gives a client that reconnects what it missed, in order, and nothing twice', async () => {
      const arrived = (socket: TestSocket) => socket.received<RoomMessageResponse>('room.message').map((m) => m.id);
      const before = await live('luis');
      const seen = await post('ana', room.id, 'before the cut');
      await passes(() => expect(arrived(before)).toContain(seen.id));
      const lastSeq = Math.max(...before.received<RoomMessageResponse>('room.message').map((m) => m.seq));
      before.close();
      const missed = [];
      for (const text of ['gap 1', 'gap 2', 'gap 3']) missed.push(await post('ana', room.id, text));
      const again = await live('luis');
      const caughtUp = await history('luis', room.id, `?after=${lastSeq}`);
      expect(caughtUp.items.map((m) => m.text)).toEqual(['gap 1', 'gap 2', 'gap 3']);
      const next = await post('ana', room.id, 'after the reconnect');
      await passes(() => expect(arrived(again)).toEqual([next.id]));
      expect(caughtUp.items.map((m) => m.id)).not.toContain(next.id);
    });
  });

  describe('ephemeral rooms', () => {
    const MARKER = `ephemeral-marker-${Date.now().toString(36)}-zq`;

    it('relays a message to the members connected, stores it nowhere, and vanishes when the last one leaves', async () => {
      const room = await create('ana', { name: 'Huddle', kind: 'ephemeral' });
      expect(room.code).toBeTruthy();
      const joined = await api<RoomResponse>('POST', '/rooms/join', 'luis', { code: room.code });
      expect(joined.status).toBe(200);
      const luis = await live('luis');
      const sent = await post('ana', room.id, `secret ${MARKER}`);
      expect(sent).toMatchObject({ ephemeral: true, seq: 0 });
      await passes(() =>
        expect(luis.received<RoomMessageResponse>('room.message').map((m) => m.text)).toContain(`secret ${MARKER}`),
      );
      expect((await history('luis', room.id)).items).toEqual([]);
      expect((await api<RoomResponse>('POST', '/rooms/join', 'marta', { code: room.code })).status).toBe(200);
      expect((await history('marta', room.id)).items).toEqual([]);

      expect(storedAnywhere(MARKER)).toEqual([]);

      for (const who of ['luis', 'marta', 'ana']) {
        expect((await api('POST', `/rooms/${room.id}/leave`, who)).status).toBe(204);
      }
      expect((await api('GET', `/rooms/${room.id}`, 'admin')).status).toBe(404);
      expect(audit('room.deleted').map((r) => r.target)).toContain(`room #${room.id} Huddle`);
    });

    /** Where the marker was found: the database (with its WAL, or a dump of PostgreSQL), the logs, the audit. */
    function storedAnywhere(marker: string): string[] {
      const found: string[] = [];
      if (ON_POSTGRES) {
        if (execFileSync('pg_dump', [databaseUrlFor(server.dir)], { encoding: 'utf8' }).includes(marker))
          found.push('database');
      } else {
        for (const file of ['avisa.sqlite', 'avisa.sqlite-wal', 'avisa.sqlite-shm']) {
          const path = server.path('data', file);
          if (existsSync(path) && readFileSync(path).includes(marker)) found.push(file);
        }
      }
      const logs = server.path('logs');
      for (const file of existsSync(logs) ? readdirSync(logs) : []) {
        if (readFileSync(join(logs, file)).includes(marker)) found.push(`logs/${file}`);
      }
      if (server.text.includes(marker)) found.push('server output');
      if (
        queryDb(
          server,
          'SELECT id FROM audit_events WHERE details LIKE ? OR target LIKE ?',
          `%${marker}%`,
          `%${marker}%`,
        ).length
      ) {
        found.push('audit');
      }
      return found;
    }
  });

  describe('roles in a room', () => {
    it('lets only the owner appoint moderators and hand the room over', async () => {
      const room = await create('pablo', { name: 'Handover', kind: 'private' });
      await add('pablo', room.id, 'ana', 'moderator');
      expect((await add('ana', room.id, 'luis')).status).toBe(200);
      expect((await add('ana', room.id, 'marta', 'moderator')).status).toBe(403);
      expect((await add('luis', room.id, 'marta')).status).toBe(403);
      expect((await add('pablo', room.id, 'ana', 'owner')).body.role).toBe('owner');
      const members = (await api<RoomMemberResponse[]>('GET', `/rooms/${room.id}/members`, 'ana')).body;
      expect(Object.fromEntries(members.map((m) => [m.username, m.role]))).toEqual({
        pablo: 'moderator',
        ana: 'owner',
        luis: 'member',
      });
      expect((await api('DELETE', `/rooms/${room.id}`, 'pablo')).status).toBe(403);
      expect((await api('DELETE', `/rooms/${room.id}`, 'ana')).status).toBe(204);
    });

    it('lets an admin archive any room, which makes it read-only', async () => {
      const room = await create('ana', { name: 'Old incident', kind: 'private' });
      await post('ana', room.id, 'before the archive');
      const archived = await api<RoomResponse>('PATCH', `/rooms/${room.id}`, 'admin', { archived: true });
      expect(archived.status).toBe(200);
      expect(archived.body.archived).toBe(true);
      const refused = await api('POST', `/rooms/${room.id}/messages`, 'ana', { text: 'after' });
      expect(refused.status).toBe(409);
      expect((await history('ana', room.id)).items.map((m) => m.text)).toEqual(['before the archive']);
      expect((await api('GET', `/rooms/${room.id}/messages`, 'admin')).status).toBe(200);
      expect(audit('room.archived').map((r) => r.actor_name)).toContain('admin');
    });
  });

  describe('API tokens', () => {
    it('post into a room they were given, and nowhere else', async () => {
      const room = await create('ana', { name: 'Monitoring', kind: 'private' });
      const elsewhere = await create('ana', { name: 'Elsewhere', kind: 'private' });
      const made = await api('POST', '/api-tokens', 'admin', { name: 'zabbix', scopes: ['rooms:post'] });
      expect(made.status).toBe(201);
      const token = made.body.token as string;
      expect((await api('PUT', `/rooms/${room.id}/tokens/${made.body.id}`, 'admin')).status).toBe(200);
      expect((await api('PUT', `/rooms/${room.id}/tokens/${made.body.id}`, 'ana')).status).toBe(403);
      const posted = await api<RoomMessageResponse>('POST', `/rooms/${room.id}/messages`, token, { text: 'disk 91%' });
      expect(posted.status).toBe(201);
      expect(posted.body.author).toEqual({ id: null, username: 'token:zabbix', displayName: 'zabbix' });
      expect((await api('POST', `/rooms/${elsewhere.id}/messages`, token, { text: 'x' })).status).toBe(403);
      expect((await api('GET', '/rooms', token)).status).toBe(403);
      expect(audit('room.token.granted').map((r) => JSON.parse(r.details).script)).toEqual(['zabbix']);
    });
  });

  it('never writes a message text into the audit trail', () => {
    const rows = queryDb<{ details: string }>(server, "SELECT details FROM audit_events WHERE action LIKE 'room.%'");
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.details).not.toMatch(/message [0-9]|hello|live one|disk 91/);
  });
});
