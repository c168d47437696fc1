import { Button } from '@/components/ui/Button';
import { RUN_MODES, RUN_STATUSES, type RunFilters, type Mode, type RunStatus } from '@/lib/api/types';

export function RunFiltersBar({ filters, strategies, onChange }:
  { filters: RunFilters; strategies: string[]; onChange: (patch: Partial<RunFilters>) => void }) {
  const active = !!(filters.mode || filters.status || filters.strategy);
  return (
    <div className="page-head" data-testid="run-filters" style={{ gap: 8 }}>
      <select className="select" style={{ width: 'auto' }} aria-label="Mode" value={filters.mode ?? ''}
        onChange={(e) => onChange({ mode: e.target.value as Mode | '' })} data-testid="filter-mode">
        <option value="">all modes</option>
        {RUN_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
      </select>
      <select className="select" style={{ width: 'auto' }} aria-label="Status" value={filters.status ?? ''}
        onChange={(e) => onChange({ status: e.target.value as RunStatus | '' })} data-testid="filter-status">
        <option value="">all statuses</option>
        {RUN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <select className="select" style={{ width: 'auto' }} aria-label="Strategy" value={filters.strategy ?? ''}
        onChange={(e) => onChange({ strategy: e.target.value })} data-testid="filter-strategy">
        <option value="">all strategies</option>
        {strategies.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      {active ? <Button size="sm" variant="ghost" onClick={() => onChange({ mode: '', status: '', strategy: '' })}>
        clear filters</Button> : null}
    </div>
  );
}
