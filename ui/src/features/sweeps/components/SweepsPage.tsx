import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
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
    <>
      <Link to={`/sweeps/${s.id}`} onClick={(e) => e.stopPropagation()} data-testid="sweep-link">
        {s.name || s.strategy}<span className="dim mono"> {s.id.slice(0, 8)}</span>
      </Link>
      {s.walkforward_id ? <> <Link to={`/walkforwards/${s.walkforward_id}`} onClick={(e) => e.stopPropagation()}
        className="badge plain" data-testid="sweep-walkforward-link">
        walk-forward {s.fold == null ? 'contrast' : `fold ${s.fold + 1}`}</Link></> : null}
    </>
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
  // A walk-forward's fold and contrast sweeps are listed on its page, not here, unless the URL says walkforwards=show.
  const [params, setParams] = useSearchParams();
  const walkforwardsShown = params.get('walkforwards') === 'show';
  const sweeps = useSweeps(page, walkforwardsShown ? 'show' : 'hide');
  const navigate = useNavigate();
  return (
    <div className="page" data-testid="sweeps-page">
      <div className="page-head">
        <h1>Sweeps</h1>
        <span className="spacer" />
        <Link className="btn btn-primary" to="/sweeps/new" data-testid="new-sweep">New sweep</Link>
      </div>
      <div className="page-head" style={{ gap: 8 }}>
        <label className="indicator" title="A walk-forward runs one sweep per fold, and one over the whole window for contrast">
          <input type="checkbox" checked={walkforwardsShown} data-testid="filter-walkforward-sweeps" onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.target.checked) next.set('walkforwards', 'show'); else next.delete('walkforwards');
            setParams(next, { replace: true });
          }} />
          Show walk-forwards&apos; sweeps
        </label>
        {walkforwardsShown ? null : <span className="muted" data-testid="walkforward-sweeps-hint">
          A walk-forward&apos;s sweeps are listed on its page: see <Link to="/walkforwards" style={{ textDecoration: 'underline' }}>Walk-forwards</Link>.</span>}
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
