import { RedisConnection } from './redis-connection';

/**
 * What a hot lookup read from the database, kept only on a single server: there every write passes through this
 * process, and its owner calls `forget()` after each. Several instances cannot hear each other's writes, so there
 * every lookup reads.
 */
export class SingleServerMemo<K, V> {
  private readonly values = new Map<K, V>();
  /** Moves at each `forget()`, so a read that began before it does not keep what it found. */
  private forgotten = 0;

  constructor(private readonly redis: RedisConnection) {}

  /** The value kept for `key`, else what `read()` answers, kept when `keep` accepts it. */
  async get(key: K, read: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const forgotten = this.forgotten;
    const value = await read();
    if (!this.redis.client && forgotten === this.forgotten && keep(value)) this.values.set(key, value);
    return value;
  }

  forget(): void {
    this.forgotten++;
    this.values.clear();
  }
}
