import { Injectable } from '@nestjs/common';
import {
  isCodedRoom,
  isRoomManager,
  roomNameKey,
  type CreateRoomRequest,
  type RoomMemberResponse,
  type RoomPerson,
  type RoomResponse,
  type RoomRole,
  type RoomTokenResponse,
  type UpdateRoomRequest,
} from '@avisa/contracts';
import { randomBytes } from 'node:crypto';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { AppConfigService } from '../config/app-config.service';
import { ApiTokensService } from '../auth/api-tokens.service';
import { UsersService, type UserAccount } from '../users/users.service';
import { RoomEntity, RoomMemberEntity } from './room.entity';
import { RoomsRepository, type UnreadCounts } from './rooms.repository';
import { apiError, fieldProblem, retryLater } from '../common/http/api-error';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The one answer to a failed join, whatever was wrong: it tells a guesser nothing. */

const CODE_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** 16 letters of a 32-letter alphabet (80 random bits; 256 is a multiple of 32, so no letter is favoured). */
export function newRoomCode(): string {
  const letters = [...randomBytes(16)].map((byte) => CODE_ALPHABET[byte % 32]).join('');
  return letters.match(/.{4}/g)!.join('-');
}

/** A caller's standing in one room: what they may see and do there. */
export interface RoomAccess {
  room: RoomEntity;
  /** Null when not a member (an admin looking, or a public room's visitor, or a token). */
  membership: RoomMemberEntity | null;
}

