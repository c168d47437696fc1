import { describe, expect, it } from 'vitest';
import { bestIndices, metricRows } from './metricRows';

describe('bestIndices', () => {
  it('marks the highest or lowest, ties together, and nothing when all agree or one has a figure', () => {
    expect([...bestIndices([1.2, 0.4, null], true)]).toEqual([0]);
    expect([...bestIndices([3, 1, 1], false)]).toEqual([1, 2]);
    expect([...bestIndices([2, 2], true)]).toEqual([]);
    expect([...bestIndices([2, null], true)]).toEqual([]);
  });
});

describe('metricRows', () => {
  const a = { metrics: { total_return_pct: 12.0, max_drawdown_pct: 14.1, sharpe: 1.234, trades: 10, volatility_pct: 20,
    start_equity: 100_000, turnover: 1.5 } };
  const b = { metrics: { total_return_pct: -3.5, max_drawdown_pct: 6.0, sharpe: -0.2, trades: 42, volatility_pct: 15 } };
  const rows = Object.fromEntries(metricRows([a, b]).map((r) => [r.key, r]));

  it("formats each figure as the run page does, from the API's numbers", () => {
    expect(rows.total_return?.cells.map((c) => c.text)).toEqual(['+12.00%', '−3.50%']);
    expect(rows.max_drawdown?.cells.map((c) => c.text)).toEqual(['−14.10%', '−6.00%']);
    expect(rows.sharpe?.cells.map((c) => c.text)).toEqual(['1.23', '−0.20']);
    expect(rows.trades?.cells.map((c) => c.text)).toEqual(['10', '42']);
    expect(rows.cagr?.cells.map((c) => c.text)).toEqual(['—', '—']);
  });

  it('marks the best where it means something: higher return, shallower drawdown, lower volatility', () => {
    expect(rows.total_return?.cells.map((c) => c.best)).toEqual([true, false]);
    expect(rows.max_drawdown?.cells.map((c) => c.best)).toEqual([false, true]);
    expect(rows.volatility?.cells.map((c) => c.best)).toEqual([false, true]);
    expect(rows.trades?.cells.map((c) => c.best)).toEqual([false, false]);
  });

  it('lists a figure Haro has no definition for, as the run page does, and not start equity', () => {
    expect(rows.turnover?.cells.map((c) => c.text)).toEqual(['1.500', '—']);
    expect(rows.start_equity).toBeUndefined();
  });

  it('says "not enough data" where the API withheld a figure, with its reason', () => {
    const short = { metrics: { total_return_pct: 0.1, sharpe: null }, metrics_unavailable: { sharpe: 'not enough data: 9 returns' } };
    const [row] = metricRows([short, b]).filter((r) => r.key === 'sharpe');
    expect(row?.cells.map((c) => [c.text, c.why])).toEqual([['not enough data', 'not enough data: 9 returns'], ['−0.20', undefined]]);
  });
});
