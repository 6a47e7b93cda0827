import { isUUID } from 'class-validator';
import { timeOrderedUuid } from './time-ordered-uuid';

describe('timeOrderedUuid', () => {
  it('is a UUID of version 7 with the RFC variant, led by the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 5, 21, 0, 0, 123);
    const id = timeOrderedUuid(at);
    expect(isUUID(id, 7)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts ids of later milliseconds after earlier ones, and never repeats one within a millisecond', () => {
    const at = Date.UTC(2026, 11, 5);
    const sameMs = Array.from({ length: 10_000 }, () => timeOrderedUuid(at));
    expect(new Set(sameMs).size).toBe(sameMs.length);
    const later = [at + 1, at + 1000, at + 86_400_000].map(timeOrderedUuid);
    const all = [...later, sameMs[0]].sort();
    expect(all).toEqual([sameMs[0], ...later]);
  });
});
