/** What a timeframe name means: its bar length, whether its bars are dates, a form's default per mode. */
import type { Mode, Timeframe } from './api/types';

const UNIT_SECONDS: Record<string, number> = { Sec: 1, Min: 60, Hour: 3600, Day: 86_400, Week: 604_800 };

/** Seconds in one bar of `timeframe` (`1Sec` → 1, `15Min` → 900); null for a name that is no bar length. */
export function barSeconds(timeframe: string): number | null {
  const match = /^(\d+)(Sec|Min|Hour|Day|Week)$/.exec(timeframe);
  return match ? Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 0) : null;
}

/** Daily and longer bars are calendar dates, not instants. */
export function isDaily(timeframe: string): boolean {
  return (barSeconds(timeframe) ?? 0) >= 86_400;
}

/** A form's starting timeframe: a backtest starts on daily bars (what most stored data is); a paper or
 *  live run trades from now on, where daily bars would give its first decision tomorrow, so it starts on
 *  minute bars, which Alpaca and the local exchange both serve (seconds are a pick away). */
export function defaultTimeframe(mode: Mode): Timeframe {
  return mode === 'backtest' ? '1Day' : '1Min';
}
