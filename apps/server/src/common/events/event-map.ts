import type { DeliveriesUpdatedPayload, MessageCreatedPayload, PresencePayload } from '@avisa/contracts';
import type { Actor } from '../actor';

/** A state change worth an audit line: who, on what, with which details. */
export interface AuditedEvent {
  actor: Actor;
  target?: string | null;
  details?: Record<string, unknown>;
}

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
  'receiver.connected': { name: string; receiverId: number };
  'receiver.presence': PresencePayload;
  'message.created': AuditedEvent & { payload: MessageCreatedPayload };
  'message.retracted': AuditedEvent & { messageId: string };
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
}

export type EventName = keyof EventMap;

export type AuditedEventName = { [K in EventName]: EventMap[K] extends AuditedEvent ? K : never }[EventName];

export const AUDITED_EVENTS: readonly AuditedEventName[] = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.login.locked',
  'auth.logout',
  'auth.password.changed',
  'auth.password.change_failed',
  'user.created',
  'user.updated',
  'user.password.reset',
  'user.role.changed',
  'user.enabled.changed',
  'user.deleted',
  'api-token.created',
  'api-token.revoked',
  'receiver.created',
  'receiver.updated',
  'receiver.key.rotated',
  'receiver.deleted',
  'receivers.provisioned',
  'receiver.connection.refused',
  'message.created',
  'message.retracted',
  'phrase.created',
  'phrase.updated',
  'phrase.deleted',
  'phrases.reordered',
  'phrases.replaced',
  'group.created',
  'group.updated',
  'group.deleted',
  'groups.imported',
  'user.restrictions.changed',
  'access.refused',
  'audit.exported',
];
