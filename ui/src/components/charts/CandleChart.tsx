import { CandlestickSeries, HistogramSeries, LineSeries, createSeriesMarkers, type IChartApi, type ISeriesApi,
  type LogicalRange, type MouseEventParams, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useState } from 'react';
import type { Bar } from '@/lib/api/types';
import { ChartReadout } from './ChartReadout';
import { chartClock, PRICE_FORMAT } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { COLORS, toSeconds } from './chartTheme';
import { type FillMarker, labelsWithRoom, mergeFillMarkers } from './fillMarkers';
import { barReadout } from './readout';
import { safely, useChart } from './useChart';

export interface TradeMark {
  ts: string;
  side: 'buy' | 'sell' | string;
  qty: string;
  price: string;
}

/** The bar at or before `t` (fills happen inside a bar): binary search over sorted bar times; null before the first. */
export function snapToBar(times: number[], t: number): number | null {
  if (times.length === 0 || t < (times[0] ?? 0)) return null;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((times[mid] ?? 0) <= t) lo = mid;
    else hi = mid - 1;
  }
  return times[lo] ?? null;
}

export interface MarkPlacement<M> {
  /** Marks inside the loaded bars, each with the time of the bar it happened in. */
  placed: Array<{ mark: M; time: number }>;
  /** Marks before the first loaded bar (the chart loads only the most recent bars). */
  earlier: number;
  /** Marks after the last loaded bar ended (bars not stored yet). */
  later: number;
}

/**
 * Put each mark on its bar. Marks outside the loaded bars are left out and counted, never drawn on
 * the nearest bar at a wrong time. `barSeconds` (the timeframe) says when the last bar ends; without
 * it a mark after the last bar's open stays on the last bar.
 */
export function placeMarks<M extends { ts: string }>(times: number[], marks: M[], barSeconds?: number): MarkPlacement<M> {
  const result: MarkPlacement<M> = { placed: [], earlier: 0, later: 0 };
  const end = barSeconds && times.length ? (times[times.length - 1] ?? 0) + barSeconds : Infinity;
  for (const mark of marks) {
    const t = toSeconds(mark.ts);
    const time = t < end ? snapToBar(times, t) : null;
    if (time !== null) result.placed.push({ mark, time });
    else if (t < end) result.earlier += 1;
    else result.later += 1;
  }
  return result;
}

/** An indicator line: points at bar times (UTC ISO); `pane` "price" over the candles, "separate" below them. */
export interface ChartLine {
  name: string;
  pane: 'price' | 'separate' | string;
  points: Array<{ ts: string; value: number }>;
}

/** Centre the view on [from, to] (UTC ISO); a new `seq` centres again. */
export interface ChartFocusRequest { from: string; to: string; seq: number }

const SEPARATE_PANE_HEIGHT = 120;
/** Indicator lines, in declaration order: distinct from the candles' green and red and from each other. */
const LINE_COLORS = ['#f5b041', '#4cb3ff', '#c792ea', '#7fdbca', '#ff9e64', '#e6e6e6'];

/** Bar indexes [from, to] to show so that bars `a`..`b` sit in the middle: the current zoom when it holds
 *  them and is not wider than 120 bars (a whole run shown at once is zoomed in), else the span with a
 *  fifth of it and two bars to spare on either side. */
export function centredRange(a: number, b: number, current: { from: number; to: number } | null,
  count: number): { from: number; to: number } {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  const needed = (hi - lo) * 1.4 + 4;
  const zoom = current ? current.to - current.from : 60;
  const width = Math.min(Math.max(zoom, needed, 10), Math.max(needed, 120));
  const centre = (lo + hi) / 2;
  return { from: centre - width / 2, to: Math.min(centre + width / 2, count + 2) };
}

