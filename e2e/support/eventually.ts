import { sleep } from './server';

/**
 * Polls until `read()` (sync or async) returns a value accepted by `accept`, and returns it; after `timeoutMs` returns
 * the last value read, so the caller's own assertion fails with a useful diff. Log files are written asynchronously by
 * the server, a few milliseconds after the HTTP answer, and receivers connect in their own time.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  return value;
}

/** Retries an assertion until it holds; after `timeoutMs` the last failure is thrown, with its diff. */
export async function passes(assertion: () => void | Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(50);
    }
  }
}
