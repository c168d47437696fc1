import { describe, expect, it } from 'vitest';
import { add, changeBps, compare, round, sub, trim } from './decimal';
import { formatDecimal, formatMoney, formatPct, formatPrice, formatQty } from './format';
import { readMetric, formatMetric, serverMetricName } from './metrics';

describe('decimal strings', () => {
  it('adds and subtracts exactly', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('100000.0000', '-0.01', null, undefined)).toBe('99999.9900');
    expect(sub('101.5', '100.25')).toBe('1.25');
    expect(compare('10.0', '9.99')).toBe(1);
    expect(round('2.345', 2)).toBe('2.35');
    expect(round('-2.345', 2)).toBe('-2.35');
    expect(trim('913.000000000')).toBe('913');
    expect(changeBps('101', '100')).toBe(100);
    expect(changeBps('1', '0')).toBeNull();
  });

  it('formats without going through floats', () => {
    expect(formatMoney('1234567.891')).toBe('1,234,567.89');
    expect(formatMoney('-10710.0000', true)).toBe('−10,710.00');
    expect(formatMoney('60897.1', true)).toBe('+60,897.10');
    expect(formatDecimal('12345678901234567890.125', 2)).toBe('12,345,678,901,234,567,890.13');
    expect(formatPrice('109.460000')).toBe('109.46');
    expect(formatPrice('0.123456')).toBe('0.123456');
    expect(formatQty('913.000000000')).toBe('913');
    expect(formatMoney(null)).toBe('—');
    expect(formatPct(0.1234)).toBe('+12.34%');
    expect(formatPct(-0.05, 1, false)).toBe('−5.0%');
  });
});

describe('metrics', () => {
  it('reads the API\'s percents as fractions, drawdowns as negatives', () => {
    expect(readMetric({ total_return_pct: 75.25 }, 'total_return')).toBeCloseTo(0.7525);
    expect(readMetric({ max_drawdown_pct: 14.07 }, 'max_drawdown')).toBeCloseTo(-0.1407);
    expect(readMetric({ max_drawdown_bars: 12 }, 'max_drawdown_duration_bars')).toBe(12);
    expect(readMetric({ sharpe: null }, 'sharpe')).toBeNull();
    expect(readMetric({ total_return: 0.12 }, 'total_return')).toBeNull();  // not a name the API uses
    expect(formatMetric('total_return', 0.7525)).toBe('+75.25%');
    expect(formatMetric('trades', 11)).toBe('11');
    // a ratio that would round to 0.00 keeps its sign and two significant digits (trial 14: Calmar −0.00498)
    expect(formatMetric('calmar', -0.00498)).toBe('−0.0050');
    expect(formatMetric('calmar', 0.0012)).toBe('0.0012');
    expect([formatMetric('calmar', -0.0123), formatMetric('sharpe', 0), formatMetric('sharpe', null)]).toEqual(
      ['−0.01', '0.00', '—']);
    expect(serverMetricName('total_return')).toBe('total_return_pct');
    expect(serverMetricName('sharpe')).toBe('sharpe');
  });
});
