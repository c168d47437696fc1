import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { Run } from '@/lib/api/types';
import { RunHeader } from './RunHeader';

type View = Run['state'];
const view = (state: View['state'], reason: View['reason'] = null, message: string | null = null,
  can: Partial<Pick<View, 'can_stop' | 'can_start'>> = {}): View =>
  ({ state, reason, message, can_stop: false, can_start: false, ...can });

function paperRun(status: Run['status'], state: View, error: string | null = null): Run {
  return {
    id: 'run-1', mode: 'paper', name: null, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Sec',
    start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status, error, progress: 0, sweep_id: null, created_at: '2024-01-02T15:00:00Z', updated_at: '2024-01-02T15:00:00Z',
    queued_at: null, started_at: null, finished_at: null, metrics: {}, state,
  };
}

function header(run: Run) {
  render(<QueryClientProvider client={new QueryClient()}><MemoryRouter><RunHeader run={run} /></MemoryRouter></QueryClientProvider>);
}

describe('RunHeader draws the state alone', () => {
  it('a running run with a warning in `error` (a rejected order) is running, with Stop and no error banner', () => {
    header(paperRun('running', view('running', null, null, { can_stop: true }), 'order x rejected by the broker'));
    expect(screen.getByTestId('run-status')).toHaveTextContent('running');
    expect(screen.getByTestId('stop-run')).toBeInTheDocument();
    expect(screen.queryByTestId('run-error')).not.toBeInTheDocument();
  });

  it('a kill-switch stop is no error: "stopped by kill switch", no banner, no Stop, Start again', () => {
    header(paperRun('stopped', view('stopped', 'kill_switch', null, { can_start: true }), 'stopped by the kill switch'));
    expect(screen.getByTestId('run-status')).toHaveTextContent('stopped by kill switch');
    expect(screen.queryByTestId('run-error')).not.toBeInTheDocument();
    expect(screen.queryByTestId('stop-run')).not.toBeInTheDocument();
    expect(screen.getByTestId('start-run')).toBeInTheDocument();
  });

  it('an error stop shows its message under an "error" badge, and no Stop button', () => {
    header(paperRun('error', view('stopped', 'error', 'tick failed: ZeroDivisionError', { can_start: true }),
      'tick failed: ZeroDivisionError'));
    expect(screen.getByTestId('run-status')).toHaveTextContent('error');
    expect(screen.getByTestId('run-error')).toHaveTextContent('The run stopped with an error: tick failed: ZeroDivisionError');
    expect(screen.queryByTestId('stop-run')).not.toBeInTheDocument();
  });

  it('a stopping run offers no second Stop', () => {
    header(paperRun('stopping', view('stopping', 'user')));
    expect(screen.getByTestId('run-status')).toHaveTextContent('stopping');
    expect(screen.queryByTestId('stop-run')).not.toBeInTheDocument();
  });
});
