import type { PresencePayload } from '@avisa/contracts';
import { eventually } from '../support/eventually';
import { TestServer } from '../support/server';
import { openSocket, SOCKET_WAIT_MS as WAIT_MS, type TestSocket } from '../support/test-socket';

/**
 * An operator restricted to some groups is told only about its groups' sites and alerts, whichever instance the
 * event happens on and whichever instance it is connected to; a restriction changed through one instance counts on
 * the other at once.
 */
describe('live events of a restricted operator across two instances', () => {
  let a: TestServer;
  let b: TestServer;
  let admin: string;
  let restrictedId: number;
  const keys = new Map<string, string>();
  const sockets: TestSocket[] = [];
  const live = {} as Record<'operator' | 'restricted', TestSocket>;

  const send = async (group: string, text: string) => {
    const response = await a.api('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'group', name: group }, text },
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const created = (socket: TestSocket, id: string) =>
    socket.received<{ id: string }>('message.created').filter((m) => m.id === id).length;
  const until = (read: () => number) => eventually(read, (n) => n > 0, WAIT_MS);
  const open = <T extends TestSocket>(socket: T) => (sockets.push(socket), socket);

  beforeAll(async () => {
    a = await TestServer.start();
    b = await TestServer.startAnother(a);
    admin = await a.loginAdmin();
    await a.createUser(admin, 'oper', 'operator', 'Oper-Pass-2026');
    restrictedId = (await a.createUser(admin, 'limitado', 'operator', 'Limitado-Pass-2026')).id;
    for (const name of ['norte-1', 'sur-1']) {
      const site = await a.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
      expect(site.status).toBe(201);
      keys.set(name, site.body.key);
    }
    for (const [name, member] of [
      ['norte', 'norte-1'],
      ['sur', 'sur-1'],
    ]) {
      expect((await a.api('POST', '/api/v1/groups', { token: admin, body: { name, members: [member] } })).status).toBe(
        201,
      );
    }
    const restricted = await a.api('PUT', `/api/v1/users/${restrictedId}/restrictions`, {
      token: admin,
      body: { restricted: true, groups: ['norte'] },
    });
    expect(restricted.status).toBe(200);
    live.operator = open(openSocket(b, '/operators', { token: await b.login('oper', 'Oper-Pass-2026') }));
    live.restricted = open(openSocket(b, '/operators', { token: await b.login('limitado', 'Limitado-Pass-2026') }));
    for (const socket of Object.values(live)) await socket.connected();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await b?.dispose();
    await a?.dispose();
  });

  it('withholds presence and alerts outside its groups that happen on the other instance', async () => {
    for (const site of ['sur-1', 'norte-1']) {
      const socket = open(openSocket(a, '/receivers', { name: site, key: keys.get(site) }));
      await socket.connected();
      await until(
        () => live.operator.received<PresencePayload>('receiver.presence').filter((p) => p.name === site).length,
      );
    }
    await until(
      () => live.restricted.received<PresencePayload>('receiver.presence').filter((p) => p.name === 'norte-1').length,
    );
    expect(live.restricted.received<PresencePayload>('receiver.presence').map((p) => p.name)).toEqual(['norte-1']);

    const hidden = await send('sur', 'sur, desde a');
    const visible = await send('norte', 'norte, desde a');
    await until(() => created(live.restricted, visible));
    await until(() => created(live.operator, visible));
    expect(created(live.operator, hidden)).toBe(1);
    expect(created(live.restricted, hidden)).toBe(0);
  });

  it('follows a restriction lifted through the other instance at once', async () => {
    const lifted = await b.api('PUT', `/api/v1/users/${restrictedId}/restrictions`, {
      token: await b.loginAdmin(),
      body: { restricted: false },
    });
    expect(lifted.status).toBe(200);
    const now = await send('sur', 'sur, sin restricción');
    await until(() => created(live.restricted, now));
  });
});
