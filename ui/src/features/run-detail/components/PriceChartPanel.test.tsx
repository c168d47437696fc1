import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Bar, Fill, Run } from '@/lib/api/types';
import { focusChart } from '../state/chartFocus';
import { PriceChartPanel } from './PriceChartPanel';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
// The canvas chart cannot draw in jsdom: a stand-in shows what it was given.
vi.mock('@/components/charts/CandleChart', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/components/charts/CandleChart')>()),
  CandleChart: ({ bars, marks, focus }: { bars: Bar[]; marks: unknown[]; focus: { from: string } | null }) => (
    <div data-testid="candle-chart" data-bars={bars.length} data-marks={marks.length} data-focus={focus?.from ?? ''} />
  ),
}));
const get = vi.mocked(api.get);

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 2, 5);
const bar = (i: number): Bar => ({ ts: new Date(FIRST + i * DAY).toISOString(), open: '1', high: '1', low: '1', close: '1',
  volume: '1' });
const fill = (day: number, side = 'buy'): Fill => ({ id: `f${day}`, order_id: 'o', symbol: 'AAPL', side, qty: '1',
  price: '1', fee: '0', fee_qty: null, ts: new Date(FIRST + day * DAY + 3_600_000).toISOString() });

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

  it("switches to the symbol of a clicked trade and hands the chart the trade's times", async () => {
    const pair = { ...RUN, id: 'm1', symbols: ['AAPL', 'MSFT'] } as Run;
    renderPanel([0, 1, 2].map(bar), [], pair);
    expect(await screen.findByTestId('candle-chart')).toHaveAttribute('data-focus', '');
    act(() => focusChart('other-run', 'MSFT', bar(1).ts));  // another run's request is not this chart's
    expect(screen.getByTestId('chart-symbol')).toHaveValue('AAPL');
    act(() => focusChart('m1', 'MSFT', bar(1).ts, bar(2).ts));
    expect(screen.getByTestId('chart-symbol')).toHaveValue('MSFT');
    expect(await screen.findByTestId('candle-chart')).toHaveAttribute('data-focus', bar(1).ts);
    fireEvent.change(screen.getByTestId('chart-symbol'), { target: { value: 'AAPL' } });  // the picker stays usable
    expect(screen.getByTestId('chart-symbol')).toHaveValue('AAPL');
    expect(await screen.findByTestId('candle-chart')).toHaveAttribute('data-focus', '');
  });

  it("charts no stored bars for a run whose bars came from a file, and says why (trial 34)", async () => {
    const fromFile = { ...RUN, id: 'c1', options: { bars_from: { AAPL: 'the file AAPL.csv' } } } as unknown as Run;
    renderPanel([0, 1, 2].map(bar), [fill(0)], fromFile);
    expect(await screen.findByTestId('bars-not-stored')).toHaveTextContent(
      "No price chart: this run's AAPL bars came from the file AAPL.csv, which Weaver does not store");
    expect(screen.queryByTestId('candle-chart')).not.toBeInTheDocument();
    expect(get).not.toHaveBeenCalledWith('/bars', expect.anything(), expect.anything());
    expect(get).not.toHaveBeenCalledWith('/runs/c1/indicators', expect.anything(), expect.anything());
  });
});
