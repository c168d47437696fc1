import { describe, expect, it } from 'vitest';
import { barTimeStyle, formatBarTime, recordTimeStyle } from './barTime';
import { formatInZone, wallClockSeconds } from './zone';

const ZONES = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'Australia/Sydney'];

describe('times per timeframe and zone', () => {
  it('shows a daily bar as its date in every zone, never the evening before', () => {
    for (const zone of ZONES) {
      expect(formatBarTime('2023-01-02T00:00:00Z', zone, '1Day')).toBe('2023-01-02');
      // Alpaca stamps daily bars at New York midnight: still the 2nd, in Tokyo too
      expect(formatBarTime('2023-01-02T05:00:00Z', zone, '1Day')).toBe('2023-01-02');
      expect(formatBarTime('2023-01-02T00:00:00Z', zone, '1Week')).toBe('2023-01-02');
    }
  });

  it('shows intraday bars in the zone, with seconds below a minute', () => {
    const iso = '2024-03-01T14:30:15Z';
    expect(formatBarTime(iso, 'America/New_York', '1Min')).toBe('2024-03-01 09:30');
    expect(formatBarTime(iso, 'Asia/Tokyo', '1Hour')).toBe('2024-03-01 23:30');
    expect(formatBarTime(iso, 'Asia/Tokyo', '1Sec')).toBe('2024-03-01 23:30:15');
    expect(formatBarTime(iso, 'America/New_York', '5Sec')).toBe('2024-03-01 09:30:15');
    expect(formatBarTime('2024-03-01T15:00:00Z', 'Asia/Tokyo', '1Min')).toBe('2024-03-02 00:00');
  });

  it('keeps the seconds of intraday orders and fills, and dates on daily runs', () => {
    expect(recordTimeStyle('1Min')).toBe('seconds');
    expect(recordTimeStyle('1Day')).toBe('day');
    expect(barTimeStyle('15Min')).toBe('datetime');
    expect(formatInZone('2023-01-02T00:00:00Z', 'America/New_York', recordTimeStyle('1Day'))).toBe('2023-01-02');
  });

  it('gives a chart the wall clock of the zone, DST included', () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    expect(wallClockSeconds(at('2024-01-02T14:30:00Z'), 'America/New_York')).toBe(at('2024-01-02T09:30:00Z'));
    expect(wallClockSeconds(at('2024-07-01T13:30:00Z'), 'America/New_York')).toBe(at('2024-07-01T09:30:00Z'));
    expect(wallClockSeconds(at('2024-07-01T15:00:00Z'), 'Asia/Tokyo')).toBe(at('2024-07-02T00:00:00Z'));
    expect(wallClockSeconds(at('2024-07-01T15:00:00Z'), 'UTC')).toBe(at('2024-07-01T15:00:00Z'));
  });
});
