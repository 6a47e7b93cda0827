import { Injectable, Logger } from '@nestjs/common';
import { PROTOCOL_VERSION, type ReceiptAck } from '@avisa/contracts';
import { Clock } from '../common/system/clock';
import { MessagingService } from '../messaging/messaging.service';
import { ReceiptsService } from '../messaging/receipts.service';
import type { ReceiverSocket } from './receiver-socket';

/** What a connected site is told: the welcome with everything waiting for it, and the answers to its receipts. */
@Injectable()
export class ReceiverCatchUp {
  private readonly logger = new Logger(ReceiverCatchUp.name);

  constructor(
    private readonly messaging: MessagingService,
    private readonly receipts: ReceiptsService,
    private readonly clock: Clock,
  ) {}

  /** The welcome, then every alert still waiting for the site, marked as pushed. */
  async welcome(socket: ReceiverSocket): Promise<void> {
    const data = socket.data;
    const pending = await this.messaging.pending(data.name, data.displayName);
    socket.emit('welcome', {
      name: data.name,
      displayName: data.displayName,
      serverTime: new Date(this.clock.now()).toISOString(),
      protocol: PROTOCOL_VERSION,
      pending: pending.length,
    });
    for (const alert of pending) socket.emit('alert', alert.payload);
    if (pending.length) await this.messaging.markPushed(pending.map((p) => p.deliveryId));
    this.logger.debug(`site ${data.name} connected from ${data.address ?? '?'} (${pending.length} pending)`);
  }

  /**
   * A receipt is acknowledged to the site only once stored; otherwise the site sends it again. Not async, as
   * ReceiptsService.record says why.
   */
  receipt(site: string, body: unknown): Promise<ReceiptAck> {
    const receipt = this.messaging.validateReceipt(body);
    if (typeof receipt === 'string') return Promise.resolve({ ok: false, error: receipt });
    try {
      return this.receipts.record(site, receipt).then(receiptAck, notStored);
    } catch {
      return Promise.resolve(notStored());
    }
  }
}

const STORED: ReceiptAck = { ok: true };
const receiptAck = (refused: string | null): ReceiptAck => (refused ? { ok: false, error: refused } : STORED);
const notStored = (): ReceiptAck => ({ ok: false, error: 'the receipt could not be stored; send it again' });
