import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Run, Series, Strategy } from '@/lib/api/types';
import { NewRunPage } from './NewRunPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn() } };
});
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);

const STRATEGIES: Strategy[] = [{
  name: 'buy_and_hold', description: 'Buy and hold.', multi_symbol: true,
  params_schema: { type: 'object', properties: {} },
}, {
  name: 'sma_cross', description: 'SMA crossover.', multi_symbol: false,
  params_schema: { type: 'object', properties: {
    fast: { type: 'integer', default: 10 }, slow: { type: 'integer', default: 20 },
    percent: { type: 'number', default: 100 }, allow_short: { type: 'boolean', default: false } } },
}];
const CELL = {
  id: 'cell-1234-5678', mode: 'backtest', name: null, strategy: 'sma_cross',
  params: { fast: 55, slow: 5, percent: 99.5, allow_short: true }, symbols: ['AAPL'], timeframe: '1Day',
  start_at: '2020-01-02T05:00:00Z', end_at: '2021-12-01T05:00:00Z', cash: '25000.5000',
  fees: { model: 'percent', rate: '0.1000' }, slippage: { model: 'bps', value: '5' },
  options: { allow_short: true, fractional: true, asset_class: 'us_equity', records: 'summary' },
  status: 'completed', error: null, progress: 1, sweep_id: 'sweep-1', created_at: '2024-01-02T15:00:00Z',
  updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null, metrics: {},
  state: { state: 'completed', reason: null, message: null, can_stop: false, can_start: false },
} as unknown as Run;
const SERIES: Series[] = [
  { symbol: 'AAPL', timeframe: '1Day', first_ts: '2020-01-02T05:00:00Z', last_ts: '2021-12-01T05:00:00Z', count: 500,
    source: 'alpaca', description: null, asset_class: 'us_equity' },
];

beforeEach(() => {
  get.mockReset();
  post.mockReset();
  get.mockImplementation(async (path: string) => {
    if (path === '/strategies') return STRATEGIES;
    if (path === '/bars/series') return SERIES;
    if (path === `/runs/${CELL.id}`) return CELL;
    return [];
  });
  post.mockResolvedValue({ id: 'run-1' });
});

describe('NewRunPage', () => {
  it("pre-fills the asset class from the symbol's stored instrument and POSTs it", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><MemoryRouter><NewRunPage /></MemoryRouter></QueryClientProvider>);
    const input = await screen.findByTestId('symbol-input');
    await waitFor(() => expect(get).toHaveBeenCalledWith('/bars/series', undefined, expect.anything()));
    expect(screen.getByTestId('asset-class')).toHaveValue('');
    await userEvent.type(input, 'AAPL{Enter}');
    expect(screen.getByTestId('asset-class')).toHaveValue('us_equity');
    expect(screen.getByTestId('field-asset_class')).toHaveTextContent('Sets the year Sharpe, Sortino and annual returns are annualised by');
    await userEvent.click(screen.getByTestId('submit-run'));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0]![0]).toBe('/runs');
    expect(post.mock.calls[0]![1]).toMatchObject({ symbols: ['AAPL'], asset_class: 'us_equity' });
  });

  it("fills the paper form from a sweep cell and POSTs exactly the settings it ran with (trial 42)", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><MemoryRouter initialEntries={[`/runs/new?mode=paper&from=${CELL.id}`]}>
      <NewRunPage /></MemoryRouter></QueryClientProvider>);
    expect(await screen.findByTestId('copied-from')).toHaveTextContent('Filled from sweep cell cell-123: its strategy, '
      + 'parameters, symbols, timeframe, cash, fee and slippage models, fractional and shorting settings, as it ran.');
    expect(screen.getByTestId('mode-paper')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('changed-from-run')).toBeNull();
    await userEvent.clear(screen.getByTestId('cash'));
    await userEvent.type(screen.getByTestId('cash'), '20000');
    expect(screen.getByTestId('changed-from-run')).toHaveTextContent('Changed from the run the form was filled '
      + 'from: cash 25000.5 → 20000.');
    await userEvent.clear(screen.getByTestId('cash'));
    await userEvent.type(screen.getByTestId('cash'), '25000.50');
    expect(screen.queryByTestId('changed-from-run')).toBeNull();
    await userEvent.click(screen.getByTestId('submit-run'));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0]![1]).toEqual({
      mode: 'paper', strategy: 'sma_cross', params: { fast: 55, slow: 5, percent: 99.5, allow_short: true },
      symbols: ['AAPL'], timeframe: '1Day', cash: '25000.50', fees: { model: 'percent', rate: '0.1' },
      slippage: { model: 'bps', value: '5' }, fractional: true, allow_short: true, asset_class: 'us_equity',
      start_now: true,
    });
  });

  it('says so, and starts empty, when the run\'s strategy is gone', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/strategies') return STRATEGIES.slice(0, 1);
      if (path === '/bars/series') return SERIES;
      if (path === `/runs/${CELL.id}`) return CELL;
      return [];
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><MemoryRouter initialEntries={[`/runs/new?mode=paper&from=${CELL.id}`]}>
      <NewRunPage /></MemoryRouter></QueryClientProvider>);
    expect(await screen.findByTestId('copied-from')).toHaveTextContent('Strategy sma_cross of run cell-123 is not '
      + 'available now (a strategy file removed or renamed?): the form starts empty.');
  });
});
