import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { RUN_STATUSES, type Mode, type RunFilters, type RunStatus } from '@/lib/api/types';

const MODES: Mode[] = ['backtest', 'paper', 'live'];

/** Filters live in the URL, so a filtered view can be bookmarked and survives a reload. */
export function useRunFilters(): [RunFilters, (patch: Partial<RunFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<RunFilters>(() => {
    const mode = params.get('mode') as Mode | null;
    const status = params.get('status') as RunStatus | null;
    return {
      mode: mode && MODES.includes(mode) ? mode : '',
      status: status && RUN_STATUSES.includes(status) ? status : '',
      strategy: params.get('strategy') ?? '',
      page: Math.max(1, Number(params.get('page') ?? 1) || 1),
      per_page: 100,
    };
  }, [params]);
  const update = useCallback((patch: Partial<RunFilters>) => {
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries({ page: 1, ...patch })) {
        if (v === '' || v === undefined || v === null || (k === 'page' && v === 1)) next.delete(k);
        else next.set(k, String(v));
      }
      return next;
    }, { replace: true });
  }, [setParams]);
  return [filters, update];
}
