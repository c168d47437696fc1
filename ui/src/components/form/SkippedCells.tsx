import type { ParamValue, SkippedCell } from '@/lib/api/types';

/** "fast=20, slow=20": a cell's parameters as the grid names them. */
export function describeCell(params: Record<string, ParamValue>): string {
  return Object.entries(params).map(([name, value]) => `${name}=${String(value)}`).join(', ');
}

/** The grid cells no backtest was made for, each with the reason its parameters were refused. */
export function SkippedCells({ cells }: { cells: SkippedCell[] }) {
  if (!cells.length) return null;
  return (
    <div className="banner warn" data-testid="sweep-skipped">
      {cells.length} grid {cells.length === 1 ? 'cell was' : 'cells were'} skipped: {cells.length === 1 ? 'its' : 'their'} parameters
      cannot run (each with the reason: a rule of the strategy's, or a short sale the run may not make).
      <ul style={{ margin: '4px 0 0', paddingLeft: 18, maxHeight: 160, overflowY: 'auto' }}>
        {cells.map((cell) => (
          <li key={describeCell(cell.params)} className="mono" data-testid="skipped-cell">
            {describeCell(cell.params)} — {cell.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
