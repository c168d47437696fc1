import { ColorType, CrosshairMode, type AutoscaleInfo, type DeepPartial, type ChartOptions, type UTCTimestamp } from 'lightweight-charts';

export const COLORS = {
  up: '#22c57a',
  down: '#ff5d5d',
  accent: '#4cb3ff',
  benchmark: '#98a3b0',
  grid: '#161d26',
  text: '#98a3b0',
  border: '#222b37',
  volume: '#2c3745',
};

export function toSeconds(iso: string): UTCTimestamp {
  return Math.floor(new Date(iso).getTime() / 1000) as UTCTimestamp;
}

export function baseOptions(height: number): DeepPartial<ChartOptions> {
  return {
    height,
    autoSize: false,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: COLORS.text,
      fontSize: 11,
      fontFamily: "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace",
      panes: { separatorColor: COLORS.border, separatorHoverColor: '#2c3745', enableResize: true },
      attributionLogo: false,
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    rightPriceScale: { borderColor: COLORS.border },
    // fixLeftEdge: the first bar sits at the left edge and lightweight-charts moves the first tick label
    // right to fit (it is centred on its bar otherwise, and the canvas cut "2020" to "20").
    timeScale: { borderColor: COLORS.border, rightOffset: 3, fixLeftEdge: true },
    crosshair: { mode: CrosshairMode.Normal },
  };
}

/** An autoscale that never shows less than `span(mid)` of the price axis: a flat line (an equity that has not
 *  moved yet, a drawdown of 0) otherwise scaled to a sliver, and every axis label read the same ("100,000.00"
 *  six times, "0.0%" twice: trial 30). */
export function atLeastSpan(span: (mid: number) => number) {
  return (original: () => AutoscaleInfo | null): AutoscaleInfo | null => {
    const info = original();
    const range = info?.priceRange;
    if (!info || !range) return info;
    const mid = (range.minValue + range.maxValue) / 2;
    const least = span(mid);
    if (range.maxValue - range.minValue >= least) return info;
    return { ...info, priceRange: { minValue: mid - least / 2, maxValue: mid + least / 2 } };
  };
}

/** Money: at least 0.1 % of the level (and a dollar), so a flat $100,000 reads 99,950 … 100,050. */
export const MONEY_SPAN = atLeastSpan((mid) => Math.max(Math.abs(mid) * 0.001, 1));
/** A drawdown (a fraction): at least one percentage point. */
export const FRACTION_SPAN = atLeastSpan(() => 0.01);
