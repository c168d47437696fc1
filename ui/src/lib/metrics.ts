/**
 * Run metrics as the UI shows them. The API reports each figure under a documented name (`RunMetric`,
 * from the OpenAPI document): percentages in percent (`total_return_pct`: 12.0) and drawdowns as
 * positive percents (`max_drawdown_pct`: 14.1). `readMetric` gives one canonical value per UI key:
 * fractions for percentages, drawdowns ≤ 0, counts and ratios as they are. Annualised figures on too
 * little data come as null with a reason in `metrics_unavailable`: `metricUnavailable` reads it, and the UI
 * shows NOT_ENOUGH_DATA with the reason as its title instead of a number.
 */
import type { Metrics, RunMetric } from './api/types';
import { formatCount, formatNumber, formatPct } from './format';

export type MetricKind = 'pct' | 'ratio' | 'count' | 'money';

export interface MetricDef {
  key: string;
  label: string;
  kind: MetricKind;
  /** The API's name for the figure, and the factor that turns its value into the canonical one. */
  source: RunMetric | (string & {});
  factor: number;
  higherIsBetter: boolean;
  /** Colour by sign (green above zero). */
  signed: boolean;
}

const pct = (key: string, source: RunMetric, label: string, higherIsBetter = true, signed = true): MetricDef => ({
  key, label, kind: 'pct', source, factor: 0.01, higherIsBetter, signed,
});
const plain = (source: RunMetric, label: string, kind: MetricKind, higherIsBetter: boolean, signed: boolean,
  key: string = source): MetricDef => ({ key, label, kind, source, factor: 1, higherIsBetter, signed });

export const METRIC_DEFS: MetricDef[] = [
  pct('total_return', 'total_return_pct', 'Return'),
  pct('cagr', 'cagr_pct', 'CAGR'),
  plain('sharpe', 'Sharpe', 'ratio', true, true),
  plain('sortino', 'Sortino', 'ratio', true, true),
  plain('calmar', 'Calmar', 'ratio', true, true),
  pct('max_drawdown', 'max_drawdown_pct', 'Max DD', true, false),
  plain('max_drawdown_bars', 'DD bars', 'count', false, false, 'max_drawdown_duration_bars'),
  pct('volatility', 'volatility_pct', 'Volatility', false, false),
  pct('win_rate', 'win_rate_pct', 'Win rate', true, false),
  plain('profit_factor', 'Profit factor', 'ratio', true, false),
  plain('expectancy', 'Expectancy $', 'money', true, true),
  pct('avg_trade', 'avg_trade_pct', 'Avg trade'),
  pct('best_trade', 'best_trade_pct', 'Best trade'),
  pct('worst_trade', 'worst_trade_pct', 'Worst trade'),
  pct('exposure', 'exposure_pct', 'Exposure', false, false),
  plain('trades', 'Trades', 'count', true, false),
  pct('benchmark_return', 'benchmark_return_pct', 'Buy & hold'),
  plain('fees_total', 'Fees $', 'money', false, false),
  plain('final_equity', 'Final equity', 'money', true, false),
];

const BY_KEY = new Map(METRIC_DEFS.map((d) => [d.key, d]));
const SHOWN_ELSEWHERE: RunMetric[] = ['bars', 'start_equity', 'max_drawdown_seconds', 'day_pnl', 'day_start_equity'];
/** Every API name a definition reads, and the ones the page shows in other ways (the rest are listed as
 * they come). */
export const KNOWN_RAW = new Set<string>(METRIC_DEFS.map((d) => d.source).concat(SHOWN_ELSEWHERE));

export function metricDef(key: string): MetricDef {
  return BY_KEY.get(key)
    ?? { key, label: key.replace(/_/g, ' '), kind: 'ratio', source: key, factor: 1, higherIsBetter: true, signed: false };
}

export function readMetric(metrics: Metrics | null | undefined, key: string): number | null {
  const def = metricDef(key);
  const v = metrics?.[def.source];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const value = v * def.factor;
  return def.key === 'max_drawdown' ? -Math.abs(value) : value;
}

/** The name the API knows this metric by (for ?sort=). */
export function serverMetricName(key: string): string {
  return metricDef(key).source;
}

export function formatMetric(key: string, value: number | null): string {
  const def = metricDef(key);
  switch (def.kind) {
    case 'pct': return formatPct(value, 2, def.signed);
    case 'count': return formatCount(value);
    case 'money': return formatNumber(value, 2);
    default: return formatRatio(value);
  }
}

/** A ratio to 2 places; one that would round to 0.00 keeps two significant digits and its sign
 *  (trial 14: a Calmar of −0.00498 read "0.00" beside another run's "−0.01", and looked the better). */
function formatRatio(value: number | null): string {
  if (value === null || !Number.isFinite(value) || value === 0 || Math.abs(value) >= 0.005) return formatNumber(value, 2);
  return (value < 0 ? '−' : '') + Math.abs(value).toPrecision(2);
}

export const NOT_ENOUGH_DATA = 'not enough data';

/** Why the API withheld this figure (an annualised one on too little data), or null when it did not. */
export function metricUnavailable(
  withheld: Partial<Record<string, string>> | null | undefined, key: string,
): string | null {
  return withheld?.[metricDef(key).source] ?? null;
}
