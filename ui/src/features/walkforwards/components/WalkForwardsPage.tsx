import { Link, useNavigate } from 'react-router-dom';
import { StatusBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { formatNumber, formatPct, tone } from '@/lib/format';
import { metricDef } from '@/lib/metrics';
import { useStream } from '@/lib/stream/StreamProvider';
import { usePageTitle } from '@/lib/usePageTitle';
import { useWalkforwards } from '../api/walkforwards';
import type { WalkforwardSummary } from '../api/types';
import { CellsProgress } from './CellsProgress';
import { objectiveKey } from './objective';

const pctOf = (value: number | null) => (value === null ? null : value / 100);

const COLUMNS: Column<WalkforwardSummary>[] = [
  { key: 'name', header: 'Walk-forward', sortValue: (w) => w.name ?? w.strategy, render: (w) => (
    <Link to={`/walkforwards/${w.id}`} onClick={(e) => e.stopPropagation()} data-testid="walkforward-link">
      {w.name || w.strategy}<span className="dim mono"> {w.id.slice(0, 8)}</span>
    </Link>
  ) },
  { key: 'strategy', header: 'Strategy', sortValue: (w) => w.strategy, render: (w) => <span className="mono">{w.strategy}</span> },
  { key: 'objective', header: 'Objective', sortValue: (w) => w.objective,
    render: (w) => <span>{w.direction === 'min' ? 'min' : 'max'} {metricDef(objectiveKey(w.objective)).label}</span> },
  { key: 'status', header: 'Status', sortValue: (w) => w.status, render: (w) => <StatusBadge status={w.status} /> },
  { key: 'folds', header: 'Folds', numeric: true, sortValue: (w) => w.folds, render: (w) => <span className="mono">{w.folds}</span> },
  { key: 'progress', header: 'Progress', sortValue: (w) => (w.cells_total ? w.cells_done / w.cells_total : 0), render: (w) => (
    <CellsProgress counts={w} width={80} long label={`cells of ${w.name || w.strategy}`} testId="walkforward-row-progress" />
  ) },
  { key: 'oos', header: 'OOS return', numeric: true, sortValue: (w) => w.oos_return_pct, render: (w) => (
    <span className={tone(w.oos_return_pct)} data-testid="walkforward-row-oos">{formatPct(pctOf(w.oos_return_pct))}</span>
  ) },
  { key: 'efficiency', header: 'Efficiency', numeric: true, sortValue: (w) => w.efficiency,
    render: (w) => (w.efficiency === null && w.efficiency_reason ? (
      <span className="dim" title={w.efficiency_reason} data-testid="walkforward-row-efficiency-na">n/a
        <span className="sr-only">: {w.efficiency_reason}</span></span>
    ) : <span className="mono">{formatNumber(w.efficiency, 2)}</span>) },
  { key: 'created', header: 'Created', sortValue: (w) => w.created_at, render: (w) => <Time value={w.created_at} /> },
];

/** Every walk-forward: how far its folds have come and, once done, its out-of-sample return. */
export function WalkForwardsPage() {
  usePageTitle('Walk-forward');
  const stream = useStream();
  const list = useWalkforwards(1, stream.state !== 'open');
  const navigate = useNavigate();
  return (
    <div className="page" data-testid="walkforwards-page">
      <div className="page-head">
        <h1>Walk-forward</h1>
        <span className="spacer" />
        <Link className="btn btn-primary" to="/walkforwards/new" data-testid="new-walkforward">New walk-forward</Link>
      </div>
      <ErrorBanner error={list.error} />
      <Panel bodyClass="">
        {list.isPending ? <Loading /> : list.data?.items.length === 0 ? (
          <EmptyState title="No walk-forward runs yet" testId="walkforwards-empty">
            <p style={{ margin: 0 }}>A walk-forward run tunes a strategy&apos;s parameters on one stretch of history, tests them on
              the next, unseen stretch, and rolls forward, so its result is out-of-sample.</p>
            <Link className="btn btn-primary" to="/walkforwards/new">Launch a walk-forward</Link>
          </EmptyState>
        ) : (
          <DataTable testId="walkforwards-table" rows={list.data?.items ?? []} columns={COLUMNS} rowKey={(w) => w.id}
            onRowClick={(w) => navigate(`/walkforwards/${w.id}`)} />
        )}
      </Panel>
    </div>
  );
}
