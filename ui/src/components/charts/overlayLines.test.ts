import { TickMarkType } from 'lightweight-charts';
import { describe, expect, it } from 'vitest';
import { withYear } from './OverlayLinesChart';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('withYear', () => {
  const first = at('2021-01-04T00:00:00Z');

  it('names the year on month and day ticks before the data reaches its next January', () => {
    expect(withYear('Feb', at('2021-02-01T00:00:00Z'), TickMarkType.Month, first)).toBe('Feb 2021');
    expect(withYear('Jan 18', at('2021-01-18T00:00:00Z'), TickMarkType.DayOfMonth, first)).toBe('Jan 18 2021');
  });

  it('leaves later ticks and year ticks as they are', () => {
    expect(withYear('Apr', at('2022-04-01T00:00:00Z'), TickMarkType.Month, first)).toBe('Apr');
    expect(withYear('2022', at('2022-01-03T00:00:00Z'), TickMarkType.Year, first)).toBe('2022');
    expect(withYear('09:30', at('2021-01-04T09:30:00Z'), TickMarkType.Time, first)).toBe('09:30');
  });
});
