/** The settings every run and sweep shares, as a form draft, and their conversion to the request body. */
import { isDecimal, sign } from '@/lib/decimal';
import type { AssetClass, FeeModel, Fees, IsoTime, Mode, Series, Slippage, SlippageModel, Timeframe } from '@/lib/api/types';
import { defaultTimeframe } from '@/lib/timeframes';
import { assetClassOf } from './assetClass';

export interface SettingsDraft {
  symbols: string[];
  timeframe: Timeframe;
  /** UTC ISO instants (inputs show them in the chosen zone). */
  start: IsoTime | null;
  end: IsoTime | null;
  cash: string;
  feeModel: FeeModel;
  feeRate: string;
  slippageModel: SlippageModel;
  slippageValue: string;
  fractional: boolean;
  allowShort: boolean;
  /** The user's pick ('': from the data); null until they pick, while it follows the symbols' stored instruments. */
  assetClass: AssetClass | '' | null;
}

export interface SettingsBody {
  symbols: string[];
  timeframe: Timeframe;
  start?: IsoTime;
  end?: IsoTime;
  cash: string;
  fees: Fees;
  slippage: Slippage;
  fractional: boolean;
  allow_short: boolean;
  asset_class?: AssetClass;
}

/** The settings paths that have a visible field (for errors no field shows); `exact` ones show only their own. */
export function settingsPaths(d: SettingsDraft, showWindow: boolean): { paths: string[]; exact: string[] } {
  const paths = ['symbols', 'timeframe', 'cash', 'fees.model', 'slippage.model', 'fractional', 'allow_short',
    'asset_class'];
  if (showWindow) paths.push('start', 'end');
  if (d.feeModel === 'per_share' || d.feeModel === 'percent') paths.push('fees.rate');
  if (d.slippageModel !== 'none') paths.push('slippage.value');
  return { paths, exact: ['fees', 'slippage'] };
}

/** A new form's settings; the timeframe fits the mode (see `defaultTimeframe`). */
export function defaultSettings(mode: Mode = 'backtest'): SettingsDraft {
  return {
    symbols: [], timeframe: defaultTimeframe(mode), start: null, end: null, cash: '100000', feeModel: 'none', feeRate: '',
    slippageModel: 'none', slippageValue: '', fractional: false, allowShort: false, assetClass: null,
  };
}

/** The request's settings; `series` (the stored ones) pre-fill the asset class the user has not picked. */
export function settingsBody(d: SettingsDraft, needsWindow: boolean, series: Series[]):
  { body: SettingsBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (d.symbols.length === 0) errors.symbols = 'add at least one symbol';
  const cash = d.cash.replace(/[,_\s]/g, '');
  if (!isDecimal(cash) || sign(cash) <= 0) errors.cash = 'a positive amount, e.g. 100000';
  if ((d.feeModel === 'per_share' || d.feeModel === 'percent') && !isDecimal(d.feeRate.trim())) {
    errors['fees.rate'] = `a rate is required for the ${d.feeModel} model`;
  }
  if (d.slippageModel !== 'none' && !isDecimal(d.slippageValue.trim())) {
    errors['slippage.value'] = `a value is required for the ${d.slippageModel} model`;
  }
  if (needsWindow && d.start && d.end && d.start >= d.end) errors.end = 'must be after the start';
  const body: SettingsBody = {
    symbols: d.symbols, timeframe: d.timeframe, cash,
    fees: d.feeModel === 'per_share' || d.feeModel === 'percent' ? { model: d.feeModel, rate: d.feeRate.trim() } : { model: d.feeModel },
    slippage: d.slippageModel === 'none' ? { model: 'none' } : { model: d.slippageModel, value: d.slippageValue.trim() },
    fractional: d.fractional, allow_short: d.allowShort,
  };
  if (needsWindow && d.start) body.start = d.start;
  if (needsWindow && d.end) body.end = d.end;
  const assetClass = assetClassOf(d.assetClass, series, d.symbols);
  if (assetClass) body.asset_class = assetClass;
  return { body, errors };
}

export interface DataRange { first: IsoTime | null; last: IsoTime | null; missing: string[]; synthetic: string[] }

/** The window every chosen symbol has bars for at the timeframe, and which symbols have none. */
export function commonRange(series: Series[], symbols: string[], timeframe: string): DataRange {
  let first: string | null = null;
  let last: string | null = null;
  const missing: string[] = [];
  const synthetic: string[] = [];
  for (const symbol of symbols) {
    const s = series.find((x) => x.symbol === symbol && x.timeframe === timeframe);
    if (!s || !s.first_ts || !s.last_ts) {
      missing.push(symbol);
      continue;
    }
    if (s.source === 'synthetic') synthetic.push(symbol);
    if (first === null || Date.parse(s.first_ts) > Date.parse(first)) first = s.first_ts;
    if (last === null || Date.parse(s.last_ts) < Date.parse(last)) last = s.last_ts;
  }
  return { first, last, missing, synthetic };
}
