import { LocalAttemptWindow } from './attempt-windows';

describe('LocalAttemptWindow', () => {
  it('lets an address fail up to the limit, then asks it to wait until the oldest failure leaves the window', async () => {
    const failures = new LocalAttemptWindow(3, 60_000);
    await failures.record('10.0.0.1', 1_000);
    await failures.record('10.0.0.1', 2_000);
    expect(await failures.retryAfterSeconds('10.0.0.1', 2_500)).toBe(0);
    await failures.record('10.0.0.1', 3_000);
    expect(await failures.retryAfterSeconds('10.0.0.1', 3_000)).toBe(58);
    expect(await failures.retryAfterSeconds('10.0.0.2', 3_000)).toBe(0);
    expect(await failures.retryAfterSeconds('10.0.0.1', 61_001)).toBe(0);
  });
});
