import { describe, expect, it } from 'vitest';
import { barReadout, formatIndicatorValue, readoutText } from './readout';

const BAR = { ts: '2023-01-02T00:00:00Z', open: '1234.5', high: '1250.125', low: '1200', close: '1249.99',
  volume: '1234567' };

describe('barReadout', () => {
  it('reads a daily bar as its date in every zone, prices and volume with thousands separators', () => {
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'UTC']) {
      const readout = barReadout(BAR, '1Day', zone);
      expect(readout.time).toBe('2023-01-02');
      expect(readout.fields).toEqual([{ label: 'O', text: '1,234.50' }, { label: 'H', text: '1,250.125' },
        { label: 'L', text: '1,200.00' }, { label: 'C', text: '1,249.99' }, { label: 'Vol', text: '1,234,567' }]);
    }
  });

  it("reads an intraday bar in the chosen zone, with the zone's offset", () => {
    const bar = { ...BAR, ts: '2024-03-08T14:30:00Z' };
    expect(barReadout(bar, '1Min', 'America/New_York').time).toBe('2024-03-08 09:30 GMT-5');
    expect(barReadout(bar, '1Min', 'Asia/Tokyo').time).toBe('2024-03-08 23:30 GMT+9');
    expect(barReadout(bar, '1Min', 'UTC').time).toBe('2024-03-08 14:30 UTC');
    expect(barReadout({ ...bar, ts: '2024-03-11T13:30:05Z' }, '1Sec', 'America/New_York').time)
      .toBe('2024-03-11 09:30:05 GMT-4');  // after the switch to daylight time
  });

  it("gives each indicator's value on the bar, a dash while it warms up", () => {
    const readout = barReadout(BAR, '1Day', 'UTC', [{ name: 'SMA 10', value: 1234.5678 }, { name: 'SMA 20', value: null },
      { name: 'RSI 14', value: Number.NaN }, { name: '20-bar return', value: 0.0523 }]);
    expect(readout.lines).toEqual([{ name: 'SMA 10', text: '1,234.57' }, { name: 'SMA 20', text: '—' },
      { name: 'RSI 14', text: '—' }, { name: '20-bar return', text: '0.05230' }]);
    expect(readoutText(readout)).toBe('2023-01-02 · O 1,234.50 · H 1,250.125 · L 1,200.00 · C 1,249.99 · '
      + 'Vol 1,234,567 · SMA 10 1,234.57 · SMA 20 — · RSI 14 — · 20-bar return 0.05230');
  });

  it('formats negative and large indicator values', () => {
    expect(formatIndicatorValue(-0.25)).toBe('−0.2500');
    expect(formatIndicatorValue(104250)).toBe('104,250.00');
  });
});
