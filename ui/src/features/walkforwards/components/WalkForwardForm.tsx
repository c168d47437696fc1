import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { shortingConflict, sweptShorting } from '@/components/form/conflicts';
import { errorAt, normaliseFieldErrors, SETTINGS_ERROR_PATHS, unclaimed, withoutKeys, withoutPath, type FieldErrors } from '@/components/form/errors';
import { Field } from '@/components/form/Field';
import { FormErrors } from '@/components/form/FormErrors';
import { useDraft, useSaveDraft } from '@/components/form/draft';
import { cellCount, initialGrid, parseGrid, toggleGridParam } from '@/components/form/grid';
import { GridFields } from '@/components/form/GridFields';
import { RunSettingsFields } from '@/components/form/RunSettingsFields';
import { SchemaFields } from '@/components/form/SchemaFields';
import { StrategyNameFields } from '@/components/form/StrategyNameFields';
import { coerceParams, defaultsFor, properties, type RawParams } from '@/components/form/schema';
import { defaultSettings, settingsBody, settingsPaths, type SettingsDraft } from '@/components/form/settings';
import { Button } from '@/components/ui/Button';
import { isApiError } from '@/lib/api/client';
import type { Series, Strategy } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import type { Direction, FoldsIn, Objective, WalkforwardCreate } from '../api/types';
import { DEFAULT_FOLDS, FoldsFields, type FoldsDraft } from './FoldsFields';
import { naturalDirection, OBJECTIVES } from './objective';
import { lengthValue, mixedKinds } from './period';

export interface WalkForwardFormProps {
  strategies: Strategy[];
  series: Series[];
  zone: string;
  submitting: boolean;
  serverError: unknown;
  onSubmit: (body: WalkforwardCreate) => void;
}

const OWN_PATHS = ['name', 'strategy', 'grid', 'folds', 'objective', 'direction', 'min_trades', 'contrast'];

/** The folds part of the body, or the errors under `folds.*` that stop it. */
export function foldsBody(d: FoldsDraft): { folds?: FoldsIn; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const train = lengthValue(d.train);
  const test = lengthValue(d.test);
  const step = lengthValue(d.step, { optional: true });
  const gap = lengthValue(d.gap.amount.trim() ? d.gap : { ...d.gap, amount: '0' }, { allowZero: true });
  for (const [key, result] of [['train', train], ['test', test], ['step', step], ['gap', gap]] as const) {
    if (result.error) errors[`folds.${key}`] = result.error;
  }
  const warmup = d.warmup.trim() === '' ? 200 : Number(d.warmup.trim());
  if (!Number.isInteger(warmup) || warmup < 0) errors['folds.warmup'] = 'a whole number of bars, 0 or more';
  if (Object.keys(errors).length) return { errors };
  const mixed = mixedKinds({ train: train.value, test: test.value, step: step.value, gap: gap.value });
  if (mixed) return { errors: { folds: mixed } };
  const folds: FoldsIn = { kind: d.kind, train: train.value!, test: test.value!, gap: gap.value ?? 0, warmup };
  if (step.value !== undefined) folds.step = step.value;
  return { folds, errors };
}

interface WalkForwardDraft {
  name: string;
  strategyName: string;
  params: RawParams;
  grid: Record<string, string>;
  settings: SettingsDraft;
  folds: FoldsDraft;
  objective: Objective;
  direction: Direction;
  minTrades: string;
  contrast: boolean;
}

