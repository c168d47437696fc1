import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorBanner, Loading } from '@/components/ui/Feedback';
import { useSeries, useStrategies } from '@/lib/api/catalog';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { Mode, Run } from '@/lib/api/types';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useCreateRun } from '../api/createRun';
import { usePaperAccount } from '../api/paperAccount';
import { copiedFromText } from '../fromRun';
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
  const fromId = params.get('from');
  const from = useQuery({  // ?from=RUN_ID: the form filled from that run (its page's "Paper trade these settings")
    queryKey: keys.run.detail(fromId ?? ''), enabled: Boolean(fromId),
    queryFn: ({ signal }) => api.get<Run>(`/runs/${fromId}`, undefined, signal),
  });
  const source = fromId ? from.data : undefined;
  const missing = source && !strategies.data?.some((s) => s.name === source.strategy);

  return (
    <div className="page" style={{ maxWidth: 1100 }} data-testid="new-run-page">
      <div className="page-head"><h1>New run</h1></div>
      <ErrorBanner error={strategies.error ?? series.error} title="The form cannot load" />
      <ErrorBanner error={fromId ? from.error : null} title="The run to fill the form from cannot load" />
      {source && strategies.data ? (
        <div className={`banner ${missing ? 'warn' : 'info'}`} role="note" data-testid="copied-from">
          {missing ? `Strategy ${source.strategy} of run ${source.name || source.id.slice(0, 8)} is not available now `
            + '(a strategy file removed or renamed?): the form starts empty.' : copiedFromText(source)}{' '}
          <Link to={`/runs/${source.id}`}>Open that run</Link>
        </div>
      ) : null}
      {strategies.isPending || (fromId && from.isPending) ? <Loading label="Loading strategies…" /> : strategies.data ? (
        <RunForm key={source?.id ?? 'blank'} strategies={strategies.data} series={series.data ?? []} initialMode={mode}
          zone={zone} from={source}
          paperAccount={paperAccount.data} submitting={create.isPending} serverError={create.error}
          onSubmit={(body) => create.mutate(body, { onSuccess: (run) => navigate(`/runs/${run.id}`) })} />
      ) : null}
    </div>
  );
}
