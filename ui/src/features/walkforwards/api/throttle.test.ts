import { describe, expect, it, vi } from 'vitest';
import { throttled } from './throttle';

describe('throttled reads', () => {
  it('starts a read at once, the next of the same name a second after it, and another name at once', async () => {
    vi.useFakeTimers();
    try {
      const reads: Array<[string, number]> = [];
      const read = (name: string) => () => Promise.resolve(reads.push([name, Date.now()]));
      const t0 = Date.now();
      await throttled('a', undefined, read('a'));
      const second = throttled('a', undefined, read('a'));
      await throttled('b', undefined, read('b'));
      await vi.advanceTimersByTimeAsync(999);
      expect(reads.map(([n, t]) => [n, t - t0])).toEqual([['a', 0], ['b', 0]]);
      await vi.advanceTimersByTimeAsync(1);
      await second;
      expect(reads.map(([n, t]) => [n, t - t0])).toEqual([['a', 0], ['b', 0], ['a', 1000]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up waiting when the query is cancelled, without reading', async () => {
    const controller = new AbortController();
    const read = vi.fn(() => Promise.resolve(1));
    await throttled('c', undefined, read);
    const waiting = throttled('c', controller.signal, read);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(read).toHaveBeenCalledTimes(1);
  });
});
