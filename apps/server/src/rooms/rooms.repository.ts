import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { RoomRole } from '@avisa/contracts';
import { DataSource, EntityManager, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { EntityStatements } from '../database/entity-statements';
import { Sql } from '../database/sql';
import { WriteBatcher } from '../database/write-batcher';
import { RoomEntity, RoomMemberEntity, RoomMessageEntity, RoomTokenEntity } from './room.entity';

export interface NewRoomMessage {
  roomId: number;
  authorId: number | null;
  authorName: string;
  authorDisplay: string;
  text: string;
  /** The mentioned users' ids. */
  mentionIds: number[];
  /** AlertAttachment[] as JSON, or null. */
  attachments: string | null;
  createdAt: number;
}

export interface MarkerMove {
  roomId: number;
  userId: number;
  seq: number;
}

export interface UnreadCounts {
  unread: number;
  mentions: number;
}

/** ` 3 17 `: ids between spaces, so `LIKE '% 17 %'` finds one. */
export const mentionColumn = (ids: readonly number[]): string => (ids.length ? ` ${ids.join(' ')} ` : '');

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class RoomsRepository implements OnApplicationShutdown {
  private readonly sql: Sql;
  private readonly fixedMessages: EntityStatements<RoomMessageEntity>;
  /** Every post and read checks the room and the caller's membership: prepared once, not per id. */
  private readonly fixedRooms: EntityStatements<RoomEntity>;
  private readonly fixedMembers: EntityStatements<RoomMemberEntity>;

  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(RoomMessageEntity) private readonly messages: Repository<RoomMessageEntity>,
    @InjectRepository(RoomTokenEntity) private readonly tokens: Repository<RoomTokenEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.sql = Sql.for(dataSource);
    this.fixedMessages = new EntityStatements(dataSource, RoomMessageEntity);
    this.fixedRooms = new EntityStatements(dataSource, RoomEntity);
    this.fixedMembers = new EntityStatements(dataSource, RoomMemberEntity);
  }

  /** Messages posted together share one commit; a lone message waits 1 ms at most. */
  private readonly posted = new WriteBatcher<NewRoomMessage, RoomMessageEntity>((batch) => this.insertNow(batch), {
    delayMs: 1,
    maxItems: 200,
  });

  async onApplicationShutdown(): Promise<void> {
    await this.posted.flush();
  }

  // Rooms

  findRoom(id: number): Promise<RoomEntity | null> {
    return this.fixedRooms.findOneBy('id', id);
  }

  findByCode(code: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ code });
  }

  findByNameKey(nameKey: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ nameKey });
  }

  /** The room and its owner's membership, together. */
  async createRoom(room: Omit<RoomEntity, 'id' | 'lastSeq' | 'lastMessageAt' | 'archivedAt'>, ownerId: number) {
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(RoomEntity, manager.create(RoomEntity, { ...room, lastSeq: 0 }));
      await manager.insert(RoomMemberEntity, {
        roomId: saved.id,
        userId: ownerId,
        role: 'owner',
        deliveredSeq: 0,
        readSeq: 0,
        joinedAt: room.createdAt,
      });
      return saved;
    });
  }

  async updateRoom(id: number, patch: Partial<RoomEntity>): Promise<void> {
    await this.rooms.update({ id }, patch);
  }

  async deleteRoom(id: number): Promise<void> {
    await this.rooms.delete({ id });
  }

  /** The user's rooms and, with `publicToo`, every public room; `all` gives every room (an admin's view). */
  async listRooms(userId: number, scope: 'mine' | 'all'): Promise<RoomEntity[]> {
    if (scope === 'all') return this.rooms.find({ order: { name: 'ASC' } });
    const mine = await this.members.find({ where: { userId }, select: { roomId: true } });
    return this.rooms.find({
      where: [{ id: In(mine.map((m) => m.roomId)) }, { kind: 'public' }],
      order: { name: 'ASC' },
    });
  }

  roomsWithRetention(): Promise<RoomEntity[]> {
    return this.rooms.findBy({ retentionDays: Not(IsNull()) });
  }

  // Members

  async member(roomId: number, userId: number): Promise<RoomMemberEntity | null> {
    const [member] = await this.fixedMembers.select(this.sql.statement`room_id = ${roomId} AND user_id = ${userId}`);
    return member ?? null;
  }

  membersOf(roomId: number): Promise<RoomMemberEntity[]> {
    return this.members.find({ where: { roomId }, order: { joinedAt: 'ASC', userId: 'ASC' } });
  }

  membershipsOf(userId: number): Promise<RoomMemberEntity[]> {
    return this.members.findBy({ userId });
  }

  async memberCounts(roomIds: readonly number[]): Promise<Map<number, number>> {
    if (!roomIds.length) return new Map();
    const rows = await this.members
      .createQueryBuilder('m')
      .select('m.room_id', 'roomId')
      .addSelect('COUNT(*)', 'count')
      .where('m.room_id IN (:...roomIds)', { roomIds })
      .groupBy('m.room_id')
      .getRawMany<{ roomId: number; count: string | number }>();
    return new Map(rows.map((r) => [Number(r.roomId), Number(r.count)]));
  }

  async owners(roomIds: readonly number[]): Promise<Map<number, number>> {
    if (!roomIds.length) return new Map();
    const rows = await this.members.findBy({ roomId: In([...roomIds]), role: 'owner' });
    return new Map(rows.map((r) => [r.roomId, r.userId]));
  }

  async addMember(roomId: number, userId: number, role: RoomRole, at: number): Promise<RoomMemberEntity> {
    const member = this.members.create({ roomId, userId, role, deliveredSeq: 0, readSeq: 0, joinedAt: at });
    await this.members.insert(member);
    return member;
  }

  async setRole(roomId: number, userId: number, role: RoomRole): Promise<void> {
    await this.members.update({ roomId, userId }, { role });
  }

  /** Ownership moves in one transaction: there is always exactly one owner. */
  async handOver(roomId: number, fromUserId: number, toUserId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(RoomMemberEntity, { roomId, userId: fromUserId }, { role: 'moderator' });
      await manager.update(RoomMemberEntity, { roomId, userId: toUserId }, { role: 'owner' });
    });
  }

  async removeMember(roomId: number, userId: number): Promise<void> {
    await this.members.delete({ roomId, userId });
  }

  /** Moves a member's read marker forward (and the delivered one with it); answers the marker as it is now. */
  async moveRead(roomId: number, userId: number, seq: number): Promise<RoomMemberEntity | null> {
    await this.dataSource.transaction(async (manager) => {
      await this.run(
        manager,
        this.sql
          .statement`UPDATE room_members SET read_seq = ${seq} WHERE room_id = ${roomId} AND user_id = ${userId} AND read_seq < ${seq}`,
      );
      await this.run(
        manager,
        this.sql
          .statement`UPDATE room_members SET delivered_seq = ${seq} WHERE room_id = ${roomId} AND user_id = ${userId} AND delivered_seq < ${seq}`,
      );
    });
    return this.member(roomId, userId);
  }

  /** Unread messages (by others, not deleted) and unread mentions of `userId`, per room of theirs. */
  async unreadFor(userId: number): Promise<Map<number, UnreadCounts>> {
    const like = `% ${userId} %`;
    const statement = this.sql.statement`
      SELECT m.room_id AS room_id, COUNT(*) AS unread,
             SUM(CASE WHEN m.mentions LIKE ${like} THEN 1 ELSE 0 END) AS mentions
      FROM room_members rm JOIN room_messages m ON m.room_id = rm.room_id AND m.seq > rm.read_seq
      WHERE rm.user_id = ${userId} AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> ${userId})
      GROUP BY m.room_id`;
    const rows = (await this.dataSource.query(statement.text, statement.params)) as {
      room_id: number;
      unread: string | number;
      mentions: string | number | null;
    }[];
    return new Map(
      rows.map((r) => [Number(r.room_id), { unread: Number(r.unread), mentions: Number(r.mentions ?? 0) }]),
    );
  }

  /** The same counts for every member of one room. */
  async unreadInRoom(roomId: number): Promise<Map<number, UnreadCounts>> {
    const statement = this.sql.statement`
      SELECT rm.user_id AS user_id, COUNT(*) AS unread,
             SUM(CASE WHEN m.mentions LIKE ('% ' || rm.user_id || ' %') THEN 1 ELSE 0 END) AS mentions
      FROM room_members rm JOIN room_messages m ON m.room_id = rm.room_id AND m.seq > rm.read_seq
      WHERE rm.room_id = ${roomId} AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> rm.user_id)
      GROUP BY rm.user_id`;
    const rows = (await this.dataSource.query(statement.text, statement.params)) as {
      user_id: number;
      unread: string | number;
      mentions: string | number | null;
    }[];
    return new Map(
      rows.map((r) => [Number(r.user_id), { unread: Number(r.unread), mentions: Number(r.mentions ?? 0) }]),
    );
  }

  // Messages

  /** Stores a message with the room's next number; resolves once committed. */
  async insertMessage(message: NewRoomMessage): Promise<RoomMessageEntity> {
    const [stored] = await this.posted.add(message);
    return stored;
  }

  findMessage(roomId: number, id: number): Promise<RoomMessageEntity | null> {
    return this.messages.findOneBy({ roomId, id });
  }

  findMessageBySeq(roomId: number, seq: number): Promise<RoomMessageEntity | null> {
    return this.messages.findOneBy({ roomId, seq });
  }

  /** Newest first, before `beforeSeq` (exclusive) when given. */
  pageBefore(roomId: number, beforeSeq: number | null, limit: number): Promise<RoomMessageEntity[]> {
    return this.messages.find({
      where: beforeSeq === null ? { roomId } : { roomId, seq: LessThan(beforeSeq) },
      order: { seq: 'DESC' },
      take: limit,
    });
  }

  /** Oldest first, after `afterSeq`: what a reconnecting client missed. */
  pageAfter(roomId: number, afterSeq: number, limit: number): Promise<RoomMessageEntity[]> {
    return this.messages
      .createQueryBuilder('m')
      .where('m.room_id = :roomId AND m.seq > :afterSeq', { roomId, afterSeq })
      .orderBy('m.seq', 'ASC')
      .take(limit)
      .getMany();
  }

  async editMessage(id: number, text: string, mentionIds: number[], at: number): Promise<void> {
    await this.messages.update({ id }, { text, mentions: mentionColumn(mentionIds), editedAt: at });
  }

  /** The text goes: a deleted message keeps only its place in the conversation. */
  async deleteMessage(id: number, at: number): Promise<void> {
    await this.messages.update({ id }, { text: '', mentions: '', deletedAt: at });
  }

  /** Messages whose text holds `query` (ignoring case), in the given rooms only, newest first. */
  search(roomIds: readonly number[], query: string, limit: number): Promise<RoomMessageEntity[]> {
    if (!roomIds.length) return Promise.resolve([]);
    return this.messages
      .createQueryBuilder('m')
      .where('m.room_id IN (:...roomIds)', { roomIds })
      .andWhere('m.deleted_at IS NULL')
      .andWhere("LOWER(m.text) LIKE :pattern ESCAPE '\\'", { pattern: `%${escapeLike(query.toLowerCase())}%` })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .take(limit)
      .getMany();
  }

  /** Deletes a room's messages older than `before`; answers how many went. */
  async deleteOlderThan(roomId: number, before: number): Promise<number> {
    const result = await this.messages.delete({ roomId, createdAt: LessThan(before) });
    return result.affected ?? 0;
  }

  // Tokens

  tokenGrants(roomId: number): Promise<RoomTokenEntity[]> {
    return this.tokens.find({ where: { roomId }, order: { tokenId: 'ASC' } });
  }

  async hasTokenGrant(roomId: number, tokenId: number): Promise<boolean> {
    return (await this.tokens.countBy({ roomId, tokenId })) > 0;
  }

  async grantToken(roomId: number, tokenId: number, at: number): Promise<boolean> {
    if (await this.hasTokenGrant(roomId, tokenId)) return false;
    await this.tokens.insert({ roomId, tokenId, grantedAt: at });
    return true;
  }

  async revokeToken(roomId: number, tokenId: number): Promise<boolean> {
    return ((await this.tokens.delete({ roomId, tokenId })).affected ?? 0) > 0;
  }

  /**
   * Each message takes its room's next number (the row lock the UPDATE takes on PostgreSQL orders a room's messages,
   * so numbers commit in order) and moves its author's markers to it; the messages are then written together. Fixed
   * statements: at 200 messages a second the ORM's query building was most of the cost.
   */
  private async insertNow(batch: readonly NewRoomMessage[]): Promise<RoomMessageEntity[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: RoomMessageEntity[] = [];
      for (const message of batch) {
        const { roomId, authorId, createdAt } = message;
        await this.run(
          manager,
          this.sql
            .statement`UPDATE rooms SET last_seq = last_seq + 1, last_message_at = ${createdAt} WHERE id = ${roomId}`,
        );
        const [room] = await this.rows<{ last_seq: number | string }>(
          manager,
          this.sql.statement`SELECT last_seq FROM rooms WHERE id = ${roomId}`,
        );
        const seq = Number(room.last_seq);
        if (authorId !== null) {
          await this.run(
            manager,
            this.sql
              .statement`UPDATE room_members SET read_seq = ${seq}, delivered_seq = ${seq} WHERE room_id = ${roomId} AND user_id = ${authorId}`,
          );
        }
        rows.push({
          id: 0,
          roomId,
          seq,
          authorId,
          authorName: message.authorName,
          authorDisplay: message.authorDisplay,
          text: message.text,
          mentions: mentionColumn(message.mentionIds),
          attachments: message.attachments,
          createdAt,
          editedAt: null,
          deletedAt: null,
        });
      }
      await this.fixedMessages.insertMany(rows, manager);
      for (const row of rows) {
        const [stored] = await this.rows<{ id: number | string }>(
          manager,
          this.sql.statement`SELECT id FROM room_messages WHERE room_id = ${row.roomId} AND seq = ${row.seq}`,
        );
        row.id = Number(stored.id);
      }
      return rows;
    });
  }

  private async rows<T>(manager: EntityManager, statement: { text: string; params: unknown[] }): Promise<T[]> {
    return (await manager.query(statement.text, statement.params)) as T[];
  }

  /** Moves delivered markers forward in one transaction; answers the highest move per member. */
  async moveDelivered(moves: readonly MarkerMove[]): Promise<MarkerMove[]> {
    const highest = new Map<string, MarkerMove>();
    for (const move of moves) {
      const key = `${move.roomId}:${move.userId}`;
      const known = highest.get(key);
      if (!known || known.seq < move.seq) highest.set(key, move);
    }
    await this.dataSource.transaction(async (manager) => {
      for (const { roomId, userId, seq } of highest.values()) {
        await this.run(
          manager,
          this.sql
            .statement`UPDATE room_members SET delivered_seq = ${seq} WHERE room_id = ${roomId} AND user_id = ${userId} AND delivered_seq < ${seq}`,
        );
      }
    });
    return [...highest.values()];
  }

  private async run(manager: EntityManager, statement: { text: string; params: unknown[] }): Promise<void> {
    await manager.query(statement.text, statement.params);
  }
}
