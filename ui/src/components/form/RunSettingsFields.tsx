import { TIMEFRAMES, type AssetClass, type FeeModel, type Series, type SlippageModel, type Timeframe } from '@/lib/api/types';
import { isDaily } from '@/lib/timeframes';
import { formatInZone, utcIsoToWallTime, wallTimeToUtcIso } from '@/lib/time/zone';
import { Button } from '@/components/ui/Button';
import { ASSET_CLASS_CHOICES, assetClassOf, storedAssetClass } from './assetClass';
import { errorAt, type FieldErrors } from './errors';
import { Field } from './Field';
import { commonRange, type SettingsDraft } from './settings';
import { SymbolPicker } from './SymbolPicker';

export interface RunSettingsFieldsProps {
  draft: SettingsDraft;
  onChange: (patch: Partial<SettingsDraft>) => void;
  errors: FieldErrors;
  series: Series[];
  /** Backtests and sweeps have a date window; paper and live runs trade from now on. */
  showWindow: boolean;
  zone: string;
}

// A label for every model the API documents (the compiler checks none is missing).
const FEE_LABELS: Record<FeeModel, string> = {
  none: 'none', per_share: 'per share ($/share)', percent: 'percent of notional', alpaca: "Alpaca's",
};
const SLIPPAGE_LABELS: Record<SlippageModel, string> = { none: 'none', bps: 'basis points', range: 'fraction of bar range' };
const FEE_MODELS = Object.entries(FEE_LABELS) as Array<[FeeModel, string]>;
const SLIPPAGE_MODELS = Object.entries(SLIPPAGE_LABELS) as Array<[SlippageModel, string]>;
// What the Alpaca preset charges, under the select (trial 32: the option's own text was cut off in the select).
const ALPACA_FEES = 'Shares: SEC fee + FINRA TAF on sales. Crypto: 0.25 % of a fill taken, 0.15 % of a limit\'s fill made.';
const FEES_BACKTEST_SIDE_ONLY = 'Backtest side only: a paper or live run pays its broker\'s fees at its prices; the '
  + 'model applies to the backtest it is compared with (Live vs backtest).';
const SLIPPAGE_BACKTEST_SIDE_ONLY = 'Backtest side only: a paper or live run fills at the broker\'s prices, slippage '
  + 'and all; the model applies to the backtest it is compared with (Live vs backtest).';

