import { describe, expect, it } from 'vitest';
import { eventSummary } from './eventSummary';

const stopped = (error: string, reason: string | null) => ({
  payload: { run_id: 'r', status: 'stopped', previous: 'stopping', mode: 'paper', error,
    ...(reason ? { state: { state: 'stopped', reason, message: null, can_stop: false, can_start: true } } : {}) },
});

describe('eventSummary', () => {
  it('shows a user stop as stopped by user, not as an error', () => {
    const line = eventSummary(stopped('stopped by the user', 'user'));
    expect(line).toBe('status=stopped  previous=stopping  stopped by user');
    expect(line).not.toContain('error');
  });

  it('keeps an earlier warning the user stop left in the text, as a note', () => {
    expect(eventSummary(stopped('quote feed slow', 'user'))).toBe('status=stopped  previous=stopping  stopped by user  note=quote feed slow');
  });

  it('reads the reason from the text on events without a state', () => {
    expect(eventSummary(stopped('stopped by the user', null))).toBe('status=stopped  previous=stopping  stopped by user');
    expect(eventSummary(stopped('stopped by the kill switch', null))).toContain('stopped by the kill switch');
    expect(eventSummary(stopped('stopped by the kill switch', null))).not.toContain('error=');
  });

  it('shows a kill-switch stop and a risk halt with their reason', () => {
    expect(eventSummary(stopped('stopped by the kill switch', 'kill_switch')))
      .toBe('status=stopped  previous=stopping  stopped by the kill switch');
    expect(eventSummary(stopped('down 120.00 today; the limit is 100.00: run halted', 'risk_limit')))
      .toBe('status=stopped  previous=stopping  halted by the risk limit: down 120.00 today; the limit is 100.00: run halted');
  });

  it('still labels a real failure as an error', () => {
    expect(eventSummary({ payload: { status: 'error', error: 'broker refused the order', state: { reason: 'error' } } }))
      .toBe('status=error  error=broker refused the order');
    expect(eventSummary({ payload: { status: 'failed', error: 'no bars for AAPL' } })).toBe('status=failed  error=no bars for AAPL');
  });

  it('keeps the other fields as before', () => {
    expect(eventSummary({ payload: { progress: 0.5, bars_done: 120 } })).toBe('50%  bars_done=120');
  });

  it('says how a run came back after a restart, and what it missed, in words', () => {
    expect(eventSummary({ type: 'run.resumed', payload: { run_id: 'r', last_bar: '2026-12-03T15:00:00Z',
      bars_replayed: 6, mismatches: 0 } }))
      .toBe('strategy rebuilt (started again, or its worker restarted): 6 bars replayed, 0 mismatches with the records');
    expect(eventSummary({ type: 'run.resumed', payload: { run_id: 'r', last_bar: '2026-12-03T15:00:00Z',
      bars_replayed: 1, saved_state: '2026-12-03T14:59:00Z', mismatches: 1 } }))
      .toBe('strategy rebuilt (started again, or its worker restarted): 1 bar replayed after its saved state, 1 mismatch with the records');
    // trial 27: another run's failure rebuilt this one, and its log said nothing of why
    expect(eventSummary({ type: 'run.resumed', payload: { run_id: 'r', last_bar: '2026-12-03T15:00:00Z',
      bars_replayed: 84, mismatches: 0, reason: 'another run met an error' } }))
      .toBe('rebuilt: another run met an error; 84 bars replayed, 0 mismatches with the records');
    expect(eventSummary({ type: 'run.resumed', payload: { run_id: 'r', last_bar: '2026-12-03T15:00:00Z',
      bars_replayed: 2, mismatches: 1, code_changed: "the strategy's code (mine.py) is not the code the run started with" } }))
      .toBe("strategy rebuilt (started again, or its worker restarted): 2 bars replayed, 1 mismatch with the records; the strategy's "
        + "code (mine.py) is not the code the run started with");
    expect(eventSummary({ type: 'run.bars_missed', payload: { run_id: 'r', count: 3, first: 'a', last: 'b' } }))
      .toBe('3 bars not traded while the run was not running (stopped, or down)');
  });

  it('says a list of records through its detail, never as [object Object] (trial 30)', () => {
    expect(eventSummary({ type: 'run.positions_closed', payload: { run_id: 'r', detail: 'sold 58 AAPL at 189.90',
      orders: [{ symbol: 'AAPL', qty: '58', status: 'filled' }] } }))
      .toBe('detail=sold 58 AAPL at 189.90');
    expect(eventSummary({ payload: { orders: [{ id: 'a' }, { id: 'b' }] } })).toBe('orders=2');
    expect(eventSummary({ payload: { orders: ['a', 'b'] } })).toBe('orders=a, b');
  });
});
