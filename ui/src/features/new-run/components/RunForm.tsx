import { useEffect, useRef, useState, type FormEvent } from 'react';
import { shortingConflict } from '@/components/form/conflicts';
import { errorAt, normaliseFieldErrors, SETTINGS_ERROR_PATHS, unclaimed, withoutPath, type FieldErrors } from '@/components/form/errors';
import { FormErrors } from '@/components/form/FormErrors';
import { RunSettingsFields } from '@/components/form/RunSettingsFields';
import { SchemaFields } from '@/components/form/SchemaFields';
import { StrategyNameFields } from '@/components/form/StrategyNameFields';
import { coerceParams, defaultsFor, properties, type RawParams } from '@/components/form/schema';
import { defaultSettings, settingsBody, settingsPaths, type SettingsDraft } from '@/components/form/settings';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { isApiError } from '@/lib/api/client';
import type { Mode, RiskLimits, Run, RunCreate, Series, Strategy } from '@/lib/api/types';
import { isDecimal } from '@/lib/decimal';
import { defaultTimeframe } from '@/lib/timeframes';
import { changedFromRun, paramsFromRun, settingsFromRun } from '../fromRun';
import { PaperBrokerNote, type PaperAccountView } from './PaperBrokerNote';
import { SecondBarsNote } from './SecondBarsNote';
import { parseWarmup, WarmupField } from './WarmupField';
import { EMPTY_RISK, RiskFields, type RiskDraft } from './RiskFields';

export interface RunFormProps {
  strategies: Strategy[];
  series: Series[];
  initialMode?: Mode;
  zone: string;
  /** The paper account's view (GET /accounts): the paper banner names the broker it really trades on. */
  paperAccount?: PaperAccountView;
  submitting?: boolean;
  /** The last submit's failure: a 422's `details.fields` are shown at their fields. */
  serverError?: unknown;
  /** A run whose strategy, parameters and settings fill the form (Paper trade these settings). */
  from?: Run;
  onSubmit: (body: RunCreate) => void;
}

const MODE_LABELS: Record<Mode, string> = { backtest: 'Backtest', paper: 'Paper', live: 'Live' };
const MODES = Object.entries(MODE_LABELS) as Array<[Mode, string]>;

function riskBody(risk: RiskDraft): { risk?: RiskLimits; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const out: RiskLimits = {};
  for (const [key, raw] of Object.entries(risk) as Array<[keyof RiskDraft, string]>) {
    const text = raw.trim();
    if (!text) continue;
    if (key === 'max_orders_per_day') {
      if (!/^\d+$/.test(text) || Number(text) <= 0) errors[`risk.${key}`] = 'a positive whole number';
      else out[key] = Number(text);
    } else if (!isDecimal(text)) errors[`risk.${key}`] = 'a positive amount';
    else out[key] = text;
  }
  return { risk: Object.keys(out).length ? out : undefined, errors };
}

