import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/Button';
import { RUN_MODES, RUN_STATUSES, type Mode, type RunStatus } from '@/lib/api/types';
import type { RunListQuery } from '../api/runs';

export function RunFiltersBar({ filters, strategies, onChange }:
  { filters: RunListQuery; strategies: string[]; onChange: (patch: Partial<RunListQuery>) => void }) {
  const active = !!(filters.mode || filters.status || filters.strategy);
  // Ticked at once: the URL (the truth) follows a moment later, and a controlled box would flick back meanwhile.
  const [cellsShown, setCellsShown] = useState(filters.cells === 'show');
  useEffect(() => setCellsShown(filters.cells === 'show'), [filters.cells]);
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
      <label className="indicator" title="Sweep cells are folded under their sweep, and a walk-forward's fold sweeps and out-of-sample runs under the walk-forward; this lists their runs among the others too">
        <input type="checkbox" checked={cellsShown} data-testid="filter-cells" onChange={(e) => {
          setCellsShown(e.target.checked);
          onChange({ cells: e.target.checked ? 'show' : 'hide' });
        }} />
        Show sweep cells
      </label>
      {active ? <Button size="sm" variant="ghost" onClick={() => onChange({ mode: '', status: '', strategy: '' })}>
        clear filters</Button> : null}
    </div>
  );
}
