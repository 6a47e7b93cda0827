import type { SendMessageRequest, TargetKind } from './messages';
import type { AlertAttachment, Priority } from './receiver-protocol';

/** How far ahead an alert may be scheduled (`sendAt`). */
export const SCHEDULE_MAX_DAYS = 30;
export const SCHEDULE_MAX_MS = SCHEDULE_MAX_DAYS * 86_400_000;

/** An ISO 8601 date-time with its zone (`Z` or `±hh:mm`), as `sendAt` must be written. */
export const SEND_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const SCHEDULED_STATES = ['scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const;
export type ScheduledState = (typeof SCHEDULED_STATES)[number];

/** Why a `sendAt` is refused, or null when it is fine (`now` in epoch milliseconds). */
export function sendAtProblem(sendAt: string, now: number): string | null {
  const at = SEND_AT_PATTERN.test(sendAt) ? Date.parse(sendAt) : NaN;
  if (Number.isNaN(at)) return 'sendAt must be an ISO date-time with its zone, such as 2026-12-24T09:00:00Z';
  if (at <= now) return 'sendAt must be in the future';
  if (at > now + SCHEDULE_MAX_MS) return `sendAt must be at most ${SCHEDULE_MAX_DAYS} days ahead`;
  return null;
}

/**
 * An alert waiting for its time (`POST /messages` with `sendAt` answers it with 202), or one that could not be sent
 * at its time (`failed`, with its `problem`), listed until someone dismisses it.
 */
export interface ScheduledMessageResponse {
  /** The alert's id once sent, too. */
  id: string;
  state: ScheduledState;
  /** Why it could not be sent (state `failed`); null otherwise. */
  problem: string | null;
  sender: string;
  senderDisplay: string;
  target: { kind: TargetKind; name: string | null };
  text: string;
  priority: Priority;
  ttlSeconds: number;
  replies: string[];
  attachments: AlertAttachment[];
  sendAt: string;
  createdAt: string;
  updatedAt: string;
}

/** `PATCH /messages/scheduled/{id}`: any of these; the others stay as they are. */
export type UpdateScheduledMessageRequest = Partial<
  Pick<SendMessageRequest, 'target' | 'text' | 'priority' | 'ttlSeconds' | 'replies'> & { sendAt: string }
>;
