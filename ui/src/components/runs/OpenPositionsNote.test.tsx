import { describe, expect, it } from 'vitest';
import type { Position } from '@/lib/api/types';
import { describePositions } from './OpenPositionsNote';

function position(symbol: string, qty: string): Position {
  return { symbol, qty, avg_price: '187.5', mark_price: null, market_value: null, unrealized_pl: null } as Position;
}

describe('describePositions', () => {
  it('names each held quantity and symbol, shorts as short, and skips flat ones', () => {
    expect(describePositions([position('AAPL', '105'), position('MSFT', '-50.5'), position('TSLA', '0')]))
      .toBe('105 AAPL, 50.5 MSFT short');
    expect(describePositions([position('AAPL', '1200.000')])).toBe('1,200 AAPL');
    expect(describePositions([])).toBe('');
  });
});
