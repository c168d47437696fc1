import { useEffect, useMemo, useRef, useState } from 'react';
import { CandleChart, placeMarks } from '@/components/charts/CandleChart';
import { toSeconds } from '@/components/charts/chartTheme';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { useBars } from '@/lib/api/catalog';
import type { Run } from '@/lib/api/types';
import { isDaily, barSeconds as secondsOf } from '@/lib/timeframes';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { useRunIndicators } from '../api/indicators';
import { useRecords } from '../api/run';
import { useRunBars } from '../api/runBars';
import { useChartFocus } from '../state/chartFocus';

const STORED_BARS = 20_000;
const RECORDED_BARS = 2000;

/**
 * Candles of one traded symbol at the run's timeframe, with a marker at every fill on them and the
 * strategy's declared indicators over them (or in a pane below). Only the most recent bars are
 * loaded: fills outside them are left out, and the panel says how many. A click on a trade or an
 * order row (chartFocus) brings the panel into view with the chart centred on it.
 */
export function PriceChartPanel({ run }: { run: Run }) {
  const [symbol, setSymbol] = useState(run.symbols[0] ?? '');
  const { zone } = useTimeZone();
  const live = run.mode !== 'backtest';  // a paper or live run: the bars its worker recorded
  // A `weaver backtest` on a file: its bars were never stored, and those stored under its symbol are other prices.
  const unstored = live ? undefined : barsFrom(run)[symbol];
  const stored = useBars(symbol, run.timeframe, { start: run.start_at, end: run.end_at, limit: STORED_BARS },
    !live && !unstored);
  const recorded = useRunBars(run.id, symbol, RECORDED_BARS, live);
  const bars = live ? recorded : stored;
  const indicatorWindow = useMemo(() => (live ? { limit: RECORDED_BARS }
    : { start: run.start_at, end: run.end_at, limit: STORED_BARS }), [live, run.start_at, run.end_at]);
  const indicators = useRunIndicators(run.id, symbol, indicatorWindow, !unstored);
  const requested = useChartFocus(run.id);
  const [before] = useState(() => requested?.seq ?? 0);  // a request from an earlier visit is not acted on
  const focus = requested && requested.seq > before ? requested : null;
  const panel = useRef<HTMLDivElement | null>(null);
  const handled = useRef(before);
  useEffect(() => {  // once per request: the symbol picker stays the user's afterwards
    if (!focus || focus.seq === handled.current) return;
    handled.current = focus.seq;
    if (run.symbols.includes(focus.symbol)) setSymbol(focus.symbol);
    panel.current?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }, [focus, run.symbols]);
  const chartFocus = focus && focus.symbol === symbol ? focus : null;
  const fills = useRecords(run.id, 'fills');
  const barSeconds = secondsOf(run.timeframe) ?? undefined;
  const marks = useMemo(() => (fills.data?.items ?? []).filter((f) => f.symbol === symbol)
    .map((f) => ({ ts: f.ts, side: f.side, qty: f.qty, price: f.price })), [fills.data, symbol]);
  const placement = useMemo(() => placeMarks((bars.data ?? []).map((b) => toSeconds(b.ts)), marks, barSeconds),
    [bars.data, marks, barSeconds]);

  return (
    <div ref={panel} style={{ minWidth: 0 }}>
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
          {isDaily(run.timeframe) ? null : <span className="dim" data-testid="price-zone">times in {zone}</span>}
          <span className="dim">{placement.placed.length} fills marked</span>
        </div>
      }>
        {unstored ? (
          <p className="muted panel-body" data-testid="bars-not-stored">
            No price chart: this run's {symbol} bars came from {unstored}, which Weaver does not store (bars stored
            under {symbol} are other prices). Import the file and backtest the stored bars to chart them.
          </p>
        ) : null}
        <ErrorBanner error={bars.error} title="Bars could not be loaded" />
        <ErrorBanner error={indicators.error} title="Indicators could not be loaded" />
        {unstored ? null : bars.isPending ? <Loading /> : bars.data && bars.data.length === 0 ? (
          <p className="muted panel-body">{live ? `No bars recorded for ${symbol} yet.`
            : `No stored bars for ${symbol} at ${run.timeframe} in this window.`}</p>
        ) : bars.data ? (
          <>
            <CandleChart bars={bars.data} marks={marks} lines={indicators.data} focus={chartFocus} barSeconds={barSeconds}
              zone={zone} timeframe={run.timeframe} what={symbol} />
            {placement.earlier || placement.later ? (
              <p className="muted panel-body" style={{ margin: 0, paddingTop: 4 }} data-testid="fills-not-shown">
                {outsideNote(placement.earlier, placement.later, bars.data.length)}
              </p>
            ) : null}
          </>
        ) : null}
      </Panel>
    </div>
  );
}

/** Symbol → where a `weaver backtest` run's bars came from when Weaver does not store them (`options.bars_from`). */
function barsFrom(run: Run): Record<string, string> {
  const given = (run.options as { bars_from?: Record<string, string> } | undefined)?.bars_from;
  return given ?? {};
}

/** "3 earlier fills not shown (chart shows the last 20,000 bars)", and likewise for fills after the last bar. */
function outsideNote(earlier: number, later: number, bars: number): string {
  const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
  return [
    earlier ? `${count(earlier, 'earlier fill')} not shown (chart shows the last ${count(bars, 'bar')})` : '',
    later ? `${count(later, 'fill')} after the last stored bar not shown` : '',
  ].filter(Boolean).join('; ');
}
