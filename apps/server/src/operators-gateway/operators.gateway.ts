import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { JobRunner } from '../cluster/job-runner';
import { RedisConnection } from '../cluster/redis-connection';
import {
  isStaff,
  OPERATORS_NAMESPACE,
  type OperatorClientToServerEvents,
  type FileResponse,
  type OperatorServerToClientEvents,
  type RoomMembershipPayload,
} from '@avisa/contracts';
import type { Namespace, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { SOCKET_OPTIONS } from '../client-gateway/socket-options';
import { GroupAccessService } from '../groups/group-access.service';
import { RoomMessagesService } from '../rooms/room-messages.service';
import { RoomsService } from '../rooms/rooms.service';

const OPERATORS_ROOM = 'operators';
/** Every logged-in user's sockets: where a new public room is announced. */
const EVERYONE_ROOM = 'everyone';
const ADMINS_ROOM = 'admins';
const REVALIDATE_MS = 30_000;
const TYPING_EVERY_MS = 1000;
const userRoom = (userId: number) => `u:${userId}`;
const chatRoom = (roomId: number) => `r:${roomId}`;

interface OperatorSocketData {
  principal: Extract<Principal, { kind: 'user' }>;
  token: string;
  /** When this socket last said it was typing, per room. */
  typedAt?: Map<number, number>;
}

type OperatorSocket = Socket<OperatorClientToServerEvents, OperatorServerToClientEvents, object, OperatorSocketData>;
type OperatorNamespace = Namespace<
  OperatorClientToServerEvents,
  OperatorServerToClientEvents,
  object,
  OperatorSocketData
>;

/**
 * The web app's live view: presence and receipts for the staff, and every user's chat rooms (messages, members,
 * typing, markers), pushed so the app never polls. Each chat room is a Socket.IO room (`r:<id>`) that its members'
 * sockets join and leave as membership changes, on every instance (through the Redis adapter with several).
 */
@WebSocketGateway({ ...SOCKET_OPTIONS, namespace: OPERATORS_NAMESPACE })
export class OperatorsGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationBootstrap {
  private readonly logger = new Logger(OperatorsGateway.name);
  private namespace?: OperatorNamespace;
  private lastBroadcast: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobRunner,
    private readonly redis: RedisConnection,
    private readonly auth: AuthService,
    private readonly events: EventBus,
    private readonly access: GroupAccessService,
    private readonly rooms: RoomsService,
    private readonly roomMessages: RoomMessagesService,
  ) {}

  afterInit(namespace: OperatorNamespace): void {
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
    const rooms = [userRoom(principal.userId), `s:${principal.sessionId}`, EVERYONE_ROOM];
    if (isStaff(principal.role)) rooms.push(OPERATORS_ROOM);
    if (principal.role === 'admin') rooms.push(ADMINS_ROOM);
    await socket.join(rooms);
    socket.on('room.typing', (payload) => this.typing(socket, payload));
    socket.on('room.delivered', (payload) => {
      const roomId = Number(payload?.roomId);
      if (socket.rooms.has(chatRoom(roomId)))
        this.roomMessages.delivered(roomId, principal.userId, Number(payload.seq));
    });
    // Joined after the user's own room: a membership added meanwhile reaches this socket through that room.
    const chatRooms = await this.rooms.roomIdsOf(principal.userId).catch((error: unknown) => {
      this.logger.warn(`chat rooms of user ${principal.userId} not read: ${String(error)}`);
      return [];
    });
    if (socket.connected) await socket.join(chatRooms.map(chatRoom));
  }

  onApplicationBootstrap(): void {
    const alert = (id: string) => () => this.access.withheldAlert(id);
    this.events.on('receiver.presence', (p) =>
      this.broadcast('receiver.presence', p, () => this.access.withheldSite(p.name)),
    );
    // Its counts are a scan of each alert's copies: not made while no operator could receive them.
    this.events.on('deliveries.updated', (p) => this.broadcast('deliveries.updated', p, alert(p.messageId)), {
      wantedWhile: () => this.anyOperatorListens(),
    });
    this.events.on('message.created', (e) => this.broadcast('message.created', e.payload, alert(e.payload.id)));
    this.events.on('message.retracted', (e) =>
      this.broadcast('message.retracted', { id: e.messageId }, alert(e.messageId)),
    );
    this.events.on('auth.logout', (e) => this.endSessions(`u:${e.actor.id}`, 'logged out', e.actor));
    this.events.on('sessions.revoked', (e) => this.endUserSessions(e.userId, e.exceptSessionId));
    this.listenToRooms();
    this.listenToFiles();
    // Each instance checks the sockets it holds itself: no lease.
    this.jobs.every('operator-sessions', REVALIDATE_MS, () => this.revalidate(), { perInstance: true });
  }

  /**
   * Sends to every operator but those restricted to groups that `withheldFrom` names (asked of the database, so a
   * restriction changed through any instance counts at once); when that cannot be read, no one is told. The questions
   * run side by side, but events leave in the order they came: a site's "offline" never overtakes its "online".
   * With no operator connected there is no one to ask about: an operator who connects later reads the state anew.
   */
  private broadcast<K extends keyof OperatorServerToClientEvents>(
    event: K,
    payload: Parameters<OperatorServerToClientEvents[K]>[0],
    withheldFrom: () => Promise<number[]>,
  ): Promise<void> {
    if (!this.anyOperatorListens()) return this.lastBroadcast;
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

  private listenToRooms(): void {
    this.events.on('room.message.posted', (e) => this.toRoom(e.message.roomId).emit('room.message', e.message));
    this.events.on('room.message.changed', (e) =>
      this.toRoom(e.message.roomId).emit('room.message.updated', e.message),
    );
    this.events.on('room.receipts', (p) => this.toRoom(p.roomId).emit('room.receipts', p));
    this.events.on('room.read', (e) => this.namespace?.to(userRoom(e.userId)).emit('room.read', e.read));
    this.events.on('room.joined', (e) => this.memberIn(e.membership));
    this.events.on('room.member.added', (e) => this.memberIn(e.membership));
    this.events.on('room.left', (e) => this.memberOut(e.membership));
    this.events.on('room.member.removed', (e) => this.memberOut(e.membership));
    this.events.on('room.member.role.changed', (e) => this.memberIn(e.membership));
    this.events.on('room.updated', (e) => this.refreshRoom(e.roomId));
    this.events.on('room.archived', (e) => this.refreshRoom(e.roomId));
    this.events.on('room.created', async (e) => {
      this.namespace?.in(userRoom(e.ownerId)).socketsJoin(chatRoom(e.roomId));
      await this.refreshList(e.ownerId, e.roomId);
      if (e.kind !== 'public' || !this.namespace) return;
      const room = await this.rooms.viewFor(e.roomId, 0);
      if (room)
        this.namespace.to(EVERYONE_ROOM).except(userRoom(e.ownerId)).emit('room.list', { roomId: e.roomId, room });
    });
    this.events.on('room.deleted', (e) => {
      if (!this.namespace) return;
      const to = e.kind === 'public' ? this.namespace.to([chatRoom(e.roomId), EVERYONE_ROOM]) : this.toRoom(e.roomId);
      to.emit('room.deleted', { roomId: e.roomId });
      for (const userId of e.memberIds) this.namespace.to(userRoom(userId)).emit('room.deleted', { roomId: e.roomId });
      this.namespace.in(chatRoom(e.roomId)).socketsLeave(chatRoom(e.roomId));
    });
  }

  /** Admins see every file; its uploader sees theirs; everyone sees it once it can be downloaded. */
  private listenToFiles(): void {
    const push = (file: FileResponse, uploaderId: number | null) => {
      if (!this.namespace) return;
      const to = [ADMINS_ROOM, ...(file.downloadable ? [EVERYONE_ROOM] : [])];
      if (uploaderId !== null) to.push(userRoom(uploaderId));
      this.namespace.to(to).emit('file.updated', file);
    };
    const uploader = (actor: { kind: string; id: number | null }) => (actor.kind === 'user' ? actor.id : null);
    this.events.on('file.uploaded', (e) => push(e.file, uploader(e.actor)));
    this.events.on('file.scanned', (e) => push(e.file, e.uploaderId));
    this.events.on('file.released', (e) => push(e.file, e.uploaderId));
    this.events.on('file.deleted', (e) =>
      this.namespace?.to([ADMINS_ROOM, EVERYONE_ROOM]).emit('file.deleted', { id: e.fileId }),
    );
  }

  private toRoom(roomId: number) {
    return this.namespace!.to(chatRoom(roomId));
  }

  /** Someone is in (joined, added, or their role changed): their sockets join, the room and they are told. */
  private async memberIn(membership: RoomMembershipPayload): Promise<void> {
    if (!this.namespace || membership.member.id === null) return;
    this.namespace.in(userRoom(membership.member.id)).socketsJoin(chatRoom(membership.roomId));
    this.toRoom(membership.roomId).emit('room.membership', membership);
    await this.refreshList(membership.member.id, membership.roomId);
  }

  /** Someone is out: their sockets leave the room at once, on every instance, before anything else is sent. */
  private async memberOut(membership: RoomMembershipPayload): Promise<void> {
    if (!this.namespace || membership.member.id === null) return;
    this.namespace.in(userRoom(membership.member.id)).socketsLeave(chatRoom(membership.roomId));
    this.namespace
      .to([chatRoom(membership.roomId), userRoom(membership.member.id)])
      .emit('room.membership', membership);
    await this.refreshList(membership.member.id, membership.roomId);
  }

  private async refreshList(userId: number, roomId: number): Promise<void> {
    const room = await this.rooms.viewFor(roomId, userId);
    this.namespace?.to(userRoom(userId)).emit('room.list', { roomId, room });
  }

  private async refreshRoom(roomId: number): Promise<void> {
    for (const [userId, room] of await this.rooms.viewsForMembers(roomId)) {
      this.namespace?.to(userRoom(userId)).emit('room.list', { roomId, room });
    }
  }

  /** "… is typing", to the room's other sockets; at most once a second per socket and room, never stored. */
  private typing(socket: OperatorSocket, payload: { roomId: number } | undefined): void {
    const roomId = Number(payload?.roomId);
    if (!socket.rooms.has(chatRoom(roomId))) return;
    const typedAt = (socket.data.typedAt ??= new Map());
    const now = Date.now();
    if (now - (typedAt.get(roomId) ?? 0) < TYPING_EVERY_MS) return;
    typedAt.set(roomId, now);
    const { userId, username, displayName } = socket.data.principal;
    socket.to(chatRoom(roomId)).emit('room.typing', { roomId, user: { id: userId, username, displayName } });
  }

  /** Only this instance's sockets are known here; with several instances, another may hold operators. */
  private anyOperatorListens(): boolean {
    return this.redis.client !== null || (this.namespace?.adapter.rooms.get(OPERATORS_ROOM)?.size ?? 0) > 0;
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
