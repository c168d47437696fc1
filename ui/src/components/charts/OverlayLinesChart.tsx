import { LineSeries, TickMarkType, type MouseEventParams, type Time, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useState } from 'react';
import { chartClock, type ChartClock } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { toSeconds } from './chartTheme';
import { pointAtOrBefore } from './pointAt';
import { fitWhole, safely, useChart } from './useChart';

/** One named line: its points (UTC instants) and its colour. */
export interface OverlayLine { key: string; label: string; color: string; points: Array<{ ts: string; value: number }> }

/** What the pointer's readout shows: each line's value in `format`, and `extra` words for the instant. */
export interface OverlayReadout { format: (value: number) => string; extra?: (utcSeconds: number) => string | null }

function toSeries(points: OverlayLine['points'], clock: ChartClock) {
  const seen = new Set<number>();
  const rows = points.map((p) => ({ time: toSeconds(p.ts) as number, value: p.value }))
    .sort((a, b) => a.time - b.time)
    .filter(({ time }) => (seen.has(time) ? false : (seen.add(time), true)));
  const times = clock.times(rows.map((r) => r.time));
  return rows.map((r, i) => ({ time: times[i] as UTCTimestamp, value: r.value, utc: r.time }));
}

/** A tick before the first year boundary of the data gets its year ("Feb 2021"): the axis otherwise
 *  names no year until the next January. */
export function withYear(label: string, chartSeconds: number, type: TickMarkType, firstChartSeconds: number): string {
  if (type !== TickMarkType.Month && type !== TickMarkType.DayOfMonth) return label;
  const year = new Date(firstChartSeconds * 1000).getUTCFullYear();
  return chartSeconds < Date.UTC(year + 1, 0, 1) / 1000 ? `${label} ${year}` : label;
}

/**
 * Several lines on one scale (runs compared: normalised equity, drawdowns), each named in a legend above
 * the canvas; the text alternative gives every line's span and start, end, low and high in `format`.
 * Optionally: a readout of the hovered time (the last one otherwise), the first year named on the axis,
 * and the whole span fitted again when the width changes.
 */
export function OverlayLinesChart({ lines, zone, timeframe, what, format, height = 300, testId, readout, yearOnFirstTick = false,
  fitOnResize = false }: {
  lines: OverlayLine[]; zone: string; timeframe: string; what: string; format: (value: number) => string;
  height?: number; testId: string; readout?: OverlayReadout; yearOnFirstTick?: boolean; fitOnResize?: boolean;
}) {
  const { ref, chart } = useChart(height, fitOnResize);
  const [hover, setHover] = useState<number | null>(null);
  const clock = useMemo(() => chartClock(zone, timeframe), [zone, timeframe]);
  const series = useMemo(() => lines.map((line) => ({ line, data: toSeries(line.points, clock) })), [lines, clock]);
  const summary = useMemo(() => series.map(({ line, data }) => chartSummary(`${what} of ${line.label}`, data, clock, readout?.format ?? format))
    .join(' '), [series, clock, what, format, readout]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    const options = clock.options(yearOnFirstTick ? undefined : ticks.onTick);
    const first = series[0]?.data[0]?.time;
    if (yearOnFirstTick && first !== undefined) {
      // room for "Jan 18 2021" (ticks are spaced for 8 characters by default)
      options.timeScale = { ...options.timeScale, tickMarkMaxCharacterLength: 11, tickMarkFormatter: (time: Time, type: TickMarkType) => {
        const t = Number(time);
        const text = withYear(clock.tick(time, type), t, type, first);
        ticks.onTick(t, text);
        return text;
      } };
    }
    chart.applyOptions(options);
    const added = series.map(({ line, data }) => {
      const s = chart.addSeries(LineSeries, { color: line.color, lineWidth: 2, priceLineVisible: false,
        priceFormat: { type: 'custom', formatter: format, minMove: 0.0001 } });
      s.setData(data);
      return s;
    });
    fitWhole(chart);
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        for (const s of added) chart.removeSeries(s);
      });
    };
  }, [chart, ref, series, clock, format, yearOnFirstTick]);

  useEffect(() => {
    if (!chart || !readout) return undefined;
    const move = (param: MouseEventParams<Time>) => setHover(param.time === undefined ? null : Number(param.time));
    chart.subscribeCrosshairMove(move);
    return () => safely(chart, () => chart.unsubscribeCrosshairMove(move));
  }, [chart, readout]);

  const shownTime = hover ?? series[0]?.data[series[0].data.length - 1]?.time ?? null;
  // each line at its latest point at or before the shown time: thinned lines do not share every timestamp
  const shown = shownTime === null ? [] : series.map(({ data }) => pointAtOrBefore(data, shownTime));
  const read = readout && shownTime !== null ? {
    time: clock.label(shownTime as UTCTimestamp),
    fields: series.map(({ line }, k) => {
      const v = shown[k];
      return { key: line.key, label: line.label, color: line.color, text: v ? readout.format(v.value) : '—' };
    }),
    extra: (() => {
      const utc = shown[0]?.utc;
      return utc !== undefined && readout.extra ? readout.extra(utc) : null;
    })(),
  } : null;

  return (
    <div className="chart" data-testid={testId} data-lines={lines.length}>
      <div className="chart-legend" style={{ position: 'static', padding: '4px 8px' }} data-testid={`${testId}-legend`}>
        {read ? (
          // the legend doubles as the readout: the hovered (else the last) time, each line's value there, the extra words
          <span data-testid={`${testId}-readout`} className="mono" style={{ display: 'contents' }}>
            <span data-testid="readout-time">{read.time}</span>
            {read.fields.map((f) => (
              <span key={f.key} data-testid="readout-line" data-key={f.key}>
                <span className="legend-swatch" style={{ background: f.color, height: 3 }} />{f.label} <strong>{f.text}</strong>
              </span>
            ))}
            {read.extra ? <span data-testid="readout-extra">{read.extra}</span> : null}
          </span>
        ) : lines.map((line) => (
          <span key={line.key}><span className="legend-swatch" style={{ background: line.color, height: 3 }} />{line.label}</span>
        ))}
        {clock.daily ? null : <span className="dim">times in {clock.zone}</span>}
      </div>
      <div ref={ref} style={{ height }} role="img" aria-label={summary} data-testid={`${testId}-canvas`}
        data-zone={clock.zone} />
    </div>
  );
}
