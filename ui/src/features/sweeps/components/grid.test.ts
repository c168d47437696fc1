import { describe, expect, it } from 'vitest';
import type { Strategy, SweepResult } from '@/lib/api/types';
import { cellCount, parseGridValues, toggleGridParam } from '@/components/form/grid';
import { rank } from './ranking';

describe('grid values', () => {
  const int = { type: 'integer', minimum: 2, maximum: 500 } as const;

  it('reads lists and inclusive ranges, checked against the schema', () => {
    expect(parseGridValues(int, '5, 10 20')).toEqual({ values: [5, 10, 20] });
    expect(parseGridValues(int, '5:20:5')).toEqual({ values: [5, 10, 15, 20] });
    expect(parseGridValues({ type: 'number' }, '0.5:1.5:0.5')).toEqual({ values: [0.5, 1, 1.5] });
    expect(parseGridValues(int, '1, 10').error).toBe('1: must be ≥ 2');
    expect(parseGridValues(int, '5.5').error).toContain('whole number');
    expect(parseGridValues(int, '').error).toBeDefined();
    expect(parseGridValues({ type: 'boolean' }, 'true, false')).toEqual({ values: [true, false] });
    expect(cellCount({ fast: [5, 10], slow: [20, 40] })).toBe(4);
  });

  it('toggling a parameter sweeps it at its suggested values, or fixes it again', () => {
    const strategy: Strategy = { name: 'sma', description: 'SMA.', multi_symbol: false,
      params_schema: { type: 'object', properties: { fast: { type: 'integer', default: 10 } } } };
    const grid = { slow: '20, 40' };
    const swept = toggleGridParam(grid, 'fast', strategy);
    expect(swept).toEqual({ slow: '20, 40', fast: '5, 10, 20' });
    expect(toggleGridParam(swept, 'fast', strategy)).toEqual(grid);
    expect(grid).toEqual({ slow: '20, 40' });
  });
});

describe('ranking sweep cells', () => {
  const cell = (id: string, metrics: SweepResult['metrics']): SweepResult => ({
    run_id: id, params: {}, status: 'completed', metrics, error: null, metrics_unavailable: {},
  });

  it('puts the best first for the metric, blanks last', () => {
    const rows = [cell('a', { sharpe: 0.5 }), cell('b', { sharpe: null }), cell('c', { sharpe: 1.5 })];
    expect(rank(rows, 'sharpe', 'desc').map((r) => r.run_id)).toEqual(['c', 'a', 'b']);
    expect(rank(rows, 'sharpe', 'asc').map((r) => r.run_id)).toEqual(['a', 'c', 'b']);
  });

  it('knows a smaller drawdown is better, whatever sign the backend uses', () => {
    const rows = [cell('deep', { max_drawdown_pct: 30 }), cell('shallow', { max_drawdown_pct: 5 })];
    expect(rank(rows, 'max_drawdown', 'desc')[0]?.run_id).toBe('shallow');
  });
});
