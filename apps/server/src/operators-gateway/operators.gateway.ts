import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { JobRunner } from '../cluster/job-runner';
import { isStaff, OPERATORS_NAMESPACE, type OperatorServerToClientEvents } from '@avisa/contracts';
import type { Namespace, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { SOCKET_OPTIONS } from '../client-gateway/socket-options';
import { GroupAccessService } from '../groups/group-access.service';

const OPERATORS_ROOM = 'operators';
const REVALIDATE_MS = 30_000;
const userRoom = (userId: number) => `u:${userId}`;

interface OperatorSocketData {
  principal: Extract<Principal, { kind: 'user' }>;
  token: string;
}

type OperatorSocket = Socket<object, OperatorServerToClientEvents, object, OperatorSocketData>;

/** The operators' live view: presence and receipts pushed to the web app, so it never polls. */
@WebSocketGateway({ ...SOCKET_OPTIONS, namespace: OPERATORS_NAMESPACE })
export class OperatorsGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationBootstrap {
  private readonly logger = new Logger(OperatorsGateway.name);
  private namespace?: Namespace<object, OperatorServerToClientEvents, object, OperatorSocketData>;
  private lastBroadcast: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobRunner,
    private readonly auth: AuthService,
    private readonly events: EventBus,
    private readonly access: GroupAccessService,
  ) {}

  afterInit(namespace: Namespace<object, OperatorServerToClientEvents, object, OperatorSocketData>): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
      if (typeof token !== 'string' || token.startsWith('avt_')) {
        next(
          Object.assign(new Error('log in first: auth { token } must be a session token'), {
            data: { code: 'unauthorized' },
          }),
        );
        return;
      }
      this.auth.authenticate(token).then(
        (principal) => {
          if (principal.kind !== 'user') throw new Error('not a user session');
          socket.data = { principal, token };
          next();
        },
        (error: Error) => next(Object.assign(new Error(error.message), { data: { code: 'unauthorized' } })),
      );
    });
  }

  async handleConnection(socket: OperatorSocket): Promise<void> {
    const principal = socket.data.principal;
    if (!principal) return;
    // A member's socket only hears about its own session: alerts, receipts and presence are the staff's.
    const rooms = [userRoom(principal.userId), `s:${principal.sessionId}`];
    await socket.join(isStaff(principal.role) ? [OPERATORS_ROOM, ...rooms] : rooms);
  }

  onApplicationBootstrap(): void {
    const alert = (id: string) => () => this.access.withheldAlert(id);
    this.events.on('receiver.presence', (p) =>
      this.broadcast('receiver.presence', p, () => this.access.withheldSite(p.name)),
    );
    this.events.on('deliveries.updated', (p) => this.broadcast('deliveries.updated', p, alert(p.messageId)));
    this.events.on('message.created', (e) => this.broadcast('message.created', e.payload, alert(e.payload.id)));
    this.events.on('message.retracted', (e) =>
      this.broadcast('message.retracted', { id: e.messageId }, alert(e.messageId)),
    );
    this.events.on('auth.logout', (e) => this.endSessions(`u:${e.actor.id}`, 'logged out', e.actor));
    this.events.on('sessions.revoked', (e) => this.endUserSessions(e.userId, e.exceptSessionId));
    // Each instance checks the sockets it holds itself: no lease.
    this.jobs.every('operator-sessions', REVALIDATE_MS, () => this.revalidate(), { perInstance: true });
  }

  /**
   * Sends to every operator but those restricted to groups that `withheldFrom` names (asked of the database, so a
   * restriction changed through any instance counts at once); when that cannot be read, no one is told. The questions
   * run side by side, but events leave in the order they came: a site's "offline" never overtakes its "online".
   */
  private broadcast<K extends keyof OperatorServerToClientEvents>(
    event: K,
    payload: Parameters<OperatorServerToClientEvents[K]>[0],
    withheldFrom: () => Promise<number[]>,
  ): Promise<void> {
    const withheld = withheldFrom().catch((error: unknown) => {
      this.logger.warn(`${event} not pushed: who may see it could not be read (${String(error)})`);
      return null;
    });
    const sent = this.lastBroadcast.then(async () => {
      const users = await withheld;
      if (!users || !this.namespace) return;
      const to = this.namespace.to(OPERATORS_ROOM).except(users.map(userRoom));
      (to.emit as (e: string, p: unknown) => boolean).call(to, event, payload);
    });
    this.lastBroadcast = sent.catch(() => undefined);
    return sent;
  }

  private async endSessions(room: string, reason: string, actor?: { id: number | null }): Promise<void> {
    if (!this.namespace || actor?.id === null) return;
    const sockets = await this.namespace.in(room).fetchSockets();
    for (const socket of sockets) {
      const still = await this.auth.authenticate(socket.data.token, { touch: false }).catch(() => null);
      if (still) continue;
      socket.emit('session.ended', { reason });
      socket.disconnect(true);
    }
  }

  private async endUserSessions(userId: number, exceptSessionId: string | null): Promise<void> {
    if (!this.namespace) return;
    const sockets = await this.namespace.in(`u:${userId}`).fetchSockets();
    for (const socket of sockets) {
      if (socket.data.principal.sessionId === exceptSessionId) continue;
      socket.emit('session.ended', { reason: 'session revoked' });
      socket.disconnect(true);
    }
  }

  /** Sessions also end by expiry; a socket whose session is gone is closed. */
  private async revalidate(): Promise<void> {
    if (!this.namespace) return;
    // Each instance checks its own sockets; fetchSockets() alone would gather every instance's.
    for (const socket of await this.namespace.local.fetchSockets()) {
      const still = await this.auth.authenticate(socket.data.token, { touch: false }).catch(() => null);
      if (!still) {
        socket.emit('session.ended', { reason: 'session expired' });
        socket.disconnect(true);
      }
    }
    this.logger.debug('revalidated operator sockets');
  }
}
