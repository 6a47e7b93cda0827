import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { RoomMemberResponse, RoomMessageResponse, RoomResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { LiveService } from '../core/live.service';
import { Notifier } from '../core/notifier';
import { SESSION_STORAGE } from '../core/session.store';
import { FakeLive, configureTestBed, loggedInStorage } from '../core/testing';
import { CATCH_UP_PAGE, ChatStore } from './chat.store';

const ROOM_ID = 7;
const ROOMS = '/api/v1/rooms';
const MESSAGES = `${ROOMS}/${ROOM_ID}/messages`;
const ME = 1;

function aRoom(extra: Partial<RoomResponse> = {}): RoomResponse {
  return {
    id: ROOM_ID,
    name: 'Turno de noche',
    description: '',
    kind: 'private',
    owner: { id: ME, username: 'ana', displayName: 'Ana Ruiz' },
    memberCount: 3,
    retentionDays: null,
    archived: false,
    hasPassword: false,
    code: null,
    createdAt: '2026-12-04T09:00:00.000Z',
    role: 'owner',
    lastSeq: 0,
    lastMessageAt: null,
    readSeq: 0,
    unread: 0,
    mentions: 0,
    ...extra,
  };
}

function aMessage(seq: number, extra: Partial<RoomMessageResponse> = {}): RoomMessageResponse {
  return {
    id: String(1000 + seq),
    roomId: ROOM_ID,
    seq,
    author: { id: 2, username: 'luis', displayName: 'Luis' },
    text: `mensaje ${seq}`,
    mentions: [],
    createdAt: new Date(Date.UTC(2026, 11, 4, 10, 0, seq)).toISOString(),
    editedAt: null,
    deleted: false,
    ephemeral: false,
    attachments: [],
    ...extra,
  };
}

function aMember(id: number, deliveredSeq: number, readSeq: number): RoomMemberResponse {
  return {
    id,
    username: `u${id}`,
    displayName: `User ${id}`,
    role: id === ME ? 'owner' : 'member',
    joinedAt: '2026-12-04T09:00:00.000Z',
    deliveredSeq,
    readSeq,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const newestFirst = (seqs: number[]) => [...seqs].reverse().map((seq) => aMessage(seq));

function setup() {
  const live = new FakeLive();
  const notifier = { info: vi.fn() };
  configureTestBed(
    [],
    [
      { provide: SESSION_STORAGE, useValue: loggedInStorage() },
      { provide: LiveService, useValue: live },
      { provide: Notifier, useValue: notifier },
    ],
  );
  const store = TestBed.inject(ChatStore);
  const http = TestBed.inject(HttpTestingController);
  const messagesRequest = (params: Record<string, string>): TestRequest =>
    http.expectOne(
      (r) =>
        r.url === MESSAGES &&
        Object.entries(params).every(([k, v]) => r.params.get(k) === v) &&
        r.params.keys().length === Object.keys(params).length,
    );
  /** The room list with `rooms`, then room 7 opened with `page` (newest first) and `members`. */
  const openRoom = (
    page: RoomMessageResponse[],
    members: RoomMemberResponse[] = [],
    room = aRoom(),
    nextCursor: string | null = null,
  ) => {
    store.start();
    http.expectOne(ROOMS).flush([room]);
    store.open(ROOM_ID);
    http.expectOne(`${ROOMS}/${ROOM_ID}`).flush(room);
    messagesRequest({ limit: '50' }).flush({ items: page, nextCursor });
    http.expectOne(`${ROOMS}/${ROOM_ID}/members`).flush(members);
  };
  const seqs = () => store.messages().map((m) => m.seq);
  const delivered = () => live.sent.filter((s) => s.event === 'room.delivered').map((s) => s.payload);
  return { store, http, live, notifier, openRoom, messagesRequest, seqs, delivered };
}

describe('ChatStore', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    vi.useRealTimers();
  });

  it('opens a room with its newest page in order, and tells the server what reached this tab', () => {
    const { store, openRoom, seqs, delivered } = setup();
    openRoom(newestFirst([1, 2, 3]), [aMember(ME, 3, 3), aMember(2, 3, 3)]);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(store.members().length).toBe(2);
    expect(delivered()).toEqual([{ roomId: ROOM_ID, seq: 3 }]);
  });

  it('keeps a message that arrives live and again in a page once, in its latest form', () => {
    const { store, live, openRoom, seqs } = setup();
    openRoom(newestFirst([1, 2]));
    live.roomMessage$.next(aMessage(3));
    live.roomMessageUpdated$.next(aMessage(2, { text: 'corregido', editedAt: '2026-12-04T10:05:00.000Z' }));
    live.roomMessage$.next(aMessage(3));
    expect(seqs()).toEqual([1, 2, 3]);
    expect(store.messages()[1].text).toBe('corregido');
  });

  it('loads older pages with the cursor, before what it holds', () => {
    const { store, openRoom, messagesRequest, seqs } = setup();
    openRoom(newestFirst(range(51, 100)), [], aRoom(), '51');
    store.loadOlder();
    store.loadOlder();
    expect(store.loadingOlder()).toBe(true);
    messagesRequest({ before: '51', limit: '50' }).flush({ items: newestFirst(range(1, 50)), nextCursor: null });
    expect(seqs()).toEqual(range(1, 100));
    expect(store.nextCursor()).toBeNull();
    expect(store.loadingOlder()).toBe(false);
  });

  it('catches up after a reconnect from the newest seq held, page after page, and shows nothing twice', () => {
    const { store, http, live, openRoom, messagesRequest, seqs, delivered } = setup();
    openRoom(newestFirst([1, 2, 3]));
    live.roomMessage$.next(aMessage(4));

    live.resynced$.next();
    http.expectOne(ROOMS).flush([aRoom()]);
    http.expectOne(`${ROOMS}/${ROOM_ID}/members`).flush([]);
    const firstPage = range(5, 4 + CATCH_UP_PAGE).map((seq) => aMessage(seq));
    // What came live while the catch-up was on its way is in its answer too.
    live.roomMessage$.next(aMessage(5));
    messagesRequest({ after: '4', limit: String(CATCH_UP_PAGE) }).flush({ items: firstPage, nextCursor: null });
    const last = 4 + CATCH_UP_PAGE;
    messagesRequest({ after: String(last), limit: String(CATCH_UP_PAGE) }).flush({
      items: [aMessage(last + 1)],
      nextCursor: null,
    });

    expect(seqs()).toEqual(range(1, last + 1));
    expect(store.messages().length).toBe(new Set(store.messages().map((m) => m.id)).size);
    expect(delivered()[0]).toEqual({ roomId: ROOM_ID, seq: 3 });
  });

  it('counts who got and read a message from the members’ markers, live, never its author', () => {
    const { store, live, openRoom } = setup();
    openRoom(
      [aMessage(4, { author: { id: ME, username: 'ana', displayName: 'Ana' } })],
      [aMember(ME, 4, 4), aMember(2, 3, 3), aMember(3, 4, 2)],
    );
    const mine = store.messages()[0];
    expect(store.countsFor(mine)).toEqual({ delivered: 1, read: 0, of: 2 });
    live.roomReceipts$.next({ roomId: ROOM_ID, members: [{ userId: 2, deliveredSeq: 4, readSeq: 4 }] });
    expect(store.countsFor(mine)).toEqual({ delivered: 2, read: 1, of: 2 });
    // A marker never moves back.
    live.roomReceipts$.next({ roomId: ROOM_ID, members: [{ userId: 2, deliveredSeq: 1, readSeq: 1 }] });
    expect(store.countsFor(mine)).toEqual({ delivered: 2, read: 1, of: 2 });
  });

  it('counts unread messages and mentions in the other rooms, and clears them when another tab reads', () => {
    const { store, http, live } = setup();
    store.start();
    http.expectOne(ROOMS).flush([aRoom(), aRoom({ id: 8, name: 'Almacén', role: 'member' })]);
    live.roomMessage$.next(aMessage(1, { roomId: 8 }));
    live.roomMessage$.next(aMessage(2, { roomId: 8, text: 'hola @ana', mentions: ['ana'] }));
    live.roomMessage$.next(aMessage(2, { roomId: 8 }));
    const other = () => store.rooms().find((r) => r.id === 8)!;
    expect(other()).toMatchObject({ unread: 2, mentions: 1, lastSeq: 2 });
    expect(store.totalUnread()).toBe(2);
    live.roomRead$.next({ roomId: 8, readSeq: 2, unread: 0, mentions: 0 });
    expect(store.totalUnread()).toBe(0);
  });

  it('moves the read marker to the newest message, while the "new messages" line stays where the reader was', () => {
    const { store, http, openRoom } = setup();
    openRoom(newestFirst([1, 2, 3, 4]), [], aRoom({ lastSeq: 4, readSeq: 2, unread: 2 }));
    expect(store.firstUnreadId()).toBe(aMessage(3).id);
    store.markRead();
    http.expectOne(`${ROOMS}/${ROOM_ID}/read`).flush({ roomId: ROOM_ID, readSeq: 4, unread: 0, mentions: 0 });
    store.markRead();
    expect(store.active()).toMatchObject({ readSeq: 4, unread: 0 });
    expect(store.firstUnreadId()).toBe(aMessage(3).id);
  });

  it('tells a member removed from the open room, and takes the room from their list', () => {
    const { store, live, notifier, openRoom } = setup();
    openRoom(newestFirst([1]));
    live.roomMembership$.next({
      roomId: ROOM_ID,
      member: { id: ME, username: 'ana', displayName: 'Ana' },
      role: null,
      memberCount: 2,
    });
    expect(store.lost()).toEqual({ key: 'chat.notice.removed', name: 'Turno de noche' });
    expect(notifier.info).toHaveBeenCalledWith('chat.notice.removed', { name: 'Turno de noche' });
    expect(store.activeId()).toBeNull();
    expect(store.messages()).toEqual([]);
    expect(store.rooms()).toEqual([]);
    // Messages of that room no longer show anywhere.
    live.roomMessage$.next(aMessage(2));
    expect(store.messages()).toEqual([]);
  });

  it('does not tell a member who leaves on purpose that they were removed', () => {
    const { store, http, live, notifier, openRoom } = setup();
    openRoom(newestFirst([1]));
    store.leave(aRoom()).subscribe();
    live.roomMembership$.next({
      roomId: ROOM_ID,
      member: { id: ME, username: 'ana', displayName: 'Ana' },
      role: null,
      memberCount: 2,
    });
    http.expectOne(`${ROOMS}/${ROOM_ID}/leave`).flush(null, { status: 204, statusText: 'No Content' });
    expect(notifier.info).not.toHaveBeenCalled();
    expect(store.rooms()).toEqual([]);
  });

  it('shows an ephemeral message once, from the answer or from the relay, whichever comes first', () => {
    const { store, http, live, openRoom } = setup();
    openRoom([], [], aRoom({ kind: 'ephemeral', code: 'abcd-efgh-jkmn-pqrs' }));
    const relayed = aMessage(0, { id: 'e-1', ephemeral: true, author: { id: ME, username: 'ana', displayName: 'A' } });
    store.send('efímero').subscribe();
    live.roomMessage$.next(relayed);
    http.expectOne(MESSAGES).flush(relayed);
    expect(store.messages().map((m) => m.id)).toEqual(['e-1']);
  });

  it('confirms delivery at most once a second per room, with the highest seq', () => {
    vi.useFakeTimers();
    const { store, http, live, delivered } = setup();
    store.start();
    http.expectOne(ROOMS).flush([aRoom({ id: 8, role: 'member' })]);
    for (const seq of [1, 2, 3]) live.roomMessage$.next(aMessage(seq, { roomId: 8 }));
    expect(delivered()).toEqual([{ roomId: 8, seq: 1 }]);
    vi.advanceTimersByTime(1000);
    expect(delivered()).toEqual([
      { roomId: 8, seq: 1 },
      { roomId: 8, seq: 3 },
    ]);
  });
});
