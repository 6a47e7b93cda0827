import { NAME_MAX, NAME_MIN } from './names';
import type { AlertAttachment } from './receiver-protocol';

/**
 * Chat rooms. `public`: listed to everyone, anyone joins. `private`: not listed, members are added by the owner or
 * a moderator. `protected`: joined with the room's code and password. `ephemeral`: joined with its code (and its
 * password when it has one); messages are relayed live to the members connected then and never stored, and the
 * room disappears when its last member leaves.
 */
export const ROOM_KINDS = ['public', 'private', 'protected', 'ephemeral'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/** Kinds joined with a code: the code is shown to the owner and moderators only. */
export const CODED_ROOM_KINDS = ['protected', 'ephemeral'] as const satisfies readonly RoomKind[];
export const isCodedRoom = (kind: RoomKind): boolean => (CODED_ROOM_KINDS as readonly RoomKind[]).includes(kind);

/** One's standing in a room: the owner hands over ownership and deletes it; moderators manage it with the owner. */
export const ROOM_ROLES = ['owner', 'moderator', 'member'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
export const isRoomManager = (role: RoomRole | null | undefined): boolean => role === 'owner' || role === 'moderator';

export const ROOM_NAME_MAX = 80;
export const ROOM_DESCRIPTION_MAX = 500;
export const ROOM_PASSWORD_MIN = 8;
export const ROOM_PASSWORD_MAX = 128;
export const ROOM_RETENTION_DAYS_MAX = 3650;
export const ROOM_MESSAGE_MAX = 4000;
export const ROOM_PAGE_DEFAULT = 50;
export const ROOM_PAGE_MAX = 200;
export const ROOM_SEARCH_MIN = 2;
/** A room code: 16 characters of a 32-letter alphabet, 80 random bits, typed without ambiguous letters. */
export const ROOM_CODE_PATTERN = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;

/** "  Incidencias " and "incidencias" are one room name. */
export function roomNameKey(name: string): string {
  return name.trim().toLowerCase();
}

const MENTION = new RegExp(`(^|[^\\w@.])@([a-z0-9._-]{${NAME_MIN},${NAME_MAX}})`, 'gi');

/** The usernames a text mentions with `@username`, lower-cased, each once, in order. */
export function mentionsIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) names.add(match[2].toLowerCase().replace(/[.]+$/, ''));
  return [...names].filter((name) => name.length >= NAME_MIN);
}

/** A piece of a message as a screen shows it: plain text, a link, or a mention. Never HTML. */
export type TextSegment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; username: string };

const SEGMENT = new RegExp(`https?://[^\\s<>"']+|(?<![\\w@.])@[a-z0-9._-]{${NAME_MIN},${NAME_MAX}}`, 'gi');

/**
 * Splits a message into text, links and mentions. Only `http:` and `https:` addresses become links (no
 * `javascript:`), without a trailing full stop, comma or closing bracket.
 */
export function textSegments(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let at = 0;
  const push = (segment: TextSegment) => {
    const last = segments[segments.length - 1];
    if (segment.kind === 'text' && last?.kind === 'text') last.text += segment.text;
    else if (segment.text) segments.push(segment);
  };
  for (const match of text.matchAll(SEGMENT)) {
    let found = match[0];
    if (found.startsWith('@')) {
      found = found.replace(/[.]+$/, '');
      if (found.length - 1 < NAME_MIN) continue;
      push({ kind: 'text', text: text.slice(at, match.index) });
      push({ kind: 'mention', text: found, username: found.slice(1).toLowerCase() });
    } else {
      found = found.replace(/[.,;:!?)\]}]+$/, '');
      push({ kind: 'text', text: text.slice(at, match.index) });
      push({ kind: 'link', text: found, href: found });
    }
    at = match.index + found.length;
  }
  push({ kind: 'text', text: text.slice(at) });
  return segments;
}

export interface RoomPerson {
  /** Null for an API token. */
  id: number | null;
  username: string;
  displayName: string;
}

