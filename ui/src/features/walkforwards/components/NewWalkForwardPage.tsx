import { useNavigate } from 'react-router-dom';
import { ErrorBanner, Loading } from '@/components/ui/Feedback';
import { useSeries, useStrategies } from '@/lib/api/catalog';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { usePageTitle } from '@/lib/usePageTitle';
import { useCreateWalkforward } from '../api/walkforwards';
import { WalkForwardForm } from './WalkForwardForm';

export function NewWalkForwardPage() {
  usePageTitle('New walk-forward');
  const strategies = useStrategies();
  const series = useSeries();
  const create = useCreateWalkforward();
  const navigate = useNavigate();
  const { zone } = useTimeZone();
  return (
    <div className="page" style={{ maxWidth: 1100 }} data-testid="new-walkforward-page">
      <div className="page-head"><h1>New walk-forward</h1></div>
      <p className="muted" style={{ margin: 0 }}>Each fold optimises the grid on its train window, then trades the best cell on the
        next, unseen test window; the test windows stitched together are the out-of-sample result.</p>
      <ErrorBanner error={strategies.error ?? series.error} />
      {strategies.isPending ? <Loading /> : strategies.data ? (
        <WalkForwardForm strategies={strategies.data} series={series.data ?? []} zone={zone}
          submitting={create.isPending} serverError={create.error}
          onSubmit={(body) => create.mutate(body, { onSuccess: (wf) => navigate(`/walkforwards/${wf.id}`) })} />
      ) : null}
    </div>
  );
}
