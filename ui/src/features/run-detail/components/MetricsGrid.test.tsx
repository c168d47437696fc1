import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Metrics, Mode, Run } from '@/lib/api/types';
import { MetricsGrid } from './MetricsGrid';

const REASON = 'not enough data: 9 returns; annualised figures need at least 444,600: '
  + "a month of this run's year of 5,896,800 bars";

function makeRun(mode: Mode, metrics: Metrics, withheld: Run['metrics_unavailable']): Run {
  return {
    id: `run-${mode}`, mode, name: null, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Sec',
    start_at: null, end_at: null, cash: '100000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'running', error: null, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null, metrics,
    metrics_unavailable: withheld,
    state: { state: 'running', reason: null, message: null, can_stop: true, can_start: false },
  };
}

describe('MetricsGrid', () => {
  it('shows "not enough data" with the reason instead of a ten-second Sharpe', () => {
    const metrics = { bars: 10, bars_per_year: 5_896_800, total_return_pct: -0.005, sharpe: null, sortino: null,
      volatility_pct: null, max_drawdown_pct: 0.05, day_pnl: -5, day_start_equity: 100_000 };
    render(<MetricsGrid run={makeRun('paper', metrics,
      { sharpe: REASON, sortino: REASON, volatility_pct: REASON })} />);
    const sharpe = screen.getByTestId('metric-sharpe');
    expect(sharpe).toHaveTextContent('Sharpenot enough data');
    expect(sharpe).toHaveAttribute('title', REASON);
    expect(within(sharpe).getByText('not enough data')).toHaveClass('muted');
    expect(screen.getByTestId('metric-volatility')).toHaveTextContent('not enough data');
    expect(screen.getByTestId('metric-total_return')).toHaveTextContent('−0.01%');  // not annualised: shown
    expect(screen.getByTestId('metric-max_drawdown')).toHaveTextContent('−0.05%');
    expect(screen.queryByText(/−378/)).toBeNull();
  });

  it("shows a paper run's P&L of the New York day and says which day", () => {
    render(<MetricsGrid run={makeRun('paper', { bars: 40, day_pnl: -12.5, day_start_equity: 100_000 }, {})} />);
    const day = screen.getByTestId('metric-day_pnl');
    expect(day).toHaveTextContent("Today's P&L−12.50since 00:00 New York");
    expect(day.getAttribute('title')).toContain('00:00 New York');
    expect(screen.queryByText('day pnl')).toBeNull();  // not listed again among the extra figures
  });

  it('keeps the numbers of a backtest that has enough data', () => {
    render(<MetricsGrid run={makeRun('backtest', { bars: 504, bars_per_year: 252, sharpe: 1.2345, cagr_pct: 8.5 }, {})} />);
    expect(screen.getByTestId('metric-sharpe')).toHaveTextContent('1.23');
    expect(screen.getByTestId('metric-cagr')).toHaveTextContent('+8.50%');
    expect(screen.queryByText('not enough data')).toBeNull();
    expect(screen.queryByTestId('metric-day_pnl')).toBeNull();
  });

  it("labels a trading paper run's equity as now, not final (trial 33), and a stopped one's as final", () => {
    const { unmount } = render(<MetricsGrid run={makeRun('paper', { final_equity: 100_250.5, bars: 40 }, {})} />);
    expect(screen.getByTestId('metric-final_equity')).toHaveTextContent('Equity now');
    unmount();
    render(<MetricsGrid run={{ ...makeRun('paper', { final_equity: 100_250.5, bars: 40 }, {}), status: 'stopped' }} />);
    expect(screen.getByTestId('metric-final_equity')).toHaveTextContent('Final equity');
  });
});
