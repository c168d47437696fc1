/**
 * Parameter stability: each swept parameter's chosen value fold by fold, as points for a small line chart.
 * Numbers get a numeric scale; anything else (booleans, enum strings) is placed by its distinct values.
 * Values the server sends per fold (`stability`) are used; otherwise they are read from the folds.
 */
import type { ParamValue } from '@/lib/api/types';
import type { StabilityRow, Walkforward } from '../api/types';

export interface StabilityPoint { fold: number; x: number; y: number; label: string }

export interface StabilityChart {
  name: string;
  distinct: number;
  numeric: boolean;
  /** Points of folds that chose a value (a fold without a chosen cell is a break in the line). */
  segments: StabilityPoint[][];
  points: StabilityPoint[];
  yTicks: Array<{ y: number; label: string }>;
  xTicks: Array<{ x: number; label: string }>;
}

/** The rows to chart: the server's, else every swept parameter (grid with two or more values) from the folds. */
export function stabilityRows(wf: Pick<Walkforward, 'stability' | 'grid' | 'folds'>): StabilityRow[] {
  if (wf.stability?.length) return wf.stability;
  return Object.entries(wf.grid).filter(([, values]) => values.length > 1).map(([name]) => {
    const values = wf.folds.map((f) => (f.params ? f.params[name] ?? null : null));
    return { name, values, distinct: new Set(values.filter((v) => v !== null).map((v) => JSON.stringify(v))).size };
  });
}

export function stabilityChart(row: StabilityRow, folds: number[], box: { width: number; height: number; pad: number; left: number }):
  StabilityChart {
  const { width, height, pad, left } = box;
  const n = row.values.length;
  const xAt = (i: number) => (n <= 1 ? left + (width - left) / 2 : left + pad + (i * (width - left - 2 * pad)) / (n - 1));
  const present = row.values.filter((v): v is Exclude<ParamValue, null> => v !== null);
  const numeric = present.length > 0 && present.every((v) => typeof v === 'number');
  let yAt: (v: ParamValue) => number;
  let yTicks: StabilityChart['yTicks'];
  if (numeric) {
    const nums = present as number[];
    let lo = Math.min(...nums);
    let hi = Math.max(...nums);
    if (lo === hi) { lo -= 1; hi += 1; }
    yAt = (v) => height - pad - (((v as number) - lo) / (hi - lo)) * (height - 2 * pad);
    const ticks = [...new Set(nums)].sort((a, b) => a - b);
    const shown = ticks.length <= 5 ? ticks : [ticks[0]!, ticks[Math.floor(ticks.length / 2)]!, ticks[ticks.length - 1]!];
    yTicks = shown.map((v) => ({ y: yAt(v), label: String(v) }));
  } else {
    const order: string[] = [];
    for (const v of present) if (!order.includes(String(v))) order.push(String(v));
    order.sort();
    const step = (height - 2 * pad) / Math.max(1, order.length - 1);
    yAt = (v) => (order.length <= 1 ? height / 2 : height - pad - order.indexOf(String(v)) * step);
    yTicks = order.map((label) => ({ y: yAt(label), label }));
  }
  const points: StabilityPoint[] = [];
  const segments: StabilityPoint[][] = [];
  let current: StabilityPoint[] = [];
  row.values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    const p = { fold: folds[i] ?? i + 1, x: xAt(i), y: yAt(v), label: String(v) };
    points.push(p);
    current.push(p);
  });
  if (current.length) segments.push(current);
  // every k-th fold named when there are many (at least ~24 px a label)
  const every = Math.max(1, Math.ceil((n * 24) / Math.max(1, width - left)));
  const xTicks = row.values.flatMap((_, i) => (i % every === 0 ? [{ x: xAt(i), label: String(folds[i] ?? i + 1) }] : []));
  return { name: row.name, distinct: row.distinct, numeric, segments, points, yTicks, xTicks };
}
