/**
 * Counts failed handshakes per address in a sliding window. Only failures count, so a
 * reconnect storm of real sites with good keys is never slowed down.
 */
export class FailedHandshakes {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  record(address: string, now: number): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  /** Seconds this address must wait, or 0. */
  retryAfterSeconds(address: string, now: number): number {
    const recent = this.recent(address, now);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [address] of this.failures) {
      if (!this.recent(address, now).length) this.failures.delete(address);
    }
  }
}
