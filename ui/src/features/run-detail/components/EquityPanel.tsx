import { EquityChart } from '@/components/charts/EquityChart';
import { Button } from '@/components/ui/Button';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import type { Run } from '@/lib/api/types';
import { sub } from '@/lib/decimal';
import { formatMoney } from '@/lib/format';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { exportOrFallback } from '../api/export';
import { useEquity } from '../api/run';

export function EquityPanel({ run }: { run: Run }) {
  const equity = useEquity(run.id);
  const { zone } = useTimeZone();
  const last = equity.data?.[equity.data.length - 1];
  return (
    <Panel testId="equity-panel" bodyClass="" title={
      <div className="indicator">
        <h2>Equity &amp; drawdown</h2>
        {last ? (  // equity is cash plus the marked positions: both shown, so the page adds up (trial 41)
          <span className="mono" data-testid="equity-last" title="at the last mark: cash plus positions at their marks">
            last {formatMoney(last.equity)} = cash {formatMoney(last.cash)} + positions {formatMoney(sub(last.equity, last.cash))}
          </span>
        ) : null}
      </div>
    } actions={<Button size="sm" variant="ghost" onClick={() => void exportOrFallback(run.id, 'equity', equity.data ?? [])}
      data-testid="export-equity">CSV</Button>}>
      <ErrorBanner error={equity.error} title="The equity curve could not be loaded" />
      {equity.isPending ? <Loading /> : equity.data && equity.data.length === 0 ? (
        <p className="muted panel-body" data-testid="equity-empty">
          {run.status === 'created' || run.status === 'queued' ? 'The curve appears once the run starts.'
            : run.status === 'running' ? 'Waiting for the first bar: the curve grows with every tick.' : 'No equity recorded.'}
        </p>
      ) : equity.data ? (
        <EquityChart points={equity.data} zone={zone} timeframe={run.timeframe} />
      ) : null}
    </Panel>
  );
}
