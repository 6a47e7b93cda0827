import type { AlertPayload, RetractPayload, UpdateOfferPayload } from '@avisa/contracts';
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
  /** Cuts a receiver's live connection. */
  abstract disconnect(name: string, reason: string): Promise<void>;
  /** Why the server cut this receiver's connection, once, for the connection record. */
  abstract takeEndReason(name: string): Promise<string | null>;
  /** Presence held by instances that stopped answering: removed, and returned to be recorded as ended. */
  abstract sweepLost(): Promise<PresenceInfo[]>;
}
