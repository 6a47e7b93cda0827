import type { AlertPayload, RetractPayload } from '@avisa/contracts';

export interface PresenceInfo {
  name: string;
  connectionId: string;
  since: number;
  clientVersion: string | null;
  address: string | null;
}

/**
 * Fan-out and presence for receivers. The in-process hub serves one server; a Redis-backed one
 * replaces it for several instances without messaging noticing.
 */
export abstract class ReceiverHub {
  /** Marks a receiver online; false when it is already connected (anywhere). */
  abstract claim(info: PresenceInfo): Promise<boolean>;
  /** Marks it offline, only if `connectionId` is still the live connection. */
  abstract release(name: string, connectionId: string): Promise<boolean>;
  abstract presence(name: string): Promise<PresenceInfo | null>;
  abstract allPresence(): Promise<PresenceInfo[]>;
  /** Which of `names` are online now. */
  abstract online(names: readonly string[]): Promise<Set<string>>;
  /** Pushes one alert to many receivers; encoded once. */
  abstract sendAlert(names: readonly string[], payload: AlertPayload): void;
  abstract sendRetract(names: readonly string[], payload: RetractPayload): void;
  /** Cuts a receiver's live connection. */
  abstract disconnect(name: string, reason: string): void;
  /** Why the server cut this receiver's connection, once, for the connection record. */
  abstract takeEndReason(name: string): string | null;
}
