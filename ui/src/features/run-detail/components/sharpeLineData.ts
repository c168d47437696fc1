import type { LineData, UTCTimestamp, WhitespaceData } from 'lightweight-charts';

export type SharpePoint = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

/** The colour of the segment that would bridge a gap. Lightweight-charts (v5) leaves a whitespace point (`{ time }`)
 *  off the line but joins the points either side of it, and strokes the segment from a point to the next in the
 *  first point's colour: a point followed by a window with no figure gets this colour, so the line stops there. */
export const GAP_COLOR = 'transparent';

/** The rolling Sharpe as line points, one per window (its last day, UTC midnight): a window with no figure (null:
 *  its returns did not vary, e.g. a year without a position) is whitespace, and the line breaks across it rather
 *  than drawing a flat or diagonal line through windows that have no Sharpe. A lone figure between two gaps
 *  draws no segment (the crosshair still reads it). */
export function sharpeLineData(dates: string[], values: Array<number | null | undefined>): SharpePoint[] {
  const has = (i: number) => {
    const v = values[i];
    return v !== null && v !== undefined && Number.isFinite(v);
  };
  return dates.map((date, i) => {
    const time = (Date.parse(`${date}T00:00:00Z`) / 1000) as UTCTimestamp;
    if (!has(i)) return { time };
    const value = values[i] as number;
    return i + 1 < dates.length && !has(i + 1) ? { time, value, color: GAP_COLOR } : { time, value };
  });
}
