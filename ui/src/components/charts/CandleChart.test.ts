import { describe, expect, it } from 'vitest';
import { centredRange, placeMarks, snapToBar } from './CandleChart';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const mark = (seconds: number, side = 'buy') => ({ ts: iso(seconds), side, qty: '1', price: '100' });
// Loaded minute bars at 10:00, 10:01, 10:02 and 10:04 (10:03 missing) of some day.
const T0 = 1_700_000_000 - (1_700_000_000 % 60);
const TIMES = [T0, T0 + 60, T0 + 120, T0 + 240];

describe('snapToBar', () => {
  it('finds the bar at or before a time, and none before the first bar', () => {
    expect(snapToBar(TIMES, T0)).toBe(T0);
    expect(snapToBar(TIMES, T0 + 59)).toBe(T0);
    expect(snapToBar(TIMES, T0 + 200)).toBe(T0 + 120);
    expect(snapToBar(TIMES, T0 - 1)).toBeNull();
    expect(snapToBar([], T0)).toBeNull();
  });
});

describe('placeMarks', () => {
  it('puts each fill on the bar it happened in', () => {
    const { placed, earlier, later } = placeMarks(TIMES, [mark(T0 + 61), mark(T0 + 245, 'sell'), mark(T0)], 60);
    expect(placed.map((p) => p.time)).toEqual([T0 + 60, T0 + 240, T0]);
    expect(placed[1]?.mark.side).toBe('sell');
    expect([earlier, later]).toEqual([0, 0]);
  });

  it('leaves out fills before the first loaded bar instead of drawing them on it', () => {
    const { placed, earlier } = placeMarks(TIMES, [mark(T0 - 86_400), mark(T0 - 1), mark(T0 + 30)], 60);
    expect(placed.map((p) => p.time)).toEqual([T0]);
    expect(earlier).toBe(2);
  });

  it('leaves out fills after the last loaded bar has ended, and keeps those inside it', () => {
    const { placed, later } = placeMarks(TIMES, [mark(T0 + 299), mark(T0 + 300), mark(T0 + 3600)], 60);
    expect(placed.map((p) => p.time)).toEqual([T0 + 240]);
    expect(later).toBe(2);
  });

  it('without a bar length keeps fills after the last bar on it, and with no bars places nothing', () => {
    expect(placeMarks(TIMES, [mark(T0 + 3600)]).placed.map((p) => p.time)).toEqual([T0 + 240]);
    expect(placeMarks([], [mark(T0)], 60)).toEqual({ placed: [], earlier: 1, later: 0 });
  });
});

describe('centredRange', () => {
  it("centres a trade's bars in the current zoom when it holds them", () => {
    expect(centredRange(100, 110, { from: 0, to: 40 }, 500)).toEqual({ from: 85, to: 125 });
  });

  it('zooms in from a whole run shown at once, and out for a trade longer than the view', () => {
    expect(centredRange(300, 300, { from: 0, to: 1000 }, 1000)).toEqual({ from: 240, to: 360 });
    const long = centredRange(50, 250, { from: 0, to: 40 }, 1000);
    expect(long.from).toBeLessThan(50);
    expect(long.to).toBeGreaterThan(250);
    expect((long.from + long.to) / 2).toBe(150);
  });
});
