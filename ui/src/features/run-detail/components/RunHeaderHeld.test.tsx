import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Position, Run } from '@/lib/api/types';
import { RunHeader } from './RunHeader';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn(), delete: vi.fn() } };
});
const get = vi.mocked(api.get);
const remove = vi.mocked(api.delete);

const position = (symbol: string, qty: string) => ({ symbol, qty, avg_price: '187.5', mark_price: null,
  market_value: null, unrealized_pl: null }) as Position;

const stopped: Run = {
  id: 'run-paper', mode: 'paper', name: null, strategy: 'sma_cross', params: {}, symbols: ['TSLA'], timeframe: '1Min',
  start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
  status: 'stopped', error: null, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
  updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: '2024-01-02T15:00:00Z',
  finished_at: '2024-01-02T16:00:00Z', metrics: {},
  state: { state: 'stopped', reason: 'user', message: null, can_stop: false, can_start: true },
};

function renderHeader(run: Run) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter><RunHeader run={run} /></MemoryRouter></QueryClientProvider>);
}

describe('a stopped paper run that still holds positions (trial 19: nothing said so, and delete was silent)', () => {
  beforeEach(() => {
    get.mockReset(); remove.mockReset(); vi.mocked(api.post).mockReset();
    remove.mockResolvedValue(undefined as never);
  });

  it('says on its page what is still open at the broker', async () => {
    get.mockResolvedValue([position('TSLA', '8'), position('AAPL', '0')]);
    renderHeader(stopped);
    const note = await screen.findByTestId('stopped-positions-note');
    expect(note).toHaveTextContent('This run stopped holding 8 TSLA at the broker: they are still open there.');
    expect(get).toHaveBeenCalledWith('/runs/run-paper/positions', undefined, expect.anything());
  });

  it('closes them at market from its page, once confirmed', async () => {
    get.mockResolvedValue([position('TSLA', '8'), position('MSFT', '-5')]);
    vi.mocked(api.post).mockResolvedValue(stopped);
    renderHeader(stopped);
    const note = await screen.findByTestId('stopped-positions-note');
    expect(note).toHaveTextContent("Close them at market here (one order per symbol, booked as this run's own), or at "
      + 'the broker.');
    fireEvent.click(within(note).getByTestId('close-positions-run'));
    const dialog = screen.getByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent("Close this paper run's positions?");
    expect(dialog).toHaveTextContent('Sends a market order for 8 TSLA, 5 MSFT short, one per symbol');
    expect(api.post).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(api.post).toHaveBeenCalledWith('/runs/run-paper/close-positions'));
  });

  it('says a close is on its way until the run says what it became, instead of offering a second (a 409)',
    async () => {
      let events: unknown[] = [{ id: 'e1', seq: 40, type: 'run.positions_closed', payload: { detail: 'older' } }];
      get.mockImplementation(async (path: string) => (path.endsWith('/events') ? events
        : [position('TSLA', '8')]) as never);
      vi.mocked(api.post).mockResolvedValue(stopped);
      const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
      render(<QueryClientProvider client={client}><MemoryRouter><RunHeader run={stopped} /></MemoryRouter>
      </QueryClientProvider>);
      const note = await screen.findByTestId('stopped-positions-note');
      fireEvent.click(within(note).getByTestId('close-positions-run'));
      fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByTestId('confirm-button'));
      await waitFor(() => expect(within(note).getByTestId('close-positions-run')).toHaveTextContent(
        'Close on its way…'));
      expect(within(note).getByTestId('close-positions-run')).toBeDisabled();
      events = [{ id: 'e2', seq: 41, type: 'run.positions_closed', payload: { detail: 'sold 8 TSLA' } }, ...events];
      await client.invalidateQueries();
      await waitFor(() => expect(within(note).getByTestId('close-positions-run')).toHaveTextContent(
        'Close positions'));
      expect(within(note).getByTestId('close-positions-run')).toBeEnabled();
    });

  it("says the close is still working instead of offering another, while the stop's close fills (trial 42)",
    async () => {
      let orders = [{ symbol: 'TSLA', side: 'sell', qty: '190', status: 'partially_filled', filled_qty: '54' }];
      get.mockImplementation(async (path: string) => (path.endsWith('/events')
        ? [{ id: 'e1', seq: 40, type: 'run.positions_closed', payload: { orders, detail: 'sold 190 TSLA: still '
          + 'working at the broker (54 filled so far)' } }] : [position('TSLA', '136')]) as never);
      const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
      render(<QueryClientProvider client={client}><MemoryRouter><RunHeader run={stopped} /></MemoryRouter>
      </QueryClientProvider>);
      expect(await screen.findByTestId('closing-positions-note')).toHaveTextContent('This run still holds 136 TSLA '
        + 'while its close is working at the broker');
      expect(screen.queryByTestId('stopped-positions-note')).toBeNull();
      expect(screen.queryByTestId('close-positions-run')).toBeNull();
      orders = [{ ...orders[0]!, status: 'filled', filled_qty: '190' }];  // filled: nothing held, nothing said
      await client.invalidateQueries();
      await waitFor(() => expect(screen.queryByTestId('closing-positions-note')).toBeNull());
    });

  it('warns before deleting it and, confirmed, deletes it knowing', async () => {
    get.mockResolvedValue([position('TSLA', '8')]);
    renderHeader(stopped);
    await screen.findByTestId('stopped-positions-note');
    fireEvent.click(screen.getByTestId('delete-run'));
    const dialog = screen.getByTestId('confirm-dialog');
    expect(await within(dialog).findByTestId('delete-positions-note')).toHaveTextContent(
      'It still holds 8 TSLA at the broker: deleting the run leaves them there, owned by no run.');
    // trial 22: a plain "Delete" force-deleted it: the button says what it does
    expect(within(dialog).getByTestId('confirm-button')).toHaveTextContent('Delete and leave 8 TSLA at the broker');
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(remove).toHaveBeenCalledWith('/runs/run-paper?force=true'));
  });

  it('says nothing and deletes plainly when it is flat', async () => {
    get.mockResolvedValue([position('TSLA', '0')]);
    renderHeader(stopped);
    await waitFor(() => expect(get).toHaveBeenCalled());
    expect(screen.queryByTestId('stopped-positions-note')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('delete-run'));
    expect(within(screen.getByTestId('confirm-dialog')).getByTestId('confirm-button')).toHaveTextContent(/^Delete$/);
    fireEvent.click(within(screen.getByTestId('confirm-dialog')).getByTestId('confirm-button'));
    await waitFor(() => expect(remove).toHaveBeenCalledWith('/runs/run-paper'));
  });
});