/** The index of the bar at or before `t` (UTC seconds), or the first bar when `t` is before every bar. */
function barIndexAt(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0 || t <= (times[0] ?? 0)) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((times[mid] ?? 0) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const NO_MARKS: TradeMark[] = [];
const NO_LINES: ChartLine[] = [];

export function CandleChart({ bars, marks = NO_MARKS, lines = NO_LINES, focus = null, barSeconds, zone, timeframe, height = 360,
  testId = 'candle-chart', what = 'Price' }:
  { bars: Bar[]; marks?: TradeMark[]; lines?: ChartLine[]; focus?: ChartFocusRequest | null; barSeconds?: number;
    zone: string; timeframe: string; height?: number; testId?: string; what?: string }) {
  const { ref, chart } = useChart(height);
  const [hover, setHover] = useState<number | null>(null);
  const clock = useMemo(() => chartClock(zone, timeframe), [zone, timeframe]);

  const { data, utc } = useMemo(() => {
    const instants = bars.map((b) => toSeconds(b.ts) as number);
    const times = clock.times(instants);
    return {
      utc: instants,
      data: bars.map((b, i) => ({
        time: times[i] as UTCTimestamp, open: Number(b.open), high: Number(b.high), low: Number(b.low),
        close: Number(b.close), volume: Number(b.volume),
      })),
    };
  }, [bars, clock]);

  const markers = useMemo(() => {
    const { placed } = placeMarks(utc, marks, barSeconds);
    const index = new Map(utc.map((t, i) => [t, i]));
    return mergeFillMarkers(placed, (t) => index.get(t) ?? 0);
  }, [marks, utc, barSeconds]);

  // Each line's values on the bars' positions (null where it has none yet): drawn at the candles' chart times.
  const drawn = useMemo(() => {
    const position = new Map(utc.map((t, i) => [t, i]));
    return lines.map((line, k) => {
      const values: Array<number | null> = new Array<number | null>(data.length).fill(null);
      for (const p of line.points) {
        const i = position.get(toSeconds(p.ts));
        if (i !== undefined) values[i] = p.value;
      }
      return { name: line.name, pane: line.pane, color: LINE_COLORS[k % LINE_COLORS.length] ?? COLORS.accent, values };
    });
  }, [lines, utc, data.length]);
  const separate = drawn.some((line) => line.pane === 'separate');
  const total = height + (separate ? SEPARATE_PANE_HEIGHT : 0);

  const summary = useMemo(() => {
    const text = chartSummary(`${what} (close)`, data.map((d) => ({ time: d.time, value: d.close })), clock);
    return drawn.length ? `${text} Indicators: ${drawn.map((l) => l.name).join(', ')}.` : text;
  }, [what, data, clock, drawn]);

  // The series are made once per chart (and the lines once per set of lines), then only given new data: a live
  // run's page gets new bars every second and new markers at each fill. Made again each time, they emptied the
  // price pane, which lightweight-charts then drops: the indicator's pane became the price pane, and a live
  // page's panes were at times left 0 px high, a blank chart (trials 24 and 25).
  const [base, setBase] = useState<{ candles: ISeriesApi<'Candlestick'>; volume: ISeriesApi<'Histogram'> } | null>(null);
  useEffect(() => {
    if (!chart) return undefined;
    const candles = chart.addSeries(CandlestickSeries, {
      priceFormat: PRICE_FORMAT, upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down,
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' },
      color: COLORS.volume, lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    setBase({ candles, volume });
    return () => {
      setBase(null);
      safely(chart, () => {
        chart.removeSeries(volume);
        chart.removeSeries(candles);
      });
    };
  }, [chart]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el || !base) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    base.candles.setData(data.map(({ volume: _v, ...c }) => c));
    base.volume.setData(data.map((d) => ({ time: d.time, value: d.volume,
      color: d.close >= d.open ? '#1a4d3680' : '#6b262680' })));
    const plugin = createSeriesMarkers(base.candles, [] as SeriesMarker<UTCTimestamp>[]);
    chart.timeScale().fitContent();
    const labels = markerLabeller(el, chart, markers, (list) => plugin.setMarkers(list),
      (m) => (data[m.index]?.time ?? m.time) as UTCTimestamp);
    return () => {
      ticks.stop();
      labels.stop();
      safely(chart, () => {
        ticks.detach();
        labels.detach();
        plugin.detach();
      });
    };
  }, [chart, ref, base, data, markers, clock]);

  // One series per line, in its pane, made after the candles (so "separate" is pane 1) and again only when the
  // set of lines changes; their values are set below.
  const shape = drawn.map((line) => `${line.pane}:${line.color}`).join('|');
  const [lineSeries, setLineSeries] = useState<ISeriesApi<'Line'>[]>([]);
  useEffect(() => {
    if (!chart || !base || !shape) return undefined;
    const made = shape.split('|').map((entry) => {
      const [pane, color] = entry.split(':');
      return chart.addSeries(LineSeries, { color, lineWidth: 2, priceLineVisible: false, lastValueVisible: false,
        priceFormat: PRICE_FORMAT, title: '' }, pane === 'separate' ? 1 : 0);
    });
    if (separate) {
      chart.applyOptions({ height: total });
      chart.panes()[1]?.setHeight(SEPARATE_PANE_HEIGHT);
    }
    setLineSeries(made);
    return () => {
      setLineSeries([]);
      safely(chart, () => {
        made.forEach((s) => chart.removeSeries(s));
        if (chart.panes().length > 1) chart.removePane(1);
        chart.applyOptions({ height });
      });
    };
  }, [chart, base, shape, separate, total, height]);

  useEffect(() => {
    if (!chart) return;
    lineSeries.forEach((series, k) => {
      const line = drawn[k];
      if (!line) return;
      safely(chart, () => series.setData(line.values.flatMap((value, i) => (value === null || data[i] === undefined
        ? [] : [{ time: data[i].time, value }]))));
    });
  }, [chart, lineSeries, drawn, data]);

  useEffect(() => {
    if (!chart) return undefined;
    const move = (param: MouseEventParams<Time>) => {
      const index = param.time === undefined || param.logical === undefined ? null
        : Math.min(Math.max(Math.round(param.logical), 0), data.length - 1);
      setHover(index);
    };
    chart.subscribeCrosshairMove(move);
    return () => safely(chart, () => chart.unsubscribeCrosshairMove(move));
  }, [chart, data.length]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    return visibleRangeRecorder(el, chart, utc);
  }, [chart, ref, utc]);

  useEffect(() => {
    if (!chart || !focus || utc.length === 0) return undefined;
    const frame = requestAnimationFrame(() => safely(chart, () => {
      const scale = chart.timeScale();
      const range = centredRange(barIndexAt(utc, toSeconds(focus.from)), barIndexAt(utc, toSeconds(focus.to)),
        scale.getVisibleLogicalRange(), utc.length);
      scale.setVisibleLogicalRange(range as LogicalRange);
    }));
    return () => cancelAnimationFrame(frame);
  }, [chart, focus, utc, data]);

  const shown = hover ?? bars.length - 1;
  const bar = bars[shown];
  const readout = bar ? barReadout(bar, timeframe, zone, drawn.map((line) => ({ name: line.name, value: line.values[shown] }))) : null;
  const legend = drawn.map((line, k) => ({ name: line.name, color: line.color, text: readout?.lines[k]?.text ?? '—' }));

  return (
    <div>
      <ChartReadout readout={readout} legend={legend} />
      <div ref={ref} className="chart" style={{ height: total }} data-testid={testId} data-bars={bars.length}
        data-markers={markers.length} data-lines={drawn.length} data-zone={clock.zone} data-hover={hover ?? ''}
        role="img" aria-label={summary} />
    </div>
  );
}

