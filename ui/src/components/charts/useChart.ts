import { createChart, type IChartApi } from 'lightweight-charts';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { baseOptions } from './chartTheme';

/** Create a chart in the container, follow the container's width, remove it on unmount. */
export function useChart(height: number): { ref: RefObject<HTMLDivElement | null>; chart: IChartApi | null } {
  const ref = useRef<HTMLDivElement | null>(null);
  const [chart, setChart] = useState<IChartApi | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const created = createChart(el, { ...baseOptions(height), width: el.clientWidth || 600 });
    setChart(created);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      created.applyOptions({ width: el.clientWidth });
    });
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      created.remove();
      setChart(null);
    };
  }, [height]);

  return { ref, chart };
}

/**
 * Run a chart teardown that may come after the chart itself was removed (on unmount React cleans
 * up the chart's effect before the series' effect): a removed chart has nothing left to detach.
 */
export function safely(teardown: () => void): void {
  try {
    teardown();
  } catch {
    /* the chart is already gone */
  }
}