export function RunSettingsFields({ draft, onChange, errors, series, showWindow, zone }: RunSettingsFieldsProps) {
  const daily = isDaily(draft.timeframe);
  // The zone by name: its offset now ("GMT-5") is not the window's in summer (trial 30 read "(America/New_York
  // (GMT-5))" for October bars, at GMT-4).
  const wallZone = daily ? 'UTC date' : zone === 'UTC' ? 'UTC' : `${zone} time`;
  // Daily bars are calendar dates: pick them as UTC dates; intraday windows are wall times in the chosen zone.
  const inputZone = daily ? 'UTC' : zone;
  const range = commonRange(series, draft.symbols, draft.timeframe);
  // Second bars: windows to the second (a paper run's period, say); the input then shows and takes seconds.
  const seconds = draft.timeframe.endsWith('Sec');
  const toInput = (iso: string | null) => (daily ? (iso ?? '').slice(0, 10) : utcIsoToWallTime(iso, zone, seconds));
  const fromInput = (value: string, endOfDay: boolean) => {
    if (!value) return null;
    return wallTimeToUtcIso(daily ? `${value}T${endOfDay ? '23:59' : '00:00'}` : value, inputZone);
  };
  const showRange = (iso: string | null) => (iso ? formatInZone(iso, inputZone, daily ? 'date' : seconds ? 'seconds' : 'datetime') : '—');
  const assetClass = assetClassOf(draft.assetClass, series, draft.symbols);
  const prefilled = draft.assetClass === null && storedAssetClass(series, draft.symbols) !== '';

  return (
    <>
      <div className="fields">
        <Field label="Symbols" path="symbols" error={errorAt(errors, 'symbols')} required wide
          hint="Type a ticker and press Enter; suggestions are the stored series.">
          {(id, describedBy, invalid) => (
            <SymbolPicker id={id} value={draft.symbols} onChange={(symbols) => onChange({ symbols })} series={series}
              timeframe={draft.timeframe} invalid={invalid} describedBy={describedBy} />
          )}
        </Field>
        <Field label="Timeframe" path="timeframe" error={errorAt(errors, 'timeframe')}>
          {(id, describedBy, invalid) => (
            <select id={id} className="select" value={draft.timeframe} aria-invalid={invalid} aria-describedby={describedBy}
              onChange={(e) => onChange({ timeframe: e.target.value as Timeframe })} data-testid="timeframe">
              {TIMEFRAMES.map((tf) => <option key={tf} value={tf}>{tf}</option>)}
            </select>
          )}
        </Field>
        <Field label="Asset class" path="asset_class" error={errorAt(errors, 'asset_class')}
          hint={`Sets the year Sharpe, Sortino and annual returns are annualised by${prefilled ? ' · as the symbols are stored' : ''}`}>
          {(id, describedBy, invalid) => (
            <select id={id} className="select" value={assetClass} aria-invalid={invalid} aria-describedby={describedBy}
              onChange={(e) => onChange({ assetClass: e.target.value as AssetClass | '' })} data-testid="asset-class">
              {ASSET_CLASS_CHOICES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
            </select>
          )}
        </Field>
        <Field label="Cash" path="cash" error={errorAt(errors, 'cash')} required hint="Starting cash, USD">
          {(id, describedBy, invalid) => (
            <input id={id} className="input mono" inputMode="decimal" value={draft.cash} aria-invalid={invalid}
              aria-describedby={describedBy} onChange={(e) => onChange({ cash: e.target.value })} data-testid="cash" />
          )}
        </Field>
      </div>

      {showWindow ? (
        <div className="fields" data-testid="date-window">
          <Field label={`Start (${wallZone})`} path="start" error={errorAt(errors, 'start')}
            hint="Empty: from the first stored bar">
            {(id, describedBy, invalid) => (
              <input id={id} className="input mono" type={daily ? 'date' : 'datetime-local'} step={seconds ? 1 : undefined} value={toInput(draft.start)}
                aria-invalid={invalid} aria-describedby={describedBy} data-testid="start"
                onChange={(e) => onChange({ start: fromInput(e.target.value, false) })} />
            )}
          </Field>
          <Field label={`End (${wallZone})`} path="end" error={errorAt(errors, 'end')}
            hint="Empty: to the last stored bar">
            {(id, describedBy, invalid) => (
              <input id={id} className="input mono" type={daily ? 'date' : 'datetime-local'} step={seconds ? 1 : undefined} value={toInput(draft.end)}
                aria-invalid={invalid} aria-describedby={describedBy} data-testid="end"
                onChange={(e) => onChange({ end: fromInput(e.target.value, true) })} />
            )}
          </Field>
          <div className="field wide" data-testid="data-range">
            <span className="label">Available data ({draft.timeframe})</span>
            {draft.symbols.length === 0 ? <span className="hint">Pick symbols to see the stored range.</span> : (
              <span className="hint">
                {range.first ? <>
                  <span className="mono">{showRange(range.first)}</span> → <span className="mono">{showRange(range.last)}</span>
                  {' '}(common to {draft.symbols.length - range.missing.length} symbol{draft.symbols.length === 1 ? '' : 's'}){' '}
                  <Button size="sm" variant="ghost" onClick={() => onChange({ start: range.first, end: range.last })}
                    data-testid="use-full-range">use full range</Button>
                </> : null}
                {range.missing.length ? (
                  <span className="warn"> No {draft.timeframe} bars stored for {range.missing.join(', ')} — import them on the Data page.</span>
                ) : null}
                {range.synthetic.length ? <span className="warn"> {range.synthetic.join(', ')}: synthetic demo data.</span> : null}
              </span>
            )}
          </div>
        </div>
      ) : null}

      <div className="fields">
        {/* a paper or live run's fills and fees are its broker's: the models shape only its backtest comparison */}
        <Field label="Fee model" path="fees.model" error={errorAt(errors, 'fees.model') ?? (errors.fees ? errors.fees : undefined)}
          hint={[draft.feeModel === 'alpaca' ? ALPACA_FEES : '', showWindow ? '' : FEES_BACKTEST_SIDE_ONLY].filter(Boolean)
            .join(' ') || undefined}>
          {(id, describedBy, invalid) => (
            <select id={id} className="select" value={draft.feeModel} aria-invalid={invalid} aria-describedby={describedBy}
              onChange={(e) => onChange({ feeModel: e.target.value as FeeModel })} data-testid="fee-model">
              {FEE_MODELS.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
            </select>
          )}
        </Field>
        {draft.feeModel === 'per_share' || draft.feeModel === 'percent' ? (
          <Field label={draft.feeModel === 'per_share' ? 'Fee ($/share)' : 'Fee (% of notional)'} path="fees.rate"
            error={errorAt(errors, 'fees.rate')} required>
            {(id, describedBy, invalid) => (
              <input id={id} className="input mono" inputMode="decimal" value={draft.feeRate} aria-invalid={invalid}
                aria-describedby={describedBy} onChange={(e) => onChange({ feeRate: e.target.value })} data-testid="fee-rate" />
            )}
          </Field>
        ) : null}
        <Field label="Slippage model" path="slippage.model" hint={showWindow ? undefined : SLIPPAGE_BACKTEST_SIDE_ONLY}
          error={errorAt(errors, 'slippage.model') ?? (errors.slippage ? errors.slippage : undefined)}>
          {(id, describedBy, invalid) => (
            <select id={id} className="select" value={draft.slippageModel} aria-invalid={invalid}
              aria-describedby={describedBy} data-testid="slippage-model"
              onChange={(e) => onChange({ slippageModel: e.target.value as SlippageModel })}>
              {SLIPPAGE_MODELS.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
            </select>
          )}
        </Field>
        {draft.slippageModel !== 'none' ? (
          <Field label={draft.slippageModel === 'bps' ? 'Slippage (bps)' : 'Slippage (0–1 of range)'} path="slippage.value"
            error={errorAt(errors, 'slippage.value')} required>
            {(id, describedBy, invalid) => (
              <input id={id} className="input mono" inputMode="decimal" value={draft.slippageValue} aria-invalid={invalid}
                aria-describedby={describedBy} data-testid="slippage-value"
                onChange={(e) => onChange({ slippageValue: e.target.value })} />
            )}
          </Field>
        ) : null}
        <Field label="Fractional shares" path="fractional" error={errorAt(errors, 'fractional')}>
          {(id) => (
            <span className="check">
              <input id={id} type="checkbox" checked={draft.fractional} onChange={(e) => onChange({ fractional: e.target.checked })} />
              <span className="muted">{draft.fractional ? 'allowed' : 'whole shares'}</span>
            </span>
          )}
        </Field>
        <Field label="Short selling" path="allow_short" error={errorAt(errors, 'allow_short')}>
          {(id) => (
            <span className="check">
              <input id={id} type="checkbox" checked={draft.allowShort} onChange={(e) => onChange({ allowShort: e.target.checked })} />
              <span className="muted">{draft.allowShort ? 'allowed' : 'long only'}</span>
            </span>
          )}
        </Field>
      </div>
    </>
  );
}
