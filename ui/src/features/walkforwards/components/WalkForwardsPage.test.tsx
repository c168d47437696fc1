import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { WalkforwardSummary } from '../api/types';
import { WalkForwardsPage } from './WalkForwardsPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

const walk = (id: string, efficiency: number | null, reason: string | null): WalkforwardSummary => ({
  id, name: id, strategy: 'sma_cross', status: 'completed', objective: 'total_return_pct', direction: 'max',
  created_at: '2024-01-02T14:00:00Z', folds: 3, cells_total: 12, cells_done: 12, cells_cancelled: 0,
  oos_return_pct: 1.5, efficiency, efficiency_reason: reason,
});
const WHY = 'the mean in-sample return is not positive: a ratio to it would mislead';

describe('WalkForwardsPage', () => {
  beforeEach(() => {
    get.mockReset();
    get.mockResolvedValue({ items: [walk('with', 0.42, null), walk('without', null, WHY)], total: 2, page: 1,
      per_page: 50 } as never);
  });

  it("says why a finished walk-forward has no efficiency, where the list would show a dash (trial 17)", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><MemoryRouter><WalkForwardsPage /></MemoryRouter></QueryClientProvider>);
    const na = await screen.findByTestId('walkforward-row-efficiency-na');
    expect(na).toHaveTextContent(`n/a: ${WHY}`);
    expect(na).toHaveAttribute('title', WHY);
    await waitFor(() => expect(screen.getByText('0.42')).toBeInTheDocument());
    expect(screen.getAllByTestId('walkforward-row-efficiency-na')).toHaveLength(1);
  });
});
