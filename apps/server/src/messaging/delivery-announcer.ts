import { Injectable } from '@nestjs/common';
import type { DeliveryState } from '@avisa/contracts';
import { EventBus } from '../common/events/event-bus';
import { toIso } from '../database/columns';
import { MessagesRepository } from './messages.repository';

export interface DeliveryChange {
  messageId: string;
  receiver: string;
  state: DeliveryState;
  at: number;
  reminders: number;
  flagged: boolean;
}

/** Tells operators what changed: one event per alert and batch, with its fresh counts (one counts query per batch). */
@Injectable()
export class DeliveryAnnouncer {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: EventBus,
  ) {}

  async announce(changes: readonly DeliveryChange[]): Promise<void> {
    if (!changes.length) return;
    const byMessage = new Map<string, DeliveryChange[]>();
    for (const change of changes) {
      const list = byMessage.get(change.messageId);
      if (list) list.push(change);
      else byMessage.set(change.messageId, [change]);
    }
    const counts = await this.messages.counts([...byMessage.keys()]);
    for (const [messageId, list] of byMessage) {
      await this.events.emit('deliveries.updated', {
        messageId,
        counts: counts.get(messageId)!,
        changes: list.map(({ receiver, state, at, reminders, flagged }) => ({
          receiver,
          state,
          at: toIso(at)!,
          reminders,
          flagged,
        })),
      });
    }
  }
}
