import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { components } from '@/lib/api/generated/schema';
import type { Page, Position, Run, RunFilters, RunSort, Sweep } from '@/lib/api/types';
import { add } from '@/lib/decimal';

/** What GET /runs sorts by (a run column or a metric name), across all runs, before paginating. */
export { RUN_SORTS, type RunSort } from '@/lib/api/types';
export type SortOrder = NonNullable<components['schemas']['RunQuery']['order']>;
/** Which sweep cells and walk-forward runs GET /runs lists: every run (`show`), none (`hide`: each sweep and
 * walk-forward is one folded row), or only sweep cells (`only`). */
export type RunCells = NonNullable<components['schemas']['RunQuery']['cells']>;

/** GET /runs' page: `total` counts up to 1,000 runs (`total_exact` false: more match); `next_cursor` is set
 * while a further page may follow. */
export type RunPage = Omit<components['schemas']['RunPage'], 'items'> & { items: Run[] };

export interface RunListQuery extends RunFilters {
  cells?: RunCells;
  sort?: RunSort;
  order?: SortOrder;
  /** The previous page's `next_cursor`: the server seeks there (`page` is then only shown), so a deep
   * page costs what the first does. */
  cursor?: string;
}

export function useRuns(filters: RunListQuery) {
  return useQuery({
    queryKey: keys.runs.list(filters),
    queryFn: ({ signal }) => api.get<RunPage>('/runs', {
      mode: filters.mode, status: filters.status, strategy: filters.strategy, sweep_id: filters.sweep_id,
      cells: filters.cells, page: filters.page ?? 1,
      per_page: filters.per_page ?? 100, sort: filters.sort, order: filters.order, cursor: filters.cursor,
    }, signal),
    placeholderData: keepPreviousData,
  });
}

/** The sweeps the dashboard folds, newest first: one row each, its cells listed when it is opened. A walk-forward's
 * sweeps are left out (`cells=hide`): they fold under their walk-forward (useFoldedWalkforwards). */
export function useFoldedSweeps(page: number, perPage: number, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.sweeps.all, 'folded', page, perPage],
    queryFn: ({ signal }) => api.get<Page<Sweep>>('/sweeps', { page, per_page: perPage, cells: 'hide' }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export type FoldedWalkforward = components['schemas']['WalkforwardSummaryOut'];

/** The walk-forwards the dashboard folds, newest first: one row each, linking the page that lists its fold sweeps
 * and its out-of-sample and contrast runs (which `cells=hide` leaves out of the runs list). */
export function useFoldedWalkforwards(page: number, perPage: number, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.walkforwards.all, 'folded', page, perPage],
    queryFn: ({ signal }) => api.get<Page<FoldedWalkforward>>('/walkforwards', { page, per_page: perPage }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Open and closed P&L of a paper or live run: the sum of its positions' P&L, exactly. */
export function useRunPnl(run: Pick<Run, 'id' | 'mode'>) {
  return useQuery({
    queryKey: keys.run.positions(run.id),
    queryFn: ({ signal }) => api.get<Position[]>(`/runs/${run.id}/positions`, undefined, signal),
    enabled: run.mode !== 'backtest',
    select: (positions) => ({
      total: add(...positions.flatMap((p) => [p.unrealized_pl, p.realized_pl])),
      open: positions.filter((p) => p.qty !== '0' && !/^-?0(\.0*)?$/.test(p.qty)).length,
    }),
  });
}
