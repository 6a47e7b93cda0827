import type { RoomMemberResponse, RoomMessageResponse } from '@avisa/contracts';
import { applyReceipts, countsFor, lastSeqOf, mergeMessages } from './chat-state';

const message = (seq: number, text = `m${seq}`, authorId = 1): RoomMessageResponse => ({
  id: seq ? String(100 + seq) : `e-${text}`,
  roomId: 7,
  seq,
  author: { id: authorId, username: `u${authorId}`, displayName: `User ${authorId}` },
  text,
  mentions: [],
  createdAt: `2026-12-04T10:00:${String(seq).padStart(2, '0')}.000Z`,
  editedAt: null,
  deleted: false,
  ephemeral: seq === 0,
  attachments: [],
});

const member = (id: number, deliveredSeq: number, readSeq: number): RoomMemberResponse => ({
  id,
  username: `u${id}`,
  displayName: `User ${id}`,
  role: 'member',
  joinedAt: '2026-12-04T09:00:00.000Z',
  deliveredSeq,
  readSeq,
});

describe('mergeMessages', () => {
  it('keeps messages in room order, each once, in its latest form', () => {
    const live = [message(3), message(4)];
    const caughtUp = [message(1), message(2), message(3), { ...message(4), text: 'edited' }];
    const merged = mergeMessages(live, caughtUp);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(merged[3].text).toBe('edited');
    expect(lastSeqOf(merged)).toBe(4);
  });

  it('keeps ephemeral messages in the order they arrived', () => {
    const merged = mergeMessages([message(0, 'a')], [{ ...message(0, 'b'), createdAt: '2026-12-04T10:01:00.000Z' }]);
    expect(merged.map((m) => m.text)).toEqual(['a', 'b']);
  });
});

describe('receipts', () => {
  it('moves markers only forward', () => {
    const members = [member(2, 5, 3)];
    const moved = applyReceipts(members, { roomId: 7, members: [{ userId: 2, deliveredSeq: 4, readSeq: 0 }] });
    expect(moved[0]).toMatchObject({ deliveredSeq: 5, readSeq: 3 });
    const read = applyReceipts(moved, { roomId: 7, members: [{ userId: 2, deliveredSeq: 6, readSeq: 6 }] });
    expect(read[0]).toMatchObject({ deliveredSeq: 6, readSeq: 6 });
  });

  it('counts a message as delivered and read by the members past it, never its author', () => {
    const members = [member(1, 9, 9), member(2, 5, 4), member(3, 3, 3)];
    expect(countsFor(message(4, 'x', 1), members)).toEqual({ delivered: 1, read: 1, of: 2 });
    expect(countsFor(message(3, 'x', 1), members)).toEqual({ delivered: 2, read: 2, of: 2 });
  });
});
