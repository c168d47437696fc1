import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { useStrategies } from '@/lib/api/catalog';
import { useStaleClass } from '@/lib/stream/useStaleClass';
import type { Run } from '@/lib/api/types';
import { useFoldedSweeps, useFoldedWalkforwards, useRuns } from '../api/runs';
import { useRunFilters } from '../hooks/useRunFilters';
import { RunFiltersBar } from './RunFiltersBar';
import { CompareBar } from './CompareBar';
import { FoldedSweeps, SWEEPS_PER_PAGE } from './FoldedSweeps';
import { FoldedWalkforwards, WALKFORWARDS_SHOWN } from './FoldedWalkforwards';
import { RunsTable, type RunSelection } from './RunsTable';
import { usePageTitle } from '@/lib/usePageTitle';

export function RunsDashboard() {
  usePageTitle('Runs');
  const [filters, setFilters] = useRunFilters();
  const runs = useRuns(filters);
  const strategies = useStrategies();
  const stale = useStaleClass();
  const filtered = !!(filters.mode || filters.status || filters.strategy);
  // Sweep cells are folded under their sweep (FoldedSweeps), and a walk-forward's sweeps and runs under it
  // (FoldedWalkforwards), unless the URL says cells=show.
  const cellsFolded = filters.cells === 'hide';
  const sweepsTotal = useFoldedSweeps(1, SWEEPS_PER_PAGE, cellsFolded).data?.total ?? 0;
  const walkforwardsTotal = useFoldedWalkforwards(1, WALKFORWARDS_SHOWN, cellsFolded).data?.total ?? 0;
  const sweepsStored = sweepsTotal + walkforwardsTotal > 0;
  // Runs picked for the compare view, in the order picked; kept across pages, filters and opened sweeps.
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = useCallback((run: Run) => setPicked((ids) => (
    ids.includes(run.id) ? ids.filter((id) => id !== run.id) : [...ids, run.id])), []);
  const selection = useMemo<RunSelection>(() => ({ selected: new Set(picked), toggle }), [picked, toggle]);
  const data = runs.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.per_page)) : 1;
  // Past 1,000 runs the server stops counting: the pager then follows its cursor, not the count.
  // Next always seeks from the server's cursor (as cheap deep as on page 1); Previous counts back by number.
  const exact = data?.total_exact ?? true;
  const hasNext = data ? (exact ? data.page < pages : data.next_cursor != null) : false;
  // An empty page after page 1 (an old link, or runs deleted meanwhile) is the end of the list, not an empty one.
  const shownPage = filters.page ?? 1;
  const pastTheEnd = shownPage > 1 || filters.cursor !== undefined;

  return (
    <div className={`page ${stale}`} data-testid="runs-dashboard">
      <div className="page-head">
        <h1>Runs</h1>
        {data ? <span className="muted mono" data-testid="runs-total">{data.total}{exact ? '' : '+'} total</span> : null}
        <span className="spacer" />
        <Link className="btn btn-primary" to="/runs/new?mode=backtest" data-testid="new-backtest">New backtest</Link>
        <Link className="btn" to="/runs/new?mode=paper" data-testid="new-trading-run">New paper / live run</Link>
      </div>
      <RunFiltersBar filters={filters} strategies={(strategies.data ?? []).map((s) => s.name)} onChange={setFilters} />
      <CompareBar ids={picked} onClear={() => setPicked([])} />
      {cellsFolded ? <FoldedSweeps view={filters} selection={selection} /> : null}
      {cellsFolded ? <FoldedWalkforwards view={filters} /> : null}
      <ErrorBanner error={runs.error} title="Runs could not be loaded" />
      <Panel bodyClass="" testId="runs-panel">
        {runs.isPending ? <Loading /> : data && data.items.length === 0 ? (
          pastTheEnd ? (
            <EmptyState title="No more runs" testId="runs-past-end">
              <p style={{ margin: 0 }}>This page is past the last run.</p>
              <div className="indicator">
                <Button onClick={() => setFilters({ page: Math.max(1, shownPage - 1) })}>Previous</Button>
                <Button onClick={() => setFilters({ page: 1 })}>First page</Button>
              </div>
            </EmptyState>
          ) : cellsFolded && sweepsStored && !filtered ? (
            <EmptyState title="No runs outside sweeps" testId="runs-only-sweeps">
              <p style={{ margin: 0 }}>Every run is a sweep cell or a walk-forward&apos;s run: open a sweep or
                walk-forward above, or list them here.</p>
              <Button onClick={() => setFilters({ cells: 'show' })}>Show sweep cells</Button>
            </EmptyState>
          ) : filtered ? (
            <EmptyState title="No run matches these filters">
              <Button onClick={() => setFilters({ mode: '', status: '', strategy: '' })}>Clear filters</Button>
            </EmptyState>
          ) : (
            <EmptyState title="No runs yet" testId="runs-empty">
              <p style={{ margin: 0 }}>Start with a backtest on the stored bars: pick a strategy, symbols and a window.</p>
              <div className="indicator">
                <Link className="btn btn-primary" to="/runs/new?mode=backtest">Create a backtest</Link>
                <Link className="btn" to="/sweeps/new">Launch a parameter sweep</Link>
                <Link className="btn" to="/data">Check the stored data</Link>
              </div>
            </EmptyState>
          )
        ) : data ? (
          <>
            <RunsTable runs={data.items} selection={selection} />
            {pages > 1 || hasNext ? (
              <div className="table-foot">
                <span className="muted">server page {data.page}{exact ? ` of ${pages}` : ''}</span>
                <span className="spacer" />
                <Button size="sm" disabled={data.page <= 1} onClick={() => setFilters({ page: data.page - 1 })}>Previous</Button>
                <Button size="sm" disabled={!hasNext}
                  onClick={() => setFilters({ page: data.page + 1, cursor: data.next_cursor ?? undefined })}>Next</Button>
              </div>
            ) : null}
          </>
        ) : null}
      </Panel>
    </div>
  );
}
