import { jest } from '@jest/globals';
import { JobLease } from './job-lease';
import { JobRunner } from './job-runner';

class FixedLease extends JobLease {
  constructor(private readonly mine: boolean) {
    super();
  }
  async acquire(): Promise<boolean> {
    return this.mine;
  }
}

describe('JobRunner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never starts a round while the previous one of the same job still runs', async () => {
    const runner = new JobRunner(new FixedLease(true));
    let finish = () => {};
    const run = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    runner.every('resend', 100, run);
    await jest.advanceTimersByTimeAsync(350);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    finish();
    await runner.onApplicationShutdown();
  });

  it('runs a round only on the instance holding the lease, unless the job is per instance', async () => {
    const runner = new JobRunner(new FixedLease(false));
    const shared = jest.fn(async () => undefined);
    const own = jest.fn(async () => undefined);
    runner.every('expire', 100, shared);
    runner.every('revalidate', 100, own, { perInstance: true });
    await jest.advanceTimersByTimeAsync(300);
    expect(shared).not.toHaveBeenCalled();
    expect(own).toHaveBeenCalledTimes(3);
    await runner.onApplicationShutdown();
  });

  it('goes on after a failed round, and at shutdown waits for the running round and starts no other', async () => {
    const runner = new JobRunner(new FixedLease(true));
    let calls = 0;
    let finish = () => {};
    runner.every('prune', 100, async () => {
      calls++;
      if (calls === 1) throw new Error('database is busy');
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await jest.advanceTimersByTimeAsync(200);
    expect(calls).toBe(2);
    let stopped = false;
    const stopping = runner.onApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(calls).toBe(2);
  });

  it('refuses the same job name twice', () => {
    const runner = new JobRunner(new FixedLease(true));
    runner.every('expire', 100, async () => undefined);
    expect(() => runner.every('expire', 100, async () => undefined)).toThrow(/scheduled twice/);
    void runner.onApplicationShutdown();
  });
});
