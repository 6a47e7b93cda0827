import type { UpdateOfferPayload, UpdateStatusPayload } from './receiver-updates';

/**
 * The receivers' Socket.IO protocol: namespace `/receivers` on the server's HTTPS port, websocket transport.
 * docs/protocol.md describes it for people who write their own receiver.
 */
export const RECEIVERS_NAMESPACE = '/receivers';
export const PROTOCOL_VERSION = 1;

export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Sent by the receiver as the Socket.IO handshake `auth` object. */
export interface ReceiverHandshakeAuth {
  name: string;
  key: string;
  clientVersion?: string;
  protocol?: number;
}

/** Codes carried in `connect_error`'s `data.code`; `message` says the same in words. */
export const RECEIVER_CONNECT_ERRORS = {
  invalid_credentials: 'invalid receiver name or key',
  disabled: 'this receiver is disabled',
  already_connected: 'already connected',
  too_many_attempts: 'too many failed attempts from this address; wait and retry',
  bad_request: 'handshake must carry auth { name, key }',
} as const;
export type ReceiverConnectErrorCode = keyof typeof RECEIVER_CONNECT_ERRORS;

export interface ReceiverConnectErrorData {
  code: ReceiverConnectErrorCode;
  /** Seconds to wait before retrying, for `too_many_attempts`. */
  retryAfterSeconds?: number;
}

/** One alert for one site. `id` is the same for every site and is what receivers de-duplicate on. */
export interface AlertPayload {
  id: string;
  text: string;
  priority: Priority;
  /** Display name of the user (or `token:<name>`) who sent it. */
  sender: string;
  sentAt: string;
  expiresAt: string | null;
  /** 0 for the alert itself; 1, 2, … when an unread urgent alert is shown again. */
  reminder: number;
  /** Quick replies to offer as notification actions; absent when the alert has none. */
  replies?: string[];
  /**
   * Files attached to the alert; absent when none. The site downloads each with its own key from
   * `attachmentPath(alert.id, file.id)` and checks its SHA-256 before opening it.
   */
  attachments?: AlertAttachment[];
}

/** A file attached to an alert: what a site needs to fetch it and to check what it got. */
export interface AlertAttachment {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
}

/**
 * Where a site downloads an attachment of an alert it received, over HTTPS with the headers
 * `X-Avisa-Site: <name>` and `Authorization: Bearer <key>` (the site's own key); ranges resume a cut download.
 */
export const attachmentPath = (alertId: string, fileId: string): string =>
  `/api/v1/messages/${encodeURIComponent(alertId)}/attachments/${encodeURIComponent(fileId)}`;

export interface RetractPayload {
  id: string;
}

export interface WelcomePayload {
  name: string;
  displayName: string;
  serverTime: string;
  protocol: number;
  /** Alerts waiting for this receiver, sent right after this event, oldest first. */
  pending: number;
}

export const RECEIPT_STATES = ['delivered', 'read'] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

export interface ReceiptPayload {
  id: string;
  state: ReceiptState;
  /** When it happened at the site (ISO 8601), for the site's own records; the server stores the time it receives the receipt. */
  at: string;
  /** With `read` only: the quick reply the person chose, exactly as the alert offered it. */
  reply?: string;
}

export type ReceiptAck = { ok: true } | { ok: false; error: string };

/** Why the server is about to close a site's connection; sent just before it does. */
export const RECEIVER_DISCONNECT_REASONS = {
  key_changed: 'its key was changed',
  disabled: 'it was disabled',
  deleted: 'it was deleted',
} as const;
export type ReceiverDisconnectCode = keyof typeof RECEIVER_DISCONNECT_REASONS;

export interface DisconnectReasonPayload {
  code: ReceiverDisconnectCode;
  message: string;
}

export interface ReceiverServerToClientEvents {
  welcome: (payload: WelcomePayload) => void;
  disconnect_reason: (payload: DisconnectReasonPayload) => void;
  alert: (payload: AlertPayload) => void;
  retract: (payload: RetractPayload) => void;
  update: (payload: UpdateOfferPayload) => void;
}

export interface ReceiverClientToServerEvents {
  receipt: (payload: ReceiptPayload, ack: (response: ReceiptAck) => void) => void;
  update_status: (payload: UpdateStatusPayload, ack: (response: ReceiptAck) => void) => void;
}
