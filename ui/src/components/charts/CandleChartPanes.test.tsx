import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Bar } from '@/lib/api/types';
import { CandleChart, type ChartLine, type TradeMark } from './CandleChart';

/** A chart that keeps its panes as lightweight-charts 5 does: a series goes to the pane it names (made when
 *  missing), and a pane left without a series is removed, so the panes after it move up one. */
const fake = vi.hoisted(() => {
  interface Series { name: string; setData: () => void }
  const panes: Series[][] = [];
  const made = { count: 0 };
  const noop = () => undefined;
  const scale = { fitContent: noop, getVisibleRange: () => null, getVisibleLogicalRange: () => null, width: () => 600,
    setVisibleLogicalRange: noop, subscribeVisibleTimeRangeChange: noop, unsubscribeVisibleTimeRangeChange: noop,
    subscribeVisibleLogicalRangeChange: noop, unsubscribeVisibleLogicalRangeChange: noop };
  const chart = {
    options: () => ({ width: 600 }), applyOptions: noop, remove: noop, priceScale: () => ({ applyOptions: noop }),
    timeScale: () => scale, subscribeCrosshairMove: noop, unsubscribeCrosshairMove: noop,
    addSeries: (type: { name?: string }, _options: unknown, pane = 0) => {
      const series = { name: String(type), setData: noop };
      made.count += 1;
      while (panes.length <= pane) panes.push([]);
      panes[pane]!.push(series);
      return series;
    },
    removeSeries: (series: Series) => {
      const index = panes.findIndex((p) => p.includes(series));
      panes[index] = panes[index]!.filter((s) => s !== series);
      if (panes[index]!.length === 0) panes.splice(index, 1);
    },
    panes: () => panes.map(() => ({ setHeight: noop })),
    removePane: (index: number) => { panes.splice(index, 1); },
  };
  return { chart, panes, made };
});

vi.mock('lightweight-charts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('lightweight-charts')>()),
  createChart: () => fake.chart, CandlestickSeries: 'candles', HistogramSeries: 'volume', LineSeries: 'line',
  createSeriesMarkers: () => ({ setMarkers: () => undefined, detach: () => undefined }),
}));

const bars: Bar[] = [0, 1, 2].map((i) => ({ ts: new Date(Date.UTC(2026, 11, 7, 14, 30, i)).toISOString(), open: '10',
  high: '11', low: '9', close: '10', volume: '100' }) as Bar);
const rsi: ChartLine[] = [{ name: 'RSI 14', pane: 'separate', points: bars.map((b) => ({ ts: b.ts, value: 50 })) }];
const fill = (second: number): TradeMark => ({ ts: bars[second]!.ts, side: 'buy', qty: '1', price: '10' });

describe('a separate-pane indicator on a live run page', () => {
  it('stays in its own pane when a new fill redraws the candles (trial 24: it fell onto the price axis)', () => {
    const props = { bars, lines: rsi, zone: 'UTC', timeframe: '1Sec' } as const;
    const { rerender } = render(<CandleChart {...props} marks={[fill(0)]} />);
    expect(fake.panes.map((pane) => pane.map((s) => s.name))).toEqual([['candles', 'volume'], ['line']]);
    rerender(<CandleChart {...props} marks={[fill(0), fill(2)]} />);  // a fill: new markers, the same bars
    expect(fake.panes.map((pane) => pane.map((s) => s.name))).toEqual([['candles', 'volume'], ['line']]);
    const more = [...bars, { ...bars[2]!, ts: new Date(Date.UTC(2026, 11, 7, 14, 30, 3)).toISOString() }];
    rerender(<CandleChart {...props} bars={more} lines={[{ ...rsi[0]!, points: more.map((b) => ({ ts: b.ts,
      value: 51 })) }]} marks={[fill(0), fill(2)]} />);  // the next second's bar and indicator value
    expect(fake.panes.map((pane) => pane.map((s) => s.name))).toEqual([['candles', 'volume'], ['line']]);
    expect(fake.made.count).toBe(3);  // made once, then only given new data (trial 25: a blank live chart)
  });
});
