import { paddedInValues, powerOfTwoRuns } from './batches';

describe('statement shapes', () => {
  it('splits rows into power-of-two runs, largest first, keeping every row once and in order', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const runs = [...powerOfTwoRuns(rows)];
    expect(runs.map((r) => r.length)).toEqual([512, 256, 128, 64, 32, 8]);
    expect(runs.flat()).toEqual(rows);
    const more = Array.from({ length: 1300 }, (_, i) => i);
    expect([...powerOfTwoRuns(more)].map((r) => r.length)).toEqual([512, 512, 256, 16, 4]);
    expect([...powerOfTwoRuns([7])]).toEqual([[7]]);
    expect([...powerOfTwoRuns([])]).toEqual([]);
  });

  it('pads an IN list to a power of two with its last value', () => {
    expect(paddedInValues(['a'])).toEqual(['a']);
    expect(paddedInValues(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(paddedInValues([1, 2, 3, 4, 5])).toEqual([1, 2, 3, 4, 5, 5, 5, 5]);
    expect(paddedInValues([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });
});
