import { describe, expect, it } from 'vitest';
import { TIMEFRAMES } from './api/types';
import { barSeconds, defaultTimeframe, isDaily } from './timeframes';

describe('timeframes', () => {
  it('knows the bar length of every timeframe the API documents, and of a CLI run\'s 2Min', () => {
    expect(TIMEFRAMES.map(barSeconds)).toEqual([1, 5, 15, 30, 60, 300, 900, 1800, 3600, 86_400]);
    expect(barSeconds('2Min')).toBe(120);
    expect(barSeconds('1Week')).toBe(604_800);
    expect(barSeconds('daily')).toBeNull();
  });

  it('treats daily and longer bars as dates', () => {
    expect(TIMEFRAMES.filter(isDaily)).toEqual(['1Day']);
    expect(isDaily('1Week')).toBe(true);
  });

  it('starts a backtest on daily bars and a paper or live run on minute bars', () => {
    expect(defaultTimeframe('backtest')).toBe('1Day');
    expect(defaultTimeframe('paper')).toBe('1Min');
    expect(defaultTimeframe('live')).toBe('1Min');
  });
});
