import { createChart, type IChartApi } from 'lightweight-charts';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { baseOptions } from './chartTheme';

/** Charts already removed. On unmount React runs the chart's cleanup before its series' cleanup; any call
 *  on a removed chart (removeSeries, detach) schedules a paint of disposed canvases that throws
 *  "Object is disposed" a frame later, out of reach of any try/catch — so such calls must not happen. */
const removed = new WeakSet<IChartApi>();

/**
 * Create a chart in the container, follow the container's width, remove it on unmount. With `fit`, a
 * width change also fits the whole series back in view (else a narrower window hides its start).
 */
export function useChart(height: number, fit = false): { ref: RefObject<HTMLDivElement | null>; chart: IChartApi | null } {
  const ref = useRef<HTMLDivElement | null>(null);
  const [chart, setChart] = useState<IChartApi | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const created = createChart(el, { ...baseOptions(height), width: el.clientWidth || 600 });
    setChart(created);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      if (removed.has(created) || el.clientWidth <= 0 || el.clientWidth === created.options().width) return;
      created.applyOptions({ width: el.clientWidth });
      // after the chart has taken its new width (the fit spreads the bars over the width it has)
      if (fit) requestAnimationFrame(() => { if (!removed.has(created)) fitWhole(created); });
    });
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      removed.add(created);
      setChart(null);
      created.remove();
    };
  }, [height, fit]);

  return { ref, chart };
}

/** The least space between bars that the fit may use, in px. lightweight-charts' default (0.5 px) lets
 *  fitContent spread at most width / 0.5 bars: a longer series showed only its end (a 39,000-bar walk-forward
 *  its last 2,000 bars). 0.001 px fits a million points in a 1,000 px chart. */
export const FIT_MIN_BAR_SPACING = 0.001;

/**
 * Show the whole of a line chart's series, its first point to its last, however many points it has
 * (not for candles: narrower than a pixel they are no longer candles).
 */
export function fitWhole(chart: Pick<IChartApi, 'timeScale'>): void {
  const scale = chart.timeScale();
  scale.applyOptions({ minBarSpacing: FIT_MIN_BAR_SPACING });
  scale.fitContent();
}

/**
 * Undo what a series effect added (series, markers, subscriptions) — only while the chart lives: a
 * removed chart took its series with it, and touching it would throw a frame later.
 */
export function safely(chart: IChartApi, teardown: () => void): void {
  if (removed.has(chart)) return;
  try {
    teardown();
  } catch {
    /* a series already gone: nothing left to detach */
  }
}
