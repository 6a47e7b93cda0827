import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  isRoomManager,
  mentionsIn,
  ROOM_PAGE_DEFAULT,
  type AlertAttachment,
  type RoomMessageReceiptsResponse,
  type RoomMessageResponse,
  type RoomMessagesPage,
  type RoomPerson,
  type RoomReadResponse,
  type RoomSearchHit,
} from '@avisa/contracts';
import { randomUUID } from 'node:crypto';
import { Actor, Principal } from '../common/actor';
import { Debouncer } from '../common/events/debouncer';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import type { ServedFile } from '../files/attachment-response';
import { FilesService } from '../files/files.service';
import { UsersService } from '../users/users.service';
import { RoomMessageEntity } from './room.entity';
import { RoomsRepository, type MarkerMove } from './rooms.repository';
import { roomTarget, RoomsService } from './rooms.service';
import { apiError } from '../common/http/api-error';

const DAY_MS = 86_400_000;
const SEARCH_LIMIT = 50;
const MENTIONS_MAX = 20;
/** Clients confirm at most once a second per room; a second's gathering stores and announces each room once. */
const DELIVERED_GATHER_MS = 1000;

export interface HistoryQuery {
  /** A cursor from `nextCursor`: the seq to go below. */
  before?: string;
  /** Oldest first after this seq (catching up after a reconnect). */
  after?: number;
  limit?: number;
}

/** Messages in rooms: history, posting (stored, or relayed only in an ephemeral room), edits, markers, search. */
@Injectable()
export class RoomMessagesService implements OnApplicationShutdown {
  private readonly logger = new Logger(RoomMessagesService.name);
  /**
   * Every member's client confirms each message it receives: thousands a second at peak, gathered for a moment,
   * stored in one transaction and announced once per room.
   */
  private readonly deliveries = new Debouncer<MarkerMove>(
    (moves) => this.storeDelivered(moves),
    DELIVERED_GATHER_MS,
    (error, moves) => this.logger.warn(`${moves.length} delivered marker(s) not stored: ${String(error)}`),
  );

  constructor(
    private readonly rooms: RoomsService,
    private readonly repository: RoomsRepository,
    private readonly users: UsersService,
    private readonly files: FilesService,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async history(roomId: number, principal: Principal, query: HistoryQuery): Promise<RoomMessagesPage> {
    const { room } = await this.rooms.requireReader(roomId, principal);
    const limit = query.limit ?? ROOM_PAGE_DEFAULT;
    if (room.kind === 'ephemeral') return { items: [], nextCursor: null };
    if (query.after !== undefined) {
      const rows = await this.repository.pageAfter(roomId, query.after, limit);
      const last = rows[rows.length - 1];
      return { items: rows.map(toMessageResponse), nextCursor: rows.length === limit ? String(last.seq) : null };
    }
    const before = query.before === undefined ? null : Number(query.before);
    const rows = await this.repository.pageBefore(roomId, before, limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toMessageResponse),
      nextCursor: rows.length === limit && last.seq > 1 ? String(last.seq) : null,
    };
  }

  async post(
    roomId: number,
    text: string,
    principal: Principal,
    attachmentIds: readonly string[] = [],
  ): Promise<RoomMessageResponse> {
    const { room } = await this.rooms.requireWriter(roomId, principal);
    const attachments = attachmentIds.length ? await this.files.attachable(attachmentIds) : [];
    const author = authorOf(principal);
    const now = this.clock.now();
    if (room.kind === 'ephemeral') {
      // Relayed to whoever is connected now, and nowhere else: no row, no log line, no audit.
      const message: RoomMessageResponse = {
        id: `e-${randomUUID()}`,
        roomId,
        seq: 0,
        author,
        text,
        mentions: mentionsIn(text),
        createdAt: new Date(now).toISOString(),
        editedAt: null,
        deleted: false,
        ephemeral: true,
        attachments,
      };
      await this.events.emit('room.message.posted', { message });
      return message;
    }
    const stored = await this.repository.insertMessage({
      roomId,
      authorId: author.id,
      authorName: author.username,
      authorDisplay: author.displayName,
      text,
      mentionIds: await this.mentionedIds(text),
      attachments: attachments.length ? JSON.stringify(attachments) : null,
      createdAt: now,
    });
    // The author's markers moved to it in the same transaction; their tabs know their own message as read.
    const message = toMessageResponse(stored);
    await this.events.emit('room.message.posted', { message });
    return message;
  }

