import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ModeBadge, StatusBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { Time } from '@/components/ui/Time';
import type { Run } from '@/lib/api/types';
import { formatNumber, formatPct, tone } from '@/lib/format';
import { readMetric } from '@/lib/metrics';
import { RunActions } from './RunActions';
import { RunPnl } from './RunPnl';

const metric = (run: Run, key: string) => readMetric(run.metrics, key);

export function runLabel(run: Run): string {
  return run.name || `${run.strategy} ${run.symbols.join(',')}`;
}

export function RunsTable({ runs }: { runs: Run[] }) {
  const navigate = useNavigate();
  const columns = useMemo<Column<Run>[]>(() => [
    { key: 'name', header: 'Run', sortValue: runLabel, render: (r) => (<>
      <Link to={`/runs/${r.id}`} onClick={(e) => e.stopPropagation()} data-testid="run-link" title={r.id}>
        {runLabel(r)}<span className="dim mono hide-narrow"> {r.id.slice(0, 8)}</span>
      </Link>
      {r.sweep_id ? <Link to={`/sweeps/${r.sweep_id}`} onClick={(e) => e.stopPropagation()} className="badge plain"
        style={{ marginLeft: 6 }} title="a cell of a parameter sweep">sweep</Link> : null}
    </>) },
    { key: 'mode', header: 'Mode', hideNarrow: true, sortValue: (r) => r.mode, render: (r) => <ModeBadge mode={r.mode} /> },
    { key: 'strategy', header: 'Strategy', hideNarrow: true, sortValue: (r) => r.strategy, render: (r) => <span className="mono">{r.strategy}</span> },
    { key: 'symbols', header: 'Symbols', sortValue: (r) => r.symbols.join(','), render: (r) => (
      <span className="mono" title={r.symbols.join(', ')}>
        {r.symbols.slice(0, 3).join(' ')}{r.symbols.length > 3 ? ` +${r.symbols.length - 3}` : ''}
        <span className="dim"> {r.timeframe}</span>
      </span>
    ) },
    { key: 'status', header: 'Status', sortValue: (r) => r.status, render: (r) => (
      <span className="indicator" data-testid="run-status" data-status={r.status}>
        <StatusBadge status={r.status} />
        {r.status === 'running' && r.mode === 'backtest' ? (
          <span style={{ width: 60 }} title={formatPct(r.progress, 0, false)}><ProgressBar value={r.progress} /></span>
        ) : null}
      </span>
    ) },
    { key: 'return', header: 'Return', numeric: true, sortValue: (r) => metric(r, 'total_return'),
      render: (r) => <span className={tone(metric(r, 'total_return'))}>{formatPct(metric(r, 'total_return'))}</span> },
    { key: 'sharpe', header: 'Sharpe', numeric: true, hideNarrow: true, sortValue: (r) => metric(r, 'sharpe'),
      render: (r) => formatNumber(metric(r, 'sharpe')) },
    { key: 'max_drawdown', header: 'Max DD', numeric: true, sortValue: (r) => metric(r, 'max_drawdown'),
      render: (r) => <span className={metric(r, 'max_drawdown') ? 'neg' : ''}>{formatPct(metric(r, 'max_drawdown'), 2, false)}</span> },
    { key: 'trades', header: 'Trades', numeric: true, hideNarrow: true, sortValue: (r) => metric(r, 'trades'),
      render: (r) => formatNumber(metric(r, 'trades'), 0) },
    { key: 'pnl', header: 'Live P&L', numeric: true, render: (r) => <RunPnl run={r} /> },
    { key: 'created', header: 'Created', hideNarrow: true, sortValue: (r) => r.created_at, render: (r) => <Time value={r.created_at} /> },
    { key: 'actions', header: '', render: (r) => <RunActions run={r} /> },
  ], []);

  return (
    <DataTable testId="runs-table" rows={runs} columns={columns} rowKey={(r) => r.id} pageSize={100}
      onRowClick={(r) => navigate(`/runs/${r.id}`)} />
  );
}
