import { useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorBanner, Loading } from '@/components/ui/Feedback';
import { useSeries, useStrategies } from '@/lib/api/catalog';
import type { Mode } from '@/lib/api/types';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useCreateRun } from '../api/createRun';
import { usePaperAccount } from '../api/paperAccount';
import { RunForm } from './RunForm';
import { usePageTitle } from '@/lib/usePageTitle';

export function NewRunPage() {
  usePageTitle('New run');
  const [params] = useSearchParams();
  const raw = params.get('mode');
  const mode: Mode = raw === 'paper' || raw === 'live' ? raw : 'backtest';
  const strategies = useStrategies();
  const series = useSeries();
  const create = useCreateRun();
  const paperAccount = usePaperAccount();
  const navigate = useNavigate();
  const { zone } = useTimeZone();

  return (
    <div className="page" style={{ maxWidth: 1100 }} data-testid="new-run-page">
      <div className="page-head"><h1>New run</h1></div>
      <ErrorBanner error={strategies.error ?? series.error} title="The form cannot load" />
      {strategies.isPending ? <Loading label="Loading strategies…" /> : strategies.data ? (
        <RunForm strategies={strategies.data} series={series.data ?? []} initialMode={mode} zone={zone}
          paperAccount={paperAccount.data} submitting={create.isPending} serverError={create.error}
          onSubmit={(body) => create.mutate(body, { onSuccess: (run) => navigate(`/runs/${run.id}`) })} />
      ) : null}
    </div>
  );
}
