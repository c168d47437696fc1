/**
 * Every TanStack Query key, in one place, so the SSE hook can invalidate what an event concerns.
 * Keys are hierarchical: invalidating ['run', id] refreshes everything of that run.
 */
import type { RunFilters } from './types';

export type RecordKind = 'orders' | 'fills' | 'trades';

export const keys = {
  health: ['health'] as const,
  strategies: ['strategies'] as const,
  series: ['series'] as const,
  bars: {
    all: ['bars'] as const,
    one: (symbol: string, timeframe: string, window: { start?: string | null; end?: string | null; limit?: number }) =>
      ['bars', symbol, timeframe, window] as const,
  },
  accounts: ['accounts'] as const,
  notifications: ['notifications'] as const,
  runs: {
    /** Every run list (dashboard, filters, sweep membership). */
    all: ['runs'] as const,
    list: (filters: RunFilters) => ['runs', 'list', filters] as const,
  },
  run: {
    all: (id: string) => ['run', id] as const,
    detail: (id: string) => ['run', id, 'detail'] as const,
    records: (id: string, kind: RecordKind) => ['run', id, kind] as const,
    recordsPage: (id: string, kind: RecordKind, variant: string) => ['run', id, kind, variant] as const,
    positions: (id: string) => ['run', id, 'positions'] as const,
    equity: (id: string, points?: number) => ['run', id, 'equity', points ?? 'all'] as const,
    equityAll: (id: string) => ['run', id, 'equity'] as const,
    events: (id: string) => ['run', id, 'events'] as const,
    /** The bars a paper or live run's worker recorded (every symbol, every limit). */
    bars: (id: string) => ['run', id, 'bars'] as const,
    /** The strategy's plotted lines over those bars (every symbol, every window). */
    indicators: (id: string) => ['run', id, 'indicators'] as const,
  },
  sweeps: {
    all: ['sweeps'] as const,
    list: (page: number) => ['sweeps', 'list', page] as const,
  },
  sweep: {
    all: (id: string) => ['sweep', id] as const,
    detail: (id: string) => ['sweep', id, 'detail'] as const,
    results: (id: string, sort: string, order: 'asc' | 'desc') => ['sweep', id, 'results', { sort, order }] as const,
  },
  walkforwards: {
    all: ['walkforwards'] as const,
    list: (page: number) => ['walkforwards', 'list', page] as const,
  },
  walkforward: {
    all: (id: string) => ['walkforward', id] as const,
    detail: (id: string) => ['walkforward', id, 'detail'] as const,
    equity: (id: string, points?: number) => ['walkforward', id, 'equity', points ?? 'all'] as const,
  },
} as const;
