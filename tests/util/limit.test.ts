// The bounded wait every load and benchmark step goes through: the work's result when it comes in
// time, the caller's typed error when it does not, and no timer left behind either way.
import { afterEach, expect, test, vi } from 'vitest';
import { StorageReadError } from '../../src/store/errors';
import { withLimit } from '../../src/util/limit';

afterEach(() => vi.useRealTimers());

test('work that finishes in time gives its result and clears the timer', async () => {
  vi.useFakeTimers();
  await expect(withLimit(Promise.resolve(42), 1000, () => new Error('late'))).resolves.toBe(42);
  expect(vi.getTimerCount()).toBe(0);
});

test('work that never finishes fails with the caller\'s error once the bound has passed, not before', async () => {
  vi.useFakeTimers();
  const waiting = withLimit(new Promise<never>(() => undefined), 60_000, () => new StorageReadError('chunk 7: did not finish in 60 s'));
  let settled = false;
  waiting.catch(() => (settled = true));
  await vi.advanceTimersByTimeAsync(59_999);
  expect(settled).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  await expect(waiting).rejects.toThrow(StorageReadError);
  await expect(waiting).rejects.toThrow('chunk 7: did not finish in 60 s');
  expect(vi.getTimerCount()).toBe(0);
});

test('work that fails in time fails with its own error', async () => {
  await expect(withLimit(Promise.reject(new RangeError('bad')), 1000, () => new Error('late'))).rejects.toThrow(RangeError);
});
