import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Run } from '@/lib/api/types';
import type { RunAnalysis } from '../api/analysis';
import { AnalysisPanel } from './AnalysisPanel';
import { binLabel, formatReturnPct, formatSharpe, returnTone } from './analysisFormat';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
// The canvas chart cannot draw in jsdom: a stand-in shows what it was given.
vi.mock('./RollingSharpeChart', () => ({
  RollingSharpeChart: ({ values, label }: { values: unknown[]; label: string }) => (
    <div data-testid="rolling-sharpe-chart" data-points={values.length} aria-label={label} />
  ),
}));
const get = vi.mocked(api.get);

describe('analysis formatting', () => {
  it('shows returns in percent to 2 decimals with a true minus', () => {
    expect(formatReturnPct(1.234)).toBe('1.23%');
    expect(formatReturnPct(-0.5)).toBe('−0.50%');
    expect(formatReturnPct(12345.678)).toBe('12,345.68%');
    expect(formatReturnPct(-0.004)).toBe('0.00%');
    expect(formatReturnPct(null)).toBe('—');
    expect(formatReturnPct(Number.NaN)).toBe('—');
  });
  it('styles only values that do not round to zero', () => {
    expect(returnTone(-0.5)).toBe('neg');
    expect(returnTone(0.006)).toBe('pos');
    expect(returnTone(-0.004)).toBe('');
    expect(returnTone(null)).toBe('');
  });
  it('labels bins with their exact edges and Sharpe to 2 decimals', () => {
    expect(binLabel('-2.5', '0')).toBe('−2.5 to 0%');
    expect(binLabel('1000', '1250')).toBe('1,000 to 1,250%');
    expect(formatSharpe(-1.236)).toBe('−1.24');
    expect(formatSharpe(null)).toBe('—');
  });
});

const RUN = { id: 'r1', mode: 'backtest', symbols: ['AAPL'], timeframe: '1Day', status: 'completed' } as Run;
const months = (values: Array<number | null>) => [...values, ...Array<null>(12 - values.length).fill(null)];

function analysis(overrides: Partial<RunAnalysis> = {}): RunAnalysis {
  return {
    run_id: 'r1', zone: 'UTC', start_equity: 10000,
    monthly: [{ year: 2023, months: months([null, null, 1.5, -2.345]), total: -0.88 },
      { year: 2024, months: months([0.001]), total: 0.001 }],
    trades: { count: 5, mean_pct: 0.42, median_pct: -0.1, wins: 2, losses: 3, flat: 0, width_pct: '2.5',
      bins: [{ low: '-2.5', high: '0', count: 3 }, { low: '0', high: '2.5', count: 2 }] },
    rolling_sharpe: { window: 63, period: 'day', periods_per_year: 252, basis: 'US equity session (252 × 6.5 h)',
      dates: ['2023-04-03', '2023-04-04'], values: [1.2, null] },
    ...overrides,
  };
}

function renderPanel(run: Run = RUN) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}><AnalysisPanel run={run} /></QueryClientProvider>);
}

describe('AnalysisPanel', () => {
  it('shows a year row per calendar year with signed, styled month cells and the year total', async () => {
    get.mockResolvedValueOnce(analysis());
    renderPanel();
    const rows = await screen.findAllByTestId('monthly-row');
    expect(rows.map((r) => r.dataset.year)).toEqual(['2023', '2024']);
    expect(screen.getByTestId('monthly-2023-3')).toHaveTextContent('1.50%');
    expect(screen.getByTestId('monthly-2023-3')).toHaveClass('pos');
    expect(screen.getByTestId('monthly-2023-4')).toHaveTextContent('−2.35%');
    expect(screen.getByTestId('monthly-2023-4')).toHaveClass('neg');
    expect(screen.getByTestId('monthly-2023-1')).toHaveTextContent('—');
    expect(screen.getByTestId('monthly-2023-total')).toHaveTextContent('−0.88%');
    expect(screen.getByTestId('monthly-2024-1')).toHaveTextContent('0.00%');
    expect(screen.getByTestId('monthly-2024-1')).not.toHaveClass('pos');
    expect(get).toHaveBeenCalledWith('/runs/r1/analysis', undefined, expect.anything());
  });

  it('summarises the trades and lists the bins as text', async () => {
    get.mockResolvedValueOnce(analysis());
    renderPanel();
    expect(await screen.findByTestId('trade-returns-summary')).toHaveTextContent(
      '5 trades · mean 0.42% · median −0.10% · 2 won, 3 lost');
    const bins = within(screen.getByTestId('trade-histogram')).getAllByRole('listitem');
    expect(bins.map((b) => b.textContent)).toEqual(['−2.5 to 0%3', '0 to 2.5%2']);
    expect(screen.getByTestId('rolling-sharpe')).toHaveTextContent('Rolling Sharpe (63-day window)');
    expect(screen.getByTestId('rolling-sharpe')).toHaveTextContent('Latest 1.20.');
    expect(screen.getByTestId('rolling-sharpe-chart')).toHaveAttribute('data-points', '2');
  });

  it('says when the run is shorter than the Sharpe window, and waits for a running backtest', async () => {
    get.mockResolvedValueOnce(analysis({ rolling_sharpe: { window: 63, period: 'day', periods_per_year: 252,
      basis: 'x', dates: [], values: [] } }));
    renderPanel();
    expect(await screen.findByTestId('rolling-sharpe-empty')).toHaveTextContent('Not enough data: a window needs 63 daily returns');
    expect(screen.queryByTestId('rolling-sharpe-chart')).toBeNull();

    get.mockClear();
    renderPanel({ ...RUN, id: 'r2', status: 'running' } as Run);
    expect(screen.getByTestId('analysis-waiting')).toHaveTextContent('once the backtest completes');
    expect(get).not.toHaveBeenCalled();
  });

  it('reads a running paper run at once and says it refreshes', async () => {
    get.mockClear();
    get.mockResolvedValueOnce(analysis());
    renderPanel({ ...RUN, id: 'r3', mode: 'paper', timeframe: '1Min', status: 'running' } as Run);
    expect(await screen.findByTestId('monthly-table')).toBeInTheDocument();
    expect(screen.getByTestId('analysis-refresh')).toHaveTextContent('refreshed every minute');
    expect(screen.getByTestId('monthly-returns')).toHaveTextContent('Days end at midnight UTC.');
    expect(get).toHaveBeenCalledWith('/runs/r3/analysis', undefined, expect.anything());
  });
});
