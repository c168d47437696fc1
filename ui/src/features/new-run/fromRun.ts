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
