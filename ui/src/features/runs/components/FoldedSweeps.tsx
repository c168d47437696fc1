import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button } from '@/components/ui/Button';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import type { Run, Sweep } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';
import { useFoldedSweeps, useRuns, type RunSort, type SortOrder } from '../api/runs';
import type { RunView } from '../hooks/useRunFilters';
import { RunsTable, runLabel, type RunSelection } from './RunsTable';

export const SWEEPS_PER_PAGE = 10;
/** Cells listed in place when a sweep is opened; the sweep's page lists them all. */
const CELLS_SHOWN = 100;

/** The metric a sweep's "best" reads: the one the runs are sorted by when it is a figure to rank by, else Sharpe. */
export function bestMetric(sort: RunSort): { key: string; sort: RunSort; order: SortOrder } {
  const key = sort === 'total_return_pct' ? 'total_return' : sort === 'max_drawdown_pct' ? 'max_drawdown' : 'sharpe';
  // Drawdowns are stored positive: the best is the smallest.
  return { key, sort: metricDef(key).source as RunSort, order: key === 'max_drawdown' ? 'asc' : 'desc' };
}

/**
 * The sweeps of the runs list, one row each with its cell count and best cell; a row opens to list its cells
 * in place (GET /runs?sweep_id=). The runs table below leaves the cells out (`cells=hide`), so a sweep of
 * hundreds of cells is one line here, not hundreds there. Sweeps are backtests: a paper or live filter hides them.
 */
export function FoldedSweeps({ view, selection }: { view: RunView; selection: RunSelection }) {
  const [page, setPage] = useState(1);
  const shown = !view.mode || view.mode === 'backtest';
  const sweeps = useFoldedSweeps(page, SWEEPS_PER_PAGE, shown);
  const all = sweeps.data?.items ?? [];
  if (!shown || (!sweeps.isPending && !sweeps.error && (sweeps.data?.total ?? 0) === 0)) return null;
  const rows = view.strategy ? all.filter((s) => s.strategy === view.strategy) : all;
  const total = sweeps.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / SWEEPS_PER_PAGE));
  const best = bestMetric(view.sort);
  const label = metricDef(best.key).label;
  return (
    <Panel testId="folded-sweeps" bodyClass="" title={<h2>Sweeps <span className="muted mono">{formatCount(total)}</span></h2>}
      actions={<Link to="/sweeps" className="btn btn-sm btn-ghost">All sweeps</Link>}>
      <ErrorBanner error={sweeps.error} title="Sweeps could not be loaded" />
      {sweeps.isPending ? <Loading /> : (
        <div className="table-wrap">
          <table className="table" data-testid="folded-sweeps-table">
            <thead>
              <tr>
                <th><span className="sr-only">Open</span></th>
                <th>Sweep</th>
                <th className="hide-narrow">Strategy</th>
                <th className="num">Cells</th>
                <th>Status</th>
                <th className="num">Best {label}</th>
                <th className="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((sweep) => <SweepRow key={sweep.id} sweep={sweep} view={view} selection={selection} />)}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="muted" style={{ padding: '8px 12px', margin: 0 }}>
            No sweep of {view.strategy} on this page.</p> : null}
        </div>
      )}
      {pages > 1 ? (
        <div className="table-foot">
          <span className="muted">sweeps page {page} of {pages}</span>
          <span className="spacer" />
          <Button size="sm" disabled={page <= 1} onClick={() => setPage(page - 1)}>Newer sweeps</Button>
          <Button size="sm" disabled={page >= pages} onClick={() => setPage(page + 1)}>Older sweeps</Button>
        </div>
      ) : null}
    </Panel>
  );
}

function sweepLabel(sweep: Sweep): string {
  return sweep.name || `${sweep.strategy} sweep`;
}

/** One sweep folded: its count and best cell; opened, its cells (with the dashboard's sort and status filter). */
function SweepRow({ sweep, view, selection }: { sweep: Sweep; view: RunView; selection: RunSelection }) {
  const [open, setOpen] = useState(false);
  const metric = bestMetric(view.sort);
  const top = useRuns({ sweep_id: sweep.id, sort: metric.sort, order: metric.order, per_page: 1 });
  const bestRun: Run | undefined = top.data?.items?.[0];
  const bestValue = bestRun ? readMetric(bestRun.metrics, metric.key) : null;
  const cellsId = `sweep-cells-${sweep.id}`;
  const name = sweepLabel(sweep);
  return (
    <>
      <tr data-testid="folded-sweep" data-sweep-id={sweep.id}>
        <td>
          <button type="button" className="btn btn-sm btn-ghost" aria-expanded={open} aria-controls={cellsId}
            aria-label={`${open ? 'Fold' : 'Show'} the cells of sweep ${name}`} data-testid="sweep-toggle"
            onClick={() => setOpen(!open)}>{open ? '▾' : '▸'}</button>
        </td>
        <td><Link to={`/sweeps/${sweep.id}`} data-testid="sweep-link">{name}</Link>
          <span className="dim mono hide-narrow"> {sweep.id.slice(0, 8)}</span></td>
        <td className="hide-narrow"><span className="mono">{sweep.strategy}</span></td>
        <td className="num" data-testid="sweep-cell-count" title={`${sweep.done} done, ${sweep.failed} failed`}>
          {formatCount(sweep.total)} cells
          {sweep.skipped.length ? <span className="muted"> (+{formatCount(sweep.skipped.length)} skipped)</span> : null}
        </td>
        <td><span className="badge plain" data-testid="sweep-status">{sweep.status}</span>
          {sweep.status === 'running' ? <span className="muted"> {formatCount(sweep.done + sweep.failed)}/{formatCount(sweep.total)}</span> : null}
        </td>
        <td className="num" data-testid="sweep-best">
          {bestRun && bestValue !== null ? (
            <Link to={`/runs/${bestRun.id}`} title={`best cell: ${runLabel(bestRun)}`}>{formatMetric(metric.key, bestValue)}</Link>
          ) : <span className="dim">—</span>}
        </td>
        <td className="hide-narrow"><Time value={sweep.created_at} /></td>
      </tr>
      {open ? (
        <tr id={cellsId}>
          <td colSpan={7} style={{ padding: '0 0 0 24px' }}>
            <SweepCells sweep={sweep} view={view} selection={selection} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function SweepCells({ sweep, view, selection }: { sweep: Sweep; view: RunView; selection: RunSelection }) {
  const cells = useRuns({ sweep_id: sweep.id, status: view.status, sort: view.sort, order: view.order,
    per_page: CELLS_SHOWN, cells: 'show' });
  if (cells.isPending) return <Loading label="Loading cells…" />;
  if (cells.error) return <ErrorBanner error={cells.error} title="Cells could not be loaded" />;
  const data = cells.data;
  if (!data || data.items.length === 0) {
    return <p className="muted" style={{ margin: 8 }}>No cell{view.status ? ` is ${view.status}` : ' yet'}.</p>;
  }
  return (
    <div data-testid="sweep-cells">
      <RunsTable runs={data.items} selection={selection} testId="sweep-cells-table" />
      {data.total > data.items.length || !data.total_exact ? (
        <p className="muted" style={{ margin: 8 }}>
          The first {formatCount(data.items.length)} of {formatCount(data.total)}{data.total_exact ? '' : '+'} cells:{' '}
          <Link to={`/sweeps/${sweep.id}`}>all of them on the sweep's page</Link>.
        </p>
      ) : null}
    </div>
  );
}
