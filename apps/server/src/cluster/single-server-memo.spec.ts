import { jest } from '@jest/globals';
import { RedisConnection } from './redis-connection';
import { SingleServerMemo } from './single-server-memo';

/** Reads the test finishes when it wants, counting how many were started. */
function gatedRead<V>() {
  const started: ((value: V) => void)[] = [];
  const read = jest.fn(() => new Promise<V>((resolve) => started.push(resolve)));
  return { read, finish: (value: V) => started.forEach((resolve) => resolve(value)) };
}

const always = () => true;

describe('SingleServerMemo', () => {
  const single = () => new SingleServerMemo<string, string>({ client: null } as RedisConnection);

  it('lets callers that ask while a read is under way share it, and keeps what it found', async () => {
    const memo = single();
    const { read, finish } = gatedRead<string>();
    const asked = [memo.get('k', read, always), memo.get('k', read, always)];
    finish('v1');
    expect(await Promise.all(asked)).toEqual(['v1', 'v1']);
    expect(await memo.get('k', read, always)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('does not hand a read begun before a write to callers after it, nor keep it', async () => {
    const memo = single();
    const before = gatedRead<string>();
    const early = memo.get('k', before.read, always);
    memo.forget();
    const after = gatedRead<string>();
    const late = memo.get('k', after.read, always);
    after.finish('new');
    before.finish('old');
    expect(await early).toBe('old');
    expect(await late).toBe('new');
    expect(await memo.get('k', () => Promise.resolve('unread'), always)).toBe('new');
  });

  it('reads again when the value found is not to be kept, and lets a failed read be tried again', async () => {
    const memo = single();
    const read = jest.fn(() => Promise.resolve(''));
    expect(await memo.get('k', read, (v) => v !== '')).toBe('');
    expect(await memo.get('k', read, (v) => v !== '')).toBe('');
    expect(read).toHaveBeenCalledTimes(2);
    await expect(memo.get('e', () => Promise.reject(new Error('disk')), always)).rejects.toThrow('disk');
    expect(await memo.get('e', () => Promise.resolve('ok'), always)).toBe('ok');
  });

  it('with several instances keeps nothing and shares nothing', async () => {
    const memo = new SingleServerMemo<string, string>({ client: {} } as RedisConnection);
    expect(memo.keeps).toBe(false);
    const read = jest.fn(() => Promise.resolve('v'));
    await Promise.all([memo.get('k', read, always), memo.get('k', read, always)]);
    await memo.get('k', read, always);
    expect(read).toHaveBeenCalledTimes(3);
  });
});
