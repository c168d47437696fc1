import { Link, useParams } from 'react-router-dom';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/api/client';
import { useStaleClass } from '@/lib/stream/useStaleClass';
import { useRun } from '../api/run';
import { AnalysisPanel } from './AnalysisPanel';
import { EquityPanel } from './EquityPanel';
import { MetricsGrid } from './MetricsGrid';
import { PriceChartPanel } from './PriceChartPanel';
import { RecordsTabs } from './RecordsTabs';
import { RobustnessPanel } from '@/components/robustness/RobustnessPanel';
import { RunHeader } from './RunHeader';
import { RunNotices } from './RunNotices';
import { usePageTitle } from '@/lib/usePageTitle';

function Params({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params);
  if (!entries.length) return <p className="muted">Default parameters.</p>;
  return (
    <table className="table" data-testid="run-params">
      <tbody>
        {entries.map(([k, v]) => <tr key={k}><td className="muted">{k}</td><td className="num">{String(v)}</td></tr>)}
      </tbody>
    </table>
  );
}

export function RunDetailPage() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  usePageTitle(run.data ? run.data.name || `Run ${run.data.id}` : 'Run');
  const stale = useStaleClass();

  if (run.isPending) return <Loading />;
  if (run.error && (!run.data || (isApiError(run.error) && run.error.status === 404))) {
    // a failed background refetch (the server away) keeps the page, greyed as stale, not an error page
    return isApiError(run.error) && run.error.status === 404 ? (
      <EmptyState title="This run does not exist (or was deleted)"><Link to="/">Back to the runs</Link></EmptyState>
    ) : <ErrorBanner error={run.error} title="The run could not be loaded" />;
  }
  const data = run.data;
  return (
    <div className={`page ${stale}`} data-testid="run-detail" data-run-id={data.id} data-status={data.status}>
      <RunHeader run={data} />
      <RunNotices run={data} />
      <MetricsGrid run={data} />
      <div className="grid-detail">
        <PriceChartPanel run={data} />
        <Panel title="Parameters" testId="params-panel"><Params params={data.params} /></Panel>
      </div>
      <EquityPanel run={data} />
      <AnalysisPanel run={data} />
      <RobustnessPanel run={data} />
      <RecordsTabs run={data} />
    </div>
  );
}
