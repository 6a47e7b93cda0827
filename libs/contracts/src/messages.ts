import type { Priority } from './receiver-protocol';

export const TARGET_KINDS = ['all', 'receiver', 'group'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const DELIVERY_STATES = ['queued', 'sent', 'delivered', 'read', 'expired', 'retracted', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const MESSAGE_TEXT_MAX = 2000;

export interface SendMessageRequest {
  target: { kind: TargetKind; name?: string };
  text: string;
  priority?: Priority;
  ttlSeconds?: number;
}

export interface SendMessageResponse {
  id: string;
  /** Sites online now: the alert was pushed to them. */
  online: string[];
  /** Sites offline: the alert waits for them until it expires. */
  queued: string[];
  /** Sites offline for an alert with ttlSeconds 0: they will not get it. */
  dropped: string[];
  /** Names that match no site (group members). */
  unknown: string[];
}

export interface DeliveryCounts {
  total: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  expired: number;
  retracted: number;
  cancelled: number;
}

export interface MessageResponse {
  id: string;
  sender: string;
  senderDisplay: string;
  target: { kind: TargetKind; name: string | null };
  text: string;
  priority: Priority;
  ttlSeconds: number;
  createdAt: string;
  expiresAt: string;
  retractedAt: string | null;
  retractedBy: string | null;
  counts: DeliveryCounts;
}

export interface DeliveryResponse {
  receiver: string;
  state: DeliveryState;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  endedAt: string | null;
  attempts: number;
  reminders: number;
  flagged: boolean;
}

export interface MessageDetailResponse extends MessageResponse {
  deliveries: DeliveryResponse[];
}

export function emptyDeliveryCounts(): DeliveryCounts {
  return { total: 0, queued: 0, sent: 0, delivered: 0, read: 0, expired: 0, retracted: 0, cancelled: 0 };
}
