import { FailedHandshakes } from './failed-handshakes';

describe('FailedHandshakes', () => {
  it('lets an address fail up to the limit, then asks it to wait until the oldest failure leaves the window', () => {
    const failures = new FailedHandshakes(3, 60_000);
    failures.record('10.0.0.1', 1_000);
    failures.record('10.0.0.1', 2_000);
    expect(failures.retryAfterSeconds('10.0.0.1', 2_500)).toBe(0);
    failures.record('10.0.0.1', 3_000);
    expect(failures.retryAfterSeconds('10.0.0.1', 3_000)).toBe(58);
    expect(failures.retryAfterSeconds('10.0.0.2', 3_000)).toBe(0);
    expect(failures.retryAfterSeconds('10.0.0.1', 61_001)).toBe(0);
  });
});
