import { LineSeries, LineStyle, type LineData, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import { chartClock } from '@/components/charts/chartTime';
import { chartSummary, tickRecorder } from '@/components/charts/chartText';
import { COLORS } from '@/components/charts/chartTheme';
import { fitWhole, safely, useChart } from '@/components/charts/useChart';
import { formatSharpe } from './analysisFormat';
import { sharpeLineData } from './sharpeLineData';

const SHARPE_FORMAT = { type: 'custom', formatter: formatSharpe, minMove: 0.01 } as const;

/** Rolling Sharpe by date (each window's last day; dates, the same in every zone), a line at zero.
 *  A window whose returns do not vary has no figure: a gap in the line (sharpeLineData). */
export function RollingSharpeChart({ dates, values, label, height = 220 }:
  { dates: string[]; values: Array<number | null>; label: string; height?: number }) {
  const { ref, chart } = useChart(height);
  const clock = useMemo(() => chartClock('UTC', '1Day'), []);
  const points = useMemo(() => sharpeLineData(dates, values), [dates, values]);
  const summary = useMemo(() => chartSummary(label,
    points.filter((p): p is LineData<UTCTimestamp> => 'value' in p), clock, formatSharpe), [points, clock, label]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    const line = chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'Sharpe',
      priceFormat: SHARPE_FORMAT, crosshairMarkerBackgroundColor: COLORS.accent });  // (not a gap point's transparent)
    line.setData(points);
    const zero = line.createPriceLine({ price: 0, color: COLORS.benchmark, lineWidth: 1, lineStyle: LineStyle.Dashed,
      axisLabelVisible: false, title: '' });
    fitWhole(chart);
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        line.removePriceLine(zero);
        chart.removeSeries(line);
      });
    };
  }, [chart, ref, points, clock]);

  return (
    <div className="chart" style={{ height }} data-testid="rolling-sharpe-chart" data-points={points.length}>
      <div ref={ref} style={{ height }} role="img" aria-label={summary} data-testid="rolling-sharpe-canvas" />
    </div>
  );
}
