/**
 * Gathers items for a moment and hands them over together: many small changes become one event. Unlike a
 * WriteBatcher nobody waits for the hand-over; a failed one goes to `failed` and the next ones go on.
 */
export class Debouncer<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly handle: (items: T[]) => Promise<void>,
    /** A function is asked again each time a new gathering starts. */
    private readonly delayMs: number | (() => number),
    private readonly failed: (error: unknown, items: readonly T[]) => void,
  ) {}

  push(...items: T[]): void {
    if (!items.length) return;
    this.items.push(...items);
    this.timer ??= setTimeout(
      () => void this.flush(),
      typeof this.delayMs === 'number' ? this.delayMs : this.delayMs(),
    );
  }

  /** Hands over what is gathered now; resolves when every hand-over so far is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    this.items = [];
    if (items.length)
      this.running = this.running.then(() => this.handle(items).catch((error) => this.failed(error, items)));
    return this.running;
  }
}
