import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  isRoomManager,
  type CreateRoomRequest,
  type RoomMemberResponse,
  type RoomMembershipPayload,
  type RoomMessageResponse,
  type RoomPerson,
  type RoomResponse,
  type RoomRole,
  type UpdateRoomRequest,
} from '@avisa/contracts';
import { EMPTY, finalize, type Observable, tap } from 'rxjs';
import { LiveService } from '../core/live.service';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat.api';
import { applyReceipts, countsFor, firstUnreadOf, lastSeqOf, mergeMessages, type MessageCounts } from './chat-state';

export const PAGE = 50;
/** A catch-up after a reconnect asks for this many at a time until a short page says it is complete. */
export const CATCH_UP_PAGE = 200;
const TYPING_SHOWN_MS = 4000;
const DELIVERED_EVERY_MS = 1000;

export interface Typist {
  userId: number;
  name: string;
  until: number;
}

/**
 * The chat as this tab knows it: the user's rooms with their badges, and the open room's messages, members and who
 * is typing, kept live from the socket. Changes go through here so the state follows every answer; a reconnect
 * reloads the list and fetches what the open room missed.
 */
@Injectable({ providedIn: 'root' })
export class ChatStore {
  private readonly api = inject(ChatApi);
  private readonly live = inject(LiveService);
  private readonly session = inject(SessionStore);
  private readonly notifier = inject(Notifier);

