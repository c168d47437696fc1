/**
 * How the times of a run read, by its timeframe. Daily and longer bars are calendar dates: a bar of
 * 2023-01-02 (and the fills, trades and equity points stamped with it) shows as "2023-01-02" in every
 * zone, as in the CSV export. Intraday times are instants, shown in the chosen zone; sub-minute bars
 * with their seconds.
 */
import { barSeconds, isDaily } from '../timeframes';
import { formatInZone, type TimeStyle } from './zone';

/** The style of a bar-stamped time (a bar, fill, trade, equity point) of a run on `timeframe`. */
export function barTimeStyle(timeframe: string): TimeStyle {
  if (isDaily(timeframe)) return 'day';
  return (barSeconds(timeframe) ?? 60) < 60 ? 'seconds' : 'datetime';
}

/** Like barTimeStyle, but an intraday record (an order, a fill) keeps its seconds whatever the bar length. */
export function recordTimeStyle(timeframe: string): TimeStyle {
  return isDaily(timeframe) ? 'day' : 'seconds';
}

/** A bar-stamped time of a run on `timeframe`, read as a trader reads it. */
export function formatBarTime(value: string | number | Date | null | undefined, zone: string, timeframe: string): string {
  return formatInZone(value, zone, barTimeStyle(timeframe));
}

/** What the times of a run on `timeframe` are: "dates" or "times in <zone>". */
export function timesNote(timeframe: string, zone: string): string {
  return isDaily(timeframe) ? 'dates' : `times in ${zone}`;
}
