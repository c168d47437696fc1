import { describe, expect, it } from 'vitest';
import { formatAxisPrice, formatPlainMetric } from './format';

describe('formatPlainMetric', () => {
  it('shows counts as grouped integers, not exponents', () => {
    expect(formatPlainMetric(526000)).toBe('526,000');
    expect(formatPlainMetric(-1200)).toBe('−1,200');
    expect(formatPlainMetric(0)).toBe('0');
  });
  it('keeps four significant digits and at least two decimals for other numbers', () => {
    expect(formatPlainMetric(1234.5678)).toBe('1,234.57');
    expect(formatPlainMetric(3.14159)).toBe('3.142');
    expect(formatPlainMetric(0.0123456)).toBe('0.01235');
    expect(formatPlainMetric(-0.5)).toBe('−0.5000');
  });
  it('shows a dash for missing or non-finite values', () => {
    expect(formatPlainMetric(null)).toBe('—');
    expect(formatPlainMetric(Number.NaN)).toBe('—');
  });
});

describe('formatAxisPrice', () => {
  it('groups thousands on chart axes and keeps small prices readable', () => {
    expect(formatAxisPrice(104250)).toBe('104,250.00');
    expect(formatAxisPrice(1234567.891)).toBe('1,234,567.89');
    expect(formatAxisPrice(-2500.5)).toBe('−2,500.50');
    expect(formatAxisPrice(187.5)).toBe('187.50');
    expect(formatAxisPrice(0.001234)).toBe('0.001234');
    expect(formatAxisPrice(0)).toBe('0.00');
  });
});
