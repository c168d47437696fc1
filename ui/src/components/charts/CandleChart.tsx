import { CandlestickSeries, HistogramSeries, createSeriesMarkers, type SeriesMarker,
  type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import type { Bar } from '@/lib/api/types';
import { formatQty } from '@/lib/format';
import { chartClock, PRICE_FORMAT } from './chartTime';
import { chartSummary, tickRecorder } from './chartText';
import { COLORS, toSeconds } from './chartTheme';
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

export function CandleChart({ bars, marks = [], barSeconds, zone, timeframe, height = 360, testId = 'candle-chart',
  what = 'Price' }:
  { bars: Bar[]; marks?: TradeMark[]; barSeconds?: number; zone: string; timeframe: string; height?: number;
    testId?: string; what?: string }) {
  const { ref, chart } = useChart(height);
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
    const chartTime = new Map(utc.map((t, i) => [t, data[i]?.time]));
    const withText = placed.length <= 60;
    return placed
      .map(({ mark: m, time }): SeriesMarker<UTCTimestamp> => {
        const buy = m.side === 'buy';
        return {
          time: (chartTime.get(time) ?? time) as UTCTimestamp, position: buy ? 'belowBar' : 'aboveBar',
          shape: buy ? 'arrowUp' : 'arrowDown', color: buy ? COLORS.up : COLORS.down,
          text: withText ? `${buy ? 'B' : 'S'} ${formatQty(m.qty)}` : undefined,
        };
      })
      .sort((a, b) => (a.time as number) - (b.time as number));
  }, [marks, data, utc, barSeconds]);

  const summary = useMemo(() => chartSummary(`${what} (close)`, data.map((d) => ({ time: d.time, value: d.close })),
    clock), [what, data, clock]);

  useEffect(() => {
    const el = ref.current;
    if (!chart || !el) return undefined;
    const ticks = tickRecorder(el, chart);
    chart.applyOptions(clock.options(ticks.onTick));
    const candles = chart.addSeries(CandlestickSeries, {
      priceFormat: PRICE_FORMAT, upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down,
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' },
      color: COLORS.volume, lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    candles.setData(data.map(({ volume: _v, ...c }) => c));
    volume.setData(data.map((d) => ({ time: d.time, value: d.volume,
      color: d.close >= d.open ? '#1a4d3680' : '#6b262680' })));
    const plugin = createSeriesMarkers(candles, markers);
    chart.timeScale().fitContent();
    return () => {
      ticks.stop();
      safely(chart, () => {
        ticks.detach();
        plugin.detach();
        chart.removeSeries(volume);
        chart.removeSeries(candles);
      });
    };
  }, [chart, ref, data, markers, clock]);

  return <div ref={ref} className="chart" style={{ height }} data-testid={testId} data-bars={bars.length}
    data-markers={markers.length} data-zone={clock.zone} role="img" aria-label={summary} />;
}
