import { describe, expect, it } from 'vitest';
import { mismatches, paramDiff, settingsDiff, type CompareRun } from './diff';

const base: CompareRun = {
  mode: 'backtest', strategy: 'sma_cross', timeframe: '1Day', symbols: ['AAPL'], start_at: '2023-01-02T00:00:00Z',
  end_at: '2023-12-29T00:00:00Z', cash: '100000.00', fees: { model: 'none' }, slippage: { model: 'none' },
  params: { fast: 5, slow: 20 },
};

describe('paramDiff', () => {
  it('lists every key of any run and marks the rows whose values differ', () => {
    const rows = paramDiff([{ params: { fast: 5, slow: 20 } }, { params: { fast: 10, slow: 20, allow_short: true } }]);
    expect(rows).toEqual([
      { key: 'fast', label: 'fast', values: ['5', '10'], differs: true },
      { key: 'slow', label: 'slow', values: ['20', '20'], differs: false },
      { key: 'allow_short', label: 'allow_short', values: ['—', 'true'], differs: true },
    ]);
  });

  it('tells a number from a string and null from missing, but 5 equals 5.0', () => {
    const rows = paramDiff([{ params: { a: 5, b: null, c: 5 } }, { params: { a: '5', c: 5.0 } }]);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([['a', true], ['b', true], ['c', false]]);
    expect(rows[1]?.values).toEqual(['null', '—']);
  });

  it('three runs: a row differs when any one differs', () => {
    const rows = paramDiff([{ params: { k: 1 } }, { params: { k: 1 } }, { params: { k: 2 } }]);
    expect(rows[0]?.differs).toBe(true);
  });
});

describe('settingsDiff', () => {
  it('shows timeframe, symbols and the window as dates, marking only what differs', () => {
    const other: CompareRun = { ...base, symbols: ['MSFT'], params: {} };
    const rows = settingsDiff([base, other], 'America/New_York');
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(by.timeframe).toMatchObject({ values: ['1Day', '1Day'], differs: false });
    expect(by.symbols).toMatchObject({ values: ['AAPL', 'MSFT'], differs: true });
    // a daily window is dates, not the previous evening in New York
    expect(by.window).toMatchObject({ values: ['2023-01-02 → 2023-12-29', '2023-01-02 → 2023-12-29'], differs: false });
    expect(by.cash).toMatchObject({ values: ['100,000.00', '100,000.00'], differs: false });
  });

  it('symbols in another order are the same symbols; no window reads "all stored bars"', () => {
    const rows = settingsDiff([{ ...base, symbols: ['AAPL', 'MSFT'] },
      { ...base, symbols: ['MSFT', 'AAPL'], start_at: null, end_at: null }], 'UTC');
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(by.symbols?.differs).toBe(false);
    expect(by.window).toMatchObject({ values: ['2023-01-02 → 2023-12-29', 'all stored bars'], differs: true });
  });
});

describe('a paper run beside its backtest (trial 24)', () => {
  it('shows the span it traded, and its cost models as the backtest side\'s only', () => {
    const paper: CompareRun = { ...base, mode: 'paper', timeframe: '1Min', start_at: null, end_at: null,
      started_at: '2026-12-07T14:30:00Z', finished_at: null };
    const rows = settingsDiff([base, paper], 'UTC');
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(by.window?.values[1]).toBe('traded 2026-12-07 14:30 → now');
    expect(by.fees?.values).toEqual(['none', 'none (backtest side only)']);
    expect(by.slippage?.values).toEqual(['none', 'none (backtest side only)']);
  });
});

describe('mismatches', () => {
  it('names the timeframes and symbol sets the runs do not share', () => {
    expect(mismatches([base, base])).toEqual([]);
    expect(mismatches([base, { ...base, timeframe: '1Min', symbols: ['SPY', 'AAPL'] }]))
      .toEqual(['timeframes 1Day, 1Min', 'symbols AAPL; AAPL, SPY']);
  });
});
