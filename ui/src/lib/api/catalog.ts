/**
 * Queries several features read (the strategy catalogue, stored bar series, bars for a chart).
 * Feature-specific queries live in each feature's api/ folder.
 */
import { useQuery } from '@tanstack/react-query';
import { api, apiRequest } from './client';
import { keys } from './keys';
import type { Bar, Health, Series, Strategy } from './types';

export function useStrategies() {
  return useQuery({
    queryKey: keys.strategies,
    queryFn: ({ signal }) => api.get<Strategy[]>('/strategies', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

export function useSeries() {
  return useQuery({
    queryKey: keys.series,
    queryFn: ({ signal }) => api.get<Series[]>('/bars/series', undefined, signal),
    staleTime: 60_000,
  });
}

export interface BarWindow { start?: string | null; end?: string | null; limit?: number }

export function useBars(symbol: string | null, timeframe: string, window: BarWindow, enabled = true) {
  return useQuery({
    queryKey: keys.bars.one(symbol ?? '', timeframe, window),
    queryFn: ({ signal }) => api.get<Bar[]>('/bars', {
      symbol: symbol ?? '', timeframe, start: window.start ?? undefined, end: window.end ?? undefined,
      limit: window.limit ?? 5000,
    }, signal),
    enabled: enabled && !!symbol,
    staleTime: 60_000,
  });
}

export function useHealth() {
  return useQuery({
    queryKey: keys.health,
    // 503 answers with the same body, naming the failing components
    queryFn: ({ signal }) => apiRequest<Health>('/health', { signal, acceptStatuses: [503] }),
    refetchInterval: 15_000,
    retry: false,
  });
}
