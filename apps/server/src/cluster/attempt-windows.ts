import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/**
 * Counts failures per key (an address) in a sliding window. Only failures count, so a reconnect storm
 * of real sites with good keys is never slowed down.
 */
export interface AttemptWindow {
  record(key: string, now: number): Promise<void>;
  /** Seconds this key must wait, or 0. */
  retryAfterSeconds(key: string, now: number): Promise<number>;
}

/** The times of one key's attempts, in order; `head` is the first still in the window. */
interface Attempts {
  times: number[];
  head: number;
}

/** Windows in this process's memory: one server. */
export class LocalAttemptWindow implements AttemptWindow {
  private readonly attempts = new Map<string, Attempts>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async record(key: string, now: number): Promise<void> {
    const attempts = this.recent(key, now) ?? { times: [], head: 0 };
    attempts.times.push(now);
    this.attempts.set(key, attempts);
    if (this.attempts.size > 10_000) this.prune(now);
  }

  async retryAfterSeconds(key: string, now: number): Promise<number> {
    const attempts = this.recent(key, now);
    const count = attempts ? attempts.times.length - attempts.head : 0;
    if (!attempts || count < this.limit) return 0;
    const oldest = attempts.times[attempts.times.length - this.limit];
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  /**
   * The key's attempts with those out of the window skipped. Times only grow, so this moves a start index rather
   * than filtering: a high limit (the send limit) keeps thousands of times per key, checked on every request.
   */
  private recent(key: string, now: number): Attempts | undefined {
    const attempts = this.attempts.get(key);
    if (!attempts) return undefined;
    const { times } = attempts;
    while (attempts.head < times.length && times[attempts.head] <= now - this.windowMs) attempts.head++;
    if (attempts.head > 64 && attempts.head * 2 > times.length) {
      times.splice(0, attempts.head);
      attempts.head = 0;
    }
    return attempts;
  }

  private prune(now: number): void {
    for (const key of [...this.attempts.keys()]) {
      const attempts = this.recent(key, now);
      if (attempts && attempts.head === attempts.times.length) this.attempts.delete(key);
    }
  }
}

const RECORD = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
`;

const RETRY_AFTER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then return -1 end
return tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
`;

/** The same window in Redis, shared by every instance: a client cannot spread its guesses over them. */
export class RedisAttemptWindow implements AttemptWindow {
  constructor(
    private readonly redis: RedisConnection,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async record(key: string, now: number): Promise<void> {
    const member = `${now}-${Math.random().toString(36).slice(2, 8)}`;
    await this.redis.client!.eval(RECORD, 1, this.key(key), now, member, this.windowMs);
  }

  async retryAfterSeconds(key: string, now: number): Promise<number> {
    const oldest = Number(await this.redis.client!.eval(RETRY_AFTER, 1, this.key(key), now, this.windowMs, this.limit));
    if (oldest < 0) return 0;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }

  private key(key: string): string {
    return this.redis.key('attempts', this.name, key);
  }
}

/** Makes the windows: in Redis in multi-instance mode, in memory otherwise. */
@Injectable()
export class AttemptWindows {
  constructor(private readonly redis: RedisConnection) {}

  create(name: string, limit: number, windowMs: number): AttemptWindow {
    return this.redis.client
      ? new RedisAttemptWindow(this.redis, name, limit, windowMs)
      : new LocalAttemptWindow(limit, windowMs);
  }
}
