import { ColorType, CrosshairMode, TickMarkType, type DeepPartial, type ChartOptions, type Time,
  type UTCTimestamp } from 'lightweight-charts';
import { formatInZone } from '@/lib/time/zone';

export const COLORS = {
  up: '#22c57a',
  down: '#ff5d5d',
  accent: '#4cb3ff',
  benchmark: '#98a3b0',
  grid: '#161d26',
  text: '#98a3b0',
  border: '#222b37',
  volume: '#2c3745',
};

export function toSeconds(iso: string): UTCTimestamp {
  return Math.floor(new Date(iso).getTime() / 1000) as UTCTimestamp;
}

function seconds(time: Time): number {
  if (typeof time === 'number') return time;
  if (typeof time === 'string') return new Date(`${time}T00:00:00Z`).getTime() / 1000;
  return Date.UTC(time.year, time.month - 1, time.day) / 1000;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Axis and crosshair labels in the zone the user chose (the chart's own data stays in UTC seconds). */
export function zoneLocalization(zone: string, intraday: boolean) {
  const tick = (time: Time, type: TickMarkType): string => {
    const ms = seconds(time) * 1000;
    const full = formatInZone(ms, zone, 'seconds'); // YYYY-MM-DD HH:mm:ss
    const [y = '', m = '1', d = ''] = full.slice(0, 10).split('-');
    switch (type) {
      case TickMarkType.Year: return y;
      case TickMarkType.Month: return `${MONTHS[Number(m) - 1] ?? m} ${y.slice(2)}`;
      case TickMarkType.DayOfMonth: return `${MONTHS[Number(m) - 1] ?? m} ${Number(d)}`;
      case TickMarkType.TimeWithSeconds: return full.slice(11);
      default: return full.slice(11, 16);
    }
  };
  return {
    localization: {
      timeFormatter: (time: Time) => formatInZone(seconds(time) * 1000, zone, intraday ? 'datetime' : 'date'),
    },
    timeScale: { tickMarkFormatter: tick, timeVisible: intraday, secondsVisible: false },
  };
}

export function baseOptions(height: number): DeepPartial<ChartOptions> {
  return {
    height,
    autoSize: false,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: COLORS.text,
      fontSize: 11,
      fontFamily: "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace",
      panes: { separatorColor: COLORS.border, separatorHoverColor: '#2c3745', enableResize: true },
      attributionLogo: false,
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    rightPriceScale: { borderColor: COLORS.border },
    timeScale: { borderColor: COLORS.border, rightOffset: 3 },
    crosshair: { mode: CrosshairMode.Normal },
  };
}
