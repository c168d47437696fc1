import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api/client';
import type { EquityPoint, Run } from '@/lib/api/types';
import { ComparePage } from './ComparePage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
vi.mock('@/components/charts/OverlayLinesChart', () => ({
  OverlayLinesChart: ({ lines, testId }: { lines: { label: string; points: { value: number }[] }[]; testId: string }) => (
    <div data-testid={testId}>{lines.map((l) => `${l.label}: ${l.points.map((p) => p.value.toFixed(4)).join(' ')}`).join(' | ')}</div>
  ),
}));
const get = vi.mocked(api.get);

function run(id: string, over: Partial<Run> = {}): Run {
  return {
    id, mode: 'backtest', name: null, strategy: 'sma_cross', params: { fast: 5, slow: 20 }, symbols: ['AAPL'],
    timeframe: '1Day', start_at: null, end_at: null, cash: '100000.00', fees: { model: 'none' },
    slippage: { model: 'none' }, options: {}, status: 'completed', error: null, progress: 1, sweep_id: null,
    created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z', queued_at: null, started_at: null,
    finished_at: null, metrics: { start_equity: 100_000, total_return_pct: 10, sharpe: 1.5, max_drawdown_pct: 5, trades: 4 },
    state: { state: 'completed', reason: null, message: null },
    ...over,
  } as Run;
}

const EQUITY: EquityPoint[] = [
  { ts: '2023-01-02T00:00:00Z', equity: '100000.00', cash: '100000.00', benchmark: null, drawdown: 0 },
  { ts: '2023-01-03T00:00:00Z', equity: '110000.00', cash: '0', benchmark: null, drawdown: 0 },
];

function renderAt(url: string, runs: Record<string, Run>) {
  get.mockImplementation(((path: string) => {
    const [, id, rest] = /^\/runs\/([^/]+)(\/equity)?$/.exec(path) ?? [];
    const found = id ? runs[id] : undefined;
    if (!found) return Promise.reject(new ApiError(404, 'not_found', `no run with id ${id}`));
    return Promise.resolve(rest ? EQUITY : found);
  }) as never);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes><Route path="/compare" element={<ComparePage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('ComparePage', () => {
  beforeEach(() => { get.mockReset(); });

  it('asks for at least two runs, with a way back, and fetches nothing', () => {
    renderAt('/compare?runs=r1', {});
    expect(screen.getByTestId('compare-error')).toHaveTextContent('Pick at least 2 runs to compare');
    expect(screen.getByRole('link', { name: 'Back to the runs' })).toHaveAttribute('href', '/');
    expect(get).not.toHaveBeenCalled();
  });

  it('refuses six runs and offers the first five', () => {
    renderAt('/compare?runs=a,b,c,d,e,f', {});
    expect(screen.getByTestId('compare-error')).toHaveTextContent('Compare at most 5 runs');
    expect(screen.getByRole('link', { name: 'Compare the first 5' })).toHaveAttribute('href', '/compare?runs=a,b,c,d,e');
  });

  it('names the run that does not exist', async () => {
    renderAt('/compare?runs=r1,nope,r2', { r1: run('r1'), r2: run('r2') });
    expect(await screen.findByTestId('compare-error')).toHaveTextContent('One of these runs does not exist');
    expect(screen.getByTestId('missing-run')).toHaveTextContent('nope');
    expect(screen.getByRole('link', { name: 'Compare the other 2' })).toHaveAttribute('href', '/compare?runs=r1,r2');
  });

  it('shows two runs side by side: normalised curves, metrics, the differing parameter marked, its title', async () => {
    renderAt('/compare?runs=r1,r2', {
      r1: run('r1', { name: 'fast five' }),
      r2: run('r2', { params: { fast: 10, slow: 20 }, timeframe: '1Hour',
        metrics: { start_equity: 100_000, total_return_pct: -2, sharpe: 0.5, max_drawdown_pct: 8, trades: 9 } }),
    });
    await screen.findByTestId('compare-page');
    expect(document.title).toBe('Compare 2 runs · Weaver');
    expect(await screen.findByTestId('compare-equity')).toHaveTextContent('fast five · r1: 1.0000 1.1000 | sma_cross · r2: 1.0000 1.1000');

    const ret = screen.getAllByTestId('metric-row').find((r) => r.dataset.metric === 'total_return')!;
    const cells = within(ret).getAllByTestId('metric-cell');
    expect(cells.map((c) => within(c).getByTestId('metric-value').textContent)).toEqual(['+10.00%', '−2.00%']);
    expect(cells.map((c) => c.dataset.best)).toEqual(['true', 'false']);

    const rows = Object.fromEntries(screen.getAllByTestId('diff-row').map((r) => [r.dataset.key, r]));
    expect(rows.fast).toHaveAttribute('data-differs', 'true');
    expect(within(rows.fast!).getByTestId('differs')).toBeInTheDocument();
    expect(rows.slow).toHaveAttribute('data-differs', 'false');
    expect(rows.timeframe).toHaveAttribute('data-differs', 'true');
    expect(screen.getByTestId('compare-note')).toHaveTextContent('These runs differ in timeframes 1Day, 1Hour');
  });
});
