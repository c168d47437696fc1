import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Position, Run } from '@/lib/api/types';
import { RunHeader } from './RunHeader';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn() } };
});
const get = vi.mocked(api.get);

function position(symbol: string, qty: string): Position {
  return { symbol, qty, avg_price: '187.5', mark_price: null, market_value: null, unrealized_pl: null } as Position;
}

const running: Run = {
  id: 'run-paper', mode: 'paper', name: null, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Min',
  start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
  status: 'running', error: null, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
  updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: '2024-01-02T15:00:00Z', finished_at: null, metrics: {},
  state: { state: 'running', reason: null, message: null, can_stop: true, can_start: false },
};

function openStopDialog() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter><RunHeader run={running} /></MemoryRouter></QueryClientProvider>);
  fireEvent.click(screen.getByTestId('stop-run'));
  return screen.getByTestId('confirm-dialog');
}

describe('stop dialog of a paper run', () => {
  beforeEach(() => { get.mockReset(); vi.mocked(api.post).mockReset(); });

  it('says plainly that the positions stay open at the broker', async () => {
    get.mockResolvedValue([position('AAPL', '105')]);
    const dialog = openStopDialog();
    const note = await within(dialog).findByTestId('stop-positions-note');
    expect(note).toHaveTextContent('Its positions stay open at the broker: 105 AAPL — a stop cancels orders, not positions, '
      + 'unless you close them here.');
    expect(get).toHaveBeenCalledWith('/runs/run-paper/positions', undefined, expect.anything());
  });

  it('closes the positions when asked: the note says how, the cancel box stays ticked, the stop sends both', async () => {
    get.mockResolvedValue([position('AAPL', '105'), position('MSFT', '-50')]);
    vi.mocked(api.post).mockResolvedValue(running);
    const dialog = openStopDialog();
    const cancel = within(dialog).getByRole('checkbox', { name: 'Also cancel its open orders at the broker' });
    fireEvent.click(cancel);
    expect(cancel).not.toBeChecked();
    fireEvent.click(await within(dialog).findByTestId('close-positions'));
    expect(cancel).toBeChecked();
    expect(cancel).toBeDisabled();
    expect(within(dialog).getByTestId('close-positions-note')).toHaveTextContent('Closes 105 AAPL, 50 MSFT short with '
      + "one market order per symbol once its orders are cancelled, booked as this run's own orders and fills");
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await vi.waitFor(() => expect(api.post).toHaveBeenCalledWith('/runs/run-paper/stop',
      { cancel_orders: true, close_positions: true }));
  });

  it('says nothing about positions when the run holds none', async () => {
    get.mockResolvedValue([position('AAPL', '0')]);
    const dialog = openStopDialog();
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    await act(async () => { await new Promise((r) => setTimeout(r, 20)); });
    expect(within(dialog).queryByTestId('stop-positions-note')).not.toBeInTheDocument();
    expect(dialog).toHaveTextContent('Also cancel its open orders at the broker');
    expect(within(dialog).queryByTestId('close-positions')).not.toBeInTheDocument();
  });
});
