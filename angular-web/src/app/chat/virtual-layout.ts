/**
 * The arithmetic of a virtual list whose items have different heights: each item's top from the heights measured
 * so far (an estimate for the others), which items a viewport needs, and an anchor that keeps the reader's place
 * when items are added above or turn out taller than estimated.
 */

export interface ListRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/** Where the reader is: an item, and how far its top is from the top of the viewport. */
export interface Anchor {
  key: string;
  offset: number;
}

/** Heights measured by item key, and the average of them as the estimate for items not measured yet. */
export class HeightCache {
  private readonly heights = new Map<string, number>();
  private sum = 0;

  constructor(private readonly fallback: number) {}

  get(key: string): number | undefined {
    return this.heights.get(key);
  }

  /** Records a measurement; true when it differs from what was known. */
  set(key: string, height: number): boolean {
    const known = this.heights.get(key);
    if (known !== undefined && Math.abs(known - height) < 0.5) return false;
    this.sum += height - (known ?? 0);
    this.heights.set(key, height);
    return true;
  }

  estimate(): number {
    return this.heights.size ? this.sum / this.heights.size : this.fallback;
  }

  clear(): void {
    this.heights.clear();
    this.sum = 0;
  }
}

/** Each item's top (`offsets[i]`) and, last, the whole list's height (`offsets[n]`). */
export function offsetsOf(keys: readonly string[], heights: HeightCache): number[] {
  const estimate = heights.estimate();
  const offsets = new Array<number>(keys.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i] + (heights.get(keys[i]) ?? estimate);
  return offsets;
}

/** The item under `y`: the last one whose top is at or above it (0 for an empty list). */
export function indexAt(offsets: readonly number[], y: number): number {
  let low = 0;
  let high = Math.max(0, offsets.length - 2);
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid] <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The items a viewport of `height` scrolled to `top` shows, with `buffer` pixels more on each side. */
export function visibleRange(offsets: readonly number[], top: number, height: number, buffer: number): ListRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  return {
    start: indexAt(offsets, Math.max(0, top - buffer)),
    end: Math.min(count, indexAt(offsets, top + height + buffer) + 1),
  };
}

export function anchorAt(keys: readonly string[], offsets: readonly number[], top: number): Anchor | null {
  if (!keys.length) return null;
  const index = indexAt(offsets, top);
  return { key: keys[index], offset: offsets[index] - top };
}

/** The scroll position that puts the anchor's item where it was; null when the item is gone. */
export function topFor(anchor: Anchor, keys: readonly string[], offsets: readonly number[]): number | null {
  const index = keys.indexOf(anchor.key);
  return index < 0 ? null : Math.max(0, offsets[index] - anchor.offset);
}
