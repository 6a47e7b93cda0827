import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuthService } from '../auth/auth.service';
import type { JobRunner } from '../cluster/job-runner';
import type { RedisConnection } from '../cluster/redis-connection';
import { EventBus } from '../common/events/event-bus';
import type { GroupAccessService } from '../groups/group-access.service';
import type { RoomMessagesService } from '../rooms/room-messages.service';
import type { RoomsService } from '../rooms/rooms.service';
import { OperatorsGateway } from './operators.gateway';

/** A gateway over a namespace that records what it sends, on one instance or (with a Redis client) several. */
function gatewayWith(options: { severalInstances: boolean }) {
  const events = new EventBus(new EventEmitter2());
  const asked: string[] = [];
  const access = {
    withheldAlert: (id: string) => {
      asked.push(id);
      return Promise.resolve([]);
    },
    withheldSite: (site: string) => {
      asked.push(site);
      return Promise.resolve([]);
    },
  } as unknown as GroupAccessService;
  const redis = { client: options.severalInstances ? {} : null } as unknown as RedisConnection;
  const jobs = { every: () => undefined } as unknown as JobRunner;
  const gateway = new OperatorsGateway(
    jobs,
    redis,
    {} as AuthService,
    events,
    access,
    {} as RoomsService,
    {} as RoomMessagesService,
  );
  const rooms = new Map<string, Set<string>>();
  const sent: { room: string; event: string; payload: unknown }[] = [];
  const namespace = {
    use: () => undefined,
    adapter: { rooms },
    to: (room: string) => {
      const operator = {
        except: () => operator,
        emit: (event: string, payload: unknown) => sent.push({ room, event, payload }) > 0,
      };
      return operator;
    },
  };
  gateway.afterInit(namespace as never);
  gateway.onApplicationBootstrap();
  const created = (id: string) =>
    events.emit('message.created', {
      actor: { kind: 'user', id: 1, name: 'ana' },
      target: 'site:norte',
      details: {},
      payload: { id, sender: 'ana', priority: 'normal', createdAt: '2026-12-06T00:00:00.000Z' },
    });
  return { rooms, sent, asked, created };
}

describe('OperatorsGateway broadcasts', () => {
  it('asks nobody and sends nothing while no operator is connected to this only instance', async () => {
    const { sent, asked, created } = gatewayWith({ severalInstances: false });
    await created('a1');
    expect(asked).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('tells operators once one is connected, in the order the events came', async () => {
    const { rooms, sent, asked, created } = gatewayWith({ severalInstances: false });
    await created('a1');
    rooms.set('operators', new Set(['socket-1']));
    await Promise.all([created('a2'), created('a3')]);
    expect(asked).toEqual(['a2', 'a3']);
    expect(sent.map((s) => [s.room, s.event, (s.payload as { id: string }).id])).toEqual([
      ['operators', 'message.created', 'a2'],
      ['operators', 'message.created', 'a3'],
    ]);
  });

  it('always sends with several instances: operators on another instance are not known here', async () => {
    const { sent, asked, created } = gatewayWith({ severalInstances: true });
    await created('a1');
    expect(asked).toEqual(['a1']);
    expect(sent).toHaveLength(1);
  });
});
