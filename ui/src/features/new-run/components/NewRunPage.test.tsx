import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Series, Strategy } from '@/lib/api/types';
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
}];
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
});
