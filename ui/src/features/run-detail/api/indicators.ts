import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import type { components } from '@/lib/api/generated/schema';
import { keys } from '@/lib/api/keys';

/** One line the strategy declared for its chart: "price" over the candles, "separate" in a pane below. */
export type Indicator = components['schemas']['IndicatorOut'];

export interface IndicatorWindow { start?: string | null; end?: string | null; limit: number }

/**
 * GET /runs/{id}/indicators: the strategy's plotted lines over the same window and limit as the bars
 * the chart shows, so each point sits on a candle. Under the run's key: a live run's ticks refetch it with the bars.
 */
export function useRunIndicators(id: string, symbol: string, window: IndicatorWindow, enabled = true) {
  return useQuery({
    queryKey: [...keys.run.indicators(id), symbol, window] as const,
    queryFn: ({ signal }) => api.get<Indicator[]>(`/runs/${id}/indicators`, {
      symbol, start: window.start ?? undefined, end: window.end ?? undefined, limit: window.limit,
    }, signal),
    enabled: enabled && !!symbol,
    staleTime: 60_000,
  });
}
