import type { Run } from '@/lib/api/types';
import { formatMoney, tone } from '@/lib/format';
import { useRunPnl } from '../api/runs';

export function RunPnl({ run }: { run: Run }) {
  const pnl = useRunPnl(run);
  if (run.mode === 'backtest') return <span className="dim">—</span>;
  if (!pnl.data) return <span className="dim">…</span>;
  return (
    <span className={tone(pnl.data.total)} title={`${pnl.data.open} open position(s); realized + unrealized`}
      data-testid="run-pnl">
      {formatMoney(pnl.data.total, true)}
    </span>
  );
}
