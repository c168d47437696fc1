/** Heatmap colours: where a figure sits on the scale, and the colour for that place. */
import type { MetricDef } from '@/lib/metrics';

/** Low → high: red, slate, green (flipped for metrics where lower is better); every shade keeps the
 *  cell's white figure at 4.5:1 or more (WCAG AA). */
export function heatColor(t: number, higherIsBetter: boolean): string {
  const x = Math.max(0, Math.min(1, higherIsBetter ? t : 1 - t));
  const lerp = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
  const [r, g, b] = x < 0.5
    ? [lerp(150, 44, x * 2), lerp(40, 55, x * 2), lerp(40, 69, x * 2)]
    : [lerp(44, 20, (x - 0.5) * 2), lerp(55, 118, (x - 0.5) * 2), lerp(69, 70, (x - 0.5) * 2)];
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * The value a metric's sign turns on, or null when it has none: 0 for signed figures (return, CAGR,
 * Sharpe, Sortino, Calmar, expectancy…), 1 for the profit factor (below 1 the cell lost money).
 * Such metrics use a diverging scale, so a positive Sharpe is never red because the others were higher.
 */
export function heatCentre(def: Pick<MetricDef, 'key' | 'signed'>): number | null {
  if (def.key === 'profit_factor') return 1;
  return def.signed ? 0 : null;
}

/**
 * Where `v` sits on the 0..1 scale heatColor paints. Without a centre: min → max of the final figures.
 * With one: the centre is mid-scale (slate), the figure farthest from it is full red or green, and the
 * rest are placed by their distance from the centre on that same symmetric span.
 */
export function heatPosition(v: number, values: readonly number[], centre: number | null): number {
  if (centre === null) {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return max > min ? (v - min) / (max - min) : 0.5;
  }
  const span = Math.max(...values.map((x) => Math.abs(x - centre)), Math.abs(v - centre));
  if (!(span > 0) || !Number.isFinite(span)) return v === centre ? 0.5 : v > centre ? 1 : 0;
  return 0.5 + (0.5 * (v - centre)) / span;
}
