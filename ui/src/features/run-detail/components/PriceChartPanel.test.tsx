import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Bar, Fill, Run } from '@/lib/api/types';
import { PriceChartPanel } from './PriceChartPanel';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
// The canvas chart cannot draw in jsdom: a stand-in shows what it was given.
vi.mock('@/components/charts/CandleChart', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/components/charts/CandleChart')>()),
  CandleChart: ({ bars, marks }: { bars: Bar[]; marks: unknown[] }) => (
    <div data-testid="candle-chart" data-bars={bars.length} data-marks={marks.length} />
  ),
}));
const get = vi.mocked(api.get);

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 2, 5);
const bar = (i: number): Bar => ({ ts: new Date(FIRST + i * DAY).toISOString(), open: '1', high: '1', low: '1', close: '1',
  volume: '1' });
const fill = (day: number, side = 'buy'): Fill => ({ id: `f${day}`, order_id: 'o', symbol: 'AAPL', side, qty: '1',
  price: '1', fee: '0', ts: new Date(FIRST + day * DAY + 3_600_000).toISOString() });

const RUN = {
  id: 'r1', mode: 'backtest', symbols: ['AAPL'], timeframe: '1Day', start_at: '2023-01-01T00:00:00Z',
  end_at: '2024-02-01T00:00:00Z',
} as Run;

function renderPanel(bars: Bar[], fills: Fill[], run: Run = RUN, barsPath = '/bars') {
  get.mockClear();
  get.mockImplementation(async (path: string) => (path === barsPath ? bars
    : path.endsWith('/bars') || path.endsWith('/indicators') ? []
    : { items: fills, total: fills.length, page: 1, per_page: 1000 }) as never);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><PriceChartPanel run={run} /></QueryClientProvider>);
}

describe('PriceChartPanel', () => {
  it('says how many fills fall before the loaded bars', async () => {
    renderPanel([0, 1, 2].map(bar), [fill(-40), fill(-3, 'sell'), fill(1), fill(2, 'sell')]);
    expect(await screen.findByTestId('fills-not-shown'))
      .toHaveTextContent('2 earlier fills not shown (chart shows the last 3 bars)');
    expect(screen.getByText('2 fills marked')).toBeInTheDocument();
  });

  it('shows no note when every fill is on the chart', async () => {
    renderPanel([0, 1, 2].map(bar), [fill(0), fill(2, 'sell')]);
    expect(await screen.findByText('2 fills marked')).toBeInTheDocument();
    expect(screen.getByTestId('candle-chart')).toHaveAttribute('data-bars', '3');
    expect(screen.queryByTestId('fills-not-shown')).not.toBeInTheDocument();
  });

  it("charts a paper run's recorded bars with its fills on them", async () => {
    const paper = { ...RUN, id: 'p1', mode: 'paper', end_at: null } as Run;
    renderPanel([0, 1, 2].map(bar), [fill(0), fill(1, 'sell')], paper, '/runs/p1/bars');
    expect(await screen.findByText('2 fills marked')).toBeInTheDocument();
    expect(screen.getByTestId('candle-chart')).toHaveAttribute('data-bars', '3');
    expect(get).toHaveBeenCalledWith('/runs/p1/bars', { symbol: 'AAPL', limit: 2000 }, expect.anything());
    expect(get).not.toHaveBeenCalledWith('/bars', expect.anything(), expect.anything());
  });
});
