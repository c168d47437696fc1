import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Field } from '@/components/form/Field';
import { Button } from '@/components/ui/Button';
import { ErrorBanner, Panel } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/api/client';
import { isFinished } from '@/lib/api/runs';
import type { Run } from '@/lib/api/types';
import { formatCount, formatNumber, formatReturnPct } from '@/lib/format';
import { readMetric } from '@/lib/metrics';
import { type Histogram, type MonteCarlo, type Robustness, useRobustness } from '@/lib/api/robustness';
import { RandomEntryExplained } from './RandomEntryExplained';
import { RobustnessFanChart } from './RobustnessFanChart';
import { DEFAULT_FORM, drawdownBinLabel, formatDrawdownPct, formatEquity, formatShare, parseForm,
  randomEntrySentence, type RobustnessForm } from './robustnessFormat';

const METHOD_TITLE: Record<MonteCarlo['method'], string> = {
  bootstrap: 'Bootstrap (trades drawn with replacement)',
  shuffle: 'Shuffle (the same trades reordered)',
};

/** What the panel tests: a run, or any trades the API resamples at `path` (a walk-forward's stitched ones);
 *  `trades`: how many closed trades there are to resample, when known; `entryBars`: the bars the random-entry
 *  benchmark draws its entries from, in words ("the out-of-sample span's bars"). */
export type RobustnessTarget = { run: Run }
  | { path: string; finished: boolean; waiting: string; trades?: number | null; entryBars: string };

/** The bars a run's random-entry benchmark enters on (app/services/robustness.py `_closes`). */
function runEntryBars(run: Run): string {
  return run.mode === 'backtest' ? "the run's window" : 'the bars the run recorded';
}

const MIN_TRADES = 2;  // the API's: fewer cannot be resampled (it answers 422)

/** Monte Carlo resampling of a finished run's trades and a random-entry benchmark, on request: how much of
 *  the result is the order and timing of the trades rather than the strategy. */
export function RobustnessPanel(target: RobustnessTarget) {
  const { path, finished, waiting, trades, entryBars } = 'run' in target
    ? { path: `/runs/${target.run.id}/robustness`, finished: isFinished(target.run),
      waiting: 'Robustness tests are available when the run has finished.', trades: readMetric(target.run.metrics, 'trades'),
      entryBars: runEntryBars(target.run) }
    : target;
  const mutation = useRobustness(path);
  const [form, setForm] = useState<RobustnessForm>(DEFAULT_FORM);
  const [errors, setErrors] = useState<Partial<Record<keyof RobustnessForm, string>>>({});
  const [settingsOpen, setSettingsOpen] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseForm(form);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      setSettingsOpen(true);
      return;
    }
    setErrors({});
    mutation.mutate(parsed.body);
  };
  // the server's own field checks (e.g. resamples × trades over its cap) show at the field too
  const server = isApiError(mutation.error) ? mutation.error.fieldErrors : {};
  const set = (key: keyof RobustnessForm) => (e: ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  return (
    <Panel title="Robustness" testId="robustness-panel">
      {!finished ? (
        <p className="muted" data-testid="robustness-waiting">{waiting}</p>
      ) : trades !== undefined && trades !== null && trades < MIN_TRADES ? (
        <p className="muted" data-testid="robustness-too-few">
          Robustness tests resample closed trades and need at least {MIN_TRADES}: {trades === 0 ? 'none' : `only ${formatCount(trades)}`}
          {' '}closed here.
        </p>
      ) : (
        <>
          <form onSubmit={submit} noValidate data-testid="robustness-form">
            <details open={settingsOpen} onToggle={(e) => setSettingsOpen(e.currentTarget.open)}>
              <summary className="dim" data-testid="robustness-settings-summary">
                Settings: {formatCount(Number(form.resamples) || 0)} resamples, seed {form.seed}, ruin at a {form.ruin}% drawdown
                {Object.keys(errors).length || Object.keys(server).length
                  ? <strong className="neg"> — not valid: see below</strong> : null}
              </summary>
              <div className="fields" style={{ margin: '8px 0' }}>
                <Field label="Resamples" path="resamples" error={errors.resamples ?? server.resamples} hint="paths per test">
                  {(id, describedBy, invalid) => (
                    <input id={id} className="input mono" inputMode="numeric" value={form.resamples} aria-describedby={describedBy}
                      aria-invalid={invalid} data-testid="robustness-resamples" onChange={set('resamples')} />
                  )}
                </Field>
                <Field label="Seed" path="seed" error={errors.seed ?? server.seed} hint="the same seed gives the same figures">
                  {(id, describedBy, invalid) => (
                    <input id={id} className="input mono" inputMode="numeric" value={form.seed} aria-describedby={describedBy}
                      aria-invalid={invalid} data-testid="robustness-seed" onChange={set('seed')} />
                  )}
                </Field>
                <Field label="Ruin drawdown (%)" path="ruin_drawdown_pct" error={errors.ruin ?? server.ruin_drawdown_pct} hint="a path is ruined at this drawdown">
                  {(id, describedBy, invalid) => (
                    <input id={id} className="input mono" inputMode="decimal" value={form.ruin} aria-describedby={describedBy}
                      aria-invalid={invalid} data-testid="robustness-ruin" onChange={set('ruin')} />
                  )}
                </Field>
              </div>
            </details>
            <div style={{ marginTop: 8 }}>
              <Button type="submit" variant="primary" busy={mutation.isPending} data-testid="robustness-run">
                Run robustness tests
              </Button>
            </div>
          </form>
          <ErrorBanner error={mutation.error} title="The robustness tests could not run" />
          {mutation.data && !mutation.isPending ? <Results data={mutation.data} entryBars={entryBars} /> : null}
        </>
      )}
    </Panel>
  );
}

