/**
 * The curves a comparison overlays. Runs start with different cash, so each equity curve is divided by
 * its run's starting equity: every curve starts at 1.0 (0 %) and ends at 1 + the run's Return, the same
 * figure as its metrics. Drawdowns are the API's (from the full curve, before downsampling); a point
 * without one gets it from the running peak of the points at hand.
 */
import type { EquityPoint, Run } from '@/lib/api/types';
import { barSeconds } from '@/lib/timeframes';

export interface CurvePoint { ts: string; value: number }

/** What the run started with: the metrics' start equity, else its cash, else the curve's first point. */
export function startingEquity(run: Pick<Run, 'cash' | 'metrics'>, points: Pick<EquityPoint, 'equity'>[]): number | null {
  const fromMetrics = run.metrics?.start_equity;
  if (typeof fromMetrics === 'number' && Number.isFinite(fromMetrics) && fromMetrics > 0) return fromMetrics;
  const cash = Number(run.cash);
  if (Number.isFinite(cash) && cash > 0) return cash;
  const first = points.length ? Number(points[0]?.equity) : NaN;
  return Number.isFinite(first) && first > 0 ? first : null;
}

/** Equity ÷ starting equity, in time order (1.05 = up 5 %); empty when there is nothing to divide by. */
export function normaliseEquity(points: Pick<EquityPoint, 'ts' | 'equity'>[], start: number | null): CurvePoint[] {
  if (!start || !Number.isFinite(start) || start <= 0) return [];
  return sortByTime(points)
    .map((p) => ({ ts: p.ts, value: Number(p.equity) / start }))
    .filter((p) => Number.isFinite(p.value));
}

/** Drawdown from the running peak as a fraction ≤ 0 (−0.12 = 12 % below the highest equity so far). */
export function drawdownCurve(points: Pick<EquityPoint, 'ts' | 'equity' | 'drawdown'>[]): CurvePoint[] {
  let peak = -Infinity;
  const out: CurvePoint[] = [];
  for (const p of sortByTime(points)) {
    const equity = Number(p.equity);
    if (!Number.isFinite(equity)) continue;
    if (equity > peak) peak = equity;
    const own = typeof p.drawdown === 'number' && Number.isFinite(p.drawdown) ? p.drawdown : null;
    out.push({ ts: p.ts, value: own ?? (peak > 0 ? Math.min(equity / peak - 1, 0) : 0) });
  }
  return out;
}

function sortByTime<T extends { ts: string }>(points: T[]): T[] {
  return [...points].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
}

/** The shortest bar length among the runs' timeframes: the chart's clock, so no run's times are cut to
 *  dates when another run's are intraday. */
export function finestTimeframe(timeframes: string[]): string {
  let best: string | undefined;
  let bestSeconds = Infinity;
  for (const tf of timeframes) {
    const s = barSeconds(tf) ?? Infinity;
    if (best === undefined || s < bestSeconds) [best, bestSeconds] = [tf, s];
  }
  return best ?? '1Day';
}
