import { useQueries } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { EquityPoint, Run } from '@/lib/api/types';

/** The run page's sample of the curve (and its cache key, so both pages share it). */
export const EQUITY_POINTS = 2000;

/** GET /runs/{id} for each run, under the run page's keys: the stream's updates refresh them here too. */
export function useRuns(ids: string[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: keys.run.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Run>(`/runs/${id}`, undefined, signal),
    })),
  });
}

/** Each found run's equity curve (a run that does not exist is not asked for). */
export function useEquities(ids: string[], enabled: boolean[]) {
  return useQueries({
    queries: ids.map((id, i) => ({
      queryKey: keys.run.equity(id, EQUITY_POINTS),
      enabled: enabled[i] ?? false,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<EquityPoint[]>(`/runs/${id}/equity`, { points: EQUITY_POINTS }, signal),
    })),
  });
}
