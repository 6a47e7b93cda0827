import type { RoomMemberResponse, RoomMessageResponse, RoomReceiptsPayload } from '@avisa/contracts';

/**
 * Messages in one room, by id, in order: stored ones by their room number, ephemeral ones (number 0) as they
 * arrived. A message seen twice (live, then again by catch-up) is kept once, in its latest form.
 */
export function mergeMessages(
  existing: readonly RoomMessageResponse[],
  incoming: readonly RoomMessageResponse[],
): RoomMessageResponse[] {
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq || a.createdAt.localeCompare(b.createdAt));
}

/** The highest stored message number held: where a catch-up after a reconnect starts. */
export function lastSeqOf(messages: readonly RoomMessageResponse[]): number {
  return messages.reduce((max, m) => Math.max(max, m.seq), 0);
}

/** Moves members' markers forward; a marker never moves back (a 0 in a push means "unchanged"). */
export function applyReceipts(
  members: readonly RoomMemberResponse[],
  receipts: RoomReceiptsPayload,
): RoomMemberResponse[] {
  const moves = new Map(receipts.members.map((m) => [m.userId, m]));
  return members.map((member) => {
    const move = moves.get(member.id);
    if (!move) return member;
    return {
      ...member,
      deliveredSeq: Math.max(member.deliveredSeq, move.deliveredSeq, move.readSeq),
      readSeq: Math.max(member.readSeq, move.readSeq),
    };
  });
}

export interface MessageCounts {
  delivered: number;
  read: number;
  /** The members it is meant for: everyone but its author. */
  of: number;
}

/** How many members (not its author) a message reached and how many read it, from their markers. */
export function countsFor(message: RoomMessageResponse, members: readonly RoomMemberResponse[]): MessageCounts {
  const others = members.filter((m) => m.id !== message.author.id);
  return {
    delivered: others.filter((m) => m.deliveredSeq >= message.seq).length,
    read: others.filter((m) => m.readSeq >= message.seq).length,
    of: others.length,
  };
}

/**
 * The first message by someone else after the reader's marker `after` (null: no marker known yet), where the
 * "new messages" line goes.
 */
export function firstUnreadOf(
  messages: readonly RoomMessageResponse[],
  after: number | null,
  myId: number | null,
): string | null {
  if (after === null) return null;
  return messages.find((m) => m.seq > after && m.author.id !== myId)?.id ?? null;
}
