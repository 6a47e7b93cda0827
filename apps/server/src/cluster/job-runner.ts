import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobLease } from './job-lease';

export interface JobOptions {
  /** Work on this instance's own connections: every instance runs it, no lease is taken. */
  perInstance?: boolean;
}

interface Job {
  timer: NodeJS.Timeout;
  running: Promise<void> | undefined;
}

/**
 * Every periodic job of the server, by name. A round runs only on the instance that takes the job's lease (so once
 * across instances), never while the previous round of the same job is still running, is logged at debug, and a
 * failed round is logged and does not stop the next. At shutdown no new round starts and running ones are awaited.
 * (@nestjs/schedule would give the timers but none of the rest.)
 */
@Injectable()
export class JobRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly jobs = new Map<string, Job>();
  private stopping = false;

  constructor(private readonly lease: JobLease) {}

  every(name: string, intervalMs: number, run: () => Promise<void>, options: JobOptions = {}): void {
    if (this.jobs.has(name)) throw new Error(`job "${name}" is scheduled twice`);
    const job: Job = {
      running: undefined,
      timer: setInterval(() => {
        if (job.running || this.stopping) return;
        job.running = this.round(name, intervalMs, run, options).finally(() => (job.running = undefined));
      }, intervalMs),
    };
    job.timer.unref();
    this.jobs.set(name, job);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const job of this.jobs.values()) clearInterval(job.timer);
    await Promise.all([...this.jobs.values()].map((job) => job.running));
  }

  private async round(name: string, intervalMs: number, run: () => Promise<void>, options: JobOptions) {
    try {
      if (!options.perInstance && !(await this.lease.acquire(name, intervalMs))) return;
      this.logger.debug(`${name}: round`);
      await run();
    } catch (error) {
      this.logger.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
