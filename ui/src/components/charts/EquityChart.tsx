import { BaselineSeries, LineSeries, LineStyle, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import type { EquityPoint } from '@/lib/api/types';
import { formatPct } from '@/lib/format';
import { chartClock, PRICE_FORMAT } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { COLORS, FRACTION_SPAN, MONEY_SPAN, toSeconds } from './chartTheme';
import { fitWhole, safely, useChart } from './useChart';

/** Equity with the buy-and-hold benchmark above, the drawdown (in %) in a pane beneath. */
export function EquityChart({ points, zone, timeframe, height = 380 }:
  { points: EquityPoint[]; zone: string; timeframe: string; height?: number }) {
  const { ref, chart } = useChart(height);
  const clock = useMemo(() => chartClock(zone, timeframe), [zone, timeframe]);

  const series = useMemo(() => {
    const seen = new Set<number>();
    const rows = points
      .map((p) => ({ time: toSeconds(p.ts) as number, p }))
      .sort((a, b) => a.time - b.time)
      .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
    const times = clock.times(rows.map((r) => r.time));
    const at = rows.map(({ p }, i) => ({ time: times[i] as UTCTimestamp, p }));
    return {
      equity: at.map(({ time, p }) => ({ time, value: Number(p.equity) })),
      benchmark: at.filter(({ p }) => p.benchmark !== null && p.benchmark !== undefined)
        .map(({ time, p }) => ({ time, value: Number(p.benchmark) })),
      drawdown: at.map(({ time, p }) => ({ time, value: p.drawdown ?? 0 })),
    };
  }, [points, clock]);

  const summary = useMemo(() => {
    const worst = series.drawdown.reduce((min, d) => Math.min(min, d.value), 0);
    return `${chartSummary('Equity', series.equity, clock)} Deepest drawdown ${(worst * 100).toFixed(1)}%.`;
  }, [series, clock]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    const equity = chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'equity',
      priceFormat: PRICE_FORMAT, autoscaleInfoProvider: MONEY_SPAN });
    const benchmark = chart.addSeries(LineSeries, { color: COLORS.benchmark, lineWidth: 1, lineStyle: LineStyle.Dashed, priceFormat: PRICE_FORMAT,
      title: 'buy & hold', priceLineVisible: false, lastValueVisible: true, autoscaleInfoProvider: MONEY_SPAN });
    // filled between 0 and the drawdown, not down to the pane's floor: a run at its peak (0 %) showed a full red band
    // that read as a deep drawdown (trials 42 and 43)
    const drawdown = chart.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 }, topLineColor: COLORS.down, topFillColor1: 'transparent',
      topFillColor2: 'transparent', bottomLineColor: COLORS.down, bottomFillColor1: '#ff5d5d30',
      bottomFillColor2: '#ff5d5d60', lineWidth: 1,
      priceFormat: { type: 'custom', formatter: (v: number) => formatPct(v, 1, false), minMove: 0.0001 },
      title: 'drawdown', priceLineVisible: false, autoscaleInfoProvider: FRACTION_SPAN,
    }, 1);
    equity.setData(series.equity);
    benchmark.setData(series.benchmark);
    drawdown.setData(series.drawdown);
    const panes = chart.panes();
    panes[0]?.setStretchFactor(3);
    panes[1]?.setStretchFactor(1);
    fitWhole(chart);
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        chart.removeSeries(drawdown);
        chart.removeSeries(benchmark);
        chart.removeSeries(equity);
      });
    };
  }, [chart, ref, series, clock]);

  return (
    <div className="chart" style={{ height }} data-testid="equity-chart" data-points={points.length}>
      <div className="chart-legend">
        <span><span className="legend-swatch" style={{ background: COLORS.accent }} />equity</span>
        <span><span className="legend-swatch" style={{ background: COLORS.benchmark }} />buy &amp; hold</span>
        <span><span className="legend-swatch" style={{ background: COLORS.down }} />drawdown (lower pane)</span>
        {clock.daily ? null : <span className="dim" data-testid="chart-zone">times in {clock.zone}</span>}
      </div>
      <div ref={ref} style={{ height }} role="img" aria-label={summary} data-testid="equity-canvas"
        data-zone={clock.zone} />
    </div>
  );
}
