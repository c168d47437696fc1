import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SecondBarsNote, secondBarsText } from './SecondBarsNote';

describe('SecondBarsNote', () => {
  it('warns a paper run on second bars that a large order fills over several bars', () => {
    expect(secondBarsText('paper', '1Sec', '100')).toBe(
      "On second bars the local exchange fills a market order from about a tenth of each bar's volume: an order for "
      + '100 % of the cash can still be filling at the next signal, and the run will drift from its backtest (its Live '
      + 'vs backtest tab says where). A smaller percent, a few %, trades closer to the backtest.');
    expect(secondBarsText('paper', '5Sec', '20')).toContain('an order for 20 % of the cash');
  });

  it('says nothing for small orders, minute bars, backtests, live runs or a percent not typed yet', () => {
    expect(secondBarsText('paper', '1Sec', '1')).toBeNull();
    expect(secondBarsText('paper', '1Min', '100')).toBeNull();
    expect(secondBarsText('backtest', '1Sec', '100')).toBeNull();
    expect(secondBarsText('live', '1Sec', '100')).toBeNull();
    expect(secondBarsText('paper', '1Sec', undefined)).toBeNull();
    expect(secondBarsText('paper', '1Sec', '')).toBeNull();
  });

  it('renders as an info banner, or not at all', () => {
    const { rerender } = render(<SecondBarsNote mode="paper" timeframe="1Sec" percent="100" />);
    expect(screen.getByTestId('second-bars-note')).toHaveTextContent('an order for 100 % of the cash');
    rerender(<SecondBarsNote mode="paper" timeframe="1Sec" percent="1" />);
    expect(screen.queryByTestId('second-bars-note')).not.toBeInTheDocument();
  });
});
