import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { RoomMemberResponse, RoomMembershipPayload, RoomMessageResponse, RoomResponse } from '@avisa/contracts';
import { LiveService } from '../core/live.service';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session.store';
import { ChatApi } from './chat.api';
import { applyReceipts, lastSeqOf, mergeMessages } from './chat-state';

const PAGE = 50;
const TYPING_SHOWN_MS = 4000;
const DELIVERED_EVERY_MS = 1000;

export interface Typist {
  userId: number;
  name: string;
  until: number;
}

/**
 * The chat as this tab knows it: the user's rooms with their badges, and the open room's messages, members and who
 * is typing, kept live from the socket. A reconnect reloads the list and fetches what the open room missed.
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
  /** Set when the open room was taken away (removed, deleted). */
  readonly lostRoom = signal<string | null>(null);

  readonly active = computed(() => this.rooms().find((r) => r.id === this.activeId()) ?? null);
  readonly myId = computed(() => this.session.user()?.id ?? null);
  readonly totalUnread = computed(() => this.rooms().reduce((sum, r) => sum + (r.role ? r.unread : 0), 0));
  private startedFor: number | null = null;
  private readonly deliveredPending = new Map<number, { seq: number }>();

  constructor() {
    const destroyRef = inject(DestroyRef);
    const live = this.live;
    live.roomMessage$.pipe(takeUntilDestroyed(destroyRef)).subscribe((m) => this.received(m));
    live.roomMessageUpdated$.pipe(takeUntilDestroyed(destroyRef)).subscribe((m) => {
      if (this.isActive(m.roomId)) this.messages.update((all) => mergeMessages(all, [m]));
    });
    live.roomMembership$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => this.membership(p));
    live.roomReceipts$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => {
      if (this.isActive(p.roomId)) this.members.update((all) => applyReceipts(all, p));
    });
    live.roomTyping$.pipe(takeUntilDestroyed(destroyRef)).subscribe((p) => {
      if (!this.isActive(p.roomId) || p.user.id === this.myId() || p.user.id === null) return;
      const until = Date.now() + TYPING_SHOWN_MS;
      const userId = p.user.id;
      this.typists.update((all) => [
        ...all.filter((t) => t.userId !== userId && t.until > Date.now()),
        { userId, name: p.user.displayName, until },
      ]);
      setTimeout(() => this.typists.update((all) => all.filter((t) => t.until > Date.now())), TYPING_SHOWN_MS + 50);
    });
    live.roomDeleted$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ roomId }) => {
      if (this.isActive(roomId)) this.lose('chat.notice.deleted');
      this.rooms.update((all) => all.filter((r) => r.id !== roomId));
    });
    live.roomList$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ roomId, room }) => this.upsert(roomId, room));
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
    this.loadRooms();
  }

  loadRooms(): void {
    this.api.rooms(this.showAll()).subscribe({ next: (rooms) => this.rooms.set(rooms), error: () => undefined });
  }

  /** Opens a room: its newest page, its members, and tells the server what reached this tab. */
  open(roomId: number | null): void {
    this.activeId.set(roomId);
    this.messages.set([]);
    this.members.set([]);
    this.typists.set([]);
    this.nextCursor.set(null);
    this.lostRoom.set(null);
    if (roomId === null) return;
    if (!this.rooms().some((r) => r.id === roomId)) {
      this.api.room(roomId).subscribe({ next: (room) => this.upsert(room.id, room), error: () => undefined });
    }
    this.api.messages(roomId, { limit: PAGE }).subscribe({
      next: (page) => {
        if (!this.isActive(roomId)) return;
        this.messages.update((all) => mergeMessages(all, page.items));
        this.nextCursor.set(page.nextCursor);
        this.acknowledge(roomId);
      },
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
    this.api.messages(roomId, { before: cursor, limit: PAGE }).subscribe({
      next: (page) => {
        if (!this.isActive(roomId)) return;
        this.messages.update((all) => mergeMessages(all, page.items));
        this.nextCursor.set(page.nextCursor);
      },
      complete: () => this.loadingOlder.set(false),
      error: () => this.loadingOlder.set(false),
    });
  }

  /** "Read up to here": the newest message of the open room, once this tab shows it. */
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

  /** The author's own message, as the server answered it: shown at once, whatever the socket does. */
  posted(message: RoomMessageResponse): void {
    if (this.isActive(message.roomId)) this.messages.update((all) => mergeMessages(all, [message]));
  }

  typing(): void {
    const roomId = this.activeId();
    if (roomId !== null) this.live.send('room.typing', { roomId });
  }

  upsert(roomId: number, room: RoomResponse | null): void {
    this.rooms.update((all) => {
      const rest = all.filter((r) => r.id !== roomId);
      return room ? [...rest, room].sort((a, b) => a.name.localeCompare(b.name)) : rest;
    });
  }

  private received(message: RoomMessageResponse): void {
    const mine = message.author.id === this.myId();
    if (this.isActive(message.roomId)) {
      this.messages.update((all) => mergeMessages(all, [message]));
      this.acknowledge(message.roomId);
    } else {
      this.delivered(message.roomId, message.seq);
    }
    const room = this.rooms().find((r) => r.id === message.roomId);
    if (!room || message.ephemeral) return;
    if (mine) {
      // The server moved the author's markers with the message itself.
      this.patchRoom(room.id, {
        lastSeq: Math.max(room.lastSeq, message.seq),
        readSeq: Math.max(room.readSeq, message.seq),
      });
      return;
    }
    const mentioned = message.mentions.includes(this.session.user()?.username ?? '');
    this.patchRoom(room.id, {
      lastSeq: Math.max(room.lastSeq, message.seq),
      lastMessageAt: message.createdAt,
      unread: room.unread + 1,
      mentions: room.mentions + (mentioned ? 1 : 0),
    });
  }

  private membership(p: RoomMembershipPayload): void {
    if (p.member.id === this.myId() && p.role === null) {
      if (this.isActive(p.roomId)) this.lose('chat.notice.removed');
      this.rooms.update((all) => all.filter((r) => r.id !== p.roomId || r.kind === 'public'));
      return;
    }
    this.patchRoom(p.roomId, { memberCount: p.memberCount });
    if (this.isActive(p.roomId)) this.loadMembers(p.roomId);
  }

  private lose(key: string): void {
    const name = this.active()?.name ?? '';
    this.lostRoom.set(name);
    this.messages.set([]);
    this.members.set([]);
    this.activeId.set(null);
    this.notifier.info(key, { name });
  }

  /** Delivered up to the newest message shown. */
  private acknowledge(roomId: number): void {
    this.delivered(roomId, lastSeqOf(this.messages()));
  }

  /**
   * Tells the server what reached this tab, at most once a second per room (the highest number then): a busy room
   * would otherwise cost a socket message per message per member.
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
    this.api.messages(roomId, { after: lastSeqOf(this.messages()), limit: 200 }).subscribe({
      next: (page) => {
        if (!this.isActive(roomId)) return;
        this.messages.update((all) => mergeMessages(all, page.items));
        this.acknowledge(roomId);
      },
      error: () => undefined,
    });
    this.loadMembers(roomId);
  }

  private patchRoom(roomId: number, patch: Partial<RoomResponse>): void {
    this.rooms.update((all) => all.map((r) => (r.id === roomId ? { ...r, ...patch } : r)));
  }

  private isActive(roomId: number): boolean {
    return this.activeId() === roomId;
  }
}
