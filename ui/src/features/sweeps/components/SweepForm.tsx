import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { shortingConflict, sweptShorting } from '@/components/form/conflicts';
import { normaliseFieldErrors, SETTINGS_ERROR_PATHS, unclaimed, withoutKeys, withoutPath, type FieldErrors } from '@/components/form/errors';
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
import type { Series, Strategy, SweepCreate } from '@/lib/api/types';
import { formatCount } from '@/lib/format';

export interface SweepFormProps {
  strategies: Strategy[];
  series: Series[];
  zone: string;
  submitting: boolean;
  serverError: unknown;
  onSubmit: (body: SweepCreate) => void;
}

interface SweepDraft {
  name: string;
  strategyName: string;
  params: RawParams;
  grid: Record<string, string>;
  settings: SettingsDraft;
}

export function SweepForm({ strategies, series, zone, submitting, serverError, onSubmit }: SweepFormProps) {
  const draft = useDraft<SweepDraft>('sweep', strategies);
  const [name, setName] = useState(draft.name ?? '');
  const [strategyName, setStrategyName] = useState(draft.strategyName ?? strategies[0]?.name ?? '');
  const strategy = strategies.find((s) => s.name === strategyName);
  const [params, setParams] = useState<RawParams>(() => draft.params ?? defaultsFor(strategy?.params_schema));
  const [grid, setGrid] = useState<Record<string, string>>(() => draft.grid ?? initialGrid(strategy));
  const [settings, setSettings] = useState<SettingsDraft>(() => draft.settings ?? defaultSettings());
  useSaveDraft('sweep', { name, strategyName, params, grid, settings } satisfies SweepDraft);
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

  // The last answer's field errors, each dropped once its field changes.
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  useEffect(() => setServerFields(isApiError(serverError) ? normaliseFieldErrors(serverError.fieldErrors) : {}), [serverError]);
  // `paths` go with what lies beneath them; the grid's own error ("sweep at least one parameter") only by its key.
  const clearErrors = (...paths: string[]) => {
    const drop = (e: FieldErrors) => withoutKeys(paths.filter((p) => p !== 'grid').reduce((acc, p) => withoutPath(acc, p), e),
      paths.includes('grid') ? ['grid'] : []);
    setServerFields(drop);
    setClientErrors(drop);
  };
  const errors: FieldErrors = { ...serverFields, ...clientErrors };
  const swept = Object.keys(grid);
  // A shorting parameter swept over both values is meant; a fixed one that contradicts the setting is not.
  const found = shortingConflict(strategy?.params_schema, params, settings.allowShort);
  const skipping = sweptShorting(parsed.values, settings.allowShort, cells);
  const conflict = found && !(found.param in grid) ? found : skipping?.conflict ?? null;
  const rendered = ['name', 'strategy', 'grid', ...settingsPaths(settings, true).paths, ...properties(strategy?.params_schema).map(([p]) => `params.${p}`)];
  const leftover = unclaimed(errors, rendered, settingsPaths(settings, true).exact);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fixed = coerceParams(strategy?.params_schema, params, swept);
    const built = settingsBody(settings, true, series);
    const found: FieldErrors = { ...fixed.errors, ...built.errors, ...parsed.errors };
    if (swept.length === 0) found.grid = 'sweep at least one parameter';
    if (cells > 2000) found.grid = `${formatCount(cells)} cells; the limit is 2,000`;
    setClientErrors(found);
    if (Object.keys(found).length) return;
    const body: SweepCreate = { strategy: strategyName, params: fixed.params, grid: parsed.values, ...built.body };
    if (name.trim()) body.name = name.trim();
    onSubmit(body);
  };

  const toggle = (param: string) => {
    clearErrors(`grid.${param}`, `params.${param}`, 'grid');
    setGrid((g) => toggleGridParam(g, param, strategy));
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="sweep-form">
      <FormErrors serverError={serverError} title="The sweep was not launched" leftover={leftover} />
      <StrategyNameFields strategies={strategies} strategyName={strategyName} onStrategy={choose} errors={errors}
        name={name} nameTestId="sweep-name" onName={(next) => {
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
          clearErrors(...Object.keys(patch).map((k) => SETTINGS_ERROR_PATHS[k] ?? k));
        }}
          errors={errors} series={series} showWindow zone={zone} />
      </fieldset>

      {conflict ? (
        <div className="banner warn" role="status" data-testid="form-conflict" data-path={conflict.path}>{conflict.message}</div>
      ) : null}

      <div className="page-head">
        {/* a grid field that does not read yet counts for no cell: "1 backtest will be queued" beside two errors misled */}
        <span className="muted" data-testid="sweep-queued">{Object.keys(parsed.errors).length
          ? 'Fix the grid to see how many backtests will be queued.'
          : cells > 2000 ? `Nothing will be queued: ${formatCount(cells)} cells is over the limit of 2,000.`  // trial 37
          : `${formatCount(cells - (skipping?.skipped ?? 0))} backtest${cells - (skipping?.skipped ?? 0) === 1 ? '' : 's'} will be queued.`
            // the strategy's own rules between parameters (sma_cross: fast below slow) are checked by the server
            + (cells > 1 ? ' A cell the strategy\'s own rules refuse (fast not below slow, say) is skipped, and named on the sweep\'s page.' : '')}</span>
        <span className="spacer" />
        <Button type="submit" variant="primary" busy={submitting} data-testid="submit-sweep">Launch sweep</Button>
      </div>
    </form>
  );
}
