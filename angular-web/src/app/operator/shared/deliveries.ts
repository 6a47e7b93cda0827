import { reachedCount, type DeliveryCounts, type DeliveryResponse, type DeliveryUpdatePayload } from '@avisa/contracts';

/** The server counts each copy once, in its current state: "delivered" as a headline adds the read ones. */
export function deliveredCount(counts: DeliveryCounts): number {
  return reachedCount(counts);
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
