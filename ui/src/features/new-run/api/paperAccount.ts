import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { Account } from '@/lib/api/types';

/** The paper account view (GET /accounts, shared with the Live page's cache): which broker it trades on. */
export function usePaperAccount() {
  return useQuery({
    queryKey: keys.accounts,
    queryFn: ({ signal }) => api.get<Account[]>('/accounts', undefined, signal),
    select: (accounts) => accounts.find((a) => a.kind === 'paper'),
  });
}
