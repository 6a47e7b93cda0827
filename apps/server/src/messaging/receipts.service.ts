import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ReceiptPayload } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
import { EventBus } from '../common/events/event-bus';
import { DeliveryAnnouncer } from './delivery-announcer';
import { MessagesRepository } from './messages.repository';

/**
 * A receipt is acknowledged to its site only once stored (the repository writes the receipts arriving together in
 * one transaction); operators hear of what changed shortly after.
 */
@Injectable()
export class ReceiptsService implements OnApplicationShutdown {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly announcer: DeliveryAnnouncer,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  /** Stores a receipt; answers why it was refused (nothing stored), or null once stored. */
  async record(receiverName: string, receipt: ReceiptPayload): Promise<string | null> {
    if (receipt.reply !== undefined) {
      const offered = await this.messages.repliesOf(receipt.id);
      if (offered && !offered.includes(receipt.reply)) {
        return `receipt.reply "${receipt.reply.slice(0, 64)}" is not one of this alert's quick replies`;
      }
    }
    const row = {
      messageId: receipt.id,
      receiverName,
      state: receipt.state,
      at: this.clock.now(),
      reply: receipt.reply,
    };
    const changed = await this.messages.applyReceipt(row);
    if (!changed) return null;
    const replied = receipt.reply !== undefined && changed.reply === receipt.reply && changed.repliedAt === row.at;
    this.announcer.announce([
      {
        messageId: changed.messageId,
        receiver: changed.receiverName,
        state: changed.state,
        at: changed.readAt ?? changed.deliveredAt ?? this.clock.now(),
        reminders: changed.reminders,
        flagged: changed.flagged,
        ...(replied ? { reply: receipt.reply } : {}),
      },
    ]);
    if (replied) {
      await this.events.emit('message.replied', {
        actor: { kind: 'system', id: null, name: `site:${receiverName}`, ip: null },
        target: receipt.id,
        details: { site: receiverName, reply: receipt.reply },
      });
    }
    return null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages.onApplicationShutdown();
    await this.announcer.flush();
  }
}
