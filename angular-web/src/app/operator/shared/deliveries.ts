import type {
  DeliveryCounts,
  DeliveryResponse,
  DeliveryState,
  DeliveryUpdatePayload,
  MessageResponse,
} from '@avisa/contracts';

/** The server counts each copy once, in its current state: a read copy is no longer in `delivered`. */
export function deliveredCount(counts: DeliveryCounts): number {
  return counts.delivered + counts.read;
}

/** Copies that a retraction can still withdraw or take off a site's screen. */
const RETRACTABLE: readonly DeliveryState[] = ['queued', 'sent', 'delivered'];

export function isRetractable(message: MessageResponse, deliveries: readonly DeliveryResponse[]): boolean {
  return message.retractedAt === null && deliveries.some((d) => RETRACTABLE.includes(d.state));
}

/** One site's copy after a live `delivery.updated`, with the time of the step it reached. */
export function applyDeliveryUpdate(row: DeliveryResponse, update: DeliveryUpdatePayload): DeliveryResponse {
  const next: DeliveryResponse = { ...row, state: update.state, reminders: update.reminders, flagged: update.flagged };
  switch (update.state) {
    case 'sent':
      next.sentAt = update.at;
      if (row.state === 'queued') next.attempts = row.attempts + 1;
      break;
    case 'delivered':
      next.deliveredAt = row.deliveredAt ?? update.at;
      break;
    case 'read':
      next.deliveredAt = row.deliveredAt ?? update.at;
      next.readAt = row.readAt ?? update.at;
      break;
    default:
      next.endedAt = row.endedAt ?? update.at;
  }
  if (update.reply !== undefined && row.reply === null) {
    next.reply = update.reply;
    next.repliedAt = update.at;
  }
  return next;
}

/** How many sites answered with each of the alert's quick replies, in the order offered. */
export function replyTally(
  replies: readonly string[],
  deliveries: readonly Pick<DeliveryResponse, 'reply'>[],
): { reply: string; count: number }[] {
  return replies.map((reply) => ({ reply, count: deliveries.filter((d) => d.reply === reply).length }));
}
