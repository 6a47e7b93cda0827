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

/** Tells operators what changed, with each alert's fresh counts: one counts query per batch of changes. */
@Injectable()
export class DeliveryAnnouncer {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: EventBus,
  ) {}

  async announce(changes: readonly DeliveryChange[]): Promise<void> {
    if (!changes.length) return;
    const counts = await this.messages.counts([...new Set(changes.map((c) => c.messageId))]);
    for (const change of changes) {
      await this.events.emit('delivery.updated', {
        ...change,
        at: toIso(change.at)!,
        counts: counts.get(change.messageId)!,
      });
    }
  }
}
