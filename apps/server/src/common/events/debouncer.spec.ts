import { jest } from '@jest/globals';
import { Debouncer } from './debouncer';

describe('Debouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands over what arrives within the delay together, once', async () => {
    const handed: number[][] = [];
    const sut = new Debouncer<number>(
      async (items) => void handed.push(items),
      200,
      () => undefined,
    );
    sut.push(1);
    sut.push(2, 3);
    await jest.advanceTimersByTimeAsync(199);
    expect(handed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(handed).toEqual([[1, 2, 3]]);
  });

  it('asks a delay function again for each new gathering', async () => {
    const handed: number[][] = [];
    const delays = [100, 500];
    const sut = new Debouncer<number>(
      async (items) => void handed.push(items),
      () => delays.shift() ?? 0,
      () => undefined,
    );
    sut.push(1);
    await jest.advanceTimersByTimeAsync(100);
    sut.push(2);
    await jest.advanceTimersByTimeAsync(499);
    expect(handed).toEqual([[1]]);
    await jest.advanceTimersByTimeAsync(1);
    expect(handed).toEqual([[1], [2]]);
  });

  it('reports a failed hand-over and goes on with the next one', async () => {
    const failed: unknown[] = [];
    const handed: number[][] = [];
    const sut = new Debouncer<number>(
      async (items) => {
        if (items.includes(13)) throw new Error('count query failed');
        handed.push(items);
      },
      10,
      (error) => failed.push(error),
    );
    sut.push(13);
    await sut.flush();
    sut.push(14);
    await sut.flush();
    expect(failed).toEqual([new Error('count query failed')]);
    expect(handed).toEqual([[14]]);
  });
});
