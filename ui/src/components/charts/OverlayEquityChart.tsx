import { LineSeries, LineStyle, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import { chartClock, PRICE_FORMAT, type ChartClock } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { COLORS, MONEY_SPAN, toSeconds } from './chartTheme';
import { fitWhole, safely, useChart } from './useChart';

export interface CurvePoint { ts: string; equity: number }

function line(points: CurvePoint[], clock: ChartClock) {
  const seen = new Set<number>();
  const rows = points.map((p) => ({ time: toSeconds(p.ts) as number, value: p.equity }))
    .sort((a, b) => a.time - b.time)
    .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
  const times = clock.times(rows.map((r) => r.time));
  return rows.map((r, i) => ({ time: times[i] as UTCTimestamp, value: r.value }));
}

/** Two equity curves on one scale: live (solid) and the backtest of the same bars (dashed). */
export function OverlayEquityChart({ live, backtest, zone, timeframe, height = 320 }:
  { live: CurvePoint[]; backtest: CurvePoint[]; zone: string; timeframe: string; height?: number }) {
  const { ref, chart } = useChart(height);
  const clock = useMemo(() => chartClock(zone, timeframe), [zone, timeframe]);
  const series = useMemo(() => ({ live: line(live, clock), backtest: line(backtest, clock) }), [live, backtest, clock]);
  const summary = useMemo(() => `${chartSummary('Live equity', series.live, clock)} `
    + `${chartSummary('Backtest equity on the same bars', series.backtest, clock)}`, [series, clock]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    const liveLine = chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'live',
      priceFormat: PRICE_FORMAT, autoscaleInfoProvider: MONEY_SPAN });
    const testLine = chart.addSeries(LineSeries, { color: COLORS.benchmark, lineWidth: 2, lineStyle: LineStyle.Dashed, priceFormat: PRICE_FORMAT,
      title: 'backtest', priceLineVisible: false, autoscaleInfoProvider: MONEY_SPAN });
    liveLine.setData(series.live);
    testLine.setData(series.backtest);
    fitWhole(chart);
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        chart.removeSeries(testLine);
        chart.removeSeries(liveLine);
      });
    };
  }, [chart, ref, series, clock]);

  return (
    <div className="chart" style={{ height }} data-testid="drift-chart" data-live={live.length}
      data-backtest={backtest.length}>
      <div className="chart-legend">
        <span><span className="legend-swatch" style={{ background: COLORS.accent }} />live</span>
        <span><span className="legend-swatch" style={{ background: COLORS.benchmark }} />backtest (same bars)</span>
        {clock.daily ? null : <span className="dim">times in {clock.zone}</span>}
      </div>
      <div ref={ref} style={{ height }} role="img" aria-label={summary} data-zone={clock.zone} />
    </div>
  );
}
