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

  it('counts only the attempts of the last window however many came before, as the send limit needs', async () => {
    const sends = new LocalAttemptWindow(60, 60_000);
    for (let t = 0; t < 120_000; t += 500) await sends.record('token:1', t);
    // 240 sends over two minutes, 119 in the last 60 s; a slot frees when the 60th newest (at 90 s) leaves.
    expect(await sends.retryAfterSeconds('token:1', 120_000)).toBe(30);
    expect(await sends.retryAfterSeconds('token:1', 190_000)).toBe(0);
  });
});
