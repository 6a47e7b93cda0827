import type { DeliveryCounts, DeliveryState } from './messages';

/** The operators' live view: namespace `/operators`, authenticated with `auth: { token }` (a session token). */
export const OPERATORS_NAMESPACE = '/operators';

export interface PresencePayload {
  name: string;
  online: boolean;
  connectedSince: string | null;
  lastSeenAt: string | null;
  clientVersion: string | null;
}

export interface DeliveryUpdatePayload {
  messageId: string;
  receiver: string;
  state: DeliveryState;
  at: string;
  reminders: number;
  flagged: boolean;
  counts: DeliveryCounts;
}

export interface MessageCreatedPayload {
  id: string;
  sender: string;
  priority: string;
  createdAt: string;
}

export interface OperatorServerToClientEvents {
  'receiver.presence': (payload: PresencePayload) => void;
  'delivery.updated': (payload: DeliveryUpdatePayload) => void;
  'message.created': (payload: MessageCreatedPayload) => void;
  'message.retracted': (payload: { id: string }) => void;
  'session.ended': (payload: { reason: string }) => void;
}
