import type { MessageEntity, NewDelivery } from './message.entity';

/**
 * The delivery rows an alert to many sites will have, in the few bytes a crash recovery needs to write them: every
 * row shares the alert's times, so only the site and the state vary (s = sent, q = queued, e = expired).
 */
interface FanoutPlan {
  ids: (number | null)[];
  names: string[];
  states: string;
}

const CODES = { sent: 's', queued: 'q', expired: 'e' } as const;
type PlannedState = keyof typeof CODES;
const STATES: Record<string, PlannedState> = { s: 'sent', q: 'queued', e: 'expired' };

export function encodeFanoutPlan(rows: readonly NewDelivery[]): string {
  const plan: FanoutPlan = {
    ids: rows.map((r) => r.receiverId),
    names: rows.map((r) => r.receiverName),
    states: rows.map((r) => CODES[r.state as PlannedState]).join(''),
  };
  if (plan.states.length !== rows.length) throw new Error('a new delivery row is sent, queued or expired');
  return JSON.stringify(plan);
}

/** The rows `encodeFanoutPlan` described, as `message` was accepted with them. */
export function decodeFanoutPlan(message: Pick<MessageEntity, 'id' | 'createdAt' | 'expiresAt'>, text: string) {
  const plan = JSON.parse(text) as FanoutPlan;
  const at = message.createdAt;
  return plan.names.map((receiverName, i): NewDelivery => {
    const state = STATES[plan.states[i]];
    return {
      messageId: message.id,
      receiverId: plan.ids[i],
      receiverName,
      state,
      createdAt: at,
      expiresAt: message.expiresAt,
      sentAt: state === 'sent' ? at : null,
      endedAt: state === 'expired' ? at : null,
      attempts: state === 'sent' ? 1 : 0,
    };
  });
}
