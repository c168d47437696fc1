import { useQuery } from '@tanstack/react-query';
import { api, downloadFile } from '@/lib/api/client';
import { keys, type RecordKind } from '@/lib/api/keys';
import type { EquityPoint, Fill, Order, Page, Position, Run, Trade, WeaverEvent } from '@/lib/api/types';

export function useRun(id: string) {
  return useQuery({
    queryKey: keys.run.detail(id),
    queryFn: ({ signal }) => api.get<Run>(`/runs/${id}`, undefined, signal),
  });
}

type RecordOf<K extends RecordKind> = K extends 'orders' ? Order : K extends 'fills' ? Fill : Trade;

const PAGE = 1000;
export const RECORD_CAP = 20_000;

/** Every record of a kind (pages of 1000, up to a cap), so tables sort and page on the client. */
export function useRecords<K extends RecordKind>(id: string, kind: K, enabled = true) {
  return useQuery({
    queryKey: keys.run.recordsPage(id, kind, 'all'),
    enabled,
    queryFn: async ({ signal }) => {
      const first = await api.get<Page<RecordOf<K>>>(`/runs/${id}/${kind}`, { page: 1, per_page: PAGE }, signal);
      const items = [...first.items];
      const last = Math.ceil(Math.min(first.total, RECORD_CAP) / PAGE);
      for (let page = 2; page <= last; page += 1) {
        const next = await api.get<Page<RecordOf<K>>>(`/runs/${id}/${kind}`, { page, per_page: PAGE }, signal);
        items.push(...next.items);
      }
      return { items, total: first.total };
    },
  });
}

export function usePositions(id: string) {
  return useQuery({
    queryKey: keys.run.positions(id),
    queryFn: ({ signal }) => api.get<Position[]>(`/runs/${id}/positions`, undefined, signal),
  });
}

export function useEquity(id: string, points = 2000) {
  return useQuery({
    queryKey: keys.run.equity(id, points),
    queryFn: ({ signal }) => api.get<EquityPoint[]>(`/runs/${id}/equity`, { points }, signal),
  });
}

/** The newest EVENT_PAGE events (newest first), of one family (`order`: order.*) or of every family: a live
 * run logs a tick a bar, so the oldest page of a long run would never show today's events. */
export const EVENT_PAGE = 1000;

export function useEvents(id: string, family = '', enabled = true) {
  return useQuery({
    queryKey: [...keys.run.events(id), family],
    queryFn: ({ signal }) => api.get<WeaverEvent[]>(`/runs/${id}/events`,
      { order: 'desc', limit: EVENT_PAGE, ...(family ? { type: `${family}.*` } : {}) }, signal),
    enabled,
  });
}

export function exportRecords(id: string, kind: 'trades' | 'orders' | 'equity', format: 'csv' | 'json' = 'csv') {
  return downloadFile(`/runs/${id}/export/${kind}`, { format }, `run-${id.slice(0, 8)}-${kind}.${format}`);
}
