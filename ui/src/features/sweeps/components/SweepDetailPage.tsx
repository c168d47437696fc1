import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { StatusBadge } from '@/components/ui/Badges';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { Time } from '@/components/ui/Time';
import type { ParamValue, SweepResult } from '@/lib/api/types';
import { tone } from '@/lib/format';
import { formatMetric, METRIC_DEFS, metricDef, readMetric, serverMetricName } from '@/lib/metrics';
import { useStream } from '@/lib/stream/StreamProvider';
import { useCancelSweep, useSweep, useSweepResults } from '../api/sweeps';
import { failedCellLines, noFigureReason } from './cellNotes';
import { Heatmap } from './Heatmap';
import { progressText } from './progress';
import { rank } from './ranking';
import { SkippedCells } from '@/components/form/SkippedCells';
import { SweepSettings } from './SweepSettings';
import { usePageTitle } from '@/lib/usePageTitle';
import { useWalkforwardOfSweep } from '../api/walkforwardOfSweep';
import { choiceFor } from './walkforwardChoice';
import { WalkforwardChoiceNote } from './WalkforwardChoiceNote';

const TABLE_METRICS = ['total_return', 'sharpe', 'sortino', 'calmar', 'max_drawdown', 'cagr', 'win_rate',
  'profit_factor', 'trades', 'exposure'];