export function RunForm({ strategies, series, initialMode = 'backtest', zone, paperAccount, submitting = false,
  serverError, from, onSubmit }: RunFormProps) {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [name, setName] = useState('');
  const copied = from && strategies.some((s) => s.name === from.strategy) ? from : undefined;
  const [strategyName, setStrategyName] = useState(copied?.strategy ?? strategies[0]?.name ?? '');
  const strategy = strategies.find((s) => s.name === strategyName);
  const [params, setParams] = useState<RawParams>(() => (copied ? paramsFromRun(strategy?.params_schema, copied)
    : defaultsFor(strategy?.params_schema)));
  const [settings, setSettings] = useState<SettingsDraft>(() => (copied ? settingsFromRun(copied, initialMode)
    : defaultSettings(initialMode)));
  // Until the user picks a timeframe, it follows the mode (daily bars make no sense for a paper run); a copied
  // run's is kept, as it ran.
  const [timeframePicked, setTimeframePicked] = useState(Boolean(copied));
  const [risk, setRisk] = useState<RiskDraft>(EMPTY_RISK);
  const [startNow, setStartNow] = useState(true);
  const [warmup, setWarmup] = useState('');
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState<RunCreate | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const chooseMode = (next: Mode) => {
    setMode(next);
    if (!timeframePicked) setSettings((s) => ({ ...s, timeframe: defaultTimeframe(next) }));
  };
  useEffect(() => chooseMode(initialMode), [initialMode]);  // the route's mode (?mode=paper) wins
  useEffect(() => {
    if (!strategyName && strategies[0]) setStrategyName(strategies[0].name);
  }, [strategies, strategyName]);

  // The last answer's field errors, each dropped once its field changes (an error about a removed symbol goes with it).
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  const clearErrors = (...paths: string[]) => {
    const drop = (e: FieldErrors) => paths.reduce((acc, p) => withoutPath(acc, p), e);
    setServerFields(drop);
    setClientErrors(drop);
  };
  const errors: FieldErrors = { ...serverFields, ...clientErrors };
  const conflict = shortingConflict(strategy?.params_schema, params, settings.allowShort);
  const rendered = ['mode', 'name', 'strategy', ...settingsPaths(settings, mode === 'backtest').paths, 'risk', 'start_now', 'warmup',
    ...properties(strategy?.params_schema).map(([p]) => `params.${p}`)];
  const leftover = unclaimed(errors, rendered, settingsPaths(settings, mode === 'backtest').exact);

  useEffect(() => {
    const fields = isApiError(serverError) ? normaliseFieldErrors(serverError.fieldErrors) : {};
    setServerFields(fields);
    if (Object.keys(fields).length === 0) return;
    setClientErrors({});
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }, [serverError]);

  const chooseStrategy = (next: string) => {
    setStrategyName(next);
    setParams(defaultsFor(strategies.find((s) => s.name === next)?.params_schema));
    setClientErrors({});
    clearErrors('strategy', 'params');
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const coerced = coerceParams(strategy?.params_schema, params);
    const built = settingsBody(settings, mode === 'backtest', series);
    const limits = mode === 'backtest' ? { errors: {} } : riskBody(risk);
    const warm = mode === 'backtest' ? parseWarmup(warmup) : { value: 0 };
    const found: FieldErrors = { ...coerced.errors, ...built.errors, ...limits.errors,
      ...(warm.error ? { warmup: warm.error } : {}) };
    if (!strategy) found.strategy = 'pick a strategy';
    setClientErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const body: RunCreate = { mode, strategy: strategyName, params: coerced.params, ...built.body, start_now: startNow };
    if (name.trim()) body.name = name.trim();
    if ('risk' in limits && limits.risk) body.risk = limits.risk;
    if (warm.value > 0) body.warmup = warm.value;
    if (mode === 'live') setPending(body);
    else onSubmit(body);
  };

  return (
    <form ref={formRef} className="form" onSubmit={submit} noValidate data-testid="run-form">
      <div className="field" data-field="mode" data-testid="field-mode">
        <div className="seg" role="group" aria-label="Mode" data-testid="mode-switch" style={{ alignSelf: 'flex-start' }}>
          {MODES.map(([value, label]) => (
            <button key={value} type="button" aria-pressed={mode === value} onClick={() => chooseMode(value)}
              aria-invalid={!!errorAt(errors, 'mode') && mode === value} data-testid={`mode-${value}`}>{label}</button>
          ))}
        </div>
        {errorAt(errors, 'mode') ? <span className="error" role="alert" data-testid="error-mode">{errorAt(errors, 'mode')}</span> : null}
      </div>
      {mode === 'live' ? (
        <div className="banner error" data-testid="live-warning">
          <strong>Live trading uses real money</strong> on your Alpaca live account. You will be asked to type LIVE to confirm.
        </div>
      ) : null}
      {mode === 'paper' ? (
        <PaperBrokerNote account={paperAccount} cash={settings.cash} />
      ) : null}
      <ChangedFromRun changes={copied ? changedFromRun(copied, strategyName, strategy?.params_schema, params, settings,
        mode) : []} />

      <FormErrors serverError={serverError} title="The run was not created" leftover={leftover} />

      <StrategyNameFields strategies={strategies} strategyName={strategyName} onStrategy={chooseStrategy} errors={errors}
        name={name} nameTestId="run-name" nameMaxLength={200} onName={(next) => {
          setName(next);
          clearErrors('name');
        }}>
        {strategy ? (
          <div className="field wide">
            <span className="hint" data-testid="strategy-description">
              {strategy.description}{strategy.multi_symbol ? ' · trades several symbols together' : ''}
            </span>
          </div>
        ) : null}
      </StrategyNameFields>

      <fieldset className="fieldset" data-testid="params-fieldset">
        <legend>Parameters</legend>
        <SchemaFields schema={strategy?.params_schema} values={params} errors={errors}
          onChange={(key, value) => {
            setParams((p) => ({ ...p, [key]: value }));
            clearErrors(`params.${key}`);
          }} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>{mode === 'backtest' ? 'Market, window and costs' : 'Market and costs'}</legend>
        <RunSettingsFields draft={settings} errors={errors} onChange={(patch) => {
          if (patch.timeframe) setTimeframePicked(true);
          setSettings((s) => ({ ...s, ...patch }));
          clearErrors(...Object.keys(patch).map((k) => SETTINGS_ERROR_PATHS[k] ?? k));
        }}
          series={series} showWindow={mode === 'backtest'} zone={zone} />
        {mode === 'backtest' ? (
          <WarmupField value={warmup} errors={errors} onChange={(next) => {
            setWarmup(next);
            clearErrors('warmup');
          }} />
        ) : null}
        <SecondBarsNote mode={mode} timeframe={settings.timeframe} percent={params.percent} />
      </fieldset>

      {mode !== 'backtest' ? (
        <fieldset className="fieldset">
          <legend>Risk limits</legend>
          <RiskFields value={risk} errors={errors} onChange={(patch) => {
            setRisk((r) => ({ ...r, ...patch }));
            clearErrors(...Object.keys(patch).map((k) => `risk.${k}`));
          }} />
        </fieldset>
      ) : null}

      {conflict ? (
        <div className="banner warn" role="status" data-testid="form-conflict" data-path={conflict.path}>{conflict.message}</div>
      ) : null}

      <div className="page-head">
        <label className="check">
          <input type="checkbox" checked={startNow} onChange={(e) => setStartNow(e.target.checked)} data-testid="start-now" />
          {mode === 'backtest' ? 'Queue at once' : 'Start trading at once'}
        </label>
        <span className="spacer" />
        <Button type="submit" variant={mode === 'live' ? 'danger' : 'primary'} busy={submitting} data-testid="submit-run">
          {mode === 'backtest' ? 'Create backtest' : mode === 'paper' ? 'Create paper run' : 'Create LIVE run'}
        </Button>
      </div>

      <ConfirmDialog open={pending !== null} title="Start a LIVE run?" confirmLabel="Create live run" requireWord="LIVE"
        danger busy={submitting} testId="live-confirm" onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending) onSubmit(pending);
          setPending(null);
        }}>
        <p style={{ margin: 0 }}>
          <strong>{strategyName}</strong> on <span className="mono">{settings.symbols.join(', ')}</span> will place real
          orders with real money on the Alpaca live account.
        </p>
      </ConfirmDialog>
    </form>
  );
}

/** What was changed after the form was filled from a run (a drift report compares a paper run with a backtest of
 * the same settings: one changed here is not that backtest's any more). */
function ChangedFromRun({ changes }: { changes: string[] }) {
  if (!changes.length) return null;
  return (
    <div className="banner warn" role="note" data-testid="changed-from-run">
      Changed from the run the form was filled from: {changes.join('; ')}. The drift report compares a run with a
      backtest of the same strategy, symbols and timeframe: backtest these settings to compare with this run.
    </div>
  );
}
