import { useMemo, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { RunStateBadge } from '@/components/runs/RunStateBadge';
import { ModeBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { Time } from '@/components/ui/Time';
import type { Run } from '@/lib/api/types';
import { formatNumber, formatPct, tone } from '@/lib/format';
import { metricUnavailable, NOT_ENOUGH_DATA, readMetric } from '@/lib/metrics';
import type { RunSort, SortOrder } from '../api/runs';
import { useRunFilters } from '../hooks/useRunFilters';
import { RunActions } from './RunActions';
import { RunPnl } from './RunPnl';

const metric = (run: Run, key: string) => readMetric(run.metrics, key);
/** "not enough data", muted, with the API's reason as its title, where the API withheld the figure. */
function withheld(run: Run, key: string): ReactNode {
  const why = metricUnavailable(run.metrics_unavailable, key);
  return why ? <span className="muted" title={why} data-testid="metric-withheld">{NOT_ENOUGH_DATA}</span> : null;
}

export function runLabel(run: Run): string {
  return run.name || `${run.strategy} ${run.symbols.join(',')}`;
}

interface ServerSort {
  /** The server's sort key for this column. */
  key: RunSort;
  /** The column shows the value negated (drawdowns are stored positive, shown ≤ 0): flip the order. */
  flip?: boolean;
}

/** Which server sort each sortable column stands for. */
const SORTS: Record<string, ServerSort> = {
  name: { key: 'name' }, mode: { key: 'mode' }, strategy: { key: 'strategy' }, symbols: { key: 'symbols' },
  status: { key: 'status' }, return: { key: 'total_return_pct' }, sharpe: { key: 'sharpe' },
  max_drawdown: { key: 'max_drawdown_pct', flip: true }, trades: { key: 'trades' }, created: { key: 'created_at' },
};

const flipped = (order: SortOrder): SortOrder => (order === 'asc' ? 'desc' : 'asc');

/** A header that asks the server to sort (every run, not just this page); the table itself never reorders. */
function SortHeader({ column, children, sort, order, onSort }: {
  column: string; children: ReactNode; sort: RunSort; order: SortOrder;
  onSort: (sort: RunSort, order: SortOrder) => void;
}) {
  const target = SORTS[column];
  if (!target) return <>{children}</>;
  const shown = target.key === sort ? (target.flip ? flipped(order) : order) : null;
  const toggle = () => {
    const next: SortOrder = shown === 'desc' ? 'asc' : 'desc'; // a new column starts descending
    onSort(target.key, target.flip ? flipped(next) : next);
  };
  return (
    <button type="button" onClick={toggle} data-testid={`sort-${column}`} data-sorted={shown ?? undefined}
      title={shown ? `sorted ${shown === 'asc' ? 'ascending' : 'descending'} across all runs` : 'sort all runs'}>
      {children}
      <span className="dim">{shown === 'asc' ? '▲' : shown === 'desc' ? '▼' : ''}</span>
    </button>
  );
}

function withHeaders(columns: Column<Run>[], header: (column: Column<Run>) => ReactNode): Column<Run>[] {
  return columns.map((c) => ({ ...c, header: header(c) }));
}

/** Runs picked for the compare view (ids in the order picked). */
export interface RunSelection {
  selected: ReadonlySet<string>;
  toggle: (run: Run) => void;
}

function selectColumn(selection: RunSelection): Column<Run> {
  return { key: 'select', header: <span className="sr-only">Select for compare</span>, render: (r) => (
    <input type="checkbox" aria-label={`Select run ${runLabel(r)}`} data-testid="run-select"
      checked={selection.selected.has(r.id)} onChange={() => selection.toggle(r)}
      onClick={(e) => e.stopPropagation()} />
  ) };
}

/** The runs of one server page, in the server's order; the headers change that order for all runs. With
 * `selection`, each row has a checkbox that picks it for the compare view. */
export function RunsTable({ runs, selection, testId = 'runs-table' }:
  { runs: Run[]; selection?: RunSelection; testId?: string }) {
  const navigate = useNavigate();
  const [{ sort, order }, update] = useRunFilters();
  const columns = useMemo(() => withHeaders([
    { key: 'name', header: 'Run', render: (r) => (<>
      <Link to={`/runs/${r.id}`} onClick={(e) => e.stopPropagation()} data-testid="run-link" title={r.id}>
        {runLabel(r)}<span className="dim mono hide-narrow"> {r.id.slice(0, 8)}</span>
      </Link>
      {r.sweep_id ? <Link to={`/sweeps/${r.sweep_id}`} onClick={(e) => e.stopPropagation()} className="badge plain"
        style={{ marginLeft: 6 }} title="a cell of a parameter sweep">sweep</Link> : null}
      {r.walkforward_id ? <Link to={`/walkforwards/${r.walkforward_id}`} onClick={(e) => e.stopPropagation()}
        className="badge plain" style={{ marginLeft: 6 }}
        title="an out-of-sample or contrast run of a walk-forward">walk-forward</Link> : null}
    </>) },
    { key: 'mode', header: 'Mode', hideNarrow: true, render: (r) => <ModeBadge mode={r.mode} /> },
    { key: 'strategy', header: 'Strategy', hideNarrow: true, render: (r) => <span className="mono">{r.strategy}</span> },
    { key: 'symbols', header: 'Symbols', render: (r) => (
      <span className="mono" title={r.symbols.join(', ')}>
        {r.symbols.slice(0, 3).join(' ')}{r.symbols.length > 3 ? ` +${r.symbols.length - 3}` : ''}
        <span className="dim"> {r.timeframe}</span>
      </span>
    ) },
    { key: 'status', header: 'Status', render: (r) => (
      <span className="indicator" data-testid="run-status" data-status={r.status}>
        <RunStateBadge run={r} />
        {r.state.state === 'running' && r.mode === 'backtest' ? (
          <span style={{ width: 60 }} title={formatPct(r.progress, 0, false)}><ProgressBar value={r.progress} /></span>
        ) : null}
      </span>
    ) },
    { key: 'return', header: 'Return', numeric: true,
      render: (r) => <span className={tone(metric(r, 'total_return'))}>{formatPct(metric(r, 'total_return'))}</span> },
    { key: 'sharpe', header: 'Sharpe', numeric: true, hideNarrow: true,
      render: (r) => withheld(r, 'sharpe') ?? formatNumber(metric(r, 'sharpe')) },
    { key: 'max_drawdown', header: 'Max DD', numeric: true,
      render: (r) => <span className={metric(r, 'max_drawdown') ? 'neg' : ''}>{formatPct(metric(r, 'max_drawdown'), 2, false)}</span> },
    { key: 'trades', header: 'Trades', numeric: true, hideNarrow: true,
      render: (r) => formatNumber(metric(r, 'trades'), 0) },
    { key: 'pnl', header: 'Live P&L', numeric: true, render: (r) => <RunPnl run={r} /> },
    { key: 'created', header: 'Created', hideNarrow: true, render: (r) => <Time value={r.created_at} /> },
    { key: 'actions', header: '', render: (r) => <RunActions run={r} /> },
  ], (c) => <SortHeader column={c.key} sort={sort} order={order}
    onSort={(key, dir) => update({ sort: key, order: dir })}>{c.header}</SortHeader>), [sort, order, update]);
  const shown = useMemo(() => (selection ? [selectColumn(selection), ...columns] : columns), [selection, columns]);

  return (
    <DataTable testId={testId} rows={runs} columns={shown} rowKey={(r) => r.id} pageSize={100}
      onRowClick={(r) => navigate(`/runs/${r.id}`)} />
  );
}
