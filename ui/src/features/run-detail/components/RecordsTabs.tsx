import { useMemo, useState } from 'react';
import { DataTable } from '@/components/ui/DataTable';
import { Button } from '@/components/ui/Button';
import { saveCsv, toCsv } from '@/components/ui/csv';
import { EmptyState, ErrorBanner, Loading } from '@/components/ui/Feedback';
import { Tabs } from '@/components/ui/Tabs';
import type { Run } from '@/lib/api/types';
import { exportOrFallback } from '../api/export';
import { usePositions, useRecords } from '../api/run';
import { focusChart } from '../state/chartFocus';
import { fillColumns, orderColumns, positionColumns, tradeColumns } from './columns';
import { DriftTab } from './DriftTab';
import { EventLog } from './EventLog';

type Tab = 'trades' | 'orders' | 'fills' | 'positions' | 'events' | 'drift';

function ExportButton({ onClick, testId }: { onClick: () => void | Promise<void>; testId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      await onClick();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="sm" onClick={() => void run()} busy={busy} data-testid={testId}>Export CSV</Button>
      {error ? <span className="neg" role="alert">{error}</span> : null}
    </>
  );
}

export function RecordsTabs({ run }: { run: Run }) {
  const [tab, setTab] = useState<Tab>('trades');
  const trades = useRecords(run.id, 'trades');
  const orders = useRecords(run.id, 'orders');
  const fills = useRecords(run.id, 'fills');
  const positions = usePositions(run.id);
  const slug = run.id.slice(0, 8);
  const onChart = 'Show on the price chart';
  const columns = useMemo(() => ({ trades: tradeColumns(run.timeframe), orders: orderColumns(run.timeframe),
    fills: fillColumns(run.timeframe), positions: positionColumns(run.timeframe) }), [run.timeframe]);
  const empty = (what: string) => (
    <EmptyState title={`No ${what}`}>
      {run.status === 'created' ? 'Start the run to trade.' : run.status === 'queued' || run.status === 'running'
        ? 'They appear here as the run trades.' : null}
    </EmptyState>
  );

  return (
    <section className="panel" data-testid="records">
      <Tabs<Tab> active={tab} onChange={setTab} tabs={[
        { key: 'trades', label: 'Trades', count: trades.data?.total },
        { key: 'orders', label: 'Orders', count: orders.data?.total },
        { key: 'fills', label: 'Fills', count: fills.data?.total },
        // Open positions: a flat row stays in the table for its realised P&L, but "Positions 1" read as one held.
        { key: 'positions', label: 'Positions', count: positions.data?.filter((p) => Number(p.qty) !== 0).length },
        { key: 'events', label: 'Event log' },
        ...(run.mode === 'backtest' ? [] : [{ key: 'drift' as const, label: 'Live vs backtest' }]),
      ]} />
      {tab === 'trades' ? (
        <>
          <ErrorBanner error={trades.error} />
          {trades.isPending ? <Loading /> : (
            <DataTable testId="trades-table" rows={trades.data?.items ?? []} total={trades.data?.total}
              columns={columns.trades} rowKey={(t) => t.id} initialSort={{ key: 'entry_ts', dir: 'asc' }}
              onRowClick={(t) => focusChart(run.id, t.symbol, t.entry_ts, t.exit_ts)} rowTitle={onChart}
              empty={empty('closed trades')}
              footer={<ExportButton testId="export-trades" onClick={() => exportOrFallback(run.id, 'trades', trades.data?.items ?? [])} />} />
          )}
        </>
      ) : null}
      {tab === 'orders' ? (
        <>
          <ErrorBanner error={orders.error} />
          {orders.isPending ? <Loading /> : (
            <DataTable testId="orders-table" rows={orders.data?.items ?? []} total={orders.data?.total}
              columns={columns.orders} rowKey={(o) => o.id} initialSort={{ key: 'submitted_at', dir: 'desc' }}
              onRowClick={(o) => focusChart(run.id, o.symbol, o.submitted_at, o.filled_at ?? o.submitted_at)}
              rowTitle={onChart}
              empty={empty('orders')}
              footer={<ExportButton testId="export-orders" onClick={() => exportOrFallback(run.id, 'orders', orders.data?.items ?? [])} />} />
          )}
        </>
      ) : null}
      {tab === 'fills' ? (
        <>
          <ErrorBanner error={fills.error} />
          {fills.isPending ? <Loading /> : (
            <DataTable testId="fills-table" rows={fills.data?.items ?? []} total={fills.data?.total}
              columns={columns.fills} rowKey={(f) => f.id} initialSort={{ key: 'ts', dir: 'desc' }} empty={empty('fills')}
              onRowClick={(f) => focusChart(run.id, f.symbol, f.ts)} rowTitle={onChart}
              footer={<ExportButton testId="export-fills" onClick={() => saveCsv(`run-${slug}-fills.csv`, toCsv(
                ['id', 'order_id', 'symbol', 'side', 'qty', 'price', 'fee', 'ts'],
                (fills.data?.items ?? []).map((f) => [f.id, f.order_id, f.symbol, f.side, f.qty, f.price, f.fee, f.ts])))} />} />
          )}
        </>
      ) : null}
      {tab === 'positions' ? (
        <>
          <ErrorBanner error={positions.error} />
          {positions.isPending ? <Loading /> : (
            <DataTable testId="positions-table" rows={positions.data ?? []} columns={columns.positions}
              rowKey={(p) => p.symbol} empty={empty('positions')}
              footer={<ExportButton testId="export-positions" onClick={() => saveCsv(`run-${slug}-positions.csv`, toCsv(
                ['symbol', 'qty', 'avg_price', 'mark_price', 'market_value', 'unrealized_pl', 'realized_pl', 'updated_at'],
                (positions.data ?? []).map((p) => [p.symbol, p.qty, p.avg_price, p.mark_price, p.market_value,
                  p.unrealized_pl, p.realized_pl, p.updated_at])))} />} />
          )}
        </>
      ) : null}
      {tab === 'events' ? <EventLog runId={run.id} /> : null}
      {tab === 'drift' ? <DriftTab run={run} /> : null}
    </section>
  );
}
