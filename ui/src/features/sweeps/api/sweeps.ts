import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api/client';
import { CreationKeys } from '@/lib/api/idempotency';
import { keys } from '@/lib/api/keys';
import type { Page, Sweep, SweepCreate, SweepResult } from '@/lib/api/types';

/** `cells`: `hide` leaves out walk-forwards' sweeps (each walk-forward's page lists its own), `show` lists them too. */
export function useSweeps(page: number, cells: 'show' | 'hide' = 'hide') {
  return useQuery({
    queryKey: [...keys.sweeps.list(page), cells],
    queryFn: ({ signal }) => api.get<Page<Sweep>>('/sweeps', { page, per_page: 50, cells }, signal),
    placeholderData: keepPreviousData,
  });
}

/** While the stream is down, a slow poll keeps a running sweep moving (events do it otherwise). */
export function useSweep(id: string, poll: boolean) {
  return useQuery({
    queryKey: keys.sweep.detail(id),
    queryFn: ({ signal }) => api.get<Sweep>(`/sweeps/${id}`, undefined, signal),
    refetchInterval: (query) => (poll && query.state.data?.status === 'running' ? 10_000 : false),
  });
}

export function useSweepResults(id: string, sort: string, order: 'asc' | 'desc', poll: boolean) {
  return useQuery({
    queryKey: keys.sweep.results(id, sort, order),
    queryFn: ({ signal }) => api.get<SweepResult[]>(`/sweeps/${id}/results`, { sort, order }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: poll ? 10_000 : false,
  });
}

export function useCreateSweep() {
  const queryClient = useQueryClient();
  const [creation] = useState(() => new CreationKeys());
  return useMutation({
    mutationFn: (body: SweepCreate) => api.post<Sweep>('/sweeps', body, { 'Idempotency-Key': creation.keyFor(body) }),
    onSuccess: (sweep) => {
      creation.succeeded();
      queryClient.setQueryData(keys.sweep.detail(sweep.id), sweep);
      void queryClient.invalidateQueries({ queryKey: keys.sweeps.all });
    },
  });
}

export function useCancelSweep(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Sweep>(`/sweeps/${id}/cancel`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.sweep.all(id) });
      void queryClient.invalidateQueries({ queryKey: keys.sweeps.all });
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    },
  });
}
