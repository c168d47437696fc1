import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import type { components } from '@/lib/api/generated/schema';
import { keys } from '@/lib/api/keys';

/** GET /runs/{id}/analysis: monthly returns, the trade-return histogram and rolling Sharpe, computed by
 *  the server from the run's whole equity curve and every closed trade. */
export type RunAnalysis = components['schemas']['AnalysisOut'];
export type YearReturns = components['schemas']['YearReturnsOut'];
export type TradeReturns = components['schemas']['TradeReturnsOut'];
export type RollingSharpe = components['schemas']['RollingSharpeOut'];

/** Under the run's key, so a change of the run's status (its completion) refreshes the analysis too. A
 *  running paper or live run's ticks do not (each would reread its whole curve): `refreshMs` polls, and
 *  `version` (what the run page already knows: its trade count, whether it has equity yet) refetches at
 *  once when a trade closes, so the panel never contradicts the header beside it. */
export function useAnalysis(id: string, enabled = true, refreshMs: number | false = false, version = '') {
  return useQuery({
    queryKey: [...keys.run.all(id), 'analysis', version] as const,
    enabled,
    refetchInterval: refreshMs,
    refetchIntervalInBackground: true,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api.get<RunAnalysis>(`/runs/${id}/analysis`, undefined, signal),
  });
}
