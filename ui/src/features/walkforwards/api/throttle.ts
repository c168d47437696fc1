/**
 * A fetch that starts at least `gapMs` after the previous one of the same name: a burst of stream events
 * (one per finished cell) becomes one read a second. An invalidation during the wait aborts it and the
 * next read waits for the same moment, so the last event is always followed by a read.
 */
const started = new Map<string, number>();

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export async function throttled<T>(name: string, signal: AbortSignal | undefined, read: () => Promise<T>,
  gapMs = 1000, now: () => number = Date.now): Promise<T> {
  const wait = (started.get(name) ?? -Infinity) + gapMs - now();
  if (wait > 0) await sleep(wait, signal);
  started.set(name, now());
  return read();
}
