/**
 * Time on a chart as a trader reads it. lightweight-charts places its day, month and year ticks at UTC
 * boundaries of the times it is given, so an intraday chart is given the zone's wall clock (its ticks
 * then fall at the zone's midnights) and every label is formatted from the true instant in the zone.
 * Daily and longer bars are dates: given and labelled in UTC, the same in every zone.
 */
import { TickMarkType, type ChartOptions, type DeepPartial, type Time, type UTCTimestamp } from 'lightweight-charts';
import { formatAxisPrice } from '@/lib/format';
import { barTimeStyle } from '@/lib/time/barTime';
import { formatInZone, wallClockSeconds } from '@/lib/time/zone';
import { barSeconds, isDaily } from '@/lib/timeframes';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A price or equity series' format: thousands separators on its axis, crosshair and last-value labels
 *  (per series: a chart-wide localization.priceFormatter would override the drawdown pane's percentages). */
export const PRICE_FORMAT = { type: 'custom', formatter: formatAxisPrice, minMove: 0.000001 } as const;

export type TickListener = (time: number, label: string) => void;

export interface ChartClock {
  /** The zone the labels are in: UTC for dates. */
  zone: string;
  daily: boolean;
  /** Chart times for ascending UTC instants (seconds): the zone's wall clock, kept strictly increasing
   *  (a DST fall-back hour repeats wall times; those bars are nudged a second apart, labels stay true). */
  times(utcSeconds: number[]): UTCTimestamp[];
  /** The crosshair's and the text alternative's label of a chart time. */
  label(time: Time): string;
  /** An axis tick's label of a chart time. */
  tick(time: Time, type: TickMarkType): string;
  /** Chart options: the time formatters, seconds on the axis for sub-minute bars. */
  options(onTick?: TickListener): DeepPartial<ChartOptions>;
}

function chartSeconds(time: Time): number {
  if (typeof time === 'number') return time;
  if (typeof time === 'string') return Date.parse(`${time}T00:00:00Z`) / 1000;
  return Date.UTC(time.year, time.month - 1, time.day) / 1000;
}

export function chartClock(zone: string, timeframe: string): ChartClock {
  const daily = isDaily(timeframe);
  const shown = daily ? 'UTC' : zone;
  const withSeconds = !daily && (barSeconds(timeframe) ?? 60) < 60;
  const style = barTimeStyle(timeframe);
  const instants = new Map<number, number>(); // chart time → UTC instant, where they differ

  const instant = (time: Time) => {
    const t = chartSeconds(time);
    return instants.get(t) ?? t;
  };

  // The zone's offset per quarter hour (zones change offset on quarter hours): one Intl call per
  // 15 bars of minutes, not one per bar.
  const offsets = new Map<number, number>();
  const offset = (utc: number) => {
    const quarter = Math.floor(utc / 900) * 900;
    let value = offsets.get(quarter);
    if (value === undefined) {
      value = wallClockSeconds(quarter, shown) - quarter;
      offsets.set(quarter, value);
    }
    return value;
  };

  const times = (utcSeconds: number[]) => {
    let previous = -Infinity;
    return utcSeconds.map((utc) => {
      let t = shown === 'UTC' ? utc : utc + offset(utc);
      if (t <= previous) t = previous + 1;
      previous = t;
      if (t !== utc) instants.set(t, utc);
      return t as UTCTimestamp;
    });
  };

  const label = (time: Time) => formatInZone(instant(time) * 1000, shown, style);

  const tick = (time: Time, type: TickMarkType) => {
    const full = formatInZone(instant(time) * 1000, shown, 'seconds'); // YYYY-MM-DD HH:mm:ss
    const month = MONTHS[Number(full.slice(5, 7)) - 1] ?? full.slice(5, 7);
    switch (type) {
      case TickMarkType.Year: return full.slice(0, 4);
      case TickMarkType.Month: return month;
      case TickMarkType.DayOfMonth: return `${month} ${Number(full.slice(8, 10))}`;
      case TickMarkType.TimeWithSeconds: return full.slice(11, 19);
      default: return full.slice(11, 16);
    }
  };

  const options = (onTick?: TickListener): DeepPartial<ChartOptions> => ({
    localization: { timeFormatter: label },
    timeScale: {
      timeVisible: !daily,
      secondsVisible: withSeconds,
      // Labels of 8 characters ("08:32:36") are the library's default maximum, which spaced them too close
      // in our font: on 1Sec bars two touched ("08:32:3608:32:47", trial 30). Room for 10 keeps a gap.
      ...(withSeconds ? { tickMarkMaxCharacterLength: 10 } : {}),
      tickMarkFormatter: (time: Time, type: TickMarkType) => {
        const text = tick(time, type);
        onTick?.(chartSeconds(time), text);
        return text;
      },
    },
  });

  return { zone: shown, daily, times, label, tick, options };
}