/**
 * Keep the first and last bar in view on the element (`data-visible-from`/`-to`, UTC ISO), so a test
 * (and a user's tooling) can tell what the chart shows without reading pixels.
 */
function visibleRangeRecorder(el: HTMLElement, chart: IChartApi, utc: number[]): () => void {
  let frame = 0;
  let stopped = false;
  const write = () => {
    frame = 0;
    if (stopped || utc.length === 0) return;
    const range = chart.timeScale().getVisibleLogicalRange();
    if (!range) return;
    const at = (i: number) => new Date((utc[Math.min(Math.max(i, 0), utc.length - 1)] ?? 0) * 1000).toISOString();
    el.dataset.visibleFrom = at(Math.ceil(range.from));
    el.dataset.visibleTo = at(Math.floor(range.to));
  };
  const schedule = () => {
    if (!stopped && !frame) frame = requestAnimationFrame(write);
  };
  chart.timeScale().subscribeVisibleLogicalRangeChange(schedule);
  schedule();
  return () => {
    stopped = true;
    if (frame) cancelAnimationFrame(frame);
    safely(chart, () => chart.timeScale().unsubscribeVisibleLogicalRangeChange(schedule));
  };
}

/**
 * Draw the fill markers, each with its label only where the label has room at the current zoom (see
 * labelsWithRoom); redrawn when a zoom changes the bar spacing. The element's `data-marker-labels` says
 * how many labels are drawn, so a test can tell without reading pixels.
 */
function markerLabeller(el: HTMLElement, chart: IChartApi, markers: FillMarker[],
  draw: (list: SeriesMarker<UTCTimestamp>[]) => void, timeOf: (m: FillMarker) => UTCTimestamp) {
  let frame = 0;
  let stopped = false;
  let last: string | null = null;
  const write = () => {
    frame = 0;
    if (stopped) return;
    const scale = chart.timeScale();
    const range = scale.getVisibleLogicalRange();
    const span = range ? range.to - range.from : 0;
    const shown = labelsWithRoom(markers, span > 0 ? scale.width() / span : 0);
    const key = shown.map((s) => (s ? 1 : 0)).join('');
    if (key === last) return;
    last = key;
    draw(markers.map((m, i): SeriesMarker<UTCTimestamp> => {
      const buy = m.side === 'buy';
      return { time: timeOf(m), position: buy ? 'belowBar' : 'aboveBar', shape: buy ? 'arrowUp' : 'arrowDown',
        color: buy ? COLORS.up : COLORS.down, text: shown[i] ? m.label : undefined };
    }));
    el.dataset.markerLabels = String(shown.filter(Boolean).length);
  };
  const schedule = () => {
    if (!stopped && !frame) frame = requestAnimationFrame(write);
  };
  chart.timeScale().subscribeVisibleLogicalRangeChange(schedule);
  write();
  return {
    stop: () => {
      stopped = true;
      if (frame) cancelAnimationFrame(frame);
    },
    detach: () => chart.timeScale().unsubscribeVisibleLogicalRangeChange(schedule),
  };
}