function Results({ data, entryBars }: { data: Robustness; entryBars: string }) {
  return (
    <div data-testid="robustness-results" style={{ marginTop: 12 }}>
      <p className="dim" style={{ margin: '0 0 8px' }}>
        {formatCount(data.trades)} trades from {formatEquity(data.start_equity)}; {formatCount(data.resamples)} paths
        per test, seed {data.seed}. Each path is equity after each closed trade, so its drawdowns are of closed
        trades only and read shallower than the run&apos;s own max drawdown, which marks open positions at every bar.
      </p>
      {data.note ? <p className="muted" data-testid="robustness-note">Note: {data.note}.</p> : null}
      {data.caution ? <p className="warn" role="note" data-testid="robustness-caution">Caution: {data.caution}.</p> : null}
      <section aria-labelledby="random-entry-title" data-testid="random-entry">
        <h3 id="random-entry-title">Random entries</h3>
        {data.random_entry ? (
          <>
            <p data-testid="random-entry-sentence">{randomEntrySentence(data.random_entry)}</p>
            <RandomEntryExplained trades={data.trades} bars={entryBars} />
          </>
        ) : (
          <p className="muted" data-testid="random-entry-unavailable">
            No random-entry benchmark: {data.random_entry_unavailable ?? 'not available for this run'}.
          </p>
        )}
        {data.random_entry ? (
          <p className="dim mono" data-testid="random-entry-spread">
            random runs' return: 5% {formatReturnPct(data.random_entry.random_return_pct.p5)} · median{' '}
            {formatReturnPct(data.random_entry.random_return_pct.p50)} · 95% {formatReturnPct(data.random_entry.random_return_pct.p95)}
          </p>
        ) : null}
      </section>
      {data.monte_carlo.map((mc) => <MonteCarloSection key={mc.method} mc={mc} startEquity={data.start_equity} />)}
    </div>
  );
}

function MonteCarloSection({ mc, startEquity }: { mc: MonteCarlo; startEquity: number }) {
  const title = METHOD_TITLE[mc.method];
  const headId = `robustness-${mc.method}-title`;
  // Each row from its bad tail to its good one (trial 40: "5%" was the worst final equity but the shallowest
  // drawdown, so one column read as the bad case in one row and the good case in the next). `deeper`: a higher
  // figure is worse.
  const rows: Array<[string, string, (v: number) => string, MonteCarlo['final_equity'], boolean]> = [
    ['final-equity', 'Final equity', formatEquity, mc.final_equity, false],
    ['max-drawdown', 'Max drawdown', formatDrawdownPct, mc.max_drawdown_pct, true],
    ['longest-drawdown', 'Longest drawdown (trades)', (v) => formatNumber(v, Number.isInteger(v) ? 0 : 1),
      mc.longest_drawdown_trades, true],
  ];
  return (
    <section aria-labelledby={headId} data-testid={`robustness-${mc.method}`} style={{ marginTop: 12 }}>
      <h3 id={headId}>{title}</h3>
      <p data-testid={`ruin-${mc.method}`}>
        Probability of ruin (max drawdown of {formatReturnPct(mc.ruin_drawdown_pct, 0)} or more):{' '}
        <strong>{formatShare(mc.ruin_probability)}</strong>
      </p>
      <div className="grid-2">
        <div>
          <table className="table" data-testid={`percentiles-${mc.method}`}>
            <thead>
              <tr>
                <th scope="col">{formatCount(mc.resamples)} paths</th>
                <th scope="col" className="num" title="the worst 5% of paths are at or beyond this">worst 5%</th>
                <th scope="col" className="num">median</th>
                <th scope="col" className="num" title="the best 5% of paths are at or beyond this">best 5%</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([key, label, fmt, spread, deeper]) => (
                <tr key={key} data-testid={`pct-${mc.method}-${key}`}>
                  <th scope="row">{label}</th>
                  <td className="num">{fmt(deeper ? spread.p95 : spread.p5)}</td>
                  <td className="num">{fmt(spread.p50)}</td>
                  <td className="num">{fmt(deeper ? spread.p5 : spread.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <DrawdownHistogram histogram={mc.drawdown_histogram} method={mc.method} />
        </div>
        <RobustnessFanChart mc={mc} startEquity={startEquity} title={title} />
      </div>
    </section>
  );
}

function DrawdownHistogram({ histogram, method }: { histogram: Histogram; method: string }) {
  const most = Math.max(1, ...histogram.counts);
  return (
    <>
      <p className="dim" style={{ margin: '8px 0 2px' }}>Max drawdown of every path (paths per bin)</p>
      <ul aria-label="Max drawdown of every path, paths per bin" data-testid={`drawdown-histogram-${method}`}
        style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {histogram.counts.map((count, i) => {
          const low = histogram.edges[i] ?? 0;
          const high = histogram.edges[i + 1] ?? low;
          return (
            <li key={low} data-testid="drawdown-bin" data-count={count}
              style={{ display: 'grid', gridTemplateColumns: '9em minmax(0, 1fr) 4.5em', gap: 8, alignItems: 'center' }}>
              <span className="mono">{drawdownBinLabel(low, high)}</span>
              <span aria-hidden="true" style={{ height: 10, width: `${(count / most) * 100}%`, minWidth: count ? 2 : 0,
                background: 'var(--neg)' }} />
              <span className="num">{formatCount(count)}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
