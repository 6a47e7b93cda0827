import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/**
 * Background work (expiry, reminders, resends, pruning) runs once across instances: before each round an
 * instance takes the job's lease, and only the instance that got it does the round.
 */
export abstract class JobLease {
  /** True when this instance should run `job` now; the lease lasts `ms`, about the job's interval. */
  abstract acquire(job: string, ms: number): Promise<boolean>;
}

/** One server: every round is its own. */
@Injectable()
export class LocalJobLease extends JobLease {
  async acquire(): Promise<boolean> {
    return true;
  }
}

@Injectable()
export class RedisJobLease extends JobLease {
  constructor(private readonly redis: RedisConnection) {
    super();
  }

  async acquire(job: string, ms: number): Promise<boolean> {
    // A little shorter than the interval, so the holder's next tick finds it free rather than racing its expiry.
    const lease = Math.max(1, Math.floor(ms * 0.9));
    const taken = await this.redis.client!.set(this.redis.key('job', job), this.redis.instanceId, 'PX', lease, 'NX');
    return taken === 'OK';
  }
}
