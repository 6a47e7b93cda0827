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

/** Windows in this process's memory: one server. */
export class LocalAttemptWindow implements AttemptWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async record(key: string, now: number): Promise<void> {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  async retryAfterSeconds(key: string, now: number): Promise<number> {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [key] of this.failures) {
      if (!this.recent(key, now).length) this.failures.delete(key);
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
