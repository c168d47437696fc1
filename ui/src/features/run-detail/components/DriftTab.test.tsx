import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Run } from '@/lib/api/types';
import { setZoneMode } from '@/lib/time/zone';
import type { DriftDecision, DriftOrder, DriftReport } from '../api/drift';
import { DriftTab } from './DriftTab';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
// The canvas chart cannot draw in jsdom: a stand-in shows what it was given.
vi.mock('@/components/charts/OverlayEquityChart', () => ({
  OverlayEquityChart: ({ live, backtest }: { live: unknown[]; backtest: unknown[] }) => (
    <div data-testid="drift-chart" data-live={live.length} data-backtest={backtest.length} />
  ),
}));
const get = vi.mocked(api.get);

const RUN = { id: 'r1', mode: 'paper', symbols: ['AAPL'], timeframe: '1Min', status: 'running' } as Run;
const order = (cid: string, side: string, fills: [string, string][] = []): DriftOrder => ({
  client_order_id: cid, bar_ts: '2024-06-03T14:30:00Z', symbol: 'AAPL', side, type: 'market', qty: '10',
  notional: null, percent: null, limit_price: null, stop_price: null, time_in_force: 'day', status: 'filled',
  filled_qty: '10', avg_price: '100', fees: '0', fills: fills.map(([qty, price]) => ({ qty, price, fee: '0',
    ts: '2024-06-03T14:31:00Z' })),
});
const decision = (status: DriftDecision['status'], live: DriftOrder | null, backtest: DriftOrder | null,
  note: string | null = null): DriftDecision => ({
  status, bar_ts: (live ?? backtest)!.bar_ts, symbol: 'AAPL', side: (live ?? backtest)!.side, type: 'market', live,
  backtest, slippage_bps: null, fill_delay_s: null, execution: '0', partial: false, note,
});

function report(decisions: DriftDecision[], partial: DriftOrder[] = []): DriftReport {
  return {
    run_id: 'r1', against: null, strategy: 'sma_cross', params: {}, bars: 100, warmup: 20, source: 'live_bars',
    idle_bars: 0, first_bar: '2024-06-03T14:10:00Z', last_bar: '2024-06-03T15:49:00Z',
    summary: { decisions: decisions.length, identical: decisions.filter((d) => d.status === 'identical').length,
      identical_pct: 50, matched: 1, only_live: 1, only_backtest: 0, avg_slippage_bps: 4.5, worst_slippage_bps: 9,
      live_pnl: '90', backtest_pnl: '100', difference: '-10', execution: '-8', signal: '-2', partial_fills: partial.length,
      live_fees: '0', backtest_fees: '0', execution_fees: '0' },
    notes: [], decisions, partial_fills: partial,
    equity: { live: [{ ts: '2024-06-03T14:30:00Z', equity: 1 }], backtest: [{ ts: '2024-06-03T14:30:00Z', equity: 1 },
      { ts: '2024-06-03T14:31:00Z', equity: 2 }] },
  };
}

function renderTab(body: DriftReport) {
  get.mockResolvedValue(body as never);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><DriftTab run={RUN} /></QueryClientProvider>);
}

