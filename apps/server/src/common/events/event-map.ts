import type {
  DeliveriesUpdatedPayload,
  FileResponse,
  MessageCreatedPayload,
  PresencePayload,
  RoomKind,
  RoomMembershipPayload,
  RoomMessageResponse,
  RoomReadResponse,
  RoomReceiptsPayload,
} from '@avisa/contracts';
import type { Actor } from '../actor';

/** A state change worth an audit line: who, on what, with which details. */
export interface AuditedEvent {
  actor: Actor;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** A change to who is in a room (`membership.role` null: they are out). */
export type RoomMembershipEvent = AuditedEvent & { membership: RoomMembershipPayload };

export interface EventMap {
  'auth.login.succeeded': AuditedEvent;
  'auth.login.failed': AuditedEvent;
  'auth.login.locked': AuditedEvent;
  'auth.logout': AuditedEvent;
  'auth.password.changed': AuditedEvent;
  'auth.password.change_failed': AuditedEvent;
  'user.created': AuditedEvent;
  'user.updated': AuditedEvent;
  'user.password.reset': AuditedEvent;
  'user.role.changed': AuditedEvent;
  'user.enabled.changed': AuditedEvent;
  'user.deleted': AuditedEvent;
  'api-token.created': AuditedEvent;
  'api-token.revoked': AuditedEvent;
  'sessions.revoked': AuditedEvent & { userId: number; exceptSessionId: string | null };
  'receiver.created': AuditedEvent;
  'receiver.updated': AuditedEvent;
  'receiver.key.rotated': AuditedEvent;
  'receiver.deleted': AuditedEvent & { name: string };
  'receivers.provisioned': AuditedEvent;
  'receiver.connection.refused': AuditedEvent;
  'receiver.presence': PresencePayload;
  'message.created': AuditedEvent & { payload: MessageCreatedPayload };
  'message.retracted': AuditedEvent & { messageId: string };
  /** Send later: stored, changed, cancelled, or refused at its time (sent, it is a `message.created`). */
  'message.scheduled': AuditedEvent;
  'message.schedule_edited': AuditedEvent;
  'message.schedule_cancelled': AuditedEvent;
  'message.schedule_failed': AuditedEvent;
  /** A site answered an alert with one of its quick replies. */
  'message.replied': AuditedEvent;
  /** An operator showed an alert again to the sites that had not read it. */
  'message.resent': AuditedEvent;
  'phrase.created': AuditedEvent;
  'phrase.updated': AuditedEvent;
  'phrase.deleted': AuditedEvent;
  'phrases.reordered': AuditedEvent;
  'phrases.replaced': AuditedEvent;
  'deliveries.updated': DeliveriesUpdatedPayload;
  'group.created': AuditedEvent;
  'group.updated': AuditedEvent;
  'group.deleted': AuditedEvent;
  'groups.imported': AuditedEvent;
  'user.restrictions.changed': AuditedEvent;
  'access.refused': AuditedEvent;
  'audit.exported': AuditedEvent;
  'receiver.installer.made': AuditedEvent;
  'receiver.update.started': AuditedEvent;
  'receiver.update.cancelled': AuditedEvent;
  'receiver.update.reported': AuditedEvent;
  'room.created': AuditedEvent & { roomId: number; kind: RoomKind; ownerId: number };
  'room.updated': AuditedEvent & { roomId: number };
  'room.archived': AuditedEvent & { roomId: number };
  'room.deleted': AuditedEvent & { roomId: number; kind: RoomKind; memberIds: number[] };
  'room.joined': RoomMembershipEvent;
  'room.join.failed': AuditedEvent;
  'room.left': RoomMembershipEvent;
  'room.member.added': RoomMembershipEvent;
  'room.member.removed': RoomMembershipEvent;
  'room.member.role.changed': RoomMembershipEvent;
  /** A moderator deleted someone else's message (never with its text). */
  'room.message.deleted': AuditedEvent;
  'room.token.granted': AuditedEvent & { roomId: number };
  'room.token.revoked': AuditedEvent & { roomId: number };
  'file.uploaded': AuditedEvent & { file: FileResponse };
  'file.refused': AuditedEvent;
  'file.scanned': AuditedEvent & { file: FileResponse; uploaderId: number | null };
  'file.released': AuditedEvent & { file: FileResponse; uploaderId: number | null };
  'file.downloaded': AuditedEvent;
  'file.deleted': AuditedEvent & { fileId: string };
  /** Chat traffic: live only, never audited (the audit trail never holds a message's text). */
  'room.message.posted': { message: RoomMessageResponse };
  'room.message.changed': { message: RoomMessageResponse };
  'room.receipts': RoomReceiptsPayload;
  'room.read': { userId: number; read: RoomReadResponse };
}

export type EventName = keyof EventMap;

export type AuditedEventName = { [K in EventName]: EventMap[K] extends AuditedEvent ? K : never }[EventName];

/**
 * Every event whose payload is an AuditedEvent, checked by the compiler against the map above: true when it is
 * written to the audit trail, false when the action that caused it already is.
 */
const AUDITED: Record<AuditedEventName, boolean> = {
  'auth.login.succeeded': true,
  'auth.login.failed': true,
  'auth.login.locked': true,
  'auth.logout': true,
  'auth.password.changed': true,
  'auth.password.change_failed': true,
  'user.created': true,
  'user.updated': true,
  'user.password.reset': true,
  'user.role.changed': true,
  'user.enabled.changed': true,
  'user.deleted': true,
  'api-token.created': true,
  'api-token.revoked': true,
  'receiver.created': true,
  'receiver.updated': true,
  'receiver.key.rotated': true,
  'receiver.deleted': true,
  'receivers.provisioned': true,
  'receiver.connection.refused': true,
  // Written by MessagingService in the alert's own transaction (AuditService.along), so the two take one commit.
  'message.created': false,
  'message.retracted': true,
  'message.scheduled': true,
  'message.schedule_edited': true,
  'message.schedule_cancelled': true,
  'message.schedule_failed': true,
  'message.replied': true,
  'message.resent': true,
  'phrase.created': true,
  'phrase.updated': true,
  'phrase.deleted': true,
  'phrases.reordered': true,
  'phrases.replaced': true,
  'group.created': true,
  'group.updated': true,
  'group.deleted': true,
  'groups.imported': true,
  'user.restrictions.changed': true,
  'access.refused': true,
  'audit.exported': true,
  'receiver.installer.made': true,
  'receiver.update.started': true,
  'receiver.update.cancelled': true,
  'receiver.update.reported': true,
  'room.created': true,
  'room.updated': true,
  'room.archived': true,
  'room.deleted': true,
  'room.joined': true,
  'room.join.failed': true,
  'room.left': true,
  'room.member.added': true,
  'room.member.removed': true,
  'room.member.role.changed': true,
  'room.message.deleted': true,
  'room.token.granted': true,
  'room.token.revoked': true,
  'file.uploaded': true,
  'file.refused': true,
  'file.scanned': true,
  'file.released': true,
  'file.downloaded': true,
  'file.deleted': true,
  'sessions.revoked': false,
};

export const AUDITED_EVENTS = (Object.keys(AUDITED) as AuditedEventName[]).filter((name) => AUDITED[name]);
