import { OverlayEquityChart } from '@/components/charts/OverlayEquityChart';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, ErrorBanner, Loading, MetricCard } from '@/components/ui/Feedback';
import { Time, ZonedText } from '@/components/ui/Time';
import type { Run } from '@/lib/api/types';
import { formatCount, formatMoney, formatNumber, formatPrice, formatQty, tone } from '@/lib/format';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useDrift, type DriftDecision, type DriftOrder, type DriftReport } from '../api/drift';

const WHO: Record<string, string> = {
  only_live: 'only live', only_backtest: 'only backtest', different: 'different', identical: 'same request',
};

const size = (o: DriftOrder | null) => (!o ? '—' : o.percent ? `${formatQty(o.percent)}% eq`
  : o.notional ? `$${formatMoney(o.notional)}` : formatQty(o.qty));

const UNMATCHED: Column<DriftDecision>[] = [
  { key: 'bar_ts', header: 'Bar', sortValue: (d) => d.bar_ts, render: (d) => <Time value={d.bar_ts} style="seconds" /> },
  { key: 'status', header: 'Decided by', sortValue: (d) => d.status, render: (d) => WHO[d.status] ?? d.status },
  { key: 'symbol', header: 'Symbol', render: (d) => <span className="mono">{d.symbol}</span> },
  { key: 'side', header: 'Side', render: (d) => <span className={d.side === 'buy' ? 'pos' : 'neg'}>{d.side}</span> },
  { key: 'type', header: 'Type', hideNarrow: true, render: (d) => <span className="mono">{d.type}</span> },
  { key: 'live', header: 'Live size', numeric: true, hideNarrow: true, render: (d) => size(d.live) },
  { key: 'backtest', header: 'Backtest size', numeric: true, hideNarrow: true, render: (d) => size(d.backtest) },
  { key: 'note', header: 'Why', className: 'wrap', render: (d) => <ZonedText text={d.note} /> },
];

const PARTIAL: Column<DriftOrder>[] = [
  { key: 'bar_ts', header: 'Bar', sortValue: (o) => o.bar_ts, render: (o) => <Time value={o.bar_ts} style="seconds" /> },
  { key: 'symbol', header: 'Symbol', render: (o) => <span className="mono">{o.symbol}</span> },
  { key: 'side', header: 'Side', render: (o) => o.side },
  { key: 'filled', header: 'Filled / qty', numeric: true, render: (o) => `${formatQty(o.filled_qty)} / ${formatQty(o.qty)}` },
  { key: 'fills', header: 'Fills', render: (o) => (
    <span className="mono">{o.fills.map((f) => `${formatQty(f.qty)} @ ${formatPrice(f.price)}`).join(', ')}</span>
  ) },
];

/** What the replay replayed, and how to backtest the same period as a run of its own: from the replay's first bar
 * to the run's last traded bar, not its stop (trial 42: a backtest ending at the stop read as not covering the
 * run). The bars the run was not trading are counted apart (trial 42: "the 1,114 bars the run saw" of a run down
 * for 225 of them). Its times are ISO stamps, shown in the user's zone. */
function basis(d: DriftReport): string {
  const idle = d.idle_bars ? ` and ${formatCount(d.idle_bars)} of them while the run was not trading (down, or stopped `
    + 'and started again: it saw them only as history, and only the backtest decided on them)' : '';
  const window = d.first_bar && d.last_bar
    ? `start at its first bar (${d.first_bar}), end at the run's last traded bar (${d.last_bar})`
    : "start at its first bar, end at the run's last traded bar";
  return `A replay of the ${formatCount(d.bars)} bars the run saw, the first ${formatCount(d.warmup)} of them warm-up `
    + `(its history before its first traded bar)${idle}. To backtest the same period as a run of its own: New run, `
    + `the same settings, ${window}, and that many warm-up bars.`;
}

/** Live vs backtest: the run's equity beside Greta's over the same bars, and the decisions that differ: those
 * one side made, a different request, or a same request that filled otherwise (each with its note: why). */
export function DriftTab({ run }: { run: Run }) {
  const drift = useDrift(run.id);
  const { zone } = useTimeZone();
  if (drift.isPending) return <Loading label="Replaying the run's bars…" />;
  if (drift.error) return <ErrorBanner error={drift.error} title="The drift report could not be made" />;
  const { summary: s, equity, decisions, partial_fills: partial } = drift.data;
  const unmatched = decisions.filter((d) => d.status !== 'identical' || d.note);
  return (
    <div className="panel-body" data-testid="drift-tab">
      <div className="cards">
        <MetricCard label="Decisions identical" testId="drift-identical"
          value={`${s.identical} of ${s.decisions} (${formatNumber(s.identical_pct, 1)} %)`} />
        <MetricCard label="P&L live / backtest" testId="drift-pnl"
          value={`${formatMoney(s.live_pnl, true)} / ${formatMoney(s.backtest_pnl, true)}`}
          title="each side's profit or loss over the compared bars (the command line's two figures)" />
        <MetricCard label="P&L live − backtest" value={formatMoney(s.difference, true)} tone={tone(s.difference)}
          testId="drift-difference" />
        <MetricCard label="from execution" value={formatMoney(s.execution, true)} tone={tone(s.execution)}
          title={`matched decisions: fill price difference × quantity, plus the fee difference (${
            formatMoney(s.execution_fees, true)} of it)`} testId="drift-execution" />
        <MetricCard label="from signal" value={formatMoney(s.signal, true)} tone={tone(s.signal)}
          title="everything else: decisions only one side made, and their consequences" testId="drift-signal" />
        <MetricCard label="Slippage avg / worst" testId="drift-slippage"
          value={`${formatNumber(s.avg_slippage_bps, 1)} / ${formatNumber(s.worst_slippage_bps, 1)} bps`} />
        <MetricCard label="Fees live / backtest" testId="drift-fees"
          value={`${formatMoney(s.live_fees)} / ${formatMoney(s.backtest_fees)}`}
          title="what the broker charged, and what the backtest side's fee model charged" />
        <MetricCard label="Filled in pieces" value={s.partial_fills} testId="drift-partials"
          title="orders filled in several pieces or only in part" />
      </div>
      <p className="hint" data-testid="drift-basis">
        {drift.data.against ? `Compared with backtest run ${drift.data.against}.`
          : <ZonedText text={basis(drift.data)} />}
      </p>
      {drift.data.notes.length ? (
        <ul className="notes" data-testid="drift-notes">
          {drift.data.notes.map((note) => <li key={note}><ZonedText text={note} /></li>)}
        </ul>
      ) : null}
      <OverlayEquityChart live={equity.live} backtest={equity.backtest} zone={zone} timeframe={run.timeframe} />
      <h3>Decisions that differ or filled otherwise</h3>
      <DataTable testId="drift-unmatched" rows={unmatched} columns={UNMATCHED} rowKey={(d) => `${d.status}-${d.bar_ts}-${
        (d.live ?? d.backtest)?.client_order_id}`} initialSort={{ key: 'bar_ts', dir: 'asc' }}
        empty={<EmptyState title="Every decision is identical" testId="drift-all-identical" />} />
      {partial.length ? (
        <>
          <h3>Orders filled in pieces</h3>
          <DataTable testId="drift-partial-fills" rows={partial} columns={PARTIAL} rowKey={(o) => o.client_order_id} />
        </>
      ) : null}
    </div>
  );
}
