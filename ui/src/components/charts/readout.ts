/**
 * What the crosshair reads out for one bar: its time as a trader reads it (a date for daily bars, the
 * zone's time with its offset intraday), O/H/L/C and volume with thousands separators, and each indicator's value.
 * Pure, so the words a user sees are tested without a canvas.
 */
import type { Bar } from '@/lib/api/types';
import { formatAxisPrice, formatPrice, formatQty } from '@/lib/format';
import { formatBarTime } from '@/lib/time/barTime';
import { offsetLabel } from '@/lib/time/zone';
import { isDaily } from '@/lib/timeframes';

export interface ReadoutLine {
  name: string;
  /** The line's value on this bar; null or NaN while it warms up. */
  value: number | null | undefined;
}

export interface Readout {
  time: string;
  fields: Array<{ label: string; text: string }>;
  lines: Array<{ name: string; text: string }>;
}

export function formatIndicatorValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : formatAxisPrice(value);
}

export function barReadout(bar: Bar, timeframe: string, zone: string, lines: ReadoutLine[] = []): Readout {
  return {
    time: isDaily(timeframe) ? formatBarTime(bar.ts, zone, timeframe)
      : `${formatBarTime(bar.ts, zone, timeframe)} ${offsetLabel(zone, new Date(bar.ts))}`,
    fields: [
      { label: 'O', text: formatPrice(bar.open) },
      { label: 'H', text: formatPrice(bar.high) },
      { label: 'L', text: formatPrice(bar.low) },
      { label: 'C', text: formatPrice(bar.close) },
      { label: 'Vol', text: formatQty(bar.volume) },
    ],
    lines: lines.map((line) => ({ name: line.name, text: formatIndicatorValue(line.value) })),
  };
}

/** The readout as one sentence, for assistive technology: "2023-01-03 O 1,234.50 H … SMA 10 1,230.12". */
export function readoutText(readout: Readout): string {
  return [readout.time, ...readout.fields.map((f) => `${f.label} ${f.text}`),
    ...readout.lines.map((l) => `${l.name} ${l.text}`)].join(' · ');
}
