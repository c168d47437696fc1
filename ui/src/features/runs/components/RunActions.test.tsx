import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Mode, Run } from '@/lib/api/types';
import { RunActions } from './RunActions';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, post: vi.fn() } };
});
const post = vi.mocked(api.post);

function makeRun(mode: Mode, overrides: Partial<Run> = {}): Run {
  return {
    id: `run-${mode}`, mode, name: null, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Min',
    start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'created', error: null, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null, metrics: {},
    state: { state: 'created', reason: null, message: null, can_stop: false, can_start: true }, ...overrides,
  };
}

function renderActions(run: Run) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  render(<QueryClientProvider client={client}><RunActions run={run} /></QueryClientProvider>);
}

describe('RunActions', () => {
  beforeEach(() => {
    post.mockReset();
    post.mockImplementation(async (path: string) => ({ ...makeRun('live'), status: 'running', id: path,
      state: { state: 'running', reason: null, message: null, can_stop: true, can_start: false } }));
  });

  it('starts a live run only after LIVE is typed and confirmed', async () => {
    renderActions(makeRun('live'));
    fireEvent.click(screen.getByTestId('row-start'));
    const dialog = screen.getByTestId('live-start-confirm');
    expect(post).not.toHaveBeenCalled();
    expect(within(dialog).getByTestId('confirm-button')).toBeDisabled();
    await userEvent.type(within(dialog).getByTestId('confirm-word'), 'LIVE');
    expect(post).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/runs/run-live/start'));
    await waitFor(() => expect(screen.queryByTestId('live-start-confirm')).not.toBeInTheDocument());
  });

  it('does not start a live run when the confirmation is cancelled', () => {
    renderActions(makeRun('live'));
    fireEvent.click(screen.getByTestId('row-start'));
    fireEvent.click(within(screen.getByTestId('live-start-confirm')).getByText('Cancel'));
    expect(screen.queryByTestId('live-start-confirm')).not.toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it.each<Mode>(['paper', 'backtest'])('starts a %s run at once, without asking', async (mode) => {
    renderActions(makeRun(mode));
    fireEvent.click(screen.getByTestId('row-start'));
    expect(screen.queryByTestId('live-start-confirm')).not.toBeInTheDocument();
    await waitFor(() => expect(post).toHaveBeenCalledWith(`/runs/run-${mode}/start`));
  });
});
