import {
  RECEIVER_DISCONNECT_REASONS,
  type AlertPayload,
  type DisconnectReasonPayload,
  type ReceiverDisconnectCode,
  type RetractPayload,
  type UpdateOfferPayload,
} from '@avisa/contracts';
import type { Namespace } from 'socket.io';

export interface PresenceInfo {
  name: string;
  receiverId: number;
  connectionId: string;
  since: number;
  clientVersion: string | null;
  address: string | null;
}

/** A claim either fails (the site is connected elsewhere) or succeeds, possibly over a lost instance's entry. */
export type ClaimResult = { ok: false } | { ok: true; displaced: PresenceInfo | null };

export const receiverRoom = (name: string) => `r:${name}`;

/** What the connection record says when the server cut a site's connection for this reason. */
export const END_REASONS: Record<ReceiverDisconnectCode, string> = {
  key_changed: 'key rotated',
  disabled: 'disabled',
  deleted: 'deleted',
};

/** Told to the site just before its connection is cut, so its log says why. */
export const disconnectReason = (code: ReceiverDisconnectCode): DisconnectReasonPayload => ({
  code,
  message: RECEIVER_DISCONNECT_REASONS[code],
});

/**
 * Fan-out and presence for receivers. The in-process hub serves one server; the Redis-backed one serves
 * several instances, without messaging noticing.
 */
export abstract class ReceiverHub {
  /** Called by the receivers' gateway once its namespace exists. */
  abstract attach(namespace: Namespace): void;
  /** Marks a receiver online; refused when it is already connected (anywhere). */
  abstract claim(info: PresenceInfo): Promise<ClaimResult>;
  /** Marks it offline, only if `connectionId` is still the live connection. */
  abstract release(name: string, connectionId: string): Promise<boolean>;
  abstract presence(name: string): Promise<PresenceInfo | null>;
  abstract allPresence(): Promise<PresenceInfo[]>;
  /** Which of `names` are online now. */
  abstract online(names: readonly string[]): Promise<Set<string>>;
  /** Which of `names` are online now, each with the time its connection began. */
  abstract connectedSince(names: readonly string[]): Promise<Map<string, number>>;
  /** Pushes one alert to many receivers; encoded once. */
  abstract sendAlert(names: readonly string[], payload: AlertPayload): void;
  /**
   * Pushes one alert to every connected receiver, on every instance: each socket of the namespace is an
   * authenticated, enabled site, so this is a global alert's push without a union of thousands of one-site rooms.
   */
  abstract sendAlertToAll(payload: AlertPayload): void;
  abstract sendRetract(names: readonly string[], payload: RetractPayload): void;
  /** Offers a receiver update to these sites. */
  abstract sendUpdate(names: readonly string[], payload: UpdateOfferPayload): void;
  /** Cuts a receiver's live connection, telling it why first. */
  abstract disconnect(name: string, code: ReceiverDisconnectCode): Promise<void>;
  /** Why the server cut this receiver's connection, once, for the connection record. */
  abstract takeEndReason(name: string): Promise<string | null>;
  /** Presence held by instances that stopped answering: removed, and returned to be recorded as ended. */
  abstract sweepLost(): Promise<PresenceInfo[]>;
}
