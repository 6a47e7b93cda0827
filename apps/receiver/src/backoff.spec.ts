import { Backoff, backoffCeiling, RECONNECT_BACKOFF } from './backoff';

describe('backoffCeiling', () => {
  it('doubles from one second', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffCeiling(n, RECONNECT_BACKOFF))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never exceeds the three-minute cap, however many attempts', () => {
    expect(backoffCeiling(8, RECONNECT_BACKOFF)).toBe(180_000);
    expect(backoffCeiling(10_000, RECONNECT_BACKOFF)).toBe(180_000);
  });
});

describe('Backoff', () => {
  it('draws each wait uniformly between zero and the ceiling (full jitter)', () => {
    const draws = [0, 1, 0.5, 0.25];
    const backoff = new Backoff(RECONNECT_BACKOFF, () => draws.shift() ?? 0);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([0, 2000, 2000, 2000]);
  });

  it('stays within bounds with a real random source and reaches the cap', () => {
    const backoff = new Backoff();
    const waits = Array.from({ length: 200 }, () => backoff.next());
    waits.forEach((wait, n) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(backoffCeiling(n, RECONNECT_BACKOFF));
    });
    expect(Math.max(...waits.slice(20))).toBeGreaterThan(90_000);
    expect(new Set(waits.slice(20)).size).toBeGreaterThan(100);
  });

  it('starts again from one second after reset', () => {
    const backoff = new Backoff(RECONNECT_BACKOFF, () => 1);
    backoff.next();
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });
});
