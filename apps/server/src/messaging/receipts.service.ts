import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ReceiptPayload } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
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
  ) {}

  async record(receiverName: string, receipt: ReceiptPayload): Promise<void> {
    const row = { messageId: receipt.id, receiverName, state: receipt.state, at: this.clock.now() };
    const changed = await this.messages.applyReceipt(row);
    if (!changed) return;
    this.announcer.announce([
      {
        messageId: changed.messageId,
        receiver: changed.receiverName,
        state: changed.state,
        at: changed.readAt ?? changed.deliveredAt ?? this.clock.now(),
        reminders: changed.reminders,
        flagged: changed.flagged,
      },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages.onApplicationShutdown();
    await this.announcer.flush();
  }
}
