import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api/client';
import { CreationKeys } from '@/lib/api/idempotency';
import { keys } from '@/lib/api/keys';
import type { Page } from '@/lib/api/types';
import { throttled } from './throttle';
import { isActive, type Walkforward, type WalkforwardCreate, type WalkforwardEquity, type WalkforwardSummary } from './types';

export function useWalkforwards(page: number, poll: boolean) {
  return useQuery({
    queryKey: keys.walkforwards.list(page),
    queryFn: ({ signal }) => api.get<Page<WalkforwardSummary>>('/walkforwards', { page, per_page: 50 }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (poll && query.state.data?.items.some((w) => isActive(w.status)) ? 10_000 : false),
  });
}

/** Every cell of every fold's sweep sends an event: the page refetches at most once a second for them; while
 *  the stream is down, a slow poll keeps a working walk-forward moving. */
export function useWalkforward(id: string, poll: boolean) {
  return useQuery({
    queryKey: keys.walkforward.detail(id),
    queryFn: ({ signal }) => throttled(`detail ${id}`, signal,
      () => api.get<Walkforward>(`/walkforwards/${id}`, undefined, signal)),
    refetchInterval: (query) => (poll && isActive(query.state.data?.status ?? '') ? 10_000 : false),
  });
}

/** Each curve thinned by the server to at most `points` (its ends, each bucket's low and high), as the run
 *  page asks for its equity chart: a long walk-forward's every bar is megabytes the chart cannot show. */
export function useWalkforwardEquity(id: string, enabled: boolean, points = 2000) {
  return useQuery({
    queryKey: keys.walkforward.equity(id, points),
    queryFn: ({ signal }) => throttled(`equity ${id}`, signal,
      () => api.get<WalkforwardEquity>(`/walkforwards/${id}/equity`, { points }, signal)),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateWalkforward() {
  const queryClient = useQueryClient();
  const [creation] = useState(() => new CreationKeys());
  return useMutation({
    mutationFn: (body: WalkforwardCreate) => api.post<Walkforward>('/walkforwards', body,
      { 'Idempotency-Key': creation.keyFor(body) }),
    onSuccess: (wf) => {
      creation.succeeded();
      queryClient.setQueryData(keys.walkforward.detail(wf.id), wf);
      void queryClient.invalidateQueries({ queryKey: keys.walkforwards.all });
    },
  });
}

export function useCancelWalkforward(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Walkforward>(`/walkforwards/${id}/cancel`),
    onSuccess: (wf) => {
      queryClient.setQueryData(keys.walkforward.detail(id), wf);
      void queryClient.invalidateQueries({ queryKey: keys.walkforward.all(id) });
      void queryClient.invalidateQueries({ queryKey: keys.walkforwards.all });
      void queryClient.invalidateQueries({ queryKey: keys.sweeps.all });
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    },
    // a 409 (it finished meanwhile): its message shows, and the page rereads the walk-forward's real status
    onError: () => { void queryClient.invalidateQueries({ queryKey: keys.walkforward.all(id) }); },
  });
}
