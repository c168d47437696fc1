/**
 * What a chart says in words: the key figures as its text alternative (a canvas says nothing to a
 * screen reader), and the tick labels it draws, kept on the element so a test reads what a user sees.
 */
import type { IChartApi, Time } from 'lightweight-charts';
import { formatAxisPrice } from '@/lib/format';
import type { ChartClock, TickListener } from './chartTime';

/** "Equity, 2020-01-02 to 2024-10-30: start 100,000.00, end 112,345.67, low 95,000.00, high 120,000.00." */
export function chartSummary(what: string, points: Array<{ time: Time; value: number }>, clock: ChartClock,
  format: (value: number) => string = formatAxisPrice): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return `${what}: no data.`;
  let low = first.value;
  let high = first.value;
  for (const { value } of points) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const zone = clock.daily ? '' : ` (${clock.zone})`;
  return `${what}, ${clock.label(first.time)} to ${clock.label(last.time)}${zone}: start ${format(first.value)}, `
    + `end ${format(last.value)}, low ${format(low)}, high ${format(high)}.`;
}

export interface TickRecorder {
  onTick: TickListener;
  /** No more writes (safe on a removed chart). */
  stop(): void;
  /** Unsubscribe from the chart (only while it lives). */
  detach(): void;
}

/** Keep the labels of the ticks in the visible range in `data-tick-labels` ("2021|Apr|Jul|2022|…"). */
export function tickRecorder(el: HTMLElement, chart: IChartApi): TickRecorder {
  const labels = new Map<number, string>();
  let frame = 0;
  let stopped = false;
  const write = () => {
    frame = 0;
    if (stopped) return;
    const range = chart.timeScale().getVisibleRange();
    if (!range) return;
    const [from, to] = [Number(range.from), Number(range.to)];
    el.dataset.tickLabels = [...labels].filter(([t]) => t >= from && t <= to).sort(([a], [b]) => a - b)
      .map(([, label]) => label).join('|');
  };
  const schedule = () => {
    if (!stopped && !frame) frame = requestAnimationFrame(write);
  };
  chart.timeScale().subscribeVisibleTimeRangeChange(schedule);
  return {
    onTick: (time, label) => {
      labels.set(time, label);
      schedule();
    },
    stop: () => {
      stopped = true;
      if (frame) cancelAnimationFrame(frame);
    },
    detach: () => chart.timeScale().unsubscribeVisibleTimeRangeChange(schedule),
  };
}
