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
  'user.created': AuditedEvent;
  'user.updated': AuditedEvent;
  'user.password.reset': AuditedEvent;
  'user.role.changed': AuditedEvent;
  'user.enabled.changed': AuditedEvent;
  'user.deleted': AuditedEvent;
  'api-token.created': AuditedEvent;
  'api-token.revoked': AuditedEvent;
  'sessions.revoked': AuditedEvent & { userId: number; exceptSessionId: string | null };
}

export type EventName = keyof EventMap;

export const AUDITED_EVENTS: readonly EventName[] = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.login.locked',
  'auth.logout',
  'auth.password.changed',
  'user.created',
  'user.updated',
  'user.password.reset',
  'user.role.changed',
  'user.enabled.changed',
  'user.deleted',
  'api-token.created',
  'api-token.revoked',
];
