import { useMemo, useState } from 'react';
import { CandleChart } from '@/components/charts/CandleChart';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { useBars } from '@/lib/api/catalog';
import type { Run } from '@/lib/api/types';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useRecords } from '../api/run';

/** Candles of one traded symbol at the run's timeframe, with a marker at every fill. */
export function PriceChartPanel({ run }: { run: Run }) {
  const [symbol, setSymbol] = useState(run.symbols[0] ?? '');
  const { zone } = useTimeZone();
  const window = run.mode === 'backtest'
    ? { start: run.start_at, end: run.end_at, limit: 20_000 }
    : { limit: 2000 };
  const bars = useBars(symbol, run.timeframe, window);
  const fills = useRecords(run.id, 'fills');
  const marks = useMemo(() => (fills.data?.items ?? []).filter((f) => f.symbol === symbol)
    .map((f) => ({ ts: f.ts, side: f.side, qty: f.qty, price: f.price })), [fills.data, symbol]);

  return (
    <Panel testId="price-panel" bodyClass="" title={
      <div className="indicator">
        <h2>Price</h2>
        {run.symbols.length > 1 ? (
          <select className="select" style={{ width: 'auto', height: 22 }} value={symbol} aria-label="Symbol"
            onChange={(e) => setSymbol(e.target.value)} data-testid="chart-symbol">
            {run.symbols.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        ) : <span className="mono">{symbol}</span>}
        <span className="dim mono">{run.timeframe}</span>
        <span className="dim">{marks.length} fills marked</span>
      </div>
    }>
      <ErrorBanner error={bars.error} title="Bars could not be loaded" />
      {bars.isPending ? <Loading /> : bars.data && bars.data.length === 0 ? (
        <p className="muted panel-body">No stored bars for {symbol} at {run.timeframe} in this window.</p>
      ) : bars.data ? (
        <CandleChart bars={bars.data} marks={marks} zone={zone} intraday={run.timeframe !== '1Day'} />
      ) : null}
    </Panel>
  );
}
