import type { FileResponse } from './files';
import type { DeliveryCounts, DeliveryState } from './messages';
import type {
  RoomClientEvents,
  RoomDeletedPayload,
  RoomListChangePayload,
  RoomMembershipPayload,
  RoomMessageResponse,
  RoomReadResponse,
  RoomReceiptsPayload,
  RoomTypingPayload,
} from './rooms';

/** The operators' live view: namespace `/operators`, authenticated with `auth: { token }` (a session token). */
export const OPERATORS_NAMESPACE = '/operators';

export interface PresencePayload {
  name: string;
  online: boolean;
  connectedSince: string | null;
  lastSeenAt: string | null;
  clientVersion: string | null;
}

/** One site's copy of an alert that changed state. */
export interface DeliveryChangePayload {
  receiver: string;
  state: DeliveryState;
  at: string;
  reminders: number;
  flagged: boolean;
  /** Set when this change is the site's quick reply. */
  reply?: string;
}

/**
 * Every change to one alert's copies stored together (a batch of receipts, reminders, expiries),
 * with the alert's counts after them: one push per alert and batch, not one per site.
 */
export interface DeliveriesUpdatedPayload {
  messageId: string;
  counts: DeliveryCounts;
  changes: DeliveryChangePayload[];
}

/** One change with its alert's counts, as a screen applies it. */
export interface DeliveryUpdatePayload extends DeliveryChangePayload {
  messageId: string;
  counts: DeliveryCounts;
}

/** Spreads a batch into the per-site updates it holds. */
export function deliveryUpdatesOf(batch: DeliveriesUpdatedPayload): DeliveryUpdatePayload[] {
  return batch.changes.map((change) => ({ ...change, messageId: batch.messageId, counts: batch.counts }));
}

export interface MessageCreatedPayload {
  id: string;
  sender: string;
  priority: string;
  createdAt: string;
}

export interface OperatorServerToClientEvents {
  'receiver.presence': (payload: PresencePayload) => void;
  'deliveries.updated': (payload: DeliveriesUpdatedPayload) => void;
  'message.created': (payload: MessageCreatedPayload) => void;
  'message.retracted': (payload: { id: string }) => void;
  'session.ended': (payload: { reason: string }) => void;
  /** A new message in one of the user's rooms (stored, or ephemeral and relayed only). */
  'room.message': (payload: RoomMessageResponse) => void;
  /** A message edited or deleted. */
  'room.message.updated': (payload: RoomMessageResponse) => void;
  'room.membership': (payload: RoomMembershipPayload) => void;
  'room.typing': (payload: RoomTypingPayload) => void;
  'room.receipts': (payload: RoomReceiptsPayload) => void;
  'room.deleted': (payload: RoomDeletedPayload) => void;
  /** To the user's own tabs: a room to add, refresh or drop from their list. */
  'room.list': (payload: RoomListChangePayload) => void;
  /** To the user's own tabs: their read marker moved (in another tab or device). */
  'room.read': (payload: RoomReadResponse) => void;
  /** A shared file's state changed (uploaded, scanned, released): to admins, its uploader, and everyone once downloadable. */
  'file.updated': (payload: FileResponse) => void;
  'file.deleted': (payload: { id: string }) => void;
}

/** What the web app sends over its socket. */
export type OperatorClientToServerEvents = RoomClientEvents;
