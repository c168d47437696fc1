/** Run lifecycle commands, used from the dashboard and the run page alike. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { keys } from './keys';
import type { Run } from './types';

export interface StopChoice {
  cancelOrders: boolean;
  closePositions?: boolean;
}

export function useRunActions(runId: string) {
  const queryClient = useQueryClient();
  const settle = (run?: Run) => {
    if (run) queryClient.setQueryData(keys.run.detail(runId), run);
    void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    void queryClient.invalidateQueries({ queryKey: keys.run.all(runId) });
  };
  const start = useMutation({
    mutationFn: () => api.post<Run>(`/runs/${runId}/start`),
    onSuccess: settle,
  });
  const stop = useMutation({
    // `closePositions`: a paper or live run's holdings closed at market once its orders are cancelled
    mutationFn: ({ cancelOrders, closePositions = false }: StopChoice) => api.post<Run>(`/runs/${runId}/stop`,
      closePositions ? { cancel_orders: true, close_positions: true } : { cancel_orders: cancelOrders }),
    onSuccess: settle,
  });
  // a stopped paper or live run's positions, closed at market by the live worker (booked as the run's own)
  const closePositions = useMutation({
    mutationFn: () => api.post<Run>(`/runs/${runId}/close-positions`),
    onSuccess: settle,
  });
  const remove = useMutation({
    // `force`: the user was shown the positions the run still holds (a paper or live run's delete is a 409 otherwise)
    mutationFn: (force: boolean = false) => api.delete(`/runs/${runId}${force ? '?force=true' : ''}`),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.run.all(runId) });
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    },
  });
  return { start, stop, closePositions, remove };
}

/** The buttons follow the server's view of the run (`state`, app/services/run_state.py), nothing else. */
export function canStart(run: Pick<Run, 'state'>): boolean {
  return run.state.can_start;
}

export function canStop(run: Pick<Run, 'state'>): boolean {
  return run.state.can_stop;
}

export function isFinished(run: Pick<Run, 'state'>): boolean {
  return run.state.state === 'stopped';
}
