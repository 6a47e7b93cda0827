import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ReceiptPayload } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
import { DeliveryAnnouncer } from './delivery-announcer';
import { DeliveryEntity } from './message.entity';
import { MessagesRepository, ReceiptRow } from './messages.repository';

const FLUSH_EVERY_MS = 20;
const FLUSH_AT = 500;

interface Waiting {
  row: ReceiptRow;
  done: (error?: Error) => void;
}

/**
 * Receipts arrive in bursts (a global alert to thousands of sites); they are written in batches,
 * one transaction each, and a receipt is acknowledged to its site only once stored.
 */
@Injectable()
export class ReceiptsService implements OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptsService.name);
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly announcer: DeliveryAnnouncer,
    private readonly clock: Clock,
  ) {}

  record(receiverName: string, receipt: ReceiptPayload): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        row: { messageId: receipt.id, receiverName, state: receipt.state, at: this.clock.now() },
        done: (error) => (error ? reject(error) : resolve()),
      });
      if (this.queue.length >= FLUSH_AT) this.flushSoon(0);
      else this.flushSoon(FLUSH_EVERY_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.queue;
      this.queue = [];
      if (!batch.length) return;
      try {
        const changed = await this.messages.applyReceipts(batch.map((w) => w.row));
        for (const w of batch) w.done();
        await this.announce(changed);
      } catch (error) {
        this.logger.error(`storing ${batch.length} receipt(s) failed: ${String(error)}`);
        for (const w of batch) w.done(error as Error);
      }
    });
    return this.flushing;
  }

  private announce(changed: DeliveryEntity[]): Promise<void> {
    return this.announcer.announce(
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
