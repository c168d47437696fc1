import { useNavigate } from 'react-router-dom';
import { ErrorBanner, Loading } from '@/components/ui/Feedback';
import { useSeries, useStrategies } from '@/lib/api/catalog';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useCreateSweep } from '../api/sweeps';
import { SweepForm } from './SweepForm';
import { usePageTitle } from '@/lib/usePageTitle';

export function NewSweepPage() {
  usePageTitle('New sweep');
  const strategies = useStrategies();
  const series = useSeries();
  const create = useCreateSweep();
  const navigate = useNavigate();
  const { zone } = useTimeZone();
  return (
    <div className="page" style={{ maxWidth: 1100 }} data-testid="new-sweep-page">
      <div className="page-head"><h1>New sweep</h1></div>
      <ErrorBanner error={strategies.error ?? series.error} />
      {strategies.isPending ? <Loading /> : strategies.data ? (
        <SweepForm strategies={strategies.data} series={series.data ?? []} zone={zone}
          submitting={create.isPending} serverError={create.error}
          onSubmit={(body) => create.mutate(body, { onSuccess: (sweep) => navigate(`/sweeps/${sweep.id}`) })} />
      ) : null}
    </div>
  );
}
