import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { RoomEntity, RoomMemberEntity, RoomMessageEntity, RoomTokenEntity } from './room.entity';
import { RoomsRepository, type NewRoomMessage } from './rooms.repository';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const DAY = 86_400_000;

describe('RoomsRepository on a real SQLite file', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let repository: RoomsRepository;
  const users: Record<string, number> = {};

  beforeEach(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    repository = new RoomsRepository(
      ds.getRepository(RoomEntity),
      ds.getRepository(RoomMemberEntity),
      ds.getRepository(RoomMessageEntity),
      ds.getRepository(RoomTokenEntity),
      ds,
    );
    for (const name of ['ana', 'luis', 'marta']) {
      await ds.query(
        `INSERT INTO users (username, display_name, role, enabled, builtin, password_hash, created_at, updated_at)
         VALUES (?, ?, 'member', 1, 0, 'x', ?, ?)`,
        [name, name, T0, T0],
      );
      users[name] = ((await ds.query('SELECT id FROM users WHERE username = ?', [name])) as { id: number }[])[0].id;
    }
  });

  afterEach(() => db.dispose());

  const newRoom = (name: string, retentionDays: number | null = null) =>
    repository.createRoom(
      {
        name,
        nameKey: name.toLowerCase(),
        description: '',
        kind: 'private',
        code: null,
        passwordHash: null,
        retentionDays,
        createdAt: T0,
        updatedAt: T0,
      },
      users.ana,
    );
  const message = (
    roomId: number,
    text: string,
    at = T0,
    author = 'ana',
    mentionIds: number[] = [],
  ): NewRoomMessage => ({
    roomId,
    authorId: users[author],
    authorName: author,
    authorDisplay: author,
    text,
    mentionIds,
    attachments: null,
    createdAt: at,
  });

  it("numbers each room's messages 1, 2, 3… even when posted together across rooms", async () => {
    const [a, b] = [await newRoom('A'), await newRoom('B')];
    const stored = await Promise.all([
      repository.insertMessage(message(a.id, 'a1')),
      repository.insertMessage(message(b.id, 'b1')),
      repository.insertMessage(message(a.id, 'a2')),
      repository.insertMessage(message(a.id, 'a3')),
    ]);
    expect(stored.map((m) => [m.text, m.seq])).toEqual([
      ['a1', 1],
      ['b1', 1],
      ['a2', 2],
      ['a3', 3],
    ]);
    expect((await repository.findRoom(a.id))!.lastSeq).toBe(3);
  });

  it('pages newest first before a seq, and oldest first after one', async () => {
    const room = await newRoom('Paged');
    for (let i = 1; i <= 5; i++) await repository.insertMessage(message(room.id, `m${i}`));
    expect((await repository.pageBefore(room.id, null, 2)).map((m) => m.seq)).toEqual([5, 4]);
    expect((await repository.pageBefore(room.id, 4, 2)).map((m) => m.seq)).toEqual([3, 2]);
    expect((await repository.pageAfter(room.id, 3, 10)).map((m) => m.seq)).toEqual([4, 5]);
  });

  it("counts a member's unread messages by others, and their mentions, past the read marker", async () => {
    const room = await newRoom('Counts');
    await repository.addMember(room.id, users.luis, 'member', T0);
    await repository.insertMessage(message(room.id, 'mine', T0, 'luis'));
    await repository.insertMessage(message(room.id, 'one'));
    await repository.insertMessage(message(room.id, '@luis two', T0, 'ana', [users.luis]));
    expect((await repository.unreadFor(users.luis)).get(room.id)).toEqual({ unread: 2, mentions: 1 });
    // Posting moved each author's read marker to their own message: ana has read everything, luis up to his.
    expect((await repository.unreadInRoom(room.id)).get(users.ana)).toBeUndefined();
    expect(await repository.member(room.id, users.luis)).toMatchObject({ readSeq: 1, deliveredSeq: 1 });
    await repository.moveRead(room.id, users.luis, 3);
    expect((await repository.unreadFor(users.luis)).get(room.id)).toBeUndefined();
  });

  it('moves markers only forward, and keeps the highest delivered per member from a batch', async () => {
    const room = await newRoom('Markers');
    await repository.addMember(room.id, users.luis, 'member', T0);
    const moved = await repository.moveDelivered([
      { roomId: room.id, userId: users.luis, seq: 3 },
      { roomId: room.id, userId: users.luis, seq: 5 },
      { roomId: room.id, userId: users.luis, seq: 4 },
    ]);
    expect(moved).toEqual([{ roomId: room.id, userId: users.luis, seq: 5 }]);
    await repository.moveDelivered([{ roomId: room.id, userId: users.luis, seq: 2 }]);
    expect(await repository.member(room.id, users.luis)).toMatchObject({ deliveredSeq: 5, readSeq: 0 });
    await repository.moveRead(room.id, users.luis, 7);
    await repository.moveRead(room.id, users.luis, 6);
    expect(await repository.member(room.id, users.luis)).toMatchObject({ deliveredSeq: 7, readSeq: 7 });
  });

  it('deletes only what is older than the retention, and never renumbers what stays', async () => {
    const room = await newRoom('Kept 7 days', 7);
    await repository.insertMessage(message(room.id, 'old', T0 - 8 * DAY));
    await repository.insertMessage(message(room.id, 'recent', T0 - DAY));
    expect(await repository.deleteOlderThan(room.id, T0 - 7 * DAY)).toBe(1);
    expect((await repository.pageBefore(room.id, null, 10)).map((m) => [m.text, m.seq])).toEqual([['recent', 2]]);
    expect((await repository.roomsWithRetention()).map((r) => r.name)).toEqual(['Kept 7 days']);
  });

  it('searches the given rooms only, ignoring case, with % and _ taken literally', async () => {
    const [mine, other] = [await newRoom('Mine'), await newRoom('Other')];
    await repository.insertMessage(message(mine.id, 'Fridge at 100% OK'));
    await repository.insertMessage(message(mine.id, 'fridge_log ready'));
    await repository.insertMessage(message(other.id, 'fridge in the other room'));
    expect((await repository.search([mine.id], 'FRIDGE', 10)).map((m) => m.text).sort()).toEqual([
      'Fridge at 100% OK',
      'fridge_log ready',
    ]);
    expect((await repository.search([mine.id], '100%', 10)).map((m) => m.text)).toEqual(['Fridge at 100% OK']);
    expect((await repository.search([mine.id], 'e_l', 10)).map((m) => m.text)).toEqual(['fridge_log ready']);
    expect(await repository.search([], 'fridge', 10)).toEqual([]);
  });
});
