import { TickMarkType, type Time } from 'lightweight-charts';
import { describe, expect, it } from 'vitest';
import { chartClock, PRICE_FORMAT } from './chartTime';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('chart time labels', () => {
  it('labels daily bars by their dates in every zone: years and months where they begin', () => {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
      const clock = chartClock(zone, '1Day');
      const [may, newYear, jan3] = clock.times([at('2023-05-01T00:00:00Z'), at('2024-01-01T00:00:00Z'),
        at('2024-01-03T00:00:00Z')]).sort((a, b) => a - b) as [Time, Time, Time];
      expect(clock.tick(may, TickMarkType.Month)).toBe('May');
      expect(clock.tick(newYear, TickMarkType.Year)).toBe('2024');
      expect(clock.tick(jan3, TickMarkType.DayOfMonth)).toBe('Jan 3');
      expect(clock.label(jan3)).toBe('2024-01-03');
      expect(clock.zone).toBe('UTC');
    }
  });

  it('puts intraday ticks at the zone\'s midnights and labels them in the zone', () => {
    const ny = chartClock('America/New_York', '1Min');
    const [newYear, open, midnight] = ny.times([at('2024-01-01T05:00:00Z'), at('2024-03-01T14:30:00Z'),
      at('2024-03-02T05:00:00Z')]) as [Time, Time, Time];
    // the chart is given New York's wall clock: its UTC-based day/year boundaries are New York's
    expect(newYear).toBe(at('2024-01-01T00:00:00Z'));
    expect(open).toBe(at('2024-03-01T09:30:00Z'));
    expect(ny.tick(newYear, TickMarkType.Year)).toBe('2024');
    expect(ny.tick(open, TickMarkType.Time)).toBe('09:30');
    expect(ny.tick(midnight, TickMarkType.DayOfMonth)).toBe('Mar 2');
    expect(ny.label(open)).toBe('2024-03-01 09:30');

    const tokyo = chartClock('Asia/Tokyo', '1Hour');
    const [tokyoYear] = tokyo.times([at('2023-12-31T15:00:00Z')]) as [Time];
    expect(tokyo.tick(tokyoYear, TickMarkType.Year)).toBe('2024');
    expect(tokyo.label(tokyoYear)).toBe('2024-01-01 00:00');
  });

  it('shows seconds on a 1-second run\'s axis, so its ticks differ', () => {
    const clock = chartClock('America/New_York', '1Sec');
    const times = clock.times([at('2024-03-01T14:30:15Z'), at('2024-03-01T14:30:16Z')]) as Time[];
    expect(times.map((t) => clock.tick(t, TickMarkType.TimeWithSeconds))).toEqual(['09:30:15', '09:30:16']);
    expect(clock.label(times[0] as Time)).toBe('2024-03-01 09:30:15');
    expect(clock.options().timeScale?.secondsVisible).toBe(true);
    expect(chartClock('UTC', '1Min').options().timeScale?.secondsVisible).toBe(false);
    // room for the 8-character labels to keep apart (trial 30 saw "08:32:3608:32:47")
    expect(clock.options().timeScale?.tickMarkMaxCharacterLength).toBe(10);
    expect(chartClock('UTC', '1Min').options().timeScale?.tickMarkMaxCharacterLength).toBeUndefined();
    expect(chartClock('UTC', '1Day').options().timeScale?.timeVisible).toBe(false);
  });

  it('keeps times increasing through a DST fall-back hour, with true labels', () => {
    const clock = chartClock('America/New_York', '1Min');
    const times = clock.times([at('2024-11-03T05:30:00Z'), at('2024-11-03T06:00:00Z'), at('2024-11-03T06:30:00Z')]);
    expect(times[1]).toBeGreaterThan(times[0] as number);
    expect(times[2]).toBeGreaterThan(times[1] as number);
    expect(times.map((t) => clock.label(t))).toEqual(['2024-11-03 01:30', '2024-11-03 01:00', '2024-11-03 01:30']);
  });

  it('groups thousands on the price and equity axes', () => {
    expect(PRICE_FORMAT.formatter(104250.5)).toBe('104,250.50');
    expect(chartClock('UTC', '1Day').options().localization?.priceFormatter).toBeUndefined();
  });
});