@Injectable()
export class RoomsService {
  private readonly joinFailuresPerUser: AttemptWindow;
  private readonly joinFailuresPerRoom: AttemptWindow;

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly users: UsersService,
    private readonly tokens: ApiTokensService,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    const limit = config.get('AVISA_ROOM_JOIN_MAX_FAILURES');
    const windowMs = config.get('AVISA_ROOM_JOIN_WINDOW_SECONDS') * 1000;
    this.joinFailuresPerUser = windows.create('room-join-user', limit, windowMs);
    this.joinFailuresPerRoom = windows.create('room-join-room', limit, windowMs);
  }

  // What a caller sees

  async list(principal: UserPrincipal, all: boolean): Promise<RoomResponse[]> {
    if (all && principal.role !== 'admin') throw apiError('room.list_all_admin_only');
    const rooms = await this.rooms.listRooms(principal.userId, all ? 'all' : 'mine');
    return this.views(rooms, principal.userId);
  }

  async get(roomId: number, principal: UserPrincipal): Promise<RoomResponse> {
    const { room } = await this.requireVisible(roomId, principal);
    return (await this.views([room], principal.userId))[0];
  }

  /** One user's view of one room, or null when they may no longer see it. */
  async viewFor(roomId: number, userId: number): Promise<RoomResponse | null> {
    const room = await this.rooms.findRoom(roomId);
    if (!room) return null;
    const [view] = await this.views([room], userId);
    return view.role || room.kind === 'public' ? view : null;
  }

  /** Each member's own view of a room, for live refreshes. */
  async viewsForMembers(roomId: number): Promise<Map<number, RoomResponse>> {
    const room = await this.rooms.findRoom(roomId);
    if (!room) return new Map();
    const members = await this.rooms.membersOf(roomId);
    const unread = await this.rooms.unreadInRoom(roomId);
    const people = await this.people(members.map((m) => m.userId));
    const ownerId = members.find((m) => m.role === 'owner')?.userId;
    return new Map(
      members.map((m) => [
        m.userId,
        this.toResponse(room, m, members.length, ownerId ? (people.get(ownerId) ?? null) : null, unread.get(m.userId)),
      ]),
    );
  }

  roomIdsOf(userId: number): Promise<number[]> {
    return this.rooms.membershipsOf(userId).then((ms) => ms.map((m) => m.roomId));
  }

  async members(roomId: number, principal: UserPrincipal): Promise<RoomMemberResponse[]> {
    await this.requireVisible(roomId, principal);
    const members = await this.rooms.membersOf(roomId);
    const people = await this.people(members.map((m) => m.userId));
    return members.map((m) => this.toMemberResponse(m, people));
  }

  /** Users who could be added: enabled, not members yet, matching `q` in their username or name. */
  async candidates(roomId: number, principal: UserPrincipal, q: string): Promise<RoomPerson[]> {
    await this.requireManager(roomId, principal);
    const members = new Set((await this.rooms.membersOf(roomId)).map((m) => m.userId));
    const query = q.trim().toLowerCase();
    return (await this.users.listAccounts())
      .filter((u) => u.enabled && !members.has(u.id))
      .filter((u) => !query || u.username.includes(query) || u.displayName.toLowerCase().includes(query))
      .slice(0, 20)
      .map(toPerson);
  }

  // Rooms

  async create(request: CreateRoomRequest, principal: UserPrincipal, actor: Actor): Promise<RoomResponse> {
    const name = request.name.trim();
    await this.refuseTakenName(name, null);
    const password = request.password ?? null;
    if (request.kind === 'protected' && !password) {
      throw new FieldValidationException([fieldProblem('password', 'room.password_required')]);
    }
    if (password && !isCodedRoom(request.kind)) {
      throw new FieldValidationException([
        fieldProblem('password', 'room.password_not_allowed', { kind: request.kind }),
      ]);
    }
    if (request.kind === 'ephemeral' && request.retentionDays) {
      throw new FieldValidationException([fieldProblem('retentionDays', 'room.ephemeral_no_retention')]);
    }
    const now = this.clock.now();
    const room = await this.rooms.createRoom(
      {
        name,
        nameKey: roomNameKey(name),
        description: request.description?.trim() ?? '',
        kind: request.kind,
        code: isCodedRoom(request.kind) ? newRoomCode() : null,
        passwordHash: password ? await this.crypto.hashPassword(password) : null,
        retentionDays: request.retentionDays ?? null,
        createdAt: now,
        updatedAt: now,
      },
      principal.userId,
    );
    await this.events.emit('room.created', {
      actor,
      target: roomTarget(room),
      details: { kind: room.kind, retentionDays: room.retentionDays },
      roomId: room.id,
      kind: room.kind,
      ownerId: principal.userId,
    });
    return this.get(room.id, principal);
  }

  async update(
    roomId: number,
    request: UpdateRoomRequest,
    principal: UserPrincipal,
    actor: Actor,
  ): Promise<RoomResponse> {
    const { room, membership } = await this.requireVisible(roomId, principal);
    const settings = Object.entries(request).filter(([key, value]) => key !== 'archived' && value !== undefined);
    if (settings.length && !isRoomManager(membership?.role)) {
      throw apiError('room.settings_forbidden');
    }
    const patch: Partial<RoomEntity> = {};
    const changed: Record<string, unknown> = {};
    if (request.name !== undefined && request.name.trim() !== room.name) {
      const name = request.name.trim();
      await this.refuseTakenName(name, room.id);
      patch.name = name;
      patch.nameKey = roomNameKey(name);
      changed.name = { from: room.name, to: name };
    }
    if (request.description !== undefined && request.description.trim() !== room.description) {
      patch.description = request.description.trim();
      changed.description = 'changed';
    }
    if (request.retentionDays !== undefined && request.retentionDays !== room.retentionDays) {
      if (room.kind === 'ephemeral' && request.retentionDays !== null) {
        throw new FieldValidationException([fieldProblem('retentionDays', 'room.ephemeral_no_retention')]);
      }
      patch.retentionDays = request.retentionDays;
      changed.retentionDays = { from: room.retentionDays, to: request.retentionDays };
    }
    if (request.password !== undefined) {
      if (!isCodedRoom(room.kind)) {
        throw new FieldValidationException([
          fieldProblem('password', 'room.password_not_allowed', { kind: room.kind }),
        ]);
      }
      if (request.password === null && room.kind === 'protected') {
        throw new FieldValidationException([fieldProblem('password', 'room.password_kept')]);
      }
      patch.passwordHash = request.password === null ? null : await this.crypto.hashPassword(request.password);
      changed.entry = request.password === null ? 'password removed' : 'password changed';
    }
    const archive = request.archived !== undefined && request.archived !== (room.archivedAt !== null);
    if (archive && principal.role !== 'admin' && membership?.role !== 'owner') {
      throw apiError('room.archive_forbidden');
    }
    const now = this.clock.now();
    if (Object.keys(patch).length) {
      await this.rooms.updateRoom(room.id, { ...patch, updatedAt: now });
      await this.events.emit('room.updated', {
        actor,
        target: roomTarget({ id: room.id, name: patch.name ?? room.name }),
        details: changed,
        roomId: room.id,
      });
    }
    if (archive) {
      await this.rooms.updateRoom(room.id, { archivedAt: request.archived ? now : null, updatedAt: now });
      await this.events.emit('room.archived', {
        actor,
        target: roomTarget(room),
        details: { archived: request.archived },
        roomId: room.id,
      });
    }
    return this.get(room.id, principal);
  }

  async delete(roomId: number, principal: UserPrincipal, actor: Actor): Promise<void> {
    const { room, membership } = await this.requireVisible(roomId, principal);
    if (principal.role !== 'admin' && membership?.role !== 'owner') {
      throw apiError('room.delete_forbidden');
    }
    await this.remove(room, actor);
  }

  // Membership

  async joinPublic(roomId: number, principal: UserPrincipal, actor: Actor): Promise<RoomResponse> {
    const room = await this.requireRoom(roomId);
    const membership = await this.rooms.member(roomId, principal.userId);
    if (membership) return this.get(roomId, principal);
    if (room.kind !== 'public') throw apiError('room.join_needs_code');
    this.refuseArchived(room);
    await this.addMembership(room, principal.userId, 'member', actor, 'room.joined');
    return this.get(roomId, principal);
  }

  async joinWithCode(code: string, password: string, principal: UserPrincipal, actor: Actor): Promise<RoomResponse> {
    const now = this.clock.now();
    const room = await this.rooms.findByCode(code.trim().toLowerCase());
    const userKey = `u:${principal.userId}`;
    const roomKey = room ? `r:${room.id}` : null;
    const wait = Math.max(
      await this.joinFailuresPerUser.retryAfterSeconds(userKey, now),
      roomKey ? await this.joinFailuresPerRoom.retryAfterSeconds(roomKey, now) : 0,
    );
    if (wait > 0) throw retryLater(wait, 'room.join_too_many', { seconds: wait });
    const reason = await this.joinProblem(room, password);
    if (reason || !room) {
      await this.joinFailuresPerUser.record(userKey, now);
      if (roomKey) await this.joinFailuresPerRoom.record(roomKey, now);
      await this.events.emit('room.join.failed', {
        actor,
        target: room ? roomTarget(room) : null,
        details: { reason },
      });
      throw apiError('room.join_refused');
    }
    if (!(await this.rooms.member(room.id, principal.userId))) {
      await this.addMembership(room, principal.userId, 'member', actor, 'room.joined');
    }
    return this.get(room.id, principal);
  }

  async leave(roomId: number, principal: UserPrincipal, actor: Actor): Promise<void> {
    const room = await this.requireRoom(roomId);
    const membership = await this.rooms.member(roomId, principal.userId);
    if (!membership) throw apiError('room.not_member');
    await this.dropMembership(room, membership, actor, 'room.left');
  }

  /** Adds a user or changes their role; `owner` hands the room over (the old owner stays as a moderator). */
  async setMember(
    roomId: number,
    userId: number,
    role: RoomRole,
    principal: UserPrincipal,
    actor: Actor,
  ): Promise<RoomMemberResponse> {
    const { room, membership: mine } = await this.requireManager(roomId, principal);
    this.refuseArchived(room);
    const account = await this.users.findAccount(userId);
    if (!account || !account.enabled) throw apiError('room.user_unavailable', { id: userId });
    const current = await this.rooms.member(roomId, userId);
    if (role !== 'member' && mine.role !== 'owner') {
      throw apiError('room.roles_owner_only');
    }
    if (!current) {
      if (role === 'owner') throw apiError('room.handover_members_only');
      await this.addMembership(room, userId, role, actor, 'room.member.added');
    } else if (current.role !== role) {
      if (current.role === 'owner') throw apiError('room.owner_hands_over');
      if (mine.role !== 'owner') throw apiError('room.member_role_owner_only');
      if (role === 'owner') await this.rooms.handOver(roomId, principal.userId, userId);
      else await this.rooms.setRole(roomId, userId, role);
      await this.announceRole(room, userId, role, actor);
      if (role === 'owner') await this.announceRole(room, principal.userId, 'moderator', actor);
    }
    const member = (await this.rooms.member(roomId, userId))!;
    return this.toMemberResponse(member, await this.people([userId]));
  }

  async removeMember(roomId: number, userId: number, principal: UserPrincipal, actor: Actor): Promise<void> {
    if (userId === principal.userId) return this.leave(roomId, principal, actor);
    const { room, membership: mine } = await this.requireManager(roomId, principal);
    const target = await this.rooms.member(roomId, userId);
    if (!target) throw apiError('room.user_not_member', { id: userId });
    if (target.role === 'owner') throw apiError('room.owner_not_removable');
    if (target.role === 'moderator' && mine.role !== 'owner') {
      throw apiError('room.moderator_owner_only');
    }
    await this.dropMembership(room, target, actor, 'room.member.removed');
  }

  // API tokens

  async tokenGrants(roomId: number): Promise<RoomTokenResponse[]> {
    await this.requireRoom(roomId);
    const grants = new Set((await this.rooms.tokenGrants(roomId)).map((g) => g.tokenId));
    return (await this.tokens.list()).filter((t) => grants.has(t.id)).map((t) => ({ id: t.id, name: t.name }));
  }

  async grantToken(roomId: number, tokenId: number, actor: Actor): Promise<RoomTokenResponse[]> {
    const room = await this.requireRoom(roomId);
    if (room.kind === 'ephemeral') throw apiError('room.ephemeral_no_scripts');
    const token = (await this.tokens.list()).find((t) => t.id === tokenId && !t.revokedAt);
    if (!token) throw apiError('room.token_unavailable', { id: tokenId });
    if (await this.rooms.grantToken(roomId, tokenId, this.clock.now())) {
      await this.events.emit('room.token.granted', {
        actor,
        target: roomTarget(room),
        details: { script: token.name },
        roomId,
      });
    }
    return this.tokenGrants(roomId);
  }

  async revokeToken(roomId: number, tokenId: number, actor: Actor): Promise<void> {
    const room = await this.requireRoom(roomId);
    if (!(await this.rooms.revokeToken(roomId, tokenId))) {
      throw apiError('room.token_not_granted', { id: tokenId });
    }
    const name = (await this.tokens.list()).find((t) => t.id === tokenId)?.name ?? `#${tokenId}`;
    await this.events.emit('room.token.revoked', {
      actor,
      target: roomTarget(room),
      details: { script: name },
      roomId,
    });
  }

  // For the messages service

  /**
   * The room and the caller's membership, when the caller may read it: members; admins for any room but an
   * ephemeral one; a token given the room. Anyone else gets 403, which names nothing of the room.
   */
  async requireReader(roomId: number, principal: Principal): Promise<RoomAccess> {
    const room = await this.requireRoom(roomId);
    if (principal.kind === 'token') {
      if (await this.rooms.hasTokenGrant(roomId, principal.tokenId)) return { room, membership: null };
      throw apiError('room.token_not_given');
    }
    const membership = await this.rooms.member(roomId, principal.userId);
    if (membership) return { room, membership };
    if (principal.role === 'admin' && room.kind !== 'ephemeral') return { room, membership: null };
    throw apiError('room.not_member');
  }

  /** As requireReader, for posting: members and tokens given the room, never into an archived room. */
  async requireWriter(roomId: number, principal: Principal): Promise<RoomAccess> {
    const access = await this.requireReader(roomId, principal);
    if (principal.kind === 'user' && !access.membership) {
      throw apiError('room.not_member');
    }
    this.refuseArchived(access.room);
    return access;
  }

  // Inside

  private async joinProblem(room: RoomEntity | null, password: string): Promise<string | null> {
    if (!room || !isCodedRoom(room.kind)) return 'unknown code';
    if (room.archivedAt !== null) return 'archived';
    if (!room.passwordHash) return null;
    return (await this.crypto.verifyPassword(password, room.passwordHash)) ? null : 'wrong password';
  }

  private async addMembership(
    room: RoomEntity,
    userId: number,
    role: RoomRole,
    actor: Actor,
    event: 'room.joined' | 'room.member.added',
  ): Promise<void> {
    await this.rooms.addMember(room.id, userId, role, this.clock.now());
    const person = (await this.people([userId])).get(userId)!;
    await this.events.emit(event, {
      actor,
      target: roomTarget(room),
      details: event === 'room.joined' ? {} : { user: person.username, role },
      membership: { roomId: room.id, member: person, role, memberCount: await this.countMembers(room.id) },
    });
  }

  /** The owner leaving hands the room to the longest-standing moderator (or member); the last one out of an
   * ephemeral room takes it with them. */
  private async dropMembership(
    room: RoomEntity,
    membership: RoomMemberEntity,
    actor: Actor,
    event: 'room.left' | 'room.member.removed',
  ): Promise<void> {
    await this.rooms.removeMember(room.id, membership.userId);
    const person = (await this.people([membership.userId])).get(membership.userId) ?? unknownPerson(membership.userId);
    const rest = await this.rooms.membersOf(room.id);
    await this.events.emit(event, {
      actor,
      target: roomTarget(room),
      details: event === 'room.left' ? {} : { user: person.username },
      membership: { roomId: room.id, member: person, role: null, memberCount: rest.length },
    });
    if (!rest.length && room.kind === 'ephemeral') {
      await this.remove(room, actor);
      return;
    }
    if (membership.role === 'owner' && rest.length) {
      const heir = rest.find((m) => m.role === 'moderator') ?? rest[0];
      await this.rooms.setRole(room.id, heir.userId, 'owner');
      await this.announceRole(room, heir.userId, 'owner', actor);
    }
  }

  private async announceRole(room: RoomEntity, userId: number, role: RoomRole, actor: Actor): Promise<void> {
    const person = (await this.people([userId])).get(userId) ?? unknownPerson(userId);
    await this.events.emit('room.member.role.changed', {
      actor,
      target: roomTarget(room),
      details: { user: person.username, role },
      membership: { roomId: room.id, member: person, role, memberCount: await this.countMembers(room.id) },
    });
  }

  private async remove(room: RoomEntity, actor: Actor): Promise<void> {
    const memberIds = (await this.rooms.membersOf(room.id)).map((m) => m.userId);
    await this.rooms.deleteRoom(room.id);
    await this.events.emit('room.deleted', {
      actor,
      target: roomTarget(room),
      details: { kind: room.kind },
      roomId: room.id,
      kind: room.kind,
      memberIds,
    });
  }

  private async countMembers(roomId: number): Promise<number> {
    return (await this.rooms.memberCounts([roomId])).get(roomId) ?? 0;
  }

  private async refuseTakenName(name: string, exceptId: number | null): Promise<void> {
    const clash = await this.rooms.findByNameKey(roomNameKey(name));
    if (clash && clash.id !== exceptId) throw apiError('room.exists', { name: clash.name });
  }

  private refuseArchived(room: RoomEntity): void {
    if (room.archivedAt !== null) throw apiError('room.archived');
  }

  private async requireRoom(roomId: number): Promise<RoomEntity> {
    const room = await this.rooms.findRoom(roomId);
    if (!room) throw apiError('room.not_found', { id: roomId });
    return room;
  }

  /** Members, admins, and anyone for a public room, see the room's card and member list. */
  private async requireVisible(roomId: number, principal: UserPrincipal): Promise<RoomAccess> {
    const room = await this.requireRoom(roomId);
    const membership = await this.rooms.member(roomId, principal.userId);
    if (membership || principal.role === 'admin' || room.kind === 'public') return { room, membership };
    throw apiError('room.not_member');
  }

  private async requireManager(
    roomId: number,
    principal: UserPrincipal,
  ): Promise<{ room: RoomEntity; membership: RoomMemberEntity }> {
    const room = await this.requireRoom(roomId);
    const membership = await this.rooms.member(roomId, principal.userId);
    if (!membership || !isRoomManager(membership.role)) {
      throw apiError('room.members_forbidden');
    }
    return { room, membership };
  }

  private async views(rooms: RoomEntity[], userId: number): Promise<RoomResponse[]> {
    const ids = rooms.map((r) => r.id);
    const [memberships, counts, owners, unread] = await Promise.all([
      this.rooms.membershipsOf(userId),
      this.rooms.memberCounts(ids),
      this.rooms.owners(ids),
      this.rooms.unreadFor(userId),
    ]);
    const mine = new Map(memberships.map((m) => [m.roomId, m]));
    const people = await this.people([...owners.values()]);
    return rooms.map((room) => {
      const ownerId = owners.get(room.id);
      return this.toResponse(
        room,
        mine.get(room.id) ?? null,
        counts.get(room.id) ?? 0,
        ownerId ? (people.get(ownerId) ?? null) : null,
        unread.get(room.id),
      );
    });
  }

  private toResponse(
    room: RoomEntity,
    membership: RoomMemberEntity | null,
    memberCount: number,
    owner: RoomPerson | null,
    unread: UnreadCounts | undefined,
  ): RoomResponse {
    const role = membership?.role ?? null;
    return {
      id: room.id,
      name: room.name,
      description: room.description,
      kind: room.kind,
      owner,
      memberCount,
      retentionDays: room.retentionDays,
      archived: room.archivedAt !== null,
      hasPassword: room.passwordHash !== null,
      code: isRoomManager(role) ? room.code : null,
      createdAt: new Date(room.createdAt).toISOString(),
      role,
      lastSeq: room.lastSeq,
      lastMessageAt: room.lastMessageAt === null ? null : new Date(room.lastMessageAt).toISOString(),
      readSeq: membership?.readSeq ?? 0,
      unread: membership ? (unread?.unread ?? 0) : 0,
      mentions: membership ? (unread?.mentions ?? 0) : 0,
    };
  }

  private toMemberResponse(member: RoomMemberEntity, people: Map<number, RoomPerson>): RoomMemberResponse {
    const person = people.get(member.userId) ?? unknownPerson(member.userId);
    return {
      id: member.userId,
      username: person.username,
      displayName: person.displayName,
      role: member.role,
      joinedAt: new Date(member.joinedAt).toISOString(),
      deliveredSeq: member.deliveredSeq,
      readSeq: member.readSeq,
    };
  }

  /** Usernames and display names of some users, read once per call. */
  async people(ids: readonly number[]): Promise<Map<number, RoomPerson>> {
    if (!ids.length) return new Map();
    const wanted = new Set(ids);
    const accounts = ids.length === 1 ? [await this.users.findAccount(ids[0])] : await this.users.listAccounts();
    return new Map(accounts.filter((a): a is UserAccount => !!a && wanted.has(a.id)).map((a) => [a.id, toPerson(a)]));
  }
}

export function roomTarget(room: { id: number; name: string }): string {
  return `room #${room.id} ${room.name}`;
}

function toPerson(account: UserAccount): RoomPerson {
  return { id: account.id, username: account.username, displayName: account.displayName };
}

function unknownPerson(id: number): RoomPerson {
  return { id, username: `user-${id}`, displayName: `user ${id}` };
}
