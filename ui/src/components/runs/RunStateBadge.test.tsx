import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Run } from '@/lib/api/types';
import { RunStateBadge } from './RunStateBadge';

type View = Run['state'];
const view = (state: View['state'], reason: View['reason'] = null, message: string | null = null): View =>
  ({ state, reason, message, can_stop: false, can_start: false });

describe('RunStateBadge', () => {
  it.each([
    [view('running'), 'running', 's-running'],
    [view('stopping', 'kill_switch'), 'stopping (kill switch)', 's-stopping'],
    [view('stopped', 'completed'), 'completed', 's-completed'],
    [view('stopped', 'user'), 'stopped by user', 's-created'],
    [view('stopped', 'kill_switch'), 'stopped by kill switch', 's-cancelled'],
    [view('stopped', 'risk_limit', 'down 120.00 today; the limit is 100.00: run halted'), 'halted by risk limit',
      's-cancelled'],
    [view('stopped', 'error', 'tick failed: ZeroDivisionError'), 'failed', 's-error'],
  ])('reads %j as "%s"', (state, label, tone) => {
    render(<RunStateBadge run={{ status: state.reason === 'error' ? 'failed' : 'stopped', state }} />);
    const badge = screen.getByTestId('status-badge');
    expect(badge).toHaveTextContent(label);
    expect(badge).toHaveClass(tone);
    expect(badge).toHaveAttribute('data-state', state.state);
    expect(badge).toHaveAttribute('data-reason', state.reason ?? '');
  });

  it('says what the API says of a run that ended in error: its status, with the reason and message in the title', () => {
    const failed = view('stopped', 'error', 'insufficient bars');
    const { unmount } = render(<RunStateBadge run={{ status: 'failed', state: failed }} />);
    let badge = screen.getByTestId('status-badge');
    expect(badge).toHaveTextContent(/^failed$/);
    expect(badge).toHaveAttribute('data-status', 'failed');
    expect(badge).toHaveAttribute('title', 'reason: error — insufficient bars');
    unmount();
    render(<RunStateBadge run={{ status: 'error', state: view('stopped', 'error', 'tick failed') }} />);
    badge = screen.getByTestId('status-badge');
    expect(badge).toHaveTextContent(/^error$/); // a paper or live run's status is `error`
    expect(badge).toHaveAttribute('title', 'reason: error — tick failed');
  });
});
