import { AreaSeries, LineSeries, LineStyle } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import type { EquityPoint } from '@/lib/api/types';
import { COLORS, toSeconds, zoneLocalization } from './chartTheme';
import { safely, useChart } from './useChart';

/** Equity with the buy-and-hold benchmark above, the drawdown (in %) in a pane beneath. */
export function EquityChart({ points, zone, intraday, height = 380 }:
  { points: EquityPoint[]; zone: string; intraday: boolean; height?: number }) {
  const { ref, chart } = useChart(height);

  const series = useMemo(() => {
    const seen = new Set<number>();
    const rows = points
      .map((p) => ({ time: toSeconds(p.ts), p }))
      .sort((a, b) => a.time - b.time)
      .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
    return {
      equity: rows.map(({ time, p }) => ({ time, value: Number(p.equity) })),
      benchmark: rows.filter(({ p }) => p.benchmark !== null && p.benchmark !== undefined)
        .map(({ time, p }) => ({ time, value: Number(p.benchmark) })),
      drawdown: rows.map(({ time, p }) => ({ time, value: p.drawdown ?? 0 })),
    };
  }, [points]);

  useEffect(() => {
    if (!chart) return undefined;
    chart.applyOptions(zoneLocalization(zone, intraday));
    const equity = chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'equity' });
    const benchmark = chart.addSeries(LineSeries, { color: COLORS.benchmark, lineWidth: 1, lineStyle: LineStyle.Dashed,
      title: 'buy & hold', priceLineVisible: false, lastValueVisible: true });
    const drawdown = chart.addSeries(AreaSeries, {
      lineColor: COLORS.down, topColor: '#ff5d5d10', bottomColor: '#ff5d5d60', lineWidth: 1, invertFilledArea: false,
      priceFormat: { type: 'custom', formatter: (v: number) => `${(v * 100).toFixed(1)}%`, minMove: 0.0001 },
      title: 'drawdown', priceLineVisible: false,
    }, 1);
    equity.setData(series.equity);
    benchmark.setData(series.benchmark);
    drawdown.setData(series.drawdown);
    const panes = chart.panes();
    panes[0]?.setStretchFactor(3);
    panes[1]?.setStretchFactor(1);
    chart.timeScale().fitContent();
    return () => safely(() => {
      chart.removeSeries(drawdown);
      chart.removeSeries(benchmark);
      chart.removeSeries(equity);
    });
  }, [chart, series, zone, intraday]);

  return (
    <div className="chart" style={{ height }} data-testid="equity-chart" data-points={points.length}>
      <div className="chart-legend">
        <span><span className="legend-swatch" style={{ background: COLORS.accent }} />equity</span>
        <span><span className="legend-swatch" style={{ background: COLORS.benchmark }} />buy &amp; hold</span>
        <span><span className="legend-swatch" style={{ background: COLORS.down }} />drawdown (lower pane)</span>
      </div>
      <div ref={ref} style={{ height }} />
    </div>
  );
}
