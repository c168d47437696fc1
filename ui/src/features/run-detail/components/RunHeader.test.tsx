import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Mode, Run } from '@/lib/api/types';
import { RunHeader } from './RunHeader';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, post: vi.fn() } };
});
const post = vi.mocked(api.post);

function makeRun(mode: Mode): Run {
  return {
    id: `run-${mode}`, mode, name: null, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Min',
    start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'created', error: null, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null, metrics: {},
    state: { state: 'created', reason: null, message: null, can_stop: false, can_start: true },
  };
}

function renderHeader(run: Run) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter><RunHeader run={run} /></MemoryRouter></QueryClientProvider>);
}

describe('RunHeader start button', () => {
  beforeEach(() => {
    post.mockReset();
    post.mockImplementation(async () => ({ ...makeRun('live'), status: 'running',
      state: { state: 'running', reason: null, message: null, can_stop: true, can_start: false } }));
  });

  it('asks to type LIVE before starting a live run', async () => {
    renderHeader(makeRun('live'));
    fireEvent.click(screen.getByTestId('start-run'));
    expect(post).not.toHaveBeenCalled();
    const dialog = screen.getByTestId('live-start-confirm');
    await userEvent.type(within(dialog).getByTestId('confirm-word'), 'live');
    expect(within(dialog).getByTestId('confirm-button')).toBeDisabled();
    await userEvent.clear(within(dialog).getByTestId('confirm-word'));
    await userEvent.type(within(dialog).getByTestId('confirm-word'), 'LIVE');
    expect(post).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/runs/run-live/start'));
  });

  it('starts a paper run at once', async () => {
    renderHeader(makeRun('paper'));
    expect(screen.getByTestId('start-run')).toHaveTextContent('Start trading');
    fireEvent.click(screen.getByTestId('start-run'));
    expect(screen.queryByTestId('live-start-confirm')).not.toBeInTheDocument();
    await waitFor(() => expect(post).toHaveBeenCalledWith('/runs/run-paper/start'));
  });
});

describe('RunHeader walk-forward link', () => {
  it("links a walk-forward's out-of-sample run to its walk-forward, and a plain run to none", () => {
    renderHeader({ ...makeRun('backtest'), walkforward_id: 'wf-1' });
    expect(screen.getByTestId('run-walkforward-link')).toHaveAttribute('href', '/walkforwards/wf-1');
    expect(screen.getByTestId('run-walkforward-link')).toHaveTextContent('part of a walk-forward');
  });

  it('shows no walk-forward link for a run outside one', () => {
    renderHeader(makeRun('backtest'));
    expect(screen.queryByTestId('run-walkforward-link')).not.toBeInTheDocument();
  });
});

describe('RunHeader window', () => {
  it("says a walk-forward out-of-sample run's first bars only warm up and that it ends flat", () => {
    // trial 13: the header's window began months before the figures and the curve did, unexplained
    renderHeader({ ...makeRun('backtest'), status: 'completed', walkforward_id: 'w1',
      options: { warmup: 200, close_at_end: true } } as Run);
    expect(screen.getByTestId('run-warmup')).toHaveTextContent('the first 200 bars only warm up (no trading, not in the figures)');
    expect(screen.getByTestId('run-closed-at-end')).toHaveTextContent('closed flat at its last close');
  });

  it('says nothing of either for an ordinary backtest', () => {
    renderHeader({ ...makeRun('backtest'), status: 'completed' });
    expect(screen.queryByTestId('run-warmup')).toBeNull();
    expect(screen.queryByTestId('run-closed-at-end')).toBeNull();
  });
});

describe('RunHeader paper trade these settings', () => {
  it("links a completed backtest (a sweep cell too) to the paper form filled from it; nothing else gets it", () => {
    renderHeader({ ...makeRun('backtest'), status: 'completed', sweep_id: 'sweep-1' });
    expect(screen.getByTestId('paper-trade-settings')).toHaveAttribute('href', '/runs/new?mode=paper&from=run-backtest');
  });

  it('offers it neither on a backtest that has not completed nor on a paper run', () => {
    renderHeader({ ...makeRun('backtest'), status: 'failed' });
    renderHeader({ ...makeRun('paper'), status: 'stopped' });
    expect(screen.queryByTestId('paper-trade-settings')).toBeNull();
  });
});

describe('RunHeader cost models', () => {
  it('says a paper run\'s fee and slippage models apply to the backtest side only', () => {
    renderHeader({ ...makeRun('paper'), fees: { model: 'percent', rate: '0.5' }, slippage: { model: 'bps', value: '20' } });
    expect(screen.getByTestId('run-fees')).toHaveTextContent('fees (backtest side only) percent 0.5');
    expect(screen.getByTestId('run-slippage')).toHaveTextContent('slippage (backtest side only) bps 20');
    expect(screen.getByTestId('run-fees')).toHaveAttribute('title', expect.stringContaining('pays what its broker charges'));
  });

  it('shows a backtest\'s models as its own', () => {
    renderHeader({ ...makeRun('backtest'), fees: { model: 'percent', rate: '0.5' } });
    expect(screen.getByTestId('run-fees')).toHaveTextContent(/^fees percent 0.5$/);
    expect(screen.getByTestId('run-fees')).not.toHaveAttribute('title');
  });
});