export interface RoomResponse {
  id: number;
  name: string;
  description: string;
  kind: RoomKind;
  owner: RoomPerson | null;
  memberCount: number;
  /** Messages older than this many days are deleted by the retention job; null keeps them. */
  retentionDays: number | null;
  archived: boolean;
  /** Whether joining asks for a password (protected rooms always do; ephemeral ones when set). */
  hasPassword: boolean;
  /** The join code, shown to the owner and moderators of a protected or ephemeral room only. */
  code: string | null;
  createdAt: string;
  /** The caller's role here, or null when they are not a member (a public room, or an admin looking). */
  role: RoomRole | null;
  /** The sequence number of the newest message (0 when none, always 0 in an ephemeral room). */
  lastSeq: number;
  lastMessageAt: string | null;
  /** The caller's "read up to here" marker, and what is newer than it: messages by others, and those mentioning them. */
  readSeq: number;
  unread: number;
  mentions: number;
}

export interface CreateRoomRequest {
  name: string;
  description?: string;
  kind: RoomKind;
  /** Required for a protected room, optional for an ephemeral one, refused for the others. */
  password?: string;
  retentionDays?: number | null;
}

/** Every field optional; `password: null` removes an ephemeral room's password. */
export interface UpdateRoomRequest {
  name?: string;
  description?: string;
  retentionDays?: number | null;
  password?: string | null;
  archived?: boolean;
}

export interface JoinRoomRequest {
  code: string;
  password?: string;
}

export interface RoomMemberResponse extends RoomPerson {
  id: number;
  role: RoomRole;
  joinedAt: string;
  /** The newest message that reached them, and the newest they have read. */
  deliveredSeq: number;
  readSeq: number;
}

/** `PUT /rooms/:id/members/:userId`: adds the user, or changes their role; `owner` hands the room over. */
export interface SetRoomMemberRequest {
  role?: RoomRole;
}

export interface RoomMessageResponse {
  /** `e-…` for an ephemeral message, never stored. */
  id: string;
  roomId: number;
  /** The room's running number for this message; 0 for an ephemeral one. */
  seq: number;
  author: RoomPerson;
  /** Empty once deleted. */
  text: string;
  /** The usernames it mentions. */
  mentions: string[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  ephemeral: boolean;
  /** Shared files it carries (clean or released when posted); members download them through the room. */
  attachments: AlertAttachment[];
}

/**
 * Newest first by default; `nextCursor` asks for the page before it (`?before=`). With `?after=` oldest first, and
 * `nextCursor` (after a full page) is the `?after=` of the next page.
 */
export interface RoomMessagesPage {
  items: RoomMessageResponse[];
  nextCursor: string | null;
}

export interface PostRoomMessageRequest {
  text: string;
  /** Up to ROOM_ATTACHMENTS_MAX ids of shared files that are clean or released. */
  attachments?: string[];
}

export const ROOM_ATTACHMENTS_MAX = 5;

export interface EditRoomMessageRequest {
  text: string;
}

export interface ReadRoomRequest {
  /** Read up to this message's seq; a marker never moves back. */
  seq: number;
}

export interface RoomReadResponse {
  roomId: number;
  readSeq: number;
  unread: number;
  mentions: number;
}

/** Who a message reached and who read it, for its author. */
export interface RoomMessageReceiptsResponse {
  seq: number;
  deliveredTo: RoomPerson[];
  readBy: RoomPerson[];
  /** Members it has not reached yet. */
  waiting: RoomPerson[];
}

export interface RoomSearchHit {
  room: { id: number; name: string };
  message: RoomMessageResponse;
}

/** A token allowed to post into a room (a monitoring script reporting into an incident room). */
export interface RoomTokenResponse {
  id: number;
  name: string;
}

// Live events on the web app's socket, for the rooms the user belongs to.

export interface RoomDeletedPayload {
  roomId: number;
}

/** Someone joined, left, was added, removed or changed role; `role` null means they are no longer a member. */
export interface RoomMembershipPayload {
  roomId: number;
  member: RoomPerson;
  role: RoomRole | null;
  memberCount: number;
}

export interface RoomTypingPayload {
  roomId: number;
  user: RoomPerson;
}

/** Members whose delivered or read markers moved. */
export interface RoomReceiptsPayload {
  roomId: number;
  members: { userId: number; deliveredSeq: number; readSeq: number }[];
}

/** The calling user's own room list changed: a room to add or refresh (`room`), or one to drop (`removed`). */
export interface RoomListChangePayload {
  roomId: number;
  room: RoomResponse | null;
}

/** What a member's client tells the server over the socket. */
export interface RoomClientEvents {
  /** Shows "… is typing" to the others connected now; not stored. */
  'room.typing': (payload: { roomId: number }) => void;
  /** The client received messages up to `seq`: the delivered marker moves. */
  'room.delivered': (payload: { roomId: number; seq: number }) => void;
}
