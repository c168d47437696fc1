import { useParams } from 'react-router-dom';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { RobustnessPanel } from '@/components/robustness/RobustnessPanel';
import { readMetric } from '@/lib/metrics';
import { useStream } from '@/lib/stream/StreamProvider';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { usePageTitle } from '@/lib/usePageTitle';
import { useWalkforward, useWalkforwardEquity } from '../api/walkforwards';
import { EquityComparison } from './EquityComparison';
import { FoldTable } from './FoldTable';
import { FoldTimeline } from './FoldTimeline';
import { ResultPanel } from './ResultPanel';
import { StabilityPanel } from './StabilityPanel';
import { WalkForwardHeader } from './WalkForwardHeader';
import { beforeAnyFinished, foldList, foldsFinished, foldsLeftUnfinished } from './unfinished';

export function WalkForwardDetailPage() {
  const { walkforwardId = '' } = useParams();
  const stream = useStream();
  const query = useWalkforward(walkforwardId, stream.state !== 'open');
  const wf = query.data;
  usePageTitle(wf ? `Walk-forward ${wf.name || `of ${wf.strategy}`}` : 'Walk-forward');
  const { zone } = useTimeZone();
  const tested = !!wf && wf.folds.some((f) => f.oos_run_id);
  const equity = useWalkforwardEquity(walkforwardId, tested);

  if (query.isPending) return <Loading />;
  if (query.error || !wf) return <ErrorBanner error={query.error} title="The walk-forward could not be loaded" />;
  const unfinished = foldsLeftUnfinished(wf);
  const ended = wf.status === 'failed' || wf.status === 'cancelled';
  const curve = equity.data && !(ended && foldsFinished(wf) === 0) ? equity.data : undefined;  // none finished: no curve
  const timeframe = typeof wf.settings.timeframe === 'string' ? wf.settings.timeframe : '1Day';

  return (
    <div className="page" data-testid="walkforward-detail" data-status={wf.status}>
      <WalkForwardHeader wf={wf} />
      <Panel title="Folds" testId="folds-panel">
        <FoldTimeline folds={wf.folds} timeframe={timeframe} zone={zone} warmupAsked={Number(wf.fold_spec.warmup ?? 0)} />
      </Panel>
      <Panel title="Out-of-sample equity" testId="equity-panel">
        <ErrorBanner error={equity.error} />
        {curve && unfinished.length ? (
          <p className="muted" data-testid="equity-unfinished">
            The walk-forward was {wf.status} before {foldList(unfinished)} had {unfinished.length === 1 ? 'its' : 'their'}
            {' '}out-of-sample run: the curve chains only the folds that finished and leaves {unfinished.length === 1
              ? 'that test window' : 'those test windows'} out.
          </p>
        ) : null}
        {curve ? <EquityComparison equity={curve} zone={zone} timeframe={timeframe} partial={unfinished.length > 0} />
          : equity.error ? null
            // asked for (a fold has its out-of-sample run) and not here yet: it is loading, not waiting for runs
            : tested && equity.isPending
              ? <p className="muted" role="status" data-testid="equity-loading">Loading the out-of-sample equity…</p>
              : ended
                ? <p className="muted" data-testid="equity-none">No out-of-sample curve: the walk-forward {wf.status === 'failed'
                  ? 'failed' : 'was cancelled'} {beforeAnyFinished(wf)}.</p>
                : <p className="muted" data-testid="equity-waiting">The curve appears once the out-of-sample runs have finished.</p>}
      </Panel>
      <Panel title="Result" testId="result-panel">
        <ResultPanel wf={wf} />
      </Panel>
      <Panel title="Per fold" bodyClass="" testId="fold-table-panel">
        <FoldTable wf={wf} timeframe={timeframe} />
      </Panel>
      <Panel title="Parameter stability" testId="stability-panel">
        <StabilityPanel wf={wf} />
      </Panel>
      <RobustnessPanel path={`/walkforwards/${wf.id}/robustness`} finished={wf.status === 'completed' || Boolean(wf.result?.folds_included)}
        trades={wf.result ? readMetric(wf.result.metrics, 'trades') : null}
        entryBars="the out-of-sample span's bars (the first test window's first bar to the last one's last)"
        waiting="Robustness tests on the stitched out-of-sample trades are available once the walk-forward has completed." />
    </div>
  );
}
