import { CandlestickSeries, HistogramSeries, createSeriesMarkers, type SeriesMarker,
  type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo } from 'react';
import type { Bar } from '@/lib/api/types';
import { formatQty } from '@/lib/format';
import { COLORS, toSeconds, zoneLocalization } from './chartTheme';
import { safely, useChart } from './useChart';

export interface TradeMark {
  ts: string;
  side: 'buy' | 'sell' | string;
  qty: string;
  price: string;
}

/** The bar at or before `t` (fills happen inside a bar): binary search over sorted bar times. */
export function snapToBar(times: number[], t: number): number | null {
  if (times.length === 0) return null;
  let lo = 0;
  let hi = times.length - 1;
  const first = times[0] ?? 0;
  if (t < first) return first;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((times[mid] ?? 0) <= t) lo = mid;
    else hi = mid - 1;
  }
  return times[lo] ?? null;
}

export function CandleChart({ bars, marks = [], zone, intraday, height = 360, testId = 'candle-chart' }:
  { bars: Bar[]; marks?: TradeMark[]; zone: string; intraday: boolean; height?: number; testId?: string }) {
  const { ref, chart } = useChart(height);

  const data = useMemo(() => bars.map((b) => ({
    time: toSeconds(b.ts), open: Number(b.open), high: Number(b.high), low: Number(b.low), close: Number(b.close),
    volume: Number(b.volume),
  })), [bars]);

  const markers = useMemo(() => {
    const times = data.map((d) => d.time as number);
    const withText = marks.length <= 60;
    return marks
      .map((m): SeriesMarker<UTCTimestamp> | null => {
        const time = snapToBar(times, toSeconds(m.ts));
        if (time === null) return null;
        const buy = m.side === 'buy';
        return {
          time: time as UTCTimestamp, position: buy ? 'belowBar' : 'aboveBar', shape: buy ? 'arrowUp' : 'arrowDown',
          color: buy ? COLORS.up : COLORS.down, text: withText ? `${buy ? 'B' : 'S'} ${formatQty(m.qty)}` : undefined,
        };
      })
      .filter((m): m is SeriesMarker<UTCTimestamp> => m !== null)
      .sort((a, b) => (a.time as number) - (b.time as number));
  }, [marks, data]);

  useEffect(() => {
    if (!chart) return undefined;
    chart.applyOptions(zoneLocalization(zone, intraday));
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down,
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' },
      color: COLORS.volume, lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    candles.setData(data.map(({ volume: _v, ...c }) => c));
    volume.setData(data.map((d) => ({ time: d.time, value: d.volume,
      color: d.close >= d.open ? '#1a4d3680' : '#6b262680' })));
    const plugin = createSeriesMarkers(candles, markers);
    chart.timeScale().fitContent();
    return () => safely(() => {
      plugin.detach();
      chart.removeSeries(volume);
      chart.removeSeries(candles);
    });
  }, [chart, data, markers, zone, intraday]);

  return <div ref={ref} className="chart" style={{ height }} data-testid={testId} data-bars={bars.length}
    data-markers={markers.length} />;
}