export function WalkForwardForm({ strategies, series, zone, submitting, serverError, onSubmit }: WalkForwardFormProps) {
  const draft = useDraft<WalkForwardDraft>('walkforward', strategies);
  const [name, setName] = useState(draft.name ?? '');
  const [strategyName, setStrategyName] = useState(draft.strategyName ?? strategies[0]?.name ?? '');
  const strategy = strategies.find((s) => s.name === strategyName);
  const [params, setParams] = useState<RawParams>(() => draft.params ?? defaultsFor(strategy?.params_schema));
  const [grid, setGrid] = useState<Record<string, string>>(() => draft.grid ?? initialGrid(strategy));
  const [settings, setSettings] = useState<SettingsDraft>(() => draft.settings ?? defaultSettings());
  const [folds, setFolds] = useState<FoldsDraft>(draft.folds ?? DEFAULT_FOLDS);
  const [objective, setObjective] = useState<Objective>(draft.objective ?? 'sharpe');
  const [direction, setDirection] = useState<Direction>(draft.direction ?? 'max');
  const [minTrades, setMinTrades] = useState(draft.minTrades ?? '0');
  const [contrast, setContrast] = useState(draft.contrast ?? true);
  useSaveDraft('walkforward', { name, strategyName, params, grid, settings, folds, objective, direction, minTrades,
    contrast } satisfies WalkForwardDraft);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  useEffect(() => {
    if (!strategyName && strategies[0]) setStrategyName(strategies[0].name);
  }, [strategies, strategyName]);

  const choose = (next: string) => {
    const s = strategies.find((x) => x.name === next);
    setStrategyName(next);
    setParams(defaultsFor(s?.params_schema));
    setGrid(initialGrid(s));
    setClientErrors({});
  };

  const parsed = useMemo(() => parseGrid(grid, strategy), [grid, strategy]);
  const cells = cellCount(parsed.values);

  const [serverFields, setServerFields] = useState<FieldErrors>({});
  useEffect(() => setServerFields(isApiError(serverError) ? normaliseFieldErrors(serverError.fieldErrors) : {}), [serverError]);
  // `paths` go with what lies beneath them; the grid's and the folds' own errors only by their key.
  const clearErrors = (...paths: string[]) => {
    const own = ['grid', 'folds'];
    const drop = (e: FieldErrors) => withoutKeys(paths.filter((p) => !own.includes(p)).reduce((acc, p) => withoutPath(acc, p), e),
      paths.filter((p) => own.includes(p) || p.startsWith('folds.')).map((p) => (p.startsWith('folds.') ? 'folds' : p)));
    setServerFields(drop);
    setClientErrors(drop);
  };
  const errors: FieldErrors = { ...serverFields, ...clientErrors };
  const swept = Object.keys(grid);
  const found = shortingConflict(strategy?.params_schema, params, settings.allowShort);
  const skipping = sweptShorting(parsed.values, settings.allowShort, cells);
  const conflict = found && !(found.param in grid) ? found : skipping?.conflict ?? null;
  const rendered = [...OWN_PATHS, ...settingsPaths(settings, true).paths, ...properties(strategy?.params_schema).map(([p]) => `params.${p}`)];
  const leftover = unclaimed(errors, rendered, settingsPaths(settings, true).exact);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fixed = coerceParams(strategy?.params_schema, params, swept);
    const built = settingsBody(settings, true, series);
    const cut = foldsBody(folds);
    const found: FieldErrors = { ...fixed.errors, ...built.errors, ...parsed.errors, ...cut.errors };
    if (swept.length === 0) found.grid = 'sweep at least one parameter';
    if (cells > 2000) found.grid = `${formatCount(cells)} cells; the limit is 2,000`;
    const trades = Number(minTrades.trim() || '0');
    if (!Number.isInteger(trades) || trades < 0) found.min_trades = 'a whole number, 0 or more';
    setClientErrors(found);
    if (Object.keys(found).length || !cut.folds) return;
    const body: WalkforwardCreate = {
      strategy: strategyName, params: fixed.params, grid: parsed.values, ...built.body,
      folds: cut.folds, objective, direction, min_trades: trades, contrast,
    };
    if (name.trim()) body.name = name.trim();
    onSubmit(body);
  };

  const toggle = (param: string) => {
    clearErrors(`grid.${param}`, `params.${param}`, 'grid');
    setGrid((g) => toggleGridParam(g, param, strategy));
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="walkforward-form">
      <FormErrors serverError={serverError} title="The walk-forward was not launched" leftover={leftover} />
      <StrategyNameFields strategies={strategies} strategyName={strategyName} onStrategy={choose} errors={errors}
        name={name} nameTestId="walkforward-name" onName={(next) => {
          setName(next);
          clearErrors('name');
        }} />

      <GridFields strategy={strategy} grid={grid} values={parsed.values} cells={cells}
        uncounted={Object.keys(parsed.errors).length > 0} errors={errors} onToggle={toggle}
        onEdit={(param, text) => {
          setGrid((g) => ({ ...g, [param]: text }));
          clearErrors(`grid.${param}`, 'grid');
        }} />

      <fieldset className="fieldset">
        <legend>Fixed parameters</legend>
        <SchemaFields schema={strategy?.params_schema} values={params} errors={errors} hidden={swept}
          onChange={(key, value) => {
            setParams((p) => ({ ...p, [key]: value }));
            clearErrors(`params.${key}`);
          }} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Market, window and costs</legend>
        <RunSettingsFields draft={settings} onChange={(patch) => {
          setSettings((s) => ({ ...s, ...patch }));
          clearErrors(...Object.keys(patch).map((k) => SETTINGS_ERROR_PATHS[k] ?? k), 'folds');
        }}
          errors={errors} series={series} showWindow zone={zone} />
      </fieldset>

      <FoldsFields draft={folds} errors={errors} onChange={(patch, path) => {
        setFolds((f) => ({ ...f, ...patch }));
        clearErrors(path, 'folds');
      }} />

      <fieldset className="fieldset" data-testid="objective-fieldset">
        <legend>Choosing each fold&apos;s cell</legend>
        <div className="fields">
          <Field label="Objective" path="objective" error={errorAt(errors, 'objective')} hint="the train window's figure the best cell is chosen by">
            {(id, describedBy) => (
              <select id={id} className="select" value={objective} aria-describedby={describedBy} data-testid="objective-select"
                onChange={(e) => {
                  const next = e.target.value as Objective;
                  setObjective(next);
                  setDirection(naturalDirection(next));
                  clearErrors('objective', 'direction');
                }}>
                {OBJECTIVES.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
              </select>
            )}
          </Field>
          <Field label="Best is" path="direction" error={errorAt(errors, 'direction')}>
            {(id, describedBy) => (
              <select id={id} className="select" value={direction} aria-describedby={describedBy} data-testid="direction-select"
                onChange={(e) => {
                  setDirection(e.target.value as Direction);
                  clearErrors('direction');
                }}>
                <option value="max">the highest (maximise)</option>
                <option value="min">the lowest (minimise)</option>
              </select>
            )}
          </Field>
          <Field label="Minimum trades" path="min_trades" error={errorAt(errors, 'min_trades')} hint="cells with fewer trades are not chosen">
            {(id, describedBy, invalid) => (
              <input id={id} className="input mono" inputMode="numeric" value={minTrades} aria-describedby={describedBy}
                aria-invalid={invalid} data-testid="min-trades" onChange={(e) => {
                  setMinTrades(e.target.value);
                  clearErrors('min_trades');
                }} />
            )}
          </Field>
          <div className="field" data-field="contrast" data-testid="field-contrast">
            <label className="check">
              <input type="checkbox" checked={contrast} data-testid="contrast-toggle" onChange={(e) => {
                setContrast(e.target.checked);
                clearErrors('contrast');
              }} />
              also optimise on the whole window, for contrast
            </label>
            <span className="hint">one more sweep: the in-sample best that hindsight would pick</span>
            {errorAt(errors, 'contrast') ? <span className="error" role="alert">{errorAt(errors, 'contrast')}</span> : null}
          </div>
        </div>
      </fieldset>

      {conflict ? (
        <div className="banner warn" role="status" data-testid="form-conflict" data-path={conflict.path}>{conflict.message}</div>
      ) : null}

      <div className="page-head">
        <span className="muted">{cells} cell{cells === 1 ? '' : 's'} per fold{contrast ? ', and once over the whole window' : ''}.</span>
        <span className="spacer" />
        <Button type="submit" variant="primary" busy={submitting} data-testid="submit-walkforward">Launch walk-forward</Button>
      </div>
    </form>
  );
}
