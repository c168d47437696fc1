import { Link, useSearchParams } from 'react-router-dom';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/api/client';
import type { Run } from '@/lib/api/types';
import { useStaleClass } from '@/lib/stream/useStaleClass';
import { usePageTitle } from '@/lib/usePageTitle';
import { useEquities, useRuns } from '../api/compare';
import { CompareCharts } from './CompareCharts';
import { CompareMetricsTable } from './CompareMetricsTable';
import { CompareParamsTable } from './CompareParamsTable';
import { mismatches } from './diff';
import { compareHref, MAX_RUNS, MIN_RUNS, selectRuns } from './selection';
import { useStableList } from './useStableList';

const BACK = <Link to="/">Back to the runs</Link>;

/** /compare?runs=a,b,…: 2 to 5 runs side by side — curves, drawdowns, metrics and what differs. */
export function ComparePage() {
  const [search] = useSearchParams();
  const selection = selectRuns(search.get('runs'));
  const ids = selection.kind === 'ok' ? selection.ids : [];
  usePageTitle(selection.kind === 'ok' ? `Compare ${ids.length} runs` : 'Compare runs');
  const runs = useRuns(ids);
  const found = runs.map((q) => !!q.data);
  const equities = useEquities(ids, found);

  if (selection.kind === 'too-few') {
    return (
      <EmptyState title={`Pick at least ${MIN_RUNS} runs to compare`} testId="compare-error">
        <p>This link names {selection.ids.length === 1 ? 'one run' : 'no run'}; a comparison needs {MIN_RUNS} to {MAX_RUNS}.
          Choose them in the runs list.</p>
        {BACK}
      </EmptyState>
    );
  }
  if (selection.kind === 'too-many') {
    return (
      <EmptyState title={`Compare at most ${MAX_RUNS} runs`} testId="compare-error">
        <p>This link names {selection.ids.length} runs; more than {MAX_RUNS} curves cannot be told apart.</p>
        <Link to={compareHref(selection.ids.slice(0, MAX_RUNS))}>Compare the first {MAX_RUNS}</Link>
        {BACK}
      </EmptyState>
    );
  }
  return <Comparison ids={ids} runs={runs} equities={equities} />;
}

type RunQuery = ReturnType<typeof useRuns>[number];
type EquityQuery = ReturnType<typeof useEquities>[number];

function Comparison({ ids, runs, equities }: { ids: string[]; runs: RunQuery[]; equities: EquityQuery[] }) {
  const stale = useStaleClass();
  const loaded = useStableList(runs.map((q) => q.data));
  if (runs.some((q) => q.isPending)) return <Loading label="Loading the runs…" />;

  const missing = ids.filter((_, i) => {
    const error = runs[i]?.error;
    return !runs[i]?.data && isApiError(error) && error.status >= 400 && error.status < 500;
  });
  if (missing.length) {
    const rest = ids.filter((id) => !missing.includes(id));
    return (
      <EmptyState title={missing.length === 1 ? 'One of these runs does not exist' : `${missing.length} of these runs do not exist`}
        testId="compare-error">
        <p>No run with id {missing.map((id, i) => (
          <span key={id}>{i ? ', ' : ''}<code data-testid="missing-run">{id}</code></span>
        ))} (deleted, or a mistyped link).</p>
        {rest.length >= MIN_RUNS ? <Link to={compareHref(rest)}>Compare the other {rest.length}</Link> : null}
        {BACK}
      </EmptyState>
    );
  }
  const failed = runs.find((q) => !q.data)?.error;
  if (failed) return <ErrorBanner error={failed} title="A run could not be loaded" />;

  const list = loaded as Run[];
  const differ = mismatches(list);
  return (
    <div className={`page ${stale}`} data-testid="compare-page" data-runs={list.length}>
      <div className="page-head">
        <h1>Compare {list.length} runs</h1>
        <span className="spacer" />
        {BACK}
      </div>
      {differ.length ? (
        <div className="banner info" role="note" data-testid="compare-note">
          These runs differ in {differ.join(' and ')}. They still compare: the curves share one time axis, each from its
          own start, and every metric is the run&apos;s own over its own bars.
        </div>
      ) : null}
      <CompareCharts runs={list} equities={equities} />
      <Panel title="Metrics" testId="compare-metrics-panel" bodyClass=""><CompareMetricsTable runs={list} /></Panel>
      <Panel title="Settings and parameters" testId="compare-params-panel" bodyClass=""><CompareParamsTable runs={list} /></Panel>
    </div>
  );
}
