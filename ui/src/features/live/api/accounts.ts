import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { Account, KillResult, Page, Run } from '@/lib/api/types';

/** Broker state changes with prices too, not only with our events: refresh it every 15 s as well. */
export function useAccounts() {
  return useQuery({
    queryKey: keys.accounts,
    queryFn: ({ signal }) => api.get<Account[]>('/accounts', undefined, signal),
    refetchInterval: (query) => (isApiError(query.state.error) && query.state.error.status === 404 ? false : 15_000),
  });
}

export function useActiveRuns(mode: 'paper' | 'live') {
  const filters = { mode, status: 'running' as const, page: 1, per_page: 100 };
  return useQuery({
    queryKey: keys.runs.list(filters),
    queryFn: ({ signal }) => api.get<Page<Run>>('/runs', filters, signal),
  });
}

export function useKill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<KillResult>('/kill'),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.accounts });
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
      void queryClient.invalidateQueries({ queryKey: ['run'] });
    },
  });
}