describe('DriftTab', () => {
  beforeEach(() => setZoneMode('utc'));  // the bars' times in the basis, in the zone the user picked

  it('shows the split of the P&L difference, both curves and only the unmatched decisions', async () => {
    const identical = decision('identical', order('a', 'buy'), order('b', 'buy'));
    const onlyLive = decision('only_live', order('c', 'sell'), null);
    const partial = order('a', 'buy', [['4', '100.1'], ['6', '100.2']]);
    renderTab(report([identical, onlyLive], [partial]));
    expect(await screen.findByTestId('drift-identical')).toHaveTextContent('1 of 2 (50.0 %)');
    expect(screen.getByTestId('drift-execution')).toHaveTextContent('−8.00');
    expect(screen.getByTestId('drift-signal')).toHaveTextContent('−2.00');
    // trial 38: the two P&Ls the command line shows, and how to backtest the same period as a run
    expect(screen.getByTestId('drift-pnl')).toHaveTextContent('+90.00 / +100.00');
    expect(screen.getByTestId('drift-basis')).toHaveTextContent('A replay of the 100 bars the run saw, the first 20 of '
      + 'them warm-up (its history before its first traded bar). To backtest the same period as a run of its own: New '
      + "run, the same settings, start at its first bar (2024-06-03 14:10:00), end at the run's last traded bar "
      + '(2024-06-03 15:49:00), and that many warm-up bars.');
    expect(screen.getByTestId('drift-chart')).toHaveAttribute('data-live', '1');
    expect(screen.getByTestId('drift-chart')).toHaveAttribute('data-backtest', '2');
    const unmatched = screen.getByTestId('drift-unmatched');
    expect(within(unmatched).getByText('only live')).toBeInTheDocument();
    expect(within(unmatched).queryByText('identical')).not.toBeInTheDocument();
    expect(screen.getByTestId('drift-partial-fills')).toHaveTextContent('4 @ 100.10, 6 @ 100.20');
    expect(get).toHaveBeenCalledWith('/runs/r1/drift', undefined, expect.anything());
  });

  it("counts the bars the run was not trading apart and ends the period's backtest at its last bar", async () => {
    // trial 42: "the 1,114 bars the run saw" of a run down for 225 of them; a backtest ending at the run's stop
    renderTab({ ...report([]), bars: 1114, idle_bars: 225, last_bar: '2026-12-08T00:07:16Z' });
    expect(await screen.findByTestId('drift-basis')).toHaveTextContent('A replay of the 1,114 bars the run saw, the '
      + 'first 20 of them warm-up (its history before its first traded bar) and 225 of them while the run was not '
      + 'trading (down, or stopped and started again: it saw them only as history, and only the backtest decided on '
      + "them). To backtest the same period as a run of its own: New run, the same settings, start at its first bar "
      + "(2024-06-03 14:10:00), end at the run's last traded bar (2026-12-08 00:07:16), and that "
      + 'many warm-up bars.');
  });

  it('lists a same request that filled otherwise, and says why each decision differs', async () => {
    const partly = 'live filled 16 of 52 shares in 3 fills (the backtest 52 in 1); the rest was cancelled';
    const held = 'before this bar live held 36 shares, the backtest 0: an earlier order was still filling';
    renderTab(report([
      decision('identical', order('a', 'buy'), order('b', 'buy'), partly),
      decision('only_backtest', null, order('c', 'buy'), held),
      decision('identical', order('d', 'sell'), order('e', 'sell')),
    ]));
    const unmatched = await screen.findByTestId('drift-unmatched');
    const rows = within(unmatched).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('same request');
    expect(rows[0]).toHaveTextContent(partly);
    expect(rows[1]).toHaveTextContent('only backtest');
    expect(rows[1]).toHaveTextContent(held);
    expect(within(unmatched).getByText(held)).toHaveClass('wrap');
  });

  it('says when every decision is identical', async () => {
    renderTab(report([decision('identical', order('a', 'buy'), order('b', 'buy'))]));
    expect(await screen.findByTestId('drift-all-identical')).toBeInTheDocument();
    expect(screen.queryByTestId('drift-partial-fills')).not.toBeInTheDocument();
  });

  it('says what the backtest side charged in fees and modelled in slippage, where live paid the broker', async () => {
    const notes = ['Fees: the backtest side charged $49.24 under the fee model percent:0.5; the broker charged $0.00. '
      + 'A paper or live run pays what its broker charges: the fee model is a backtest\'s assumption, applied here to '
      + 'the backtest side only (+$49.24 of "from execution" is this difference on the decisions both sides filled).',
    'Slippage: the backtest side\'s fills are moved against each order by the slippage model 20bp; live fills are at '
      + 'the broker\'s own prices (the slippage column compares them with the moved prices).'];
    const body = report([decision('identical', order('a', 'buy'), order('b', 'buy'))]);
    renderTab({ ...body, notes, summary: { ...body.summary, live_fees: '0', backtest_fees: '49.24', execution_fees: '49.24' } });
    expect(await screen.findByTestId('drift-fees')).toHaveTextContent('0.00 / 49.24');
    expect(screen.getByTestId('drift-execution')).toHaveAttribute('title', expect.stringContaining('(+49.24 of it)'));
    const shown = within(screen.getByTestId('drift-notes')).getAllByRole('listitem');
    expect(shown.map((item) => item.textContent)).toEqual(notes);
  });

  it('shows no notes when neither side paid anything', async () => {
    renderTab(report([decision('identical', order('a', 'buy'), order('b', 'buy'))]));
    await screen.findByTestId('drift-fees');
    expect(screen.queryByTestId('drift-notes')).not.toBeInTheDocument();
  });
});
