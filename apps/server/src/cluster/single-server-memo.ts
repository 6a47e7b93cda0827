import { RedisConnection } from './redis-connection';

/**
 * What a hot lookup read from the database, kept only on a single server: there every write passes through this
 * process, and its owner calls `forget()` after each. Several instances cannot hear each other's writes, so there
 * every lookup reads.
 */
export class SingleServerMemo<K, V> {
  private readonly values = new Map<K, V>();
  /** Reads under way: callers that ask meanwhile (thousands of handshakes after a restart) share one. */
  private readonly reading = new Map<K, Promise<V>>();
  /** Moves at each `forget()`, so a read that began before it does not keep what it found. */
  private forgotten = 0;

  constructor(private readonly redis: RedisConnection) {}

  /** Whether anything is kept: on a single server only. */
  get keeps(): boolean {
    return !this.redis.client;
  }

  /** The value kept for `key`, else what `read()` answers, kept when `keep` accepts it. */
  async get(key: K, read: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    if (!this.keeps) return read();
    const underWay = this.reading.get(key);
    if (underWay) return underWay;
    const forgotten = this.forgotten;
    const reading = read()
      .then((value) => {
        if (forgotten === this.forgotten && keep(value)) this.values.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.reading.get(key) === reading) this.reading.delete(key);
      });
    this.reading.set(key, reading);
    return reading;
  }

  forget(): void {
    this.forgotten++;
    this.values.clear();
    this.reading.clear();
  }
}