  readonly rooms = signal<RoomResponse[]>([]);
  readonly showAll = signal(false);
  readonly activeId = signal<number | null>(null);
  readonly messages = signal<RoomMessageResponse[]>([]);
  readonly members = signal<RoomMemberResponse[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loadingOlder = signal(false);
  readonly typists = signal<Typist[]>([]);
  /** Set when the open room was taken away (removed, deleted) or could not be opened: the notice to show. */
  readonly lost = signal<{ key: string; name: string } | null>(null);
  /**
   * "New messages from here": the reader's marker when they opened the room or came back to the tab. It stays put
   * while they read, so the line does not vanish under their eyes.
   */
  readonly unreadAfter = signal<number | null>(null);

  readonly active = computed(() => this.rooms().find((r) => r.id === this.activeId()) ?? null);
  readonly myId = computed(() => this.session.user()?.id ?? null);
  readonly myUsername = computed(() => this.session.user()?.username ?? '');
  readonly isManager = computed(() => isRoomManager(this.active()?.role));
  readonly canWrite = computed(() => {
    const room = this.active();
    return !!room?.role && !room.archived;
  });
  /** The user's rooms, latest activity first, and the others they see (public ones, or every room for an admin). */
  readonly lists = computed(() => {
    const byActivity = (a: RoomResponse, b: RoomResponse) =>
      (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt) || a.name.localeCompare(b.name);
    const all = this.rooms();
    return {
      mine: all.filter((r) => r.role).sort(byActivity),
      others: all.filter((r) => !r.role).sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
  readonly totalUnread = computed(() => this.rooms().reduce((sum, r) => sum + (r.role ? r.unread : 0), 0));
  /** The first message by someone else past the "new messages" line, or null. */
  readonly firstUnreadId = computed(() => firstUnreadOf(this.messages(), this.unreadAfter(), this.myId()));

  private startedFor: number | null = null;
  private readonly deliveredPending = new Map<number, { seq: number }>();
  /** Rooms this tab is leaving or deleting: their "you were removed" notice would be wrong. */
  private readonly departing = new Set<number>();

  constructor() {
    const destroyRef = inject(DestroyRef);
    const live = this.live;
    live.roomMessage$.pipe(takeUntilDestroyed(destroyRef)).subscribe((m) => this.received(m));
    live.roomMessageUpdated$.pipe(takeUntilDestroyed(destroyRef)).subscribe((m) => this.merge(m.roomId, [m]));
    live.roomMembership$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => this.membership(p));
    live.roomReceipts$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => {
      if (this.isActive(p.roomId)) this.members.update((all) => applyReceipts(all, p));
    });
    live.roomTyping$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => this.someoneTyping(p.roomId, p.user));
    live.roomDeleted$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ roomId }) => {
      if (this.isActive(roomId) && !this.departing.has(roomId)) this.lose('chat.notice.deleted');
      this.drop(roomId);
    });
    live.roomList$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ roomId, room }) => {
      if (!room && this.isActive(roomId) && !this.departing.has(roomId) && !this.lost()) {
        this.lose('chat.notice.removed');
      }
      this.upsert(roomId, room);
    });
    live.roomRead$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((read) =>
        this.patchRoom(read.roomId, { readSeq: read.readSeq, unread: read.unread, mentions: read.mentions }),
      );
    live.resynced$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.resync());
  }

  /** Loads the room list once per session; the socket keeps it current after that. */
  start(): void {
    const userId = this.myId();
    if (this.startedFor === userId) return;
    this.startedFor = userId;
    this.rooms.set([]);
    this.showAll.set(false);
    this.loadRooms();
  }

  loadRooms(): void {
    this.api.rooms(this.showAll()).subscribe({ next: (rooms) => this.rooms.set(rooms), error: () => undefined });
  }

  /** An admin's view of every room, or back to their own and the public ones. */
  setShowAll(all: boolean): void {
    this.showAll.set(all);
    this.loadRooms();
  }

  /** Leaves the open room's view (the chat screen closed); the room list stays live for the badges. */
  close(): void {
    this.open(null);
    this.lost.set(null);
  }

  /** Opens a room: its newest page and its members; tells the server what reached this tab. */
  open(roomId: number | null): void {
    if (roomId !== null && this.isActive(roomId)) return;
    this.activeId.set(roomId);
    this.messages.set([]);
    this.members.set([]);
    this.typists.set([]);
    this.nextCursor.set(null);
    this.loadingOlder.set(false);
    this.unreadAfter.set(null);
    if (roomId === null) return;
    this.lost.set(null);
    const known = this.rooms().find((r) => r.id === roomId);
    if (known) this.unreadAfter.set(known.readSeq);
    this.api.room(roomId).subscribe({
      next: (room) => {
        this.upsert(room.id, room);
        if (this.isActive(roomId) && this.unreadAfter() === null) this.unreadAfter.set(room.readSeq);
      },
      error: () => this.isActive(roomId) && this.lose('chat.notice.unavailable'),
    });
    this.api.messages(roomId, { limit: PAGE }).subscribe({
      next: (page) => {
        if (!this.isActive(roomId)) return;
        this.merge(roomId, page.items);
        this.nextCursor.set(page.nextCursor);
        this.acknowledge(roomId);
      },
      // A public room not joined yet, or an ephemeral one an admin looks at, has no history to show them.
      error: () => undefined,
    });
    this.loadMembers(roomId);
  }

  loadMembers(roomId: number): void {
    this.api.members(roomId).subscribe({
      next: (members) => this.isActive(roomId) && this.members.set(members),
      error: () => undefined,
    });
  }

  /** The page before the oldest one shown. */
  loadOlder(): void {
    const roomId = this.activeId();
    const cursor = this.nextCursor();
    if (roomId === null || !cursor || this.loadingOlder()) return;
    this.loadingOlder.set(true);
    this.api
      .messages(roomId, { before: cursor, limit: PAGE })
      .pipe(finalize(() => this.isActive(roomId) && this.loadingOlder.set(false)))
      .subscribe({
        next: (page) => {
          if (!this.isActive(roomId)) return;
          this.merge(roomId, page.items);
          this.nextCursor.set(page.nextCursor);
        },
        error: () => undefined,
      });
  }

  /** "Read up to here": the newest message of the open room, once this tab shows it in front of the reader. */
  markRead(): void {
    const room = this.active();
    const seq = lastSeqOf(this.messages());
    if (!room?.role || seq <= room.readSeq) return;
    this.patchRoom(room.id, { readSeq: seq, unread: 0, mentions: 0 });
    this.api.read(room.id, seq).subscribe({
      next: (read) =>
        this.patchRoom(read.roomId, { readSeq: read.readSeq, unread: read.unread, mentions: read.mentions }),
      error: () => undefined,
    });
  }

  /** The reader is back (the tab regained focus): the "new messages" line moves to where they left off. */
  returned(): void {
    const room = this.active();
    if (room && lastSeqOf(this.messages()) > room.readSeq) this.unreadAfter.set(room.readSeq);
  }

  typing(): void {
    const roomId = this.activeId();
    if (roomId !== null && this.canWrite()) this.live.send('room.typing', { roomId });
  }

  countsFor(message: RoomMessageResponse): MessageCounts {
    return countsFor(message, this.members());
  }

  // Changes: each answer is applied here as soon as it arrives, whatever the socket does afterwards.

  send(text: string, attachments: string[] = []): Observable<RoomMessageResponse> {
    const roomId = this.activeId();
    if (roomId === null) return EMPTY;
    return this.api.post(roomId, text, attachments).pipe(tap((message) => this.merge(roomId, [message])));
  }

  edit(message: RoomMessageResponse, text: string): Observable<RoomMessageResponse> {
    return this.api.edit(message.roomId, message.id, text).pipe(tap((m) => this.merge(m.roomId, [m])));
  }

  deleteMessage(message: RoomMessageResponse): Observable<void> {
    return this.api
      .deleteMessage(message.roomId, message.id)
      .pipe(tap(() => this.merge(message.roomId, [{ ...message, text: '', deleted: true, attachments: [] }])));
  }

  receipts(message: RoomMessageResponse) {
    return this.api.receipts(message.roomId, message.id);
  }

  create(request: CreateRoomRequest): Observable<RoomResponse> {
    return this.api.create(request).pipe(tap((room) => this.upsert(room.id, room)));
  }

  joinWithCode(code: string, password: string): Observable<RoomResponse> {
    return this.api.joinWithCode(code, password).pipe(tap((room) => this.upsert(room.id, room)));
  }

  join(roomId: number): Observable<RoomResponse> {
    return this.api.join(roomId).pipe(tap((room) => this.upsert(room.id, room)));
  }

  leave(room: RoomResponse): Observable<void> {
    this.departing.add(room.id);
    return this.api.leave(room.id).pipe(
      tap(() => this.upsert(room.id, room.kind === 'public' ? { ...room, role: null, unread: 0, mentions: 0 } : null)),
      finalize(() => this.departing.delete(room.id)),
    );
  }

  deleteRoom(room: RoomResponse): Observable<void> {
    this.departing.add(room.id);
    return this.api.delete(room.id).pipe(
      tap(() => this.drop(room.id)),
      finalize(() => this.departing.delete(room.id)),
    );
  }

  update(roomId: number, request: UpdateRoomRequest): Observable<RoomResponse> {
    return this.api.update(roomId, request).pipe(tap((room) => this.upsert(room.id, room)));
  }

  candidates(q: string): Observable<RoomPerson[]> {
    const roomId = this.activeId();
    return roomId === null ? EMPTY : this.api.candidates(roomId, q);
  }

  setMember(userId: number, role: RoomRole): Observable<RoomMemberResponse> {
    const roomId = this.activeId()!;
    return this.api.setMember(roomId, userId, role).pipe(tap(() => this.loadMembers(roomId)));
  }

  removeMember(userId: number): Observable<void> {
    const roomId = this.activeId()!;
    return this.api
      .removeMember(roomId, userId)
      .pipe(tap(() => this.isActive(roomId) && this.members.update((all) => all.filter((m) => m.id !== userId))));
  }

  upsert(roomId: number, room: RoomResponse | null): void {
    if (!room) return this.drop(roomId);
    this.rooms.update((all) =>
      all.some((r) => r.id === roomId) ? all.map((r) => (r.id === roomId ? room : r)) : [...all, room],
    );
  }

  private drop(roomId: number): void {
    this.rooms.update((all) => all.filter((r) => r.id !== roomId));
  }

  private received(message: RoomMessageResponse): void {
    if (this.isActive(message.roomId)) {
      this.merge(message.roomId, [message]);
      this.acknowledge(message.roomId);
    } else {
      this.delivered(message.roomId, message.seq);
    }
    const room = this.rooms().find((r) => r.id === message.roomId);
    if (!room || message.ephemeral || message.seq <= room.lastSeq) return;
    if (message.author.id === this.myId()) {
      // The server moved the author's markers with the message itself.
      this.patchRoom(room.id, { lastSeq: message.seq, readSeq: message.seq, lastMessageAt: message.createdAt });
      return;
    }
    const mentioned = message.mentions.includes(this.myUsername());
    this.patchRoom(room.id, {
      lastSeq: message.seq,
      lastMessageAt: message.createdAt,
      unread: room.unread + 1,
      mentions: room.mentions + (mentioned ? 1 : 0),
    });
  }

  private someoneTyping(roomId: number, user: RoomPerson): void {
    if (!this.isActive(roomId) || user.id === null || user.id === this.myId()) return;
    const userId = user.id;
    const until = Date.now() + TYPING_SHOWN_MS;
    this.typists.update((all) => [
      ...all.filter((t) => t.userId !== userId && t.until > Date.now()),
      { userId, name: user.displayName, until },
    ]);
    setTimeout(() => this.typists.update((all) => all.filter((t) => t.until > Date.now())), TYPING_SHOWN_MS + 50);
  }

  private membership(p: RoomMembershipPayload): void {
    if (p.member.id === this.myId() && p.role === null) {
      if (this.isActive(p.roomId) && !this.departing.has(p.roomId)) this.lose('chat.notice.removed');
      this.rooms.update((all) =>
        all
          .filter((r) => r.id !== p.roomId || r.kind === 'public')
          .map((r) => (r.id === p.roomId ? { ...r, role: null, unread: 0, mentions: 0 } : r)),
      );
      return;
    }
    this.patchRoom(p.roomId, { memberCount: p.memberCount });
    if (p.member.id === this.myId() && p.role) this.patchRoom(p.roomId, { role: p.role });
    if (this.isActive(p.roomId)) this.loadMembers(p.roomId);
  }

  private lose(key: string): void {
    const name = this.active()?.name ?? '';
    this.lost.set({ key, name });
    this.messages.set([]);
    this.members.set([]);
    this.typists.set([]);
    this.activeId.set(null);
    this.notifier.info(key, { name });
  }

  private merge(roomId: number, messages: readonly RoomMessageResponse[]): void {
    if (this.isActive(roomId)) this.messages.update((all) => mergeMessages(all, messages));
  }

  /** Delivered up to the newest message shown. */
  private acknowledge(roomId: number): void {
    this.delivered(roomId, lastSeqOf(this.messages()));
  }

  /**
   * Tells the server what reached this tab, at most once a second per room (the highest number then): the marker
   * is a high-water mark, and a busy room would otherwise cost a socket message per message per member.
   */
  private delivered(roomId: number, seq: number): void {
    if (seq <= 0) return;
    const pending = this.deliveredPending.get(roomId);
    if (pending) {
      pending.seq = Math.max(pending.seq, seq);
      return;
    }
    const entry = { seq };
    this.deliveredPending.set(roomId, entry);
    this.live.send('room.delivered', { roomId, seq });
    setTimeout(() => {
      this.deliveredPending.delete(roomId);
      if (entry.seq > seq) this.delivered(roomId, entry.seq);
    }, DELIVERED_EVERY_MS);
  }

  private resync(): void {
    this.loadRooms();
    const roomId = this.activeId();
    if (roomId === null) return;
    this.catchUp(roomId);
    this.loadMembers(roomId);
  }

  /** What the open room missed while the socket was down: pages after the newest held, until a short one. */
  private catchUp(roomId: number): void {
    const after = lastSeqOf(this.messages());
    if (after === 0) {
      // Nothing held yet (the first page never came, or the room was empty): the newest page is the catch-up.
      this.api.messages(roomId, { limit: PAGE }).subscribe({
        next: (page) => {
          if (!this.isActive(roomId)) return;
          if (!this.messages().some((m) => m.seq > 0)) this.nextCursor.set(page.nextCursor);
          this.merge(roomId, page.items);
          this.acknowledge(roomId);
        },
        error: () => undefined,
      });
      return;
    }
    this.api.messages(roomId, { after, limit: CATCH_UP_PAGE }).subscribe({
      next: (page) => {
        if (!this.isActive(roomId)) return;
        this.merge(roomId, page.items);
        this.acknowledge(roomId);
        if (page.items.length >= CATCH_UP_PAGE) this.catchUp(roomId);
      },
      error: () => undefined,
    });
  }

  private patchRoom(roomId: number, patch: Partial<RoomResponse>): void {
    this.rooms.update((all) => all.map((r) => (r.id === roomId ? { ...r, ...patch } : r)));
  }

  private isActive(roomId: number): boolean {
    return this.activeId() === roomId;
  }
}
