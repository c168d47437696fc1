import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Run } from '@/lib/api/types';
import { EquityPanel } from './EquityPanel';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
vi.mock('@/components/charts/EquityChart', () => ({ EquityChart: () => null }));

describe('EquityPanel', () => {
  it("says the last equity as cash plus positions, so the page adds up (trial 41: the run's cash was nowhere)", async () => {
    vi.mocked(api.get).mockResolvedValue([
      { ts: '2026-12-08T00:07:15Z', equity: '15300.0000', cash: '15300.0000', benchmark: null },
      { ts: '2026-12-08T00:07:16Z', equity: '15304.1691', cash: '-5.2200', benchmark: null },
    ]);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><EquityPanel run={{ id: 'r1', mode: 'paper', timeframe: '1Sec',
      status: 'stopped' } as Run} /></QueryClientProvider>);
    expect(await screen.findByTestId('equity-last')).toHaveTextContent(
      'last 15,304.17 = cash −5.22 + positions 15,309.39');
  });
});
