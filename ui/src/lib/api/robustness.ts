import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import type { components } from '@/lib/api/generated/schema';

/** POST /runs/{id}/robustness: Monte Carlo resampling of a finished run's trades and a random-entry
 *  benchmark. A mutation, not a query: the user asks for it (it costs a pass over every trade and bar) and
 *  chooses its settings; the same settings and seed give the same figures. */
export type RobustnessIn = components['schemas']['RobustnessIn'];
export type Robustness = components['schemas']['RobustnessOut'];
export type MonteCarlo = components['schemas']['MonteCarloOut'];
export type RandomEntry = components['schemas']['RandomEntryOut'];
export type Histogram = components['schemas']['HistogramOut'];

/** `path`: a run's `/runs/{id}/robustness`, or a walk-forward's stitched out-of-sample trades' own. */
export function useRobustness(path: string) {
  return useMutation({
    mutationKey: ['robustness', path] as const,
    mutationFn: (body: RobustnessIn) => api.post<Robustness>(path, body),
  });
}
