import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { StatusBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { Time } from '@/components/ui/Time';
import type { Sweep } from '@/lib/api/types';
import { useSweeps } from '../api/sweeps';
import { usePageTitle } from '@/lib/usePageTitle';
import { progressText } from './progress';

const COLUMNS: Column<Sweep>[] = [
  { key: 'name', header: 'Sweep', sortValue: (s) => s.name ?? s.strategy, render: (s) => (
    <Link to={`/sweeps/${s.id}`} onClick={(e) => e.stopPropagation()} data-testid="sweep-link">
      {s.name || s.strategy}<span className="dim mono"> {s.id.slice(0, 8)}</span>
    </Link>
  ) },
  { key: 'strategy', header: 'Strategy', sortValue: (s) => s.strategy, render: (s) => <span className="mono">{s.strategy}</span> },
  { key: 'grid', header: 'Grid', render: (s) => (
    <span className="mono">{Object.entries(s.grid).map(([k, v]) => `${k}×${v.length}`).join(' ')}</span>
  ) },
  { key: 'status', header: 'Status', sortValue: (s) => s.status, render: (s) => <StatusBadge status={s.status} /> },
  { key: 'progress', header: 'Progress', sortValue: (s) => s.progress, render: (s) => (
    <span className="indicator"><span style={{ width: 80 }}><ProgressBar value={s.progress} /></span>
      <span className="mono" data-testid="sweep-row-progress">{progressText(s)}</span></span>
  ) },
  { key: 'created', header: 'Created', sortValue: (s) => s.created_at, render: (s) => <Time value={s.created_at} /> },
];

export function SweepsPage() {
  usePageTitle('Sweeps');
  const [page] = useState(1);
  const sweeps = useSweeps(page);
  const navigate = useNavigate();
  return (
    <div className="page" data-testid="sweeps-page">
      <div className="page-head">
        <h1>Sweeps</h1>
        <span className="spacer" />
        <Link className="btn btn-primary" to="/sweeps/new" data-testid="new-sweep">New sweep</Link>
      </div>
      <ErrorBanner error={sweeps.error} />
      <Panel bodyClass="">
        {sweeps.isPending ? <Loading /> : sweeps.data?.items.length === 0 ? (
          <EmptyState title="No sweeps yet">
            <p style={{ margin: 0 }}>A sweep runs one backtest per combination of parameter values and ranks them.</p>
            <Link className="btn btn-primary" to="/sweeps/new">Launch a sweep</Link>
          </EmptyState>
        ) : (
          <DataTable testId="sweeps-table" rows={sweeps.data?.items ?? []} columns={COLUMNS} rowKey={(s) => s.id}
            onRowClick={(s) => navigate(`/sweeps/${s.id}`)} />
        )}
      </Panel>
    </div>
  );
}
