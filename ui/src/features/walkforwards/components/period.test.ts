import { describe, expect, it } from 'vitest';
import { describeLength, lengthValue, mixedKinds } from './period';

describe('fold lengths', () => {
  it('sends bars as a number and a calendar period as "12M"', () => {
    expect(lengthValue({ amount: '250', unit: 'bars' })).toEqual({ value: 250 });
    expect(lengthValue({ amount: ' 12 ', unit: 'M' })).toEqual({ value: '12M' });
    expect(lengthValue({ amount: '5', unit: 'D' })).toEqual({ value: '5D' });
    expect(lengthValue({ amount: '1', unit: 'Y' })).toEqual({ value: '1Y' });
  });

  it('leaves a blank optional length out, refuses a blank required one, fractions and zero unless allowed', () => {
    expect(lengthValue({ amount: '', unit: 'M' }, { optional: true })).toEqual({});
    expect(lengthValue({ amount: '', unit: 'M' })).toEqual({ error: 'required' });
    expect(lengthValue({ amount: '1.5', unit: 'M' }).error).toBe('a whole number, e.g. 12');
    expect(lengthValue({ amount: '0', unit: 'bars' }).error).toBe('at least 1');
    expect(lengthValue({ amount: '0', unit: 'M' }, { allowZero: true })).toEqual({ value: 0 });
  });

  it('reads a stored length aloud', () => {
    expect(describeLength(250)).toBe('250 bars');
    expect(describeLength('1')).toBe('1 bar');
    expect(describeLength('12M')).toBe('12 months');
    expect(describeLength('1Y')).toBe('1 year');
    expect(describeLength('2w')).toBe('2 weeks');
    expect(describeLength(null)).toBe('—');
  });

  it('refuses bars mixed with calendar periods, as the server does', () => {
    expect(mixedKinds({ train: '12M', test: '3M', gap: 0 })).toBeNull();
    expect(mixedKinds({ train: 250, test: 60, step: 60, gap: 5 })).toBeNull();
    expect(mixedKinds({ train: '12M', test: 60 })).toBe('give train, test and step all in bars or all as calendar periods');
    expect(mixedKinds({ train: '12M', test: '3M', gap: 5 })).toBe('the folds are calendar periods: give the gap as a period too');
    expect(mixedKinds({ train: 250, test: 60, gap: '5D' })).toBe('the folds are in bars: give the gap in bars');
  });
});
