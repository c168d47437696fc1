import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { RUN_MODES, RUN_STATUSES, type Mode, type RunStatus } from '@/lib/api/types';
import { RUN_SORTS, type RunListQuery, type RunSort, type SortOrder } from '../api/runs';

/** Today's order when the URL names none: newest first (left out of the URL). */
export const DEFAULT_SORT: { sort: RunSort; order: SortOrder } = { sort: 'created_at', order: 'desc' };

/** The dashboard's view: filters, page and a sort that is always set. Sweep cells are folded under their
 * sweep unless the URL says `cells=show`. */
export type RunView = RunListQuery & { sort: RunSort; order: SortOrder; cells: 'show' | 'hide' };

/**
 * Filters and the sort live in the URL, so a filtered, sorted view can be bookmarked and survives a
 * reload. The server sorts every matching run, then paginates.
 */
export function useRunFilters(): [RunView, (patch: Partial<RunListQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<RunView>(() => {
    const mode = params.get('mode') as Mode | null;
    const status = params.get('status') as RunStatus | null;
    const sort = params.get('sort') as RunSort | null;
    const order = params.get('order');
    return {
      mode: mode && RUN_MODES.includes(mode) ? mode : '',
      status: status && RUN_STATUSES.includes(status) ? status : '',
      strategy: params.get('strategy') ?? '',
      page: Math.max(1, Number(params.get('page') ?? 1) || 1),
      per_page: 100,
      sort: sort && RUN_SORTS.includes(sort) ? sort : DEFAULT_SORT.sort,
      order: order === 'asc' || order === 'desc' ? order : DEFAULT_SORT.order,
      cursor: params.get('cursor') || undefined,
      cells: params.get('cells') === 'show' ? 'show' : 'hide',
    };
  }, [params]);
  const update = useCallback((patch: Partial<RunListQuery>) => {
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      // Any change but a page turn starts again at page 1, without a cursor.
      for (const [k, v] of Object.entries({ page: 1, cursor: undefined, ...patch })) {
        const isDefault = (k === 'page' && v === 1) || (k === 'sort' && v === DEFAULT_SORT.sort)
          || (k === 'order' && v === DEFAULT_SORT.order) || (k === 'cells' && v === 'hide');
        if (v === '' || v === undefined || v === null || isDefault) next.delete(k);
        else next.set(k, String(v));
      }
      return next;
    }, { replace: true });
  }, [setParams]);
  return [filters, update];
}
