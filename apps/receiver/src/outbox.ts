import type { ReceiptPayload } from '@avisa/contracts';
import { readJson, setAside, writeJsonAtomic } from './atomic-file';
import { Clock } from './clock';
import { Logger } from './logger';

export interface QueuedReceipt extends ReceiptPayload {
  queuedAt: number;
}

/** `acked`: the server answered ok. `refused`: it answered ok:false. `unsent`: no answer (offline, timeout). */
export type SendResult = 'acked' | 'refused' | 'unsent';

export interface OutboxLimits {
  maxAgeMs: number;
  maxEntries: number;
}

export const OUTBOX_LIMITS: OutboxLimits = { maxAgeMs: 7 * 86_400_000, maxEntries: 10_000 };

const keyOf = (r: Pick<ReceiptPayload, 'id' | 'state'>) => `${r.state}:${r.id}`;

const toPayload = ({ id, state, at, reply }: QueuedReceipt): ReceiptPayload =>
  reply === undefined ? { id, state, at } : { id, state, at, reply };

/**
 * Receipts waiting for the server's ack, on disk, in the order they happened. One is forgotten only when
 * acked ok, or when it is older than the age limit (a receipt the server has refused for a week never will be taken).
 */
export class Outbox {
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  /** Refused during this connection; tried again only at the next one, so a refusal is not repeated every minute. */
  private readonly refused = new Set<string>();

  private constructor(
    private readonly path: string,
    private queue: QueuedReceipt[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly limits: OutboxLimits,
  ) {}

  static open(path: string, clock: Clock, logger: Logger, limits: OutboxLimits = OUTBOX_LIMITS): Outbox {
    const read = readJson(path);
    let queue: QueuedReceipt[] = [];
    if (read.kind === 'corrupt') {
      logger.warn(`${path} is unreadable (${read.error}); moved to ${setAside(path, clock.now())}, starting empty`);
    } else if (read.kind === 'ok' && Array.isArray(read.data)) {
      queue = read.data.filter(isQueued);
    }
    return new Outbox(path, queue, clock, logger, limits);
  }

  get size(): number {
    return this.queue.length;
  }

  list(): readonly QueuedReceipt[] {
    return this.queue.map((r) => ({ ...r }));
  }

  add(receipt: ReceiptPayload): void {
    if (this.queue.some((r) => keyOf(r) === keyOf(receipt))) return;
    const reply = receipt.reply === undefined ? {} : { reply: receipt.reply };
    this.queue.push({ id: receipt.id, state: receipt.state, at: receipt.at, ...reply, queuedAt: this.clock.now() });
    this.dropExpired();
    this.save();
  }

  /**
   * Sends the queue in order, one receipt at a time so 'delivered' reaches the server before 'read'.
   * Stops at the first one that got no answer; a refused one stays queued and the rest go on.
   */
  flush(send: (receipt: ReceiptPayload) => Promise<SendResult>, { retryRefused = false } = {}): Promise<void> {
    if (retryRefused) this.refused.clear();
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false;
          await this.sendAll(send);
        } while (this.flushAgain);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async sendAll(send: (receipt: ReceiptPayload) => Promise<SendResult>): Promise<void> {
    if (this.dropExpired() > 0) this.save();
    for (const receipt of [...this.queue]) {
      const key = keyOf(receipt);
      if (this.refused.has(key)) continue;
      const result = await send(toPayload(receipt));
      if (result === 'unsent') return;
      if (result === 'refused') {
        this.refused.add(key);
      } else {
        this.queue = this.queue.filter((r) => keyOf(r) !== key);
        this.save();
      }
    }
  }

  private dropExpired(): number {
    const horizon = this.clock.now() - this.limits.maxAgeMs;
    const kept = this.queue.filter((r) => r.queuedAt >= horizon).slice(-this.limits.maxEntries);
    const dropped = this.queue.length - kept.length;
    if (dropped > 0) {
      this.logger.warn(`Dropped ${dropped} receipt(s) the server never acknowledged (older than the limit)`);
      this.queue = kept;
    }
    return dropped;
  }

  private save(): void {
    writeJsonAtomic(this.path, this.queue);
  }
}

function isQueued(value: unknown): value is QueuedReceipt {
  const v = value as Partial<QueuedReceipt> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    (v.state === 'delivered' || v.state === 'read') &&
    typeof v.at === 'string' &&
    (v.reply === undefined || typeof v.reply === 'string') &&
    typeof v.queuedAt === 'number'
  );
}
