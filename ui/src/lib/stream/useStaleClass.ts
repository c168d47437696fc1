import { useStream } from './StreamProvider';

/** `stale` while the stream is down: the page greys its live figures (global.css), which stop updating
 *  until the stream is back, rather than showing old numbers as if they were current (issue 17.5). */
export function useStaleClass(): string {
  return useStream().state === 'down' ? 'stale' : '';
}
