/**
 * The metrics side by side: the run page's figures (lib/metrics: same names, same formatting, read from
 * the API's run body, never recomputed here), one row per metric, one value per run, with the best
 * value(s) of a row marked where "best" means something.
 */
import type { Metrics } from '@/lib/api/types';
import { formatPlainMetric, tone } from '@/lib/format';
import { formatMetric, KNOWN_RAW, METRIC_DEFS, metricDef, readMetric } from '@/lib/metrics';

export interface MetricCell { value: number | null; text: string; tone: string; best: boolean; why?: string }

/** A run as this table reads it: its figures, and why the API withheld any (annualised figures on too few
 *  returns: `metrics_unavailable`, where the API sends it). */
export interface MetricsSource { metrics: Metrics | null | undefined; metrics_unavailable?: Record<string, string> | null }

const NOT_ENOUGH = 'not enough data';
export interface MetricRow { key: string; label: string; cells: MetricCell[]; ranked: boolean }

/** Figures that describe a run rather than rank it: more trades or exposure is not better, buy & hold is
 *  the market's return, final equity depends on the cash each run started with. */
const UNRANKED = new Set(['trades', 'exposure', 'benchmark_return', 'final_equity']);

/** Indices of the best value (ties all marked); none when fewer than two runs have a figure or all equal. */
export function bestIndices(values: (number | null)[], higherIsBetter: boolean): Set<number> {
  const present = values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [[i, v] as const]));
  if (present.length < 2) return new Set();
  const pick = higherIsBetter ? Math.max : Math.min;
  const best = pick(...present.map(([, v]) => v));
  if (present.every(([, v]) => v === best)) return new Set();
  return new Set(present.filter(([, v]) => v === best).map(([i]) => i));
}

export function metricRows(runs: MetricsSource[]): MetricRow[] {
  const rows: MetricRow[] = METRIC_DEFS.map((def) => {
    const values = runs.map((r) => readMetric(r.metrics, def.key));
    const ranked = !UNRANKED.has(def.key);
    const best = ranked ? bestIndices(values, def.higherIsBetter) : new Set<number>();
    return {
      key: def.key, label: def.label, ranked,
      cells: values.map((v, i) => {
        const why = v === null ? runs[i]?.metrics_unavailable?.[def.source] : undefined;
        return {
          value: v, text: why ? NOT_ENOUGH : formatMetric(def.key, v), best: best.has(i), ...(why ? { why } : {}),
          tone: def.key === 'max_drawdown' && v !== null && v < 0 ? 'neg' : def.signed ? tone(v) : '',
        };
      }),
    };
  });
  const extra = [...new Set(runs.flatMap((r) => Object.keys(r.metrics ?? {})))].filter((k) => !KNOWN_RAW.has(k)).sort();
  for (const key of extra) {
    const values = runs.map((r) => {
      const v = r.metrics?.[key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    rows.push({ key, label: metricDef(key).label, ranked: false,
      cells: values.map((v) => ({ value: v, text: formatPlainMetric(v), tone: '', best: false })) });
  }
  return rows;
}
