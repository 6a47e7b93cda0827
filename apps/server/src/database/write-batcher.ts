interface Waiting<T, R> {
  items: readonly T[];
  done: (error: Error | undefined, results: R[]) => void;
}

export interface WriteBatcherOptions {
  /** How long the first write of a batch waits for company. */
  delayMs: number;
  /** A batch this large is written at once. */
  maxItems: number;
}

/**
 * Collects writes that arrive in bursts (thousands of receipts or connections after a global alert or a
 * restart) and stores each batch with one call — one transaction, one disk sync — instead of one per item.
 * A caller's promise settles once its items are stored, with what the write answered for each of them (when it
 * answers one result per item, in order); batches are written one after another, in order. Repositories own
 * their batchers: a read of theirs that must see pending writes flushes first.
 */
export class WriteBatcher<T, R = void> {
  private queue: Waiting<T, R>[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly options: WriteBatcherOptions,
  ) {}

  add(...items: T[]): Promise<R[]> {
    if (!items.length) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, done: (error, results) => (error ? reject(error) : resolve(results)) });
      this.queued += items.length;
      this.schedule(this.queued >= this.options.maxItems ? 0 : this.options.delayMs);
    });
  }

  /** Writes what is waiting now; resolves when every batch so far is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const batch = this.queue;
      this.queue = [];
      this.queued = 0;
      if (!batch.length) return;
      try {
        const results = (await this.write(batch.flatMap((w) => w.items))) ?? [];
        let offset = 0;
        for (const w of batch) {
          w.done(undefined, results.slice(offset, offset + w.items.length));
          offset += w.items.length;
        }
      } catch (error) {
        for (const w of batch) w.done(error instanceof Error ? error : new Error(String(error)), []);
      }
    });
    return this.writing;
  }

  private schedule(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delay);
  }
}
