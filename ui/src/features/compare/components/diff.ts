/**
 * What differs between the runs: their settings (mode, strategy, timeframe, symbols, window, cash, fees,
 * slippage) and every strategy parameter any of them has, one value per run. A row differs when two
 * runs' values are not the same (a parameter one run lacks differs from one it sets).
 */
import type { ParamValue, Run } from '@/lib/api/types';
import { formatMoney } from '@/lib/format';
import { formatBarTime } from '@/lib/time/barTime';

export interface DiffRow {
  key: string;
  label: string;
  /** As shown, one per run. */
  values: string[];
  differs: boolean;
}

const MISSING = '—';

export type CompareRun = Pick<Run, 'mode' | 'strategy' | 'timeframe' | 'symbols' | 'start_at' | 'end_at' | 'cash'
  | 'fees' | 'slippage' | 'params'> & Partial<Pick<Run, 'started_at' | 'finished_at'>>;

/** A paper or live run pays its broker's fees and fills at its prices: its models shape only its backtest side. */
const BACKTEST_SIDE = ' (backtest side only)';

/** One comparable identity per value: 5 and 5.0 are equal, "5" and 5 are not, a missing key is its own. */
function identity(value: unknown): string {
  return value === undefined ? '\u0000missing' : JSON.stringify(value);
}

function shown(value: ParamValue | undefined): string {
  if (value === undefined) return MISSING;
  if (value === null) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function row(key: string, label: string, raw: unknown[], values: string[]): DiffRow {
  const ids = new Set(raw.map(identity));
  return { key, label, values, differs: ids.size > 1 };
}

/** Every parameter key of any run, in the order the runs name them. */
export function paramDiff(runs: Pick<Run, 'params'>[]): DiffRow[] {
  const keys: string[] = [];
  for (const run of runs) for (const key of Object.keys(run.params ?? {})) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => {
    const raw = runs.map((r) => (Object.prototype.hasOwnProperty.call(r.params ?? {}, key) ? r.params[key] : undefined));
    return row(key, key, raw, raw.map(shown));
  });
}

function window(run: CompareRun, zone: string): string {
  const at = (v: string | null | undefined) => (v ? formatBarTime(v, zone, run.timeframe) : '…');
  if (run.mode !== 'backtest') {  // trial 24: a paper run's window read "all stored bars"
    return run.started_at ? `traded ${at(run.started_at)} → ${run.finished_at ? at(run.finished_at) : 'now'}`
      : 'not started';
  }
  if (!run.start_at && !run.end_at) return 'all stored bars';
  return `${at(run.start_at)} → ${at(run.end_at)}`;
}

function fees(run: CompareRun): string {
  return `${run.fees?.model ?? MISSING}${run.fees?.rate ? ` ${run.fees.rate}` : ''}${
    run.mode === 'backtest' ? '' : BACKTEST_SIDE}`;
}

function slippage(run: CompareRun): string {
  return `${run.slippage?.model ?? MISSING}${run.slippage?.value ? ` ${run.slippage.value}` : ''}${
    run.mode === 'backtest' ? '' : BACKTEST_SIDE}`;
}

/** The settings beside the parameters; the window compared as instants, shown in `zone` per timeframe. */
export function settingsDiff(runs: CompareRun[], zone: string): DiffRow[] {
  return [
    row('mode', 'mode', runs.map((r) => r.mode), runs.map((r) => r.mode)),
    row('strategy', 'strategy', runs.map((r) => r.strategy), runs.map((r) => r.strategy)),
    row('timeframe', 'timeframe', runs.map((r) => r.timeframe), runs.map((r) => r.timeframe)),
    row('symbols', 'symbols', runs.map((r) => [...r.symbols].sort()), runs.map((r) => r.symbols.join(', '))),
    row('window', 'window', runs.map((r) => [r.start_at ? Date.parse(r.start_at) : null, r.end_at ? Date.parse(r.end_at) : null]),
      runs.map((r) => window(r, zone))),
    row('cash', 'cash', runs.map((r) => Number(r.cash)), runs.map((r) => formatMoney(r.cash))),
    row('fees', 'fees', runs.map(fees), runs.map(fees)),
    row('slippage', 'slippage', runs.map(slippage), runs.map(slippage)),
  ];
}

/** "timeframes 1Day, 1Min" / "symbols AAPL; MSFT, SPY": what the runs do not share, for a note. */
export function mismatches(runs: Pick<Run, 'timeframe' | 'symbols'>[]): string[] {
  const out: string[] = [];
  const timeframes = [...new Set(runs.map((r) => r.timeframe))];
  if (timeframes.length > 1) out.push(`timeframes ${timeframes.join(', ')}`);
  const symbolSets = [...new Set(runs.map((r) => [...r.symbols].sort().join(', ')))];
  if (symbolSets.length > 1) out.push(`symbols ${symbolSets.join('; ')}`);
  return out;
}
