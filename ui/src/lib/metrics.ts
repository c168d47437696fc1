/**
 * Run metrics, whatever the backend calls them. The API documents fractions (`total_return`:
 * 0.12); the engine also reports percents (`total_return_pct`: 12.0) and positive drawdowns
 * (`max_drawdown_pct`: 14.1). `readMetric` gives one canonical value: fractions for percentages,
 * drawdowns ≤ 0, counts and ratios as they are.
 */
import type { Metrics } from './api/types';
import { formatCount, formatNumber, formatPct } from './format';

export type MetricKind = 'pct' | 'ratio' | 'count' | 'money';

export interface MetricDef {
  key: string;
  label: string;
  kind: MetricKind;
  /** Names the backend may use, with the factor that turns each into the canonical value. */
  aliases: Array<[string, number]>;
  higherIsBetter: boolean;
  /** Colour by sign (green above zero). */
  signed: boolean;
}

const pct = (key: string, label: string, higherIsBetter = true, signed = true): MetricDef => ({
  key, label, kind: 'pct', aliases: [[key, 1], [`${key}_pct`, 0.01]], higherIsBetter, signed,
});

export const METRIC_DEFS: MetricDef[] = [
  pct('total_return', 'Return'),
  pct('cagr', 'CAGR'),
  { key: 'sharpe', label: 'Sharpe', kind: 'ratio', aliases: [['sharpe', 1]], higherIsBetter: true, signed: true },
  { key: 'sortino', label: 'Sortino', kind: 'ratio', aliases: [['sortino', 1]], higherIsBetter: true, signed: true },
  { key: 'calmar', label: 'Calmar', kind: 'ratio', aliases: [['calmar', 1]], higherIsBetter: true, signed: true },
  pct('max_drawdown', 'Max DD', true, false),
  { key: 'max_drawdown_duration_bars', label: 'DD bars', kind: 'count',
    aliases: [['max_drawdown_duration_bars', 1], ['max_drawdown_bars', 1]], higherIsBetter: false, signed: false },
  pct('volatility', 'Volatility', false, false),
  pct('win_rate', 'Win rate', true, false),
  { key: 'profit_factor', label: 'Profit factor', kind: 'ratio', aliases: [['profit_factor', 1]], higherIsBetter: true, signed: false },
  { key: 'expectancy', label: 'Expectancy $', kind: 'money', aliases: [['expectancy', 1]], higherIsBetter: true, signed: true },
  pct('avg_trade', 'Avg trade'),
  pct('best_trade', 'Best trade'),
  pct('worst_trade', 'Worst trade'),
  pct('exposure', 'Exposure', false, false),
  { key: 'trades', label: 'Trades', kind: 'count', aliases: [['trades', 1]], higherIsBetter: true, signed: false },
  pct('benchmark_return', 'Buy & hold'),
  { key: 'fees_total', label: 'Fees $', kind: 'money', aliases: [['fees_total', 1], ['fees', 1]], higherIsBetter: false, signed: false },
  { key: 'final_equity', label: 'Final equity', kind: 'money', aliases: [['final_equity', 1]], higherIsBetter: true, signed: false },
];

const BY_KEY = new Map(METRIC_DEFS.map((d) => [d.key, d]));
/** Every raw name some definition reads (the rest are shown as they come). */
export const KNOWN_RAW = new Set(METRIC_DEFS.flatMap((d) => d.aliases.map(([k]) => k))
  .concat(['bars', 'start_equity', 'max_drawdown_seconds']));

export function metricDef(key: string): MetricDef {
  return BY_KEY.get(key) ?? { key, label: key.replace(/_/g, ' '), kind: 'ratio', aliases: [[key, 1]], higherIsBetter: true, signed: false };
}

export function readMetric(metrics: Metrics | null | undefined, key: string): number | null {
  const def = metricDef(key);
  for (const [name, factor] of def.aliases) {
    const v = metrics?.[name];
    if (typeof v === 'number' && Number.isFinite(v)) {
      const value = v * factor;
      return def.key === 'max_drawdown' ? -Math.abs(value) : value;
    }
  }
  return null;
}

/** The name the server knows this metric by, given a sample of its metrics (for ?sort=). */
export function serverMetricName(sample: Metrics | null | undefined, key: string): string {
  const def = metricDef(key);
  return def.aliases.find(([name]) => typeof sample?.[name] === 'number')?.[0] ?? key;
}

export function formatMetric(key: string, value: number | null): string {
  const def = metricDef(key);
  switch (def.kind) {
    case 'pct': return formatPct(value, 2, def.signed);
    case 'count': return formatCount(value);
    case 'money': return formatNumber(value, 2);
    default: return formatNumber(value, 2);
  }
}
