import type { AlertAttachment, Priority } from './receiver-protocol';

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
  /** Up to REPLIES_MAX quick replies the site may answer with (see `repliesProblem`). */
  replies?: string[];
  /** Up to ATTACHMENTS_MAX ids of shared files that are clean or released. */
  attachments?: string[];
  /**
   * Send later: an ISO date-time with its zone, in the future and at most SCHEDULE_MAX_DAYS ahead. The alert is
   * stored and answered with 202 (a ScheduledMessageResponse), and goes out like any other at that time.
   */
  sendAt?: string;
}

export const ATTACHMENTS_MAX = 5;

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
  /** The quick replies offered; empty when none. */
  replies: string[];
  /** How many sites answered with one of them. */
  replied: number;
  /** The files attached; empty when none. */
  attachments: AlertAttachment[];
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
  /** The quick reply the site answered with, and when (server time). */
  reply: string | null;
  repliedAt: string | null;
  /** When the site first downloaded the alert's attachments (server time); null when not yet or there are none. */
  attachmentsDownloadedAt: string | null;
}

/** Alert history filters (`GET /messages`): dates, sender, target and priority, as the web app keeps them in its URL. */
export interface HistoryFilters {
  from?: string;
  to?: string;
  sender?: string;
  targetKind?: TargetKind;
  target?: string;
  priority?: Priority;
  q?: string;
}

export interface MessageDetailResponse extends MessageResponse {
  deliveries: DeliveryResponse[];
}

export function emptyDeliveryCounts(): DeliveryCounts {
  return { total: 0, queued: 0, sent: 0, delivered: 0, read: 0, expired: 0, retracted: 0, cancelled: 0 };
}

/**
 * Quick replies: an alert may offer up to REPLIES_MAX short answers the site picks on the notification itself
 * (a notification action). A reply counts as `read`; the first reply a site gives is the one kept.
 */
export const REPLIES_MAX = 3;
export const REPLY_TEXT_MAX = 40;
/** What the compose screen suggests. */
export const SUGGESTED_REPLIES = ['Recibido', 'Necesito ayuda', 'Llamadme'] as const;

/** Why a list of quick replies is refused (after trimming each), or null when it is fine. */
export function repliesProblem(replies: readonly string[]): string | null {
  if (replies.length > REPLIES_MAX) return `replies must hold at most ${REPLIES_MAX} entries`;
  const seen = new Set<string>();
  for (const [i, reply] of replies.entries()) {
    if (reply.length === 0) return `replies[${i}] must not be empty`;
    if ([...reply].length > REPLY_TEXT_MAX) return `replies[${i}] must be at most ${REPLY_TEXT_MAX} characters`;
    if ([...reply].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) {
      return `replies[${i}] must not contain control characters`;
    }
    const key = reply.toLocaleLowerCase('es');
    if (seen.has(key)) return `replies[${i}] repeats another reply`;
    seen.add(key);
  }
  return null;
}

/**
 * One alert's copies, site by site (`GET /messages/:id/deliveries`). Each copy counts once, in its current state:
 * a read copy is in `read`, not in `delivered`. "Delivered" as a headline (`reachedCount`) includes the read ones.
 */
export const DELIVERY_SORTS = [
  'receiver',
  'displayName',
  'state',
  'sentAt',
  'deliveredAt',
  'readAt',
  'attempts',
  'reminders',
  'reply',
] as const;
export type DeliverySort = (typeof DELIVERY_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const DELIVERIES_PAGE_SIZE_MAX = 500;

/** Copies whose site has not read the alert and still may: what "re-send to the unread sites" reaches. */
export const UNREAD_STATES: readonly DeliveryState[] = ['queued', 'sent', 'delivered'];

export interface DeliveriesQuery {
  /** Any of DELIVERY_STATES, comma-separated; none = every state. */
  state?: string;
  /** Part of the site's name or display name. */
  q?: string;
  sort?: DeliverySort;
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

export interface SiteDeliveryResponse extends DeliveryResponse {
  /** The site's display name; null for a site deleted since. */
  displayName: string | null;
}

export interface DeliveriesPage {
  /** The alert, with its totals by state (`counts`, every copy, whatever the filters). */
  message: MessageResponse;
  /** This page of the copies that match the filters, and how many match. */
  items: SiteDeliveryResponse[];
  total: number;
  page: number;
  pageSize: number;
  /** How many sites chose each quick reply, in the order offered. */
  replyTally: { reply: string; count: number }[];
  /** How many sites fetched the attachments. */
  downloaded: number;
}

export interface ResendUnreadResponse {
  /** Sites connected now that were shown the alert again. */
  told: string[];
  /** Unread copies of sites not connected now: a waiting copy still arrives when they connect. */
  notConnected: number;
}

export const DELIVERIES_CSV_COLUMNS = [
  'site',
  'display_name',
  'state',
  'sent_at',
  'delivered_at',
  'read_at',
  'ended_at',
  'attempts',
  'reminders',
  'flagged',
  'reply',
  'replied_at',
] as const;

/** Delivered as a headline: the copies that reached their site, read or not. */
export function reachedCount(counts: DeliveryCounts): number {
  return counts.delivered + counts.read;
}

/** Copies not read yet that may still be: waiting, sent or delivered. */
export function unreadCount(counts: DeliveryCounts): number {
  return UNREAD_STATES.reduce((n, state) => n + counts[state], 0);
}
