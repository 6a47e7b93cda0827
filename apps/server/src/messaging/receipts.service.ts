import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ReceiptPayload } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
import { WriteBatcher } from '../database/write-batcher';
import { DeliveryAnnouncer } from './delivery-announcer';
import { DeliveryEntity } from './message.entity';
import { MessagesRepository, ReceiptRow } from './messages.repository';

/**
 * Receipts arrive in bursts (a global alert to thousands of sites); they are written in batches,
 * one transaction each, and a receipt is acknowledged to its site only once stored.
 */
@Injectable()
export class ReceiptsService implements OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptsService.name);
  private readonly batcher = new WriteBatcher<ReceiptRow>((rows) => this.store(rows), { delayMs: 20, maxItems: 500 });

  constructor(
    private readonly messages: MessagesRepository,
    private readonly announcer: DeliveryAnnouncer,
    private readonly clock: Clock,
  ) {}

  record(receiverName: string, receipt: ReceiptPayload): Promise<void> {
    return this.batcher.add({ messageId: receipt.id, receiverName, state: receipt.state, at: this.clock.now() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.flush();
    await this.announcer.flush();
  }

  private async store(rows: ReceiptRow[]): Promise<void> {
    try {
      const changed = await this.messages.applyReceipts(rows);
      // Sites get their acknowledgement as soon as the batch is stored; operators hear of it shortly after.
      this.announce(changed);
    } catch (error) {
      this.logger.error(`storing ${rows.length} receipt(s) failed: ${String(error)}`);
      throw error;
    }
  }

  private announce(changed: DeliveryEntity[]): void {
    this.announcer.announce(
      changed.map((d) => ({
        messageId: d.messageId,
        receiver: d.receiverName,
        state: d.state,
        at: d.readAt ?? d.deliveredAt ?? this.clock.now(),
        reminders: d.reminders,
        flagged: d.flagged,
      })),
    );
  }
}
