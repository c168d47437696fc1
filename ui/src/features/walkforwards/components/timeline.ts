/**
 * Where each fold's windows sit on a shared time axis (the fold timeline's geometry). A band covers its
 * first bar to the end of its last; the warm-up band ends where the test begins and starts at its first
 * bar (`warmup_first`) when the fold gives it, else an estimated length per bar before (weekends and
 * sessions make bars and calendar time differ), marked approximate. The warm-up bars are the train
 * window's last ones (without a gap): 200 daily bars are ~9.5 of a 12-month train's months. Rows keep a
 * readable height however many folds there are (the drawing grows taller), and with rows too tight for
 * every label only every k-th fold is named.
 */
export interface TimelineFold {
  index: number;
  train_first: string;
  train_last: string;
  test_first: string;
  test_last: string;
  warmup_bars: number;
  /** The first warm-up bar's time: the band's exact start. */
  warmup_first?: string | null;
  partial: boolean;
}

export interface Band { x: number; width: number; from: number; to: number }

export interface TimelineRow {
  index: number;
  /** The fold's number as shown (1-based), or null when this row's label is left out for room. */
  label: string | null;
  y: number;
  train: Band;
  test: Band;
  warmup: Band | null;
  /** The warm-up band starts at its first bar (false: at an estimate). */
  warmupExact: boolean;
  partial: boolean;
}

export interface TimelineLayout {
  width: number;
  height: number;
  rowHeight: number;
  /** Every k-th fold is labelled (1: all of them). */
  labelEvery: number;
  left: number;
  axisY: number;
  rows: TimelineRow[];
  ticks: Array<{ x: number; t: number }>;
  span: { from: number; to: number };
}

export interface TimelineOptions {
  width: number;
  /** The bar's own length (a band reaches the end of its last bar). */
  barMs: number;
  /** Calendar time per bar for the warm-up estimate (a trading day is ~1.45 calendar days). */
  warmupMsPerBar: number;
  rowHeight?: number;
  rowGap?: number;
  /** The labels' font size: a row pitch below it (plus 2 px) labels only every k-th fold. */
  fontSize?: number;
  left?: number;
  right?: number;
  top?: number;
  axisHeight?: number;
}

const DAY = 86_400_000;

/** Row height and gap: roomy for a few folds, a fixed 14 px pitch (10 px bars) for many. */
export function rowSize(folds: number): { rowHeight: number; rowGap: number } {
  return folds <= 16 ? { rowHeight: 16, rowGap: 6 } : { rowHeight: 10, rowGap: 4 };
}

export function timelineLayout(folds: TimelineFold[], o: TimelineOptions): TimelineLayout {
  const size = rowSize(folds.length);
  const { width, barMs, warmupMsPerBar, rowHeight = size.rowHeight, rowGap = size.rowGap, fontSize = 11, left = 64, right = 12,
    top = 6, axisHeight = 22 } = o;
  const labelEvery = Math.max(1, Math.ceil((fontSize + 2) / (rowHeight + rowGap)));
  const ms = (iso: string) => Date.parse(iso);
  const from = Math.min(...folds.map((f) => ms(f.train_first)));
  const to = Math.max(...folds.map((f) => ms(f.test_last) + barMs));
  const inner = Math.max(1, width - left - right);
  const scale = (t: number) => left + ((t - from) / Math.max(1, to - from)) * inner;
  const band = (a: number, b: number): Band => ({ x: scale(a), width: Math.max(1, scale(b) - scale(a)), from: a, to: b });
  const rows = folds.map((f, i): TimelineRow => {
    const testStart = ms(f.test_first);
    const warmupExact = Boolean(f.warmup_first);
    const warmStart = Math.max(from, warmupExact ? ms(f.warmup_first!) : testStart - f.warmup_bars * warmupMsPerBar);
    return {
      index: f.index,
      label: i % labelEvery === 0 ? `fold ${f.index + 1}` : null,
      y: top + i * (rowHeight + rowGap),
      train: band(ms(f.train_first), ms(f.train_last) + barMs),
      test: band(testStart, ms(f.test_last) + barMs),
      warmup: f.warmup_bars > 0 && warmStart < testStart ? band(warmStart, testStart) : null,
      warmupExact,
      partial: f.partial,
    };
  });
  const axisY = top + folds.length * (rowHeight + rowGap);
  const ticks = folds.length ? timeTicks(from, to, Math.max(2, Math.min(8, Math.floor(inner / 110)))).map((t) => ({ t, x: scale(t) })) : [];
  return { width, height: axisY + axisHeight, rowHeight, labelEvery, left, axisY, rows, ticks, span: { from, to } };
}

/** Round UTC moments between `from` and `to`, at most `most` of them: month starts (1, 3, 6 or 12 apart), else days. */
export function timeTicks(from: number, to: number, most = 8): number[] {
  if (!(to > from)) return [];
  const months = (to - from) / (30.44 * DAY);
  if (months >= 2) {
    const step = [1, 3, 6, 12, 24, 60].find((s) => months / s <= most) ?? 120;
    const start = new Date(from);
    let y = start.getUTCFullYear();
    let m = start.getUTCMonth() + 1;  // the first month start after `from`
    if (m > 11) { y += 1; m = 0; }
    while (m % step !== 0 && step <= 12) { m += 1; if (m > 11) { y += 1; m = 0; } }
    if (step > 12) { y = Math.ceil(y / (step / 12)) * (step / 12); m = 0; }
    const out: number[] = [];
    for (let t = Date.UTC(y, m, 1); t <= to; ) {
      if (t >= from) out.push(t);
      m += step;
      y += Math.floor(m / 12);
      m %= 12;
      t = Date.UTC(y, m, 1);
    }
    return out;
  }
  const days = (to - from) / DAY;
  const step = [1, 2, 7, 14].find((s) => days / s <= most) ?? 28;
  const out: number[] = [];
  for (let t = Math.ceil(from / DAY) * DAY; t <= to; t += step * DAY) out.push(t);
  return out;
}