  async edit(roomId: number, messageId: string, text: string, principal: Principal): Promise<RoomMessageResponse> {
    await this.rooms.requireWriter(roomId, principal);
    const message = await this.requireMessage(roomId, messageId);
    if (principal.kind !== 'user' || message.authorId !== principal.userId) {
      throw apiError('room.message_edit_author_only');
    }
    if (message.deletedAt !== null) throw apiError('room.message_deleted');
    await this.repository.editMessage(message.id, text, await this.mentionedIds(text), this.clock.now());
    const updated = toMessageResponse((await this.repository.findMessage(roomId, message.id))!);
    await this.events.emit('room.message.changed', { message: updated });
    return updated;
  }

  async delete(roomId: number, messageId: string, principal: Principal, actor: Actor): Promise<void> {
    const { room, membership } = await this.rooms.requireReader(roomId, principal);
    const message = await this.requireMessage(roomId, messageId);
    if (message.deletedAt !== null) return;
    const own = principal.kind === 'user' && message.authorId === principal.userId;
    if (!own && !isRoomManager(membership?.role)) {
      throw apiError('room.message_delete_forbidden');
    }
    await this.repository.deleteMessage(message.id, this.clock.now());
    const deleted = toMessageResponse((await this.repository.findMessage(roomId, message.id))!);
    await this.events.emit('room.message.changed', { message: deleted });
    if (!own) {
      // Moderation is audited; never the text.
      await this.events.emit('room.message.deleted', {
        actor,
        target: roomTarget(room),
        details: { message: message.seq, author: message.authorName },
      });
    }
  }

  /** A file a stored message of this room carries, for a reader of the room; audited as a download by them. */
  async attachment(
    roomId: number,
    messageId: string,
    fileId: string,
    principal: Principal,
    actor: Actor,
  ): Promise<ServedFile> {
    await this.rooms.requireReader(roomId, principal);
    const message = await this.requireMessage(roomId, messageId);
    const carried = message.deletedAt === null && attachmentsOf(message).some((a) => a.id === fileId);
    if (!carried) throw apiError('room.message_no_file', { message: String(messageId), file: fileId });
    const file = await this.files.openForSite(fileId, actor);
    if (!file) throw apiError('file.gone');
    return file;
  }

  /** Who a message reached and who read it: for its author and the room's managers. */
  async receipts(roomId: number, messageId: string, principal: Principal): Promise<RoomMessageReceiptsResponse> {
    const { membership } = await this.rooms.requireReader(roomId, principal);
    const message = await this.requireMessage(roomId, messageId);
    const own = principal.kind === 'user' && message.authorId === principal.userId;
    if (!own && !isRoomManager(membership?.role) && !(principal.kind === 'user' && principal.role === 'admin')) {
      throw apiError('room.receipts_forbidden');
    }
    const members = (await this.repository.membersOf(roomId)).filter((m) => m.userId !== message.authorId);
    const people = await this.rooms.people(members.map((m) => m.userId));
    const person = (id: number): RoomPerson => people.get(id) ?? { id, username: `user-${id}`, displayName: '' };
    return {
      seq: message.seq,
      deliveredTo: members.filter((m) => m.deliveredSeq >= message.seq).map((m) => person(m.userId)),
      readBy: members.filter((m) => m.readSeq >= message.seq).map((m) => person(m.userId)),
      waiting: members.filter((m) => m.deliveredSeq < message.seq).map((m) => person(m.userId)),
    };
  }

  async read(roomId: number, seq: number, principal: Principal): Promise<RoomReadResponse> {
    const { room, membership } = await this.rooms.requireReader(roomId, principal);
    if (principal.kind !== 'user' || !membership) throw apiError('room.not_member');
    return this.markRead(roomId, principal.userId, Math.min(seq, room.lastSeq));
  }

  /** A member's client received messages up to `seq` (live or by catch-up). */
  delivered(roomId: number, userId: number, seq: number): void {
    if (Number.isInteger(seq) && seq >= 1) this.deliveries.push({ roomId, userId, seq });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries.flush();
  }

