import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import type { components } from '@/lib/api/generated/schema';
import { keys } from '@/lib/api/keys';

type Schemas = components['schemas'];

/** What a walk-forward's sweep page reads of its walk-forward (GET /walkforwards/{id}): how it chose, and the cell
 *  each fold's sweep (and the contrast's) gave it. */
export type WalkforwardOfSweep = Pick<Schemas['WalkforwardOut'], 'id' | 'objective' | 'direction' | 'min_trades'> & {
  folds: Array<Pick<Schemas['FoldOut'], 'index' | 'chosen_run_id' | 'tied'>>;
  contrast: Pick<Schemas['ContrastOut'], 'chosen_run_id' | 'tied'> | null;
};

/** The walk-forward a sweep belongs to, if any (`id` empty: none, nothing read). The walk-forward page's own query:
 *  a fold's stream events refresh both. */
export function useWalkforwardOfSweep(id: string) {
  return useQuery({
    queryKey: keys.walkforward.detail(id),
    queryFn: ({ signal }) => api.get<WalkforwardOfSweep>(`/walkforwards/${id}`, undefined, signal),
    enabled: id !== '',
  });
}
