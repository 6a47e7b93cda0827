import { jest } from '@jest/globals';
import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  it('writes what arrives together in one call and settles every caller after it is stored', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 5, maxItems: 100 });
    await Promise.all([sut.add(1), sut.add(2, 3), sut.add(4)]);
    expect(writes).toEqual([[1, 2, 3, 4]]);
  });

  it('writes at once when the batch is full, and keeps batches in order', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 10_000, maxItems: 3 });
    await sut.add(1, 2, 3);
    await sut.add(4, 5, 6);
    expect(writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rejects the callers of a batch that failed, and goes on with the next one', async () => {
    const write = jest.fn(async (items: number[]) => {
      if (items.includes(13)) throw new Error('disk full');
    });
    const sut = new WriteBatcher<number>(write, { delayMs: 1, maxItems: 100 });
    await expect(sut.add(13)).rejects.toThrow('disk full');
    await expect(sut.add(14)).resolves.toEqual([]);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('flush writes what waits without waiting for the delay', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 60_000, maxItems: 100 });
    const pending = sut.add(7);
    await sut.flush();
    await pending;
    expect(writes).toEqual([[7]]);
  });
});

describe('WriteBatcher with results', () => {
  it('gives each caller the results of its own items, in order', async () => {
    const sut = new WriteBatcher<number, string>(async (items) => items.map((n) => `row ${n}`), {
      delayMs: 5,
      maxItems: 100,
    });
    const [a, b] = await Promise.all([sut.add(1), sut.add(2, 3)]);
    expect(a).toEqual(['row 1']);
    expect(b).toEqual(['row 2', 'row 3']);
  });
});