  private async storeDelivered(moves: MarkerMove[]): Promise<void> {
    const stored = await this.repository.moveDelivered(moves);
    const byRoom = new Map<number, MarkerMove[]>();
    for (const move of stored) byRoom.set(move.roomId, [...(byRoom.get(move.roomId) ?? []), move]);
    for (const [roomId, members] of byRoom) {
      // Markers only grow: a readSeq of 0 here leaves the one a client knows as it is.
      await this.events.emit('room.receipts', {
        roomId,
        members: members.map((m) => ({ userId: m.userId, deliveredSeq: m.seq, readSeq: 0 })),
      });
    }
  }

  async search(q: string, principal: Principal): Promise<RoomSearchHit[]> {
    if (principal.kind !== 'user') return [];
    const roomIds = await this.rooms.roomIdsOf(principal.userId);
    const hits = await this.repository.search(roomIds, q, SEARCH_LIMIT);
    const names = new Map<number, string>();
    for (const id of new Set(hits.map((h) => h.roomId))) {
      names.set(id, (await this.repository.findRoom(id))?.name ?? '');
    }
    return hits.map((hit) => ({
      room: { id: hit.roomId, name: names.get(hit.roomId) ?? '' },
      message: toMessageResponse(hit),
    }));
  }

  /** The retention job's round: each room with a retention loses what is older. */
  async applyRetention(): Promise<number> {
    let deleted = 0;
    for (const room of await this.repository.roomsWithRetention()) {
      if (room.retentionDays === null) continue;
      deleted += await this.repository.deleteOlderThan(room.id, this.clock.now() - room.retentionDays * DAY_MS);
    }
    return deleted;
  }

  private async markRead(roomId: number, userId: number, seq: number): Promise<RoomReadResponse> {
    const member = await this.repository.moveRead(roomId, userId, seq);
    const counts = (await this.repository.unreadFor(userId)).get(roomId);
    const read: RoomReadResponse = {
      roomId,
      readSeq: member?.readSeq ?? 0,
      unread: counts?.unread ?? 0,
      mentions: counts?.mentions ?? 0,
    };
    if (member) {
      await this.events.emit('room.read', { userId, read });
      await this.events.emit('room.receipts', {
        roomId,
        members: [{ userId, deliveredSeq: member.deliveredSeq, readSeq: member.readSeq }],
      });
    }
    return read;
  }

  private async mentionedIds(text: string): Promise<number[]> {
    const ids: number[] = [];
    for (const username of mentionsIn(text).slice(0, MENTIONS_MAX)) {
      const account = await this.users.findAccountByUsername(username);
      if (account) ids.push(account.id);
    }
    return ids;
  }

  private async requireMessage(roomId: number, messageId: string): Promise<RoomMessageEntity> {
    const id = /^\d{1,15}$/.test(messageId) ? Number(messageId) : NaN;
    const message = Number.isNaN(id) ? null : await this.repository.findMessage(roomId, id);
    if (!message) throw apiError('room.message_not_found', { id: String(messageId) });
    return message;
  }
}

function authorOf(principal: Principal): RoomPerson {
  if (principal.kind === 'token') return { id: null, username: `token:${principal.name}`, displayName: principal.name };
  return { id: principal.userId, username: principal.username, displayName: principal.displayName };
}

export function toMessageResponse(entity: RoomMessageEntity): RoomMessageResponse {
  const deleted = entity.deletedAt !== null;
  return {
    id: String(entity.id),
    roomId: entity.roomId,
    seq: entity.seq,
    author: { id: entity.authorId, username: entity.authorName, displayName: entity.authorDisplay },
    text: deleted ? '' : entity.text,
    mentions: deleted ? [] : mentionsIn(entity.text),
    createdAt: new Date(entity.createdAt).toISOString(),
    editedAt: entity.editedAt === null ? null : new Date(entity.editedAt).toISOString(),
    deleted,
    ephemeral: false,
    attachments: deleted ? [] : attachmentsOf(entity),
  };
}

function attachmentsOf(entity: Pick<RoomMessageEntity, 'attachments'>): AlertAttachment[] {
  return entity.attachments ? (JSON.parse(entity.attachments) as AlertAttachment[]) : [];
}
