import { LineSeries, LineStyle } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import { COLORS, toSeconds, zoneLocalization } from './chartTheme';
import { safely, useChart } from './useChart';

export interface CurvePoint { ts: string; equity: number }

function line(points: CurvePoint[]) {
  const seen = new Set<number>();
  return points.map((p) => ({ time: toSeconds(p.ts), value: p.equity }))
    .sort((a, b) => a.time - b.time)
    .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
}

/** Two equity curves on one scale: live (solid) and the backtest of the same bars (dashed). */
export function OverlayEquityChart({ live, backtest, zone, intraday, height = 320 }:
  { live: CurvePoint[]; backtest: CurvePoint[]; zone: string; intraday: boolean; height?: number }) {
  const { ref, chart } = useChart(height);
  const series = useMemo(() => ({ live: line(live), backtest: line(backtest) }), [live, backtest]);

  useEffect(() => {
    if (!chart) return undefined;
    chart.applyOptions(zoneLocalization(zone, intraday));
    const liveLine = chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'live' });
    const testLine = chart.addSeries(LineSeries, { color: COLORS.benchmark, lineWidth: 2, lineStyle: LineStyle.Dashed,
      title: 'backtest', priceLineVisible: false });
    liveLine.setData(series.live);
    testLine.setData(series.backtest);
    chart.timeScale().fitContent();
    return () => safely(() => {
      chart.removeSeries(testLine);
      chart.removeSeries(liveLine);
    });
  }, [chart, series, zone, intraday]);

  return (
    <div className="chart" style={{ height }} data-testid="drift-chart" data-live={live.length}
      data-backtest={backtest.length}>
      <div className="chart-legend">
        <span><span className="legend-swatch" style={{ background: COLORS.accent }} />live</span>
        <span><span className="legend-swatch" style={{ background: COLORS.benchmark }} />backtest (same bars)</span>
      </div>
      <div ref={ref} style={{ height }} />
    </div>
  );
}
