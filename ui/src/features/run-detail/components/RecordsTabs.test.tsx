import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Position, Run } from '@/lib/api/types';
import { RecordsTabs } from './RecordsTabs';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

const position = (symbol: string, qty: string): Position => ({ symbol, qty, avg_price: '100', mark_price: '101',
  market_value: null, unrealized_pl: null, realized_pl: '-2.50', updated_at: '2026-12-07T10:00:00Z' } as Position);

describe('RecordsTabs', () => {
  it('counts the open positions on its tab, not a flat row kept for its realised P&L (trial 35)', async () => {
    get.mockImplementation(async (path: string) => (path.endsWith('/positions')
      ? [position('AAPL', '0'), position('BTC/USD', '0.5')]
      : { items: [], total: 0, page: 1, per_page: 50 }) as never);
    const run = { id: 'r1', mode: 'paper', status: 'running', timeframe: '1Min', symbols: ['AAPL'] } as Run;
    render(<QueryClientProvider client={new QueryClient()}><RecordsTabs run={run} /></QueryClientProvider>);
    const tab = await screen.findByRole('tab', { name: /Positions/ });
    expect(await within(tab).findByText('1')).toHaveClass('count');
  });
});
