import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { Bar } from '@/lib/api/types';

/**
 * GET /runs/{id}/bars: the bars a paper or live run's worker recorded as it traded (its chart's
 * candles: the web process asks no broker). Under the run's key, so the run's updates refetch them, and each
 * `live.tick` (a bar the worker handled, so recorded) refetches them as they come.
 */
export function useRunBars(id: string, symbol: string, limit: number, enabled = true) {
  return useQuery({
    queryKey: [...keys.run.bars(id), symbol, limit] as const,
    queryFn: ({ signal }) => api.get<Bar[]>(`/runs/${id}/bars`, { symbol, limit }, signal),
    enabled: enabled && !!symbol,
  });
}
