/** A new run's form filled from a run that ran (trial 42: a sweep's best cell or a walk-forward's choice had to
 * be retyped field by field into the New run form to paper trade it, where one slip trades what was not tested). */
import type { RawParams } from '@/components/form/schema';
import { properties } from '@/components/form/schema';
import type { SettingsDraft } from '@/components/form/settings';
import { isDecimal, trim } from '@/lib/decimal';
import { TIMEFRAMES, type AssetClass, type Mode, type ParamsSchema, type Run, type Timeframe } from '@/lib/api/types';
import { defaultTimeframe } from '@/lib/timeframes';

/** The run's parameters as the form's raw inputs (booleans as checks, everything else as typed text). */
export function paramsFromRun(schema: ParamsSchema | undefined, run: Run): RawParams {
  const out: RawParams = {};
  for (const [name, prop] of properties(schema)) {
    const value = run.params[name];
    if (prop.type === 'boolean') out[name] = value === true;
    else out[name] = value === undefined || value === null ? '' : String(value);
  }
  return out;
}

/** The run's symbols, timeframe, cash, costs and shorting as the form's settings; no window (a paper or live
 * run trades from now; a backtest copied picks its own). */
export function settingsFromRun(run: Run, mode: Mode): SettingsDraft {
  const options = (run.options ?? {}) as Record<string, unknown>;
  const assetClass = options.asset_class;
  const known = (TIMEFRAMES as readonly string[]).includes(run.timeframe);
  return {
    symbols: [...run.symbols], timeframe: known ? run.timeframe as Timeframe : defaultTimeframe(mode), start: null, end: null,
    cash: isDecimal(run.cash) ? trim(run.cash) : run.cash,
    feeModel: run.fees.model, feeRate: run.fees.rate ? trim(run.fees.rate) : '',
    slippageModel: run.slippage.model, slippageValue: run.slippage.value ? trim(run.slippage.value) : '',
    fractional: options.fractional === true, allowShort: options.allow_short === true,
    assetClass: typeof assetClass === 'string' ? assetClass as AssetClass : null,
  };
}

/** The run the form was filled from, as the banner names it. */
export function copiedFromText(run: Run): string {
  const what = run.sweep_id ? 'sweep cell' : run.walkforward_id ? 'walk-forward run' : `${run.mode} run`;
  return `Filled from ${what} ${run.name || run.id.slice(0, 8)}: its strategy, parameters, symbols, timeframe, cash, `
    + 'fee and slippage models, fractional and shorting settings, as it ran. Check them before you start.';
}

const SETTING_NAMES: Array<[keyof SettingsDraft, string]> = [
  ['symbols', 'symbols'], ['timeframe', 'timeframe'], ['cash', 'cash'], ['feeModel', 'fee model'],
  ['feeRate', 'fee rate'], ['slippageModel', 'slippage model'], ['slippageValue', 'slippage'],
  ['fractional', 'fractional shares'], ['allowShort', 'short selling'],
];

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ') || '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value ?? '') || '—';
}

/** What the form now says that the run it was filled from did not ("timeframe 1Min → 1Sec"), in form order
 * (trial 43: a timeframe changed after "Paper trade these settings" went unsaid, and the paper run could not be
 * compared with that backtest). */
export function changedFromRun(run: Run, strategyName: string, schema: ParamsSchema | undefined, params: RawParams,
  settings: SettingsDraft, mode: Mode): string[] {
  if (strategyName !== run.strategy) return [`strategy ${run.strategy} → ${strategyName}`];
  const before = paramsFromRun(schema, run);
  const changed = Object.keys(before).filter((k) => String(before[k]) !== String(params[k]))
    .map((k) => `${k} ${shown(before[k])} → ${shown(params[k])}`);
  const was = settingsFromRun(run, mode);
  for (const [key, label] of SETTING_NAMES) {
    const a = shown(was[key]);
    const b = shown(settings[key]);
    const same = key === 'cash' || key === 'feeRate' || key === 'slippageValue'
      ? isDecimal(a) && isDecimal(b) ? trim(a) === trim(b) : a === b
      : a === b;
    if (!same) changed.push(`${label} ${a} → ${b}`);
  }
  return changed;
}
