import { describe, expect, it } from 'vitest';
import { stabilityChart, stabilityRows } from './stability';
import { timelineLayout, timeTicks, type TimelineFold } from './timeline';

const DAY = 86_400_000;
const fold = (index: number, train: [string, string], test: [string, string], extra: Partial<TimelineFold> = {}): TimelineFold => ({
  index, train_first: `${train[0]}T00:00:00Z`, train_last: `${train[1]}T00:00:00Z`, test_first: `${test[0]}T00:00:00Z`,
  test_last: `${test[1]}T00:00:00Z`, warmup_bars: 0, partial: false, ...extra,
});

describe('fold timeline geometry', () => {
  const folds = [
    fold(0, ['2020-01-01', '2020-12-30'], ['2020-12-31', '2021-03-30']),
    fold(1, ['2020-04-01', '2021-03-30'], ['2021-03-31', '2021-06-29'], { warmup_bars: 10, partial: true }),
  ];
  const layout = timelineLayout(folds, { width: 1076, left: 64, right: 12, barMs: DAY, warmupMsPerBar: DAY });

  it('puts every fold on one axis: the first train at the left edge, the last test (through its last bar) at the right', () => {
    expect(layout.span).toEqual({ from: Date.parse('2020-01-01T00:00:00Z'), to: Date.parse('2021-06-30T00:00:00Z') });
    expect(layout.rows[0]!.train.x).toBe(64);
    const last = layout.rows[1]!.test;
    expect(last.x + last.width).toBeCloseTo(1064, 6);
    // a test window begins where its train window's last bar ends
    expect(layout.rows[0]!.test.x).toBeCloseTo(layout.rows[0]!.train.x + layout.rows[0]!.train.width, 6);
    // rolling: the second train window starts 91 days later, at 91/546 of the 1000 px
    expect(layout.rows[1]!.train.x).toBeCloseTo(64 + (91 / 546) * 1000, 6);
  });

  it('ends the warm-up where the test begins, one row per fold below the other, and keeps the partial flag', () => {
    expect(layout.rows.map((r) => r.label)).toEqual(['fold 1', 'fold 2']);
    const [first, second] = layout.rows;
    expect(first!.warmup).toBeNull();
    expect(second!.warmup!.to).toBe(Date.parse('2021-03-31T00:00:00Z'));
    expect(second!.warmup!.from).toBe(Date.parse('2021-03-21T00:00:00Z'));
    expect(second!.y - first!.y).toBe(22);
    expect(second!.partial).toBe(true);
    expect(layout.axisY).toBe(6 + 2 * 22);
  });

  it('keeps a readable 14 px row pitch with 52 folds: the drawing grows taller and every fold is labelled from 1', () => {
    const many = Array.from({ length: 52 }, (_, i) => fold(i, ['2020-01-02', `2020-${String(2 + (i % 10)).padStart(2, '0')}-01`],
      ['2021-01-04', '2021-02-01']));
    const tall = timelineLayout(many, { width: 1000, barMs: DAY, warmupMsPerBar: DAY });
    expect(tall.rows[1]!.y - tall.rows[0]!.y).toBe(14);
    expect(tall.rowHeight).toBe(10);
    expect(tall.axisY).toBe(6 + 52 * 14);
    expect(tall.height).toBe(6 + 52 * 14 + 22);
    expect(tall.labelEvery).toBe(1);
    expect(tall.rows.map((r) => r.label).slice(0, 2)).toEqual(['fold 1', 'fold 2']);
    expect(tall.rows[51]!.label).toBe('fold 52');
    // rows tighter than the 11 px labels name every k-th fold only
    const tight = timelineLayout(many, { width: 1000, barMs: DAY, warmupMsPerBar: DAY, rowHeight: 5, rowGap: 1 });
    expect(tight.labelEvery).toBe(3);
    expect(tight.rows.slice(0, 4).map((r) => r.label)).toEqual(['fold 1', null, null, 'fold 4']);
  });

  it('ticks at quarter (or month, half-year, year) starts, at most eight, or at days for a short span', () => {
    expect(timeTicks(Date.parse('2020-01-15T00:00:00Z'), Date.parse('2021-06-30T00:00:00Z')).map((t) => new Date(t).toISOString().slice(0, 7)))
      .toEqual(['2020-04', '2020-07', '2020-10', '2021-01', '2021-04']);
    expect(timeTicks(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-04T00:00:00Z')).length).toBe(4);
    expect(timeTicks(5, 5)).toEqual([]);
  });
});

describe('parameter stability', () => {
  it('reads swept parameters from the folds when the server sends no stability rows', () => {
    const rows = stabilityRows({
      stability: [],
      grid: { fast: [5, 10], slow: [20], short: [true, false] },
      folds: [{ params: { fast: 5, slow: 20, short: true } }, { params: null }, { params: { fast: 10, slow: 20, short: true } }] as never,
    });
    expect(rows).toEqual([
      { name: 'fast', values: [5, null, 10], distinct: 2 },
      { name: 'short', values: [true, null, true], distinct: 1 },
    ]);
  });

  it('scales numbers, breaks the line at a fold without a choice, and labels the folds', () => {
    const chart = stabilityChart({ name: 'fast', values: [5, 10, null, 20], distinct: 3 }, [0, 1, 2, 3],
      { width: 360, height: 100, pad: 10, left: 40 });
    expect(chart.numeric).toBe(true);
    expect(chart.points.map((p) => [p.fold, p.x, p.y])).toEqual([[0, 50, 90], [1, 150, 90 - (5 / 15) * 80], [3, 350, 10]]);
    expect(chart.segments.map((s) => s.length)).toEqual([2, 1]);
    expect(chart.xTicks.map((t) => t.label)).toEqual(['0', '1', '2', '3']);
    expect(chart.yTicks.map((t) => t.label)).toEqual(['5', '10', '20']);
  });

  it('names every k-th fold on the x axis when there are many', () => {
    const folds = Array.from({ length: 55 }, (_, i) => i + 1);
    const chart = stabilityChart({ name: 'fast', values: folds.map((f) => f % 7), distinct: 7 }, folds,
      { width: 360, height: 100, pad: 10, left: 44 });
    expect(chart.points).toHaveLength(55);
    expect(chart.xTicks.map((t) => t.label).slice(0, 3)).toEqual(['1', '6', '11']);
    expect(chart.xTicks).toHaveLength(11);
  });

  it('places booleans and strings by their distinct values', () => {
    const chart = stabilityChart({ name: 'short', values: [true, false, true], distinct: 2 }, [0, 1, 2],
      { width: 240, height: 100, pad: 10, left: 40 });
    expect(chart.numeric).toBe(false);
    expect(chart.yTicks).toEqual([{ y: 90, label: 'false' }, { y: 10, label: 'true' }]);
    expect(chart.points.map((p) => p.y)).toEqual([10, 90, 10]);
  });
});
