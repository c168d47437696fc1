import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Page, Run } from '@/lib/api/types';
import { RunsDashboard } from './RunsDashboard';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});

const REASON = 'not enough data: 9 returns; annualised figures need at least 444,600: '
  + "a month of this run's year of 5,896,800 bars";

function run(name: string, mode: Run['mode'], sharpe: number | null, withheld: Run['metrics_unavailable']): Run {
  return {
    id: `id-${name}`, mode, name, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Sec',
    start_at: null, end_at: null, cash: '100000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'completed', error: null, progress: 1, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null,
    state: { state: 'stopped', reason: 'completed', message: null, can_stop: false, can_start: false },
    metrics: { total_return_pct: 0.1, sharpe }, metrics_unavailable: withheld,
  };
}

describe('RunsTable Sharpe column', () => {
  it('says "not enough data" with the reason where the API withheld a Sharpe, and keeps a real one', async () => {
    vi.mocked(api.get).mockImplementation(async (path: string) => (path === '/runs'
      ? { items: [run('short', 'backtest', null, { sharpe: REASON }), run('long', 'backtest', 1.2345, {})],
        total: 2, page: 1, per_page: 100 } satisfies Page<Run> : []) as never);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><MemoryRouter><RunsDashboard /></MemoryRouter></QueryClientProvider>);
    const cell = await screen.findByTestId('metric-withheld');
    expect(cell).toHaveTextContent('not enough data');
    expect(cell).toHaveAttribute('title', REASON);
    await waitFor(() => expect(screen.getByText('1.23')).toBeInTheDocument());
    expect(screen.getAllByTestId('metric-withheld')).toHaveLength(1);
  });
});