export function SweepDetailPage() {
  const { sweepId = '' } = useParams();
  const navigate = useNavigate();
  const stream = useStream();
  const poll = stream.state !== 'open';
  const sweep = useSweep(sweepId, poll);
  usePageTitle(sweep.data ? `Sweep ${sweep.data.name || `of ${sweep.data.strategy}`}` : 'Sweep');
  const [metric, setMetric] = useState('sharpe');
  const [order, setOrder] = useState<'desc' | 'asc'>('desc');
  const running = ['creating', 'running', 'created', 'queued'].includes(sweep.data?.status ?? '');
  const results = useSweepResults(sweepId, serverMetricName(metric), 'desc', poll && running);
  const cancel = useCancelSweep(sweepId);
  // a walk-forward's sweep: the cell it chose, which the page's best need not be (its objective, its minimum of trades)
  const walkforwardId = sweep.data?.walkforward_id ?? '';
  const walkforward = useWalkforwardOfSweep(walkforwardId);
  const choice = walkforwardId ? choiceFor(walkforward.data, sweep.data?.fold ?? null) : null;
  const chosenId = choice?.runId;
  const [confirming, setConfirming] = useState(false);

  const gridParams = useMemo(() => Object.entries(sweep.data?.grid ?? {}), [sweep.data]);
  const swept = gridParams.filter(([, values]) => values.length > 1);
  const heat = swept.length === 2 ? swept : gridParams.length === 2 ? gridParams : null;
  const ranked = useMemo(() => rank(results.data ?? [], metric, order), [results.data, metric, order]);
  const best = ranked[0] && readMetric(ranked[0].metrics, metric) !== null ? ranked[0] : undefined;
  // Trial 32: ranked by Sharpe on 4 days of minute bars, every cell showed a dash and nothing said why.
  const completed = (results.data ?? []).filter((r) => r.status === 'completed');
  const noneHas = completed.length > 0 && completed.every((r) => readMetric(r.metrics, metric) === null);
  const failedLines = useMemo(() => failedCellLines(results.data ?? []), [results.data]);
  const open = (runId: string) => navigate(`/runs/${runId}`);

  const columns = useMemo<Column<SweepResult>[]>(() => [
    ...gridParams.map(([param]): Column<SweepResult> => ({
      key: `p:${param}`, header: <span className="mono">{param}</span>, numeric: true,
      sortValue: (r) => r.params[param] as ParamValue, render: (r) => <span className="mono">{String(r.params[param] ?? '—')}</span>,
    })),
    { key: 'status', header: 'Status', sortValue: (r) => r.status,
      render: (r) => <span title={r.error ?? undefined}><StatusBadge status={r.status} /></span> },
    ...TABLE_METRICS.map((m): Column<SweepResult> => {
      const def = metricDef(m);
      return {
        key: m, header: def.label, numeric: true, sortValue: (r) => readMetric(r.metrics, m),
        render: (r) => {
          const v = readMetric(r.metrics, m);
          return <span className={def.signed ? tone(v) : ''}>{formatMetric(m, v)}</span>;
        },
      };
    }),
    { key: 'open', header: '', render: (r) => (
      <>
        {r.run_id === chosenId ? <span className="badge plain" data-testid="chosen-badge" style={{ marginRight: 6 }}
          title="the cell the walk-forward chose from this sweep">chosen</span> : null}
        <Link to={`/runs/${r.run_id}`} onClick={(e) => e.stopPropagation()}>open</Link>
      </>
    ) },
  ], [gridParams, chosenId]);

  if (sweep.isPending) return <Loading />;
  if (sweep.error) return <ErrorBanner error={sweep.error} title="The sweep could not be loaded" />;
  const s = sweep.data;
  const finished = s.done + s.failed;
  const skipped = s.skipped ?? [];

  return (
    <div className="page" data-testid="sweep-detail" data-status={s.status}>
      <section className="panel">
        <div className="panel-head">
          <h1>{s.name || `Sweep of ${s.strategy}`}</h1>
          <StatusBadge status={s.status} testId="sweep-status" />
          <span className="dim mono">{s.id}</span>
          <span className="spacer" />
          {running && !s.walkforward_id ? <Button variant="danger" busy={cancel.isPending} onClick={() => setConfirming(true)}
            data-testid="cancel-sweep">Cancel remaining</Button> : null}
        </div>
        <div className="panel-body" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          <div className="indicator" style={{ gap: 14, flexWrap: 'wrap' }} data-testid="sweep-settings">
            <span>strategy <span className="mono">{s.strategy}</span></span>
            <SweepSettings settings={s.settings} />
            {gridParams.map(([p, v]) => <span key={p}><span className="mono">{p}</span> ∈ {'{'}{v.map(String).join(', ')}{'}'}</span>)}
            <span>created <Time value={s.created_at} /></span>
          </div>
          <div className="indicator" data-testid="sweep-progress" data-done={s.done} data-total={s.total}>
            <span style={{ flex: 1 }}><ProgressBar value={s.total ? finished / s.total : s.progress} large label="sweep progress" /></span>
            <span className="mono">{progressText(s)}</span>
          </div>
          {s.walkforward_id ? (
            <div className="hint" data-testid="sweep-walkforward">
              {s.fold === null ? 'The whole-window (contrast) optimisation of ' : `The train window of fold ${s.fold + 1} of `}
              <Link to={`/walkforwards/${s.walkforward_id}`} style={{ textDecoration: 'underline' }}>a walk-forward</Link>
              {running ? ': to stop it, cancel the walk-forward.' : '.'}
            </div>
          ) : null}
          {s.status === 'creating' ? (
            <div className="hint muted" data-testid="sweep-creating">Creating its {s.total} backtests…</div>
          ) : null}
          {s.status === 'failed' ? (
            <div className="banner error" data-testid="sweep-error">The sweep failed: {s.error ?? 'no reason given'}</div>
          ) : null}
          <SkippedCells cells={skipped} />
          <ErrorBanner error={cancel.error} />
        </div>
        {/* trial 26: one click cancelled the rest of a sweep; the walk-forward page asks first, and so does this */}
        <ConfirmDialog open={confirming} title="Cancel the rest of this sweep?" confirmLabel="Cancel remaining cells"
          cancelLabel="Keep running" danger busy={cancel.isPending} onCancel={() => setConfirming(false)}
          testId="cancel-sweep-dialog" onConfirm={() => cancel.mutate(undefined, { onSettled: () => setConfirming(false) })}>
          <p>Cells not yet finished are cancelled; the {finished} finished are kept.</p>
        </ConfirmDialog>
      </section>

      <div className="page-head">
        <label className="indicator">Rank by
          <select className="select" style={{ width: 'auto' }} value={metric} onChange={(e) => setMetric(e.target.value)}
            data-testid="rank-metric">
            {METRIC_DEFS.map((m) => <option key={m.key} value={m.key}>{m.label}</option>)}
          </select>
        </label>
        <span className="seg" role="group" aria-label="Order">
          <button type="button" aria-pressed={order === 'desc'} onClick={() => setOrder('desc')}>best first</button>
          <button type="button" aria-pressed={order === 'asc'} onClick={() => setOrder('asc')}>worst first</button>
        </span>
        <span className="spacer" />
        {best ? (
          <Button variant="primary" onClick={() => open(best.run_id)} data-testid="open-best" data-run-id={best.run_id}>
            Open best ({metricDef(metric).label} {formatMetric(metric, readMetric(best.metrics, metric))})
          </Button>
        ) : null}
      </div>

      {choice ? <WalkforwardChoiceNote choice={choice} cells={results.data ?? []} best={best} metric={metric} order={order}
        grid={gridParams.map(([param]) => param)} /> : null}
      {noneHas ? (
        <p className="muted" data-testid="rank-metric-empty">
          No cell has a {metricDef(metric).label}: {noFigureReason(completed, serverMetricName(metric))}. Rank by
          another figure, such as Return.
        </p>
      ) : null}
      {failedLines.length ? (
        <div className="banner error" data-testid="failed-cells">
          {failedLines.map((line) => <div key={line}>{line}</div>)}
        </div>
      ) : null}
      {heat ? (
        <Panel title={`Heatmap · ${metricDef(metric).label}`} testId="heatmap-panel">
          <Heatmap results={results.data ?? []} xParam={heat[0]![0]} xValues={heat[0]![1]} yParam={heat[1]![0]}
            yValues={heat[1]![1]} metric={metric} onOpen={open} skipped={skipped} chosenRunId={chosenId} />
          <p className="hint muted" style={{ margin: '6px 0 0' }}>Click a cell to open its backtest.</p>
        </Panel>
      ) : null}

      <Panel title="Results" bodyClass="" testId="results-panel">
        <ErrorBanner error={results.error} />
        {results.isPending ? <Loading /> : (results.data ?? []).length === 0 ? (
          <EmptyState title={s.status === 'creating' ? `Creating ${s.total} cells…` : 'No cells yet'} />
        ) : (
          <DataTable testId="results-table" rows={ranked} columns={columns} rowKey={(r) => r.run_id}
            pageSize={100} onRowClick={(r) => open(r.run_id)} />
        )}
      </Panel>
    </div>
  );
}
