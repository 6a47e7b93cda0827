import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ReceiptPayload } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
import { EventBus } from '../common/events/event-bus';
import { DeliveryAnnouncer, type DeliveryChange } from './delivery-announcer';
import { MessagesRepository, type ReceiptRow, type ReceivedDelivery } from './messages.repository';

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

  /**
   * Stores a receipt; answers why it was refused (nothing stored), or null once stored.
   *
   * Not async: after a global alert ten thousand receipts wait for their batch's commit at once, long enough for what
   * each holds to survive two scavenges and be promoted to the old generation. An async frame per layer was most of
   * that garbage; a chain of promises keeps one promise per layer and shares its callbacks.
   */
  record(receiverName: string, receipt: ReceiptPayload): Promise<string | null> {
    if (receipt.reply !== undefined) return this.recordReply(receiverName, receipt, receipt.reply);
    return this.messages.applyReceipt(this.rowOf(receiverName, receipt)).then(this.announceChanged);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages.onApplicationShutdown();
    await this.announcer.flush();
  }

  private readonly announceChanged = (changed: ReceivedDelivery | null): null => {
    if (changed) this.announcer.announce([this.changeOf(changed)]);
    return null;
  };

  /** A reply must be one the alert offered; the first one stored is announced and audited. */
  private async recordReply(receiverName: string, receipt: ReceiptPayload, reply: string): Promise<string | null> {
    const offered = await this.messages.repliesOf(receipt.id);
    if (offered && !offered.includes(reply)) {
      return `receipt.reply "${reply.slice(0, 64)}" is not one of this alert's quick replies`;
    }
    const row = this.rowOf(receiverName, receipt);
    const changed = await this.messages.applyReceipt(row);
    if (!changed) return null;
    const replied = changed.reply === reply && changed.repliedAt === row.at;
    this.announcer.announce([{ ...this.changeOf(changed), ...(replied ? { reply } : {}) }]);
    if (replied) {
      await this.events.emit('message.replied', {
        actor: { kind: 'system', id: null, name: `site:${receiverName}`, ip: null },
        target: receipt.id,
        details: { site: receiverName, reply },
      });
    }
    return null;
  }

  private rowOf(receiverName: string, receipt: ReceiptPayload): ReceiptRow {
    return { messageId: receipt.id, receiverName, state: receipt.state, at: this.clock.now(), reply: receipt.reply };
  }

  private changeOf(changed: ReceivedDelivery): DeliveryChange {
    return {
      messageId: changed.messageId,
      receiver: changed.receiverName,
      state: changed.state,
      at: changed.readAt ?? changed.deliveredAt ?? this.clock.now(),
      reminders: changed.reminders,
      flagged: changed.flagged,
    };
  }
}
