import type { RoomMembershipPayload, RoomMessageResponse, RoomReceiptsPayload, RoomResponse } from '@avisa/contracts';
import { passes } from '../support/eventually';
import { TestServer } from '../support/server';
import { openSocket, type TestSocket } from '../support/test-socket';

const PASSWORD = 'Chat-Pass-2026!';

/**
 * Two users on two instances chatting: messages, read markers and membership changes cross instances, and a member
 * removed through one instance stops receiving on the other at once.
 */
describe('chat rooms across two instances', () => {
  let a: TestServer;
  let b: TestServer;
  let room: RoomResponse;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const sockets: TestSocket[] = [];

  const live = async (server: TestServer, user: string) => {
    const socket = openSocket(server, '/operators', { token: tokens[user] });
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const post = async (server: TestServer, user: string, text: string) => {
    const response = await server.api<RoomMessageResponse>('POST', `/api/v1/rooms/${room.id}/messages`, {
      token: tokens[user],
      body: { text },
    });
    expect(response.status).toBe(201);
    return response.body;
  };
  const texts = (socket: TestSocket) => socket.received<RoomMessageResponse>('room.message').map((m) => m.text);

  beforeAll(async () => {
    a = await TestServer.start();
    b = await TestServer.startAnother(a);
    const admin = await a.loginAdmin();
    for (const name of ['ana', 'luis', 'marta']) {
      ids[name] = (await a.createUser(admin, name, name === 'ana' ? 'operator' : 'member', PASSWORD)).id;
    }
    tokens.ana = await a.login('ana', PASSWORD);
    tokens.luis = await b.login('luis', PASSWORD);
    tokens.marta = await b.login('marta', PASSWORD);
    const created = await a.api<RoomResponse>('POST', '/api/v1/rooms', {
      token: tokens.ana,
      body: { name: 'Incidencia norte', kind: 'private' },
    });
    expect(created.status).toBe(201);
    room = created.body;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await b?.dispose();
    await a?.dispose();
  });

  it('carries a conversation between users on different instances, with its read marker', async () => {
    const [ana, luis] = [await live(a, 'ana'), await live(b, 'luis')];
    const added = await a.api('PUT', `/api/v1/rooms/${room.id}/members/${ids.luis}`, { token: tokens.ana, body: {} });
    expect(added.status).toBe(200);
    await passes(() => expect(luis.received('room.list').length).toBeGreaterThan(0));

    const question = await post(a, 'ana', '¿Llegó el camión de frío?');
    await passes(() => expect(texts(luis)).toEqual(['¿Llegó el camión de frío?']));
    const answer = await post(b, 'luis', 'Sí, a las 9:10');
    await passes(() => expect(texts(ana)).toEqual(['¿Llegó el camión de frío?', 'Sí, a las 9:10']));
    expect(answer.seq).toBe(question.seq + 1);

    const thanks = await post(a, 'ana', 'Gracias');
    await passes(() => expect(texts(luis)).toContain('Gracias'));
    const read = await b.api('PUT', `/api/v1/rooms/${room.id}/read`, {
      token: tokens.luis,
      body: { seq: thanks.seq },
    });
    expect(read.status).toBe(200);
    await passes(() =>
      expect(ana.received<RoomReceiptsPayload>('room.receipts').flatMap((r) => r.members)).toContainEqual(
        expect.objectContaining({ userId: ids.luis, readSeq: thanks.seq }),
      ),
    );
  });

  it('stops a member removed through instance A from receiving on instance B at once', async () => {
    await a.api('PUT', `/api/v1/rooms/${room.id}/members/${ids.marta}`, { token: tokens.ana, body: {} });
    const marta = await live(b, 'marta');
    const luis = await live(b, 'luis');
    await post(a, 'ana', 'antes');
    await passes(() => expect(texts(marta)).toEqual(['antes']));

    const removed = await a.api('DELETE', `/api/v1/rooms/${room.id}/members/${ids.marta}`, { token: tokens.ana });
    expect(removed.status).toBe(204);
    await passes(() =>
      expect(marta.received<RoomMembershipPayload>('room.membership')).toContainEqual(
        expect.objectContaining({ roomId: room.id, role: null }),
      ),
    );
    await post(a, 'ana', 'después');
    await passes(() => expect(texts(luis)).toEqual(['antes', 'después']));
    expect(texts(marta)).toEqual(['antes']);
  });
});
