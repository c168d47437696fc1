import { LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import { chartClock, type ChartClock } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { toSeconds } from './chartTheme';
import { safely, useChart } from './useChart';

/** One named line: its points (UTC instants) and its colour. */
export interface OverlayLine { key: string; label: string; color: string; points: Array<{ ts: string; value: number }> }

function toSeries(points: OverlayLine['points'], clock: ChartClock) {
  const seen = new Set<number>();
  const rows = points.map((p) => ({ time: toSeconds(p.ts) as number, value: p.value }))
    .sort((a, b) => a.time - b.time)
    .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
  const times = clock.times(rows.map((r) => r.time));
  return rows.map((r, i) => ({ time: times[i] as UTCTimestamp, value: r.value }));
}

/**
 * Several lines on one scale (runs compared: normalised equity, drawdowns), each named in a legend above
 * the canvas; the text alternative gives every line's span and start, end, low and high in `format`.
 */
export function OverlayLinesChart({ lines, zone, timeframe, what, format, height = 300, testId }: {
  lines: OverlayLine[]; zone: string; timeframe: string; what: string; format: (value: number) => string;
  height?: number; testId: string;
}) {
  const { ref, chart } = useChart(height);
  const clock = useMemo(() => chartClock(zone, timeframe), [zone, timeframe]);
  const series = useMemo(() => lines.map((line) => ({ line, data: toSeries(line.points, clock) })), [lines, clock]);
  const summary = useMemo(() => series.map(({ line, data }) => chartSummary(`${what} of ${line.label}`, data, clock, format))
    .join(' '), [series, clock, what, format]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    const added = series.map(({ line, data }) => {
      const s = chart.addSeries(LineSeries, { color: line.color, lineWidth: 2, priceLineVisible: false,
        priceFormat: { type: 'custom', formatter: format, minMove: 0.0001 } });
      s.setData(data);
      return s;
    });
    chart.timeScale().fitContent();
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        for (const s of added) chart.removeSeries(s);
      });
    };
  }, [chart, ref, series, clock, format]);

  return (
    <div className="chart" data-testid={testId} data-lines={lines.length}>
      <div className="chart-legend" style={{ position: 'static', padding: '4px 8px' }} data-testid={`${testId}-legend`}>
        {lines.map((line) => (
          <span key={line.key}><span className="legend-swatch" style={{ background: line.color, height: 3 }} />{line.label}</span>
        ))}
        {clock.daily ? null : <span className="dim">times in {clock.zone}</span>}
      </div>
      <div ref={ref} style={{ height }} role="img" aria-label={summary} data-testid={`${testId}-canvas`}
        data-zone={clock.zone} />
    </div>
  );
}
