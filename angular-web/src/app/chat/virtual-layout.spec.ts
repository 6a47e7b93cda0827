import { HeightCache, anchorAt, indexAt, offsetsOf, topFor, visibleRange } from './virtual-layout';

const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m${from + i}`);

describe('virtual layout', () => {
  it('places measured items by their height and the others by the average so far', () => {
    const heights = new HeightCache(50);
    expect(offsetsOf(keys(3), heights)).toEqual([0, 50, 100, 150]);
    heights.set('m0', 100);
    heights.set('m1', 20);
    expect(offsetsOf(keys(3), heights)).toEqual([0, 100, 120, 180]);
    expect(heights.set('m1', 20.2)).toBe(false);
    expect(heights.set('m1', 40)).toBe(true);
    expect(heights.estimate()).toBe(70);
  });

  it('finds the item under a point, and renders only what is near the viewport', () => {
    const offsets = offsetsOf(keys(10_000), new HeightCache(60));
    expect(indexAt(offsets, 0)).toBe(0);
    expect(indexAt(offsets, 59)).toBe(0);
    expect(indexAt(offsets, 60)).toBe(1);
    expect(indexAt(offsets, 10_000 * 60 + 500)).toBe(9_999);
    const range = visibleRange(offsets, 300_000, 600, 300);
    expect(range).toEqual({ start: 4995, end: 5016 });
    expect(range.end - range.start).toBeLessThan(30);
    expect(visibleRange([0], 0, 600, 300)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the reader on the same message when older ones come in above it', () => {
    const heights = new HeightCache(60);
    const before = keys(50, 50);
    const offsets = offsetsOf(before, heights);
    const anchor = anchorAt(before, offsets, 130)!;
    expect(anchor).toEqual({ key: 'm52', offset: -10 });
    const after = [...keys(50), ...before];
    expect(topFor(anchor, after, offsetsOf(after, heights))).toBe(50 * 60 + 130);
    // …and when a message above it turns out taller than the others.
    for (const key of after) heights.set(key, 60);
    heights.set('m10', 260);
    expect(topFor(anchor, after, offsetsOf(after, heights))).toBe(50 * 60 + 130 + 200);
    expect(topFor({ key: 'gone', offset: 0 }, after, offsetsOf(after, heights))).toBeNull();
  });
});
