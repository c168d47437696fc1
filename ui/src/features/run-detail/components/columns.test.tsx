import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Fill } from '@/lib/api/types';
import { fillColumns } from './columns';

const fill = (over: Partial<Fill>): Fill => ({ id: 'f', order_id: 'o1234567', symbol: 'BTC/USD', side: 'buy',
  qty: '0.166720684', price: '60000', fee: '25.01', fee_qty: null, ts: '2026-12-07T10:00:00Z', ...over });

function feeCell(f: Fill): HTMLElement {
  const column = fillColumns('1Min').find((c) => c.key === 'fee')!;
  render(<div data-testid="cell">{column.render(f)}</div>);
  return screen.getByTestId('cell');
}

describe('fill columns', () => {
  it("shows the coins a crypto buy's fee was taken in beside their dollar value (trial 35)", () => {
    expect(feeCell(fill({ fee_qty: '0.000416802' }))).toHaveTextContent('25.01 (0.000416802 BTC)');
  });

  it('shows a dollar fee alone', () => {
    expect(feeCell(fill({ symbol: 'AAPL', side: 'sell', fee: '0.03' })).textContent).toBe('0.03');
  });
});
