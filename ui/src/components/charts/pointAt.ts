/**
 * A line's point shown at a time: its point at that time, else its latest point before it (a thinned
 * curve, or one drawn beside another with different timestamps, has no point at every hovered time),
 * undefined before its first point or when it has none. `points` ascend strictly by `time`.
 */
export function pointAtOrBefore<T extends { time: number }>(points: readonly T[], time: number): T | undefined {
  let lo = 0;
  let hi = points.length; // the first index whose time is after `time` lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as T).time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : points[lo - 1];
}
