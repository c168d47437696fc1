import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Run, WeaverEvent } from '@/lib/api/types';
import { setZoneMode } from '@/lib/time/zone';
import { RunNotices } from './RunNotices';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

const event = (id: string, type: string, detail: string) => ({ id, seq: Number(id), type, ts: '2026-12-06T18:00:00Z',
  run_id: 'r1', payload: { run_id: 'r1', detail } }) as unknown as WeaverEvent;

function renderNotices(mode: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode } as Run} /></QueryClientProvider>);
}

describe('RunNotices', () => {
  beforeEach(() => get.mockReset());

  it("shows the newest of each start notice of a paper run under its header, asked of the API by type", async () => {
    get.mockResolvedValue([event('9', 'run.account_shared', 'this run shares the paper account (AAPL with run two)'),
      event('8', 'run.buying_power_short', "the paper account's buying power is 90,099.04, less than this run's cash"),
      event('3', 'run.account_shared', 'an older notice')]);
    renderNotices('paper');
    const notices = await screen.findAllByTestId('run-notice');
    expect(notices.map((n) => n.textContent)).toEqual([
      'Shares its account: this run shares the paper account (AAPL with run two)',
      "Buying power short: the paper account's buying power is 90,099.04, less than this run's cash"]);
    expect(get).toHaveBeenCalledWith('/runs/r1/events', { order: 'desc', limit: 20,
      type: 'run.account_shared,run.buying_power_short,run.positions_closed,run.bars_missed' }, expect.anything());
  });

  it('drops the shared-account notice once the other runs stopped, or this one did', async () => {
    const alone = { ...event('10', 'run.account_shared', 'this run no longer shares its symbols on the paper '
      + 'account: run two stopped'), payload: { run_id: 'r1', symbols: [], others: [], detail: 'no longer' } };
    get.mockResolvedValue([alone, event('9', 'run.account_shared', 'this run shares the paper account (AAPL with run '
      + 'two)'), event('8', 'run.buying_power_short', 'short')]);
    renderNotices('paper');
    const notices = await screen.findAllByTestId('run-notice');
    expect(notices.map((n) => n.dataset.type)).toEqual(['run.buying_power_short']);
  });

  it("drops the buying-power notice once a stop left the runs' cash fitting the account (trial 41)", async () => {
    const fits = { ...event('10', 'run.buying_power_short', ''), payload: { run_id: 'r1', cash: '45000',
      buying_power: '80999', fits: "run t41 stopped: the 2 active paper runs' cash together (76,000.00) fits" } };
    get.mockResolvedValue([fits, event('9', 'run.account_shared', 'this run shares the paper account'),
      event('8', 'run.buying_power_short', 'short')]);
    renderNotices('paper');
    const notices = await screen.findAllByTestId('run-notice');
    expect(notices.map((n) => n.dataset.type)).toEqual(['run.account_shared']);
  });

  it("says nothing of sharing or of the start's buying power on a stopped run, and what its close did (trial 40)",
    async () => {
      get.mockResolvedValue([event('12', 'run.positions_closed', 'sold 52 AAPL, filled at 187.5'),
        event('9', 'run.account_shared', 'this run shares the paper account (AAPL with run two)'),
        event('8', 'run.buying_power_short', 'short')]);
      const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
      render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode: 'paper',
        state: { state: 'stopped' } } as Run} /></QueryClientProvider>);
      const notices = await screen.findAllByTestId('run-notice');
      expect(notices.map((n) => n.dataset.type)).toEqual(['run.positions_closed']);
    });

  it('says what a stop with close_positions closed, and what is still working; not once the run trades again',
    async () => {
      get.mockResolvedValue([event('12', 'run.positions_closed',
        'sold 52 AAPL, filled at 187.5; bought 10 TSLA: still working at the broker, booked when it fills')]);
      const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
      const { rerender } = render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode: 'paper',
        state: { state: 'stopped' } } as Run} /></QueryClientProvider>);
      expect(await screen.findByTestId('run-notice')).toHaveTextContent('Positions closed: sold 52 AAPL, filled at '
        + '187.5; bought 10 TSLA: still working at the broker, booked when it fills');
      rerender(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode: 'paper',
        state: { state: 'running' } } as Run} /></QueryClientProvider>);
      expect(screen.queryByTestId('run-notice')).toBeNull();
    });

  it("says when a paper run was not trading, in the user's zone, and how many gaps in all (trial 38)", async () => {
    const gap = (id: string, count: number, first: string, last: string) => ({ id, seq: Number(id),
      type: 'run.bars_missed', ts: last, run_id: 'r1', payload: { run_id: 'r1', count, first, last } }) as unknown as WeaverEvent;
    setZoneMode('utc');  // the zone the user picked (the machine's own otherwise)
    get.mockResolvedValue([gap('12', 33, '2026-12-07T21:09:53Z', '2026-12-07T21:10:25Z'),
      gap('7', 59, '2026-12-07T21:03:00Z', '2026-12-07T21:03:58Z')]);
    renderNotices('paper');
    expect(await screen.findByTestId('run-notice')).toHaveTextContent(
      'Not traded: 33 bars from 2026-12-07 21:09:53 to 2026-12-07 21:10:25, while the run was not running (stopped, '
      + 'or down); 92 bars in 2 gaps in all. Its backtest decided on them; the run did not.');
  });

  it('tells a stop from Weaver being down (trial 41: a crash read as "stopped, or down")', async () => {
    const gap = (id: string, why: string) => ({ id, seq: Number(id), type: 'run.bars_missed', ts: '2026-12-08T00:01:08Z',
      run_id: 'r1', payload: { run_id: 'r1', count: 225, first: '2026-12-07T23:57:24Z', last: '2026-12-08T00:01:07Z',
        why } }) as unknown as WeaverEvent;
    setZoneMode('utc');
    get.mockResolvedValue([gap('12', 'down')]);
    renderNotices('paper');
    expect(await screen.findByTestId('run-notice')).toHaveTextContent('Not traded: 225 bars from 2026-12-07 23:57:24 '
      + 'to 2026-12-08 00:01:07, while Weaver was not running it (the worker or the machine was down: no tick ran).');
    cleanup();
    get.mockResolvedValue([gap('13', 'stopped')]);
    renderNotices('paper');
    expect(await screen.findByTestId('run-notice')).toHaveTextContent('00:01:07, while the run was stopped. Its '
      + 'backtest decided on them');
  });

  it('shows nothing when the start found nothing, and asks nothing for a backtest', async () => {
    get.mockResolvedValue([]);
    renderNotices('backtest');
    expect(screen.queryByTestId('run-notices')).toBeNull();
    expect(get).not.toHaveBeenCalled();
  });

  it("shows a backtest's own warnings (an indicator that never had a value) without asking for events", () => {
    const warning = "the indicator SMA 2000 of AAPL has no value on any of the run's 1,260 bars: it needs more bars "
      + "than the run's window holds, so the strategy never acted on it";
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}>
      <RunNotices run={{ id: 'r1', mode: 'backtest', options: { warnings: [warning] } } as unknown as Run} />
    </QueryClientProvider>);
    expect(screen.getByTestId('run-warning')).toHaveTextContent(`Warning: ${warning}`);
    expect(get).not.toHaveBeenCalled();
  });

  it("says a finished backtest's return counts what it still held, where the trade figures do not (trial 30)", async () => {
    get.mockResolvedValue([{ symbol: 'AAPL', qty: '877', avg_price: '150', mark_price: '190', market_value: '166630',
      unrealized_pl: '35080', realized_pl: '0', updated_at: '2026-12-07T00:00:00Z' }]);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode: 'backtest',
      status: 'completed' } as Run} /></QueryClientProvider>);
    expect(await screen.findByTestId('run-held-at-end')).toHaveTextContent('Ended holding 877 AAPL (unrealized '
      + '+35,080.00): the return and the equity count it at the last close; the trade figures (trades, win rate, '
      + 'profit factor, expectancy, average, best and worst trade) count closed trades only.');
    expect(get).toHaveBeenCalledWith('/runs/r1/positions', undefined, expect.anything());
  });

  it('says nothing of holdings for a backtest that ended flat, or one still running', async () => {
    get.mockResolvedValue([]);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r1', mode: 'backtest',
      status: 'completed' } as Run} /></QueryClientProvider>);
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    expect(screen.queryByTestId('run-held-at-end')).toBeNull();
    get.mockReset();
    render(<QueryClientProvider client={client}><RunNotices run={{ id: 'r2', mode: 'backtest',
      status: 'running' } as Run} /></QueryClientProvider>);
    expect(get).not.toHaveBeenCalled();
  });
});
