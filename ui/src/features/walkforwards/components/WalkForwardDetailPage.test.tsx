import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api/client';
import type { Fold, Walkforward, WalkforwardEquity } from '../api/types';
import { WalkForwardDetailPage } from './WalkForwardDetailPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn() } };
});
vi.mock('@/components/charts/OverlayLinesChart', () => ({
  OverlayLinesChart: ({ lines }: { lines: Array<{ label: string; points: unknown[] }> }) => (
    <div data-testid="overlay">{lines.map((l) => `${l.label}:${l.points.length}`).join('|')}</div>
  ),
}));
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);

const fold = (index: number, params: Fold['params'], extra: Partial<Fold> = {}): Fold => ({
  index, train_first: '2021-01-04T00:00:00Z', train_last: '2021-12-31T00:00:00Z', test_first: '2022-01-03T00:00:00Z',
  test_last: '2022-06-30T00:00:00Z', warmup_bars: 50, warmup_first: '2021-10-20T00:00:00Z', partial: false, sweep_id: `s${index}`, cells_total: 4, cells_done: 4, cells_cancelled: 0,
  params, chosen_run_id: params ? `c${index}` : null, in_sample_metrics: params ? { sharpe: 1.25 } : {},
  oos_run_id: params ? `o${index}` : null, oos_status: params ? 'completed' : null,
  oos_metrics: params ? { total_return_pct: 3.5, sharpe: 0.8, trades: 4 } : {}, reason: params ? null : 'no cell made 3 trades',
  efficiency: params ? 0.64 : null, efficiency_reason: params ? null : 'no out-of-sample run', tied: 1,
  passed_over_min_trades: 0, passed_over_better: 0, ...extra,
});

const DONE: Walkforward = {
  id: 'w1', name: 'wf e2e', strategy: 'sma_cross', grid: { fast: [5, 10], slow: [20, 40] }, params: {},
  settings: { symbols: ['AAPL'], timeframe: '1Day', cash: '100000' },
  fold_spec: { kind: 'rolling', train: '12M', test: '6M', step: null, gap: 0, warmup: 50 },
  objective: 'sharpe', direction: 'max', min_trades: 3, status: 'completed', error: null, created_at: '2026-12-04T19:00:00Z',
  folds: [fold(0, { fast: 5, slow: 40 }), fold(1, null, { train_first: '2021-07-01T00:00:00Z', test_first: '2022-07-01T00:00:00Z',
    test_last: '2022-09-30T00:00:00Z', partial: true })],
  skipped_folds: [{ index: 2, reason: 'the test window holds no bars' }],
  skipped: [],
  cells_total: 12, cells_done: 12, cells_cancelled: 0,
  contrast: { sweep_id: 'sc', cells_total: 4, cells_done: 4, cells_cancelled: 0, chosen_run_id: 'cc', run_id: 'rc', run_status: 'completed', params: { fast: 10, slow: 20 },
    metrics: { total_return_pct: 21.0, sharpe: 1.9 }, reason: null },
  result: { metrics: { total_return_pct: 3.5, sharpe: 0.8, trades: 4 }, contrast_metrics: { total_return_pct: 6.25, sharpe: 1.1 },
    folds_included: 1, efficiency: 0.42, efficiency_reason: null,
    oos_annualised_return_pct: 4.2, is_annualised_return_pct: 10.0, bars_per_year: 252 },
  stability: [{ name: 'fast', values: [5, null], distinct: 1 }, { name: 'slow', values: [40, null], distinct: 1 }],
};
const EQUITY: WalkforwardEquity = {
  stitched: [{ t: '2022-01-03T00:00:00Z', equity: 100000, fold: 0 }, { t: '2022-01-04T00:00:00Z', equity: 100350, fold: 0 }],
  contrast: [{ t: '2022-01-03T00:00:00Z', equity: 100000 }],
};

function renderPage(wf: Walkforward | (() => Walkforward), equity: () => Promise<WalkforwardEquity> = () => Promise.resolve(EQUITY)) {
  const read = typeof wf === 'function' ? wf : () => wf;
  get.mockImplementation(((path: string) => (String(path).endsWith('/equity') ? equity() : Promise.resolve(read()))) as never);
  const id = read().id;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/walkforwards/${id}`]}>
        <Routes><Route path="/walkforwards/:walkforwardId" element={<WalkForwardDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('WalkForwardDetailPage', () => {
  beforeEach(() => {
    get.mockReset();
    post.mockReset();
  });

  it('says a cancelled walk-forward has no stitched result, which folds it lacks, and what its curve leaves out', async () => {
    const cut: Walkforward = {
      ...DONE, status: 'cancelled', result: null,
      folds: [fold(0, { fast: 5, slow: 40 }), fold(1, { fast: 10, slow: 20 }, { oos_status: 'cancelled', oos_metrics: {} }),
        fold(2, null, { reason: null, cells_done: 2, cells_cancelled: 2 }), fold(3, null)],
    };
    renderPage(cut);
    expect(await screen.findByTestId('result-unfinished')).toHaveTextContent(
      "No stitched result: the walk-forward was cancelled before folds 2 and 3 had their out-of-sample run");
    expect(screen.queryByTestId('result-waiting')).toBeNull();
    expect(await screen.findByTestId('equity-unfinished')).toHaveTextContent(
      'the curve chains only the folds that finished and leaves those test windows out');
    expect(screen.queryByTestId('trust-sentence')).toBeNull();  // no longer "the number to trust"
    expect(screen.getByTestId('walkforward-tested')).toHaveTextContent('2 of 2 out-of-sample runs (4 folds)');
    const params = screen.getAllByTestId('fold-params').map((cell) => cell.textContent);
    expect(params[2]).toBe('not chosen: cancelled');
    expect(params[3]).toBe('no cell: no cell made 3 trades');  // a fold with no eligible cell is not one cancel cut short
  });

  it('says a walk-forward cancelled before any out-of-sample run finished keeps no runs, only its sweeps\' cells', async () => {
    const none: Walkforward = {
      ...DONE, id: 'w-none', status: 'cancelled', result: null,
      folds: [fold(0, { fast: 5, slow: 40 }, { oos_status: 'cancelled', oos_metrics: {} }),
        fold(1, null, { reason: null, cells_done: 2, cells_cancelled: 2 })],
    };
    renderPage(none, () => Promise.resolve({ stitched: [], contrast: [] }));
    const result = await screen.findByTestId('result-none');
    expect(result).toHaveTextContent("No stitched result: the walk-forward was cancelled before any fold's out-of-sample "
      + "run had finished. The in-sample cells its folds' sweeps had run are kept: each fold's sweep link below opens them.");
    expect(result).not.toHaveTextContent("The finished folds' runs are kept");
    expect(screen.queryByTestId('result-unfinished')).toBeNull();
    expect(await screen.findByTestId('equity-none')).toHaveTextContent(
      "No out-of-sample curve: the walk-forward was cancelled before any fold's out-of-sample run had finished.");
    expect(screen.queryByTestId('equity-unfinished')).toBeNull();  // no "the curve chains only the folds that finished"
  });

  it('shows a completed walk-forward: folds with their choice or reason, the stitched result beside the contrast', async () => {
    renderPage(DONE);
    expect(await screen.findByTestId('walkforward-status')).toHaveAttribute('data-status', 'completed');
    expect(document.title).toBe('Walk-forward wf e2e · Weaver');
    expect(screen.queryByTestId('cancel-walkforward')).toBeNull();
    expect(screen.getByTestId('walkforward-folds-spec')).toHaveTextContent('rolling folds: train 12 months, test 6 months, warm-up 50 bars');
    expect(screen.getByTestId('walkforward-progress')).toHaveTextContent('12 of 12 backtests');
    const rows = screen.getAllByTestId('fold-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId('fold-params')).toHaveTextContent('fast=5, slow=40');
    expect(rows[0]).toHaveTextContent('2021-01-04 → 2021-12-31');
    expect(within(rows[0]!).getByTestId('fold-oos-return')).toHaveTextContent('+3.50%');
    expect(within(rows[0]!).getByTestId('fold-oos-link')).toHaveAttribute('href', '/runs/o0');
    expect(within(rows[0]!).getByTestId('fold-sweep-link')).toHaveAttribute('href', '/sweeps/s0');
    expect(within(rows[1]!).getByTestId('fold-reason')).toHaveTextContent('no cell: no cell made 3 trades');
    expect(rows[1]).toHaveTextContent('partial');
    expect(screen.getByTestId('skipped-fold')).toHaveTextContent('fold 3 — the test window holds no bars');
    // trial 26: 54 of 90 folds chose nothing and the result section never said so
    expect(screen.getByTestId('result-partial')).toHaveTextContent(
      'The stitched result covers 1 of 2 folds: fold 2 chose no cell, so its test window is not in it (no cell made 3 trades).');
    expect(within(rows[0]!).getByTestId('fold-number')).toHaveTextContent('1');
    expect(within(rows[1]!).getByTestId('fold-efficiency')).toHaveTextContent('n/a: no out-of-sample run');
    expect(within(rows[1]!).getByTestId('fold-efficiency-na')).toHaveAttribute('title', 'no out-of-sample run');
    expect(screen.getAllByTestId('timeline-row')).toHaveLength(2);
    expect(screen.getByTestId('efficiency')).toHaveTextContent('Walk-forward efficiency: 0.42 — out of sample it kept less than half of the '
      + 'in-sample return: much of it was fitted to noise.');
    // trial 13 found the folds' mean CAGR (6.73 %) beside a mean in-sample rate of 6.71 %, unexplained
    expect(screen.getByTestId('efficiency-rates')).toHaveTextContent(
      "over the folds' mean in-sample +10.00%, both annualised with a year of 252 bars, the year of the folds' whole "
      + "span (each fold's own CAGR uses its own window's year).");
    const ret = screen.getAllByTestId('result-row').find((r) => r.dataset.metric === 'total_return')!;
    expect(within(ret).getByTestId('result-oos')).toHaveTextContent('+3.50%');
    expect(within(ret).getByTestId('result-contrast')).toHaveTextContent('+6.25%');
    expect(within(ret).getByTestId('result-contrast-whole')).toHaveTextContent('+21.00%');
    expect(screen.getByTestId('result-contrast-head')).toHaveTextContent('Hindsight-optimised, same test windows');
    expect(screen.getByTestId('contrast-params')).toHaveTextContent('fast=10, slow=20');
    // trial 17: the whole-window backtest's profit factor differed from its sweep cell's, unexplained
    expect(screen.getByTestId('contrast-closed-note')).toHaveTextContent(
      "its backtest closes what it holds at the window's last close, as each out-of-sample run does; the sweep's cell "
      + 'leaves that position open, so their trades and profit factor can differ by that one trade');
    expect(await screen.findByTestId('overlay')).toHaveTextContent('Stitched out-of-sample:2|Hindsight-optimised, same test windows:1');
    expect(screen.getByTestId('trust-sentence')).toHaveTextContent('the number to trust');
    expect(screen.getAllByTestId('stability-point').map((p) => p.dataset.value)).toEqual(['5', '40']);
    expect(screen.getAllByTestId('stability-point').map((p) => p.dataset.fold)).toEqual(['1', '1']);
    expect(screen.getByTestId('robustness-form')).toBeInTheDocument();
  });

  it('says the equity is loading while it loads, and that it appears once the out-of-sample runs finish only before them', async () => {
    let arrive: (e: WalkforwardEquity) => void = () => {};
    renderPage({ ...DONE, id: 'w6' }, () => new Promise((resolve) => { arrive = resolve; }));
    expect(await screen.findByTestId('equity-loading')).toHaveTextContent('Loading the out-of-sample equity…');
    expect(screen.queryByTestId('equity-waiting')).toBeNull();
    // thinned by the server as the run page's equity chart is
    expect(get).toHaveBeenCalledWith('/walkforwards/w6/equity', { points: 2000 }, expect.anything());
    arrive(EQUITY);
    expect(await screen.findByTestId('overlay')).toBeInTheDocument();
    expect(screen.queryByTestId('equity-loading')).toBeNull();
  });

  it('says the curve appears once the out-of-sample runs have finished while no fold has one', async () => {
    renderPage({ ...DONE, id: 'w7', status: 'optimising', result: null,
      folds: [fold(0, null, { cells_done: 3, reason: null, chosen_run_id: null })] });
    expect(await screen.findByTestId('equity-waiting')).toHaveTextContent(
      'The curve appears once the out-of-sample runs have finished.');
    expect(screen.queryByTestId('equity-loading')).toBeNull();
    expect(get).not.toHaveBeenCalledWith('/walkforwards/w7/equity', expect.anything(), expect.anything());
  });

  it('says when the overall efficiency\'s mean counts folds whose own ratio means nothing (trial 31)', async () => {
    const losing = 'the in-sample annualised return is not positive: the ratio means nothing';
    renderPage({ ...DONE, id: 'w9', folds: [fold(0, { fast: 5, slow: 40 }),
      fold(1, { fast: 10, slow: 20 }, { efficiency: null, efficiency_reason: losing })] });
    expect(await screen.findByTestId('efficiency-mixed')).toHaveTextContent("The mean counts every fold's in-sample "
      + 'return, the fold whose own ratio means nothing (an in-sample loss) included.');
  });

  it('says a failed walk-forward will have no curve and no result, and why, rather than that they are coming (trial 31)', async () => {
    renderPage({ ...DONE, id: 'w8', status: 'failed', result: null, error: 'no fold has a cell eligible for the objective',
      folds: [fold(0, null), fold(1, null)] });
    expect(await screen.findByTestId('equity-none')).toHaveTextContent(
      'No out-of-sample curve: the walk-forward failed before any fold had an out-of-sample run.');
    expect(screen.getByTestId('result-none')).toHaveTextContent('No stitched result: the walk-forward failed (no fold has '
      + 'a cell eligible for the objective) before any fold had an out-of-sample run.');
    expect(screen.queryByTestId('equity-waiting')).toBeNull();
    expect(screen.queryByTestId('result-waiting')).toBeNull();
  });

  it('names the grid cells no fold ran, with the reason, beside the cells it counts', async () => {
    renderPage({ ...DONE, id: 'w5', grid: { fast: [5, 10, 30], slow: [20, 40] }, skipped: [
      { params: { fast: 30, slow: 20 }, reason: 'must be less than slow' },
      { params: { fast: 30, slow: 30 }, reason: 'must be less than slow' }] });
    const notice = await screen.findByTestId('sweep-skipped');
    expect(notice).toHaveTextContent("2 grid cells were skipped: their parameters cannot run (each with the reason: a rule of the strategy's, or a short sale the run may not make).");
    expect(within(notice).getAllByTestId('skipped-cell').map((c) => c.textContent)).toEqual([
      'fast=30, slow=20 — must be less than slow', 'fast=30, slow=30 — must be less than slow']);
    expect(screen.getByTestId('walkforward-progress')).toHaveTextContent('12 of 12 backtests');
  });

  it('shows no skipped-cells notice when every cell of the grid ran', async () => {
    renderPage(DONE);
    expect(await screen.findByTestId('walkforward-status')).toBeInTheDocument();
    expect(screen.queryByTestId('sweep-skipped')).toBeNull();
  });

  it('offers Cancel while optimising, behind a confirmation, and has no result yet', async () => {
    // another id: the page's reads of one walk-forward are a second apart
    const working: Walkforward = { ...DONE, id: 'w2', status: 'optimising', result: null, cells_done: 5,
      folds: [fold(0, null, { cells_done: 3, reason: null, chosen_run_id: null })] };
    let current = working;
    post.mockImplementation((() => {
      current = { ...working, status: 'cancelled', cells_cancelled: 7,
        folds: [fold(0, null, { cells_done: 3, cells_cancelled: 1, reason: null, chosen_run_id: null })] };
      return Promise.resolve(current);
    }) as never);
    renderPage(() => current);
    expect(await screen.findByTestId('result-waiting')).toBeInTheDocument();
    expect(screen.getByTestId('fold-progress')).toHaveAttribute('data-done', '3');
    expect(screen.getByTestId('robustness-waiting')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('cancel-walkforward'));
    expect(post).not.toHaveBeenCalled();
    const dialog = screen.getByTestId('cancel-walkforward-dialog');
    expect(within(dialog).getByTestId('dismiss-button')).toHaveTextContent('Keep running');
    expect(within(dialog).getByTestId('confirm-button')).toHaveTextContent('Cancel walk-forward');
    await userEvent.click(within(screen.getByTestId('cancel-walkforward-dialog')).getByTestId('confirm-button'));
    expect(post).toHaveBeenCalledWith('/walkforwards/w2/cancel');
    expect(await screen.findByTestId('walkforward-status')).toHaveAttribute('data-status', 'cancelled');
    expect(screen.queryByTestId('cancel-walkforward')).toBeNull();
    // not a full bar: the cells that ran, then the cancelled ones
    expect(screen.getByTestId('walkforward-progress')).toHaveTextContent('5 of 12 backtests ran, 7 cancelled');
    expect(screen.getByTestId('fold-progress')).toHaveTextContent('3 ran · 1 cancelled');
    expect(screen.getByTestId('fold-progress')).toHaveAttribute('data-cancelled', '1');
  });

  it('keeps the stitched result of a walk-forward cancelled once every fold had its out-of-sample run', async () => {
    // trial 13: cancelled with 20 of 20 out-of-sample runs done and only the hindsight sweep left
    const late: Walkforward = { ...DONE, id: 'w5', status: 'cancelled',
      contrast: { ...DONE.contrast!, run_id: null, run_status: null, chosen_run_id: null, params: null, metrics: {} },
      result: { ...DONE.result!, contrast_metrics: null } };
    renderPage(late);
    expect(await screen.findByTestId('result-table')).toBeInTheDocument();
    expect(screen.getAllByTestId('result-oos')[0]).toHaveTextContent('3.50%');
    expect(screen.queryByTestId('result-contrast-head')).toBeNull();
    expect(screen.getByTestId('contrast-cancelled')).toHaveTextContent(
      'No hindsight figures: the walk-forward was cancelled before its whole-window sweep and runs had finished.');
    expect(screen.queryByTestId('robustness-waiting')).toBeNull();  // its stitched trades can be tested
  });

  it("shows a fold's choice and its out-of-sample run while other folds still optimise, and a short warm-up", async () => {
    const early: Walkforward = { ...DONE, id: 'w4', status: 'optimising', result: null, contrast: null, cells_done: 6,
      folds: [fold(0, { fast: 5, slow: 40 }, { warmup_bars: 30, oos_status: 'running', oos_metrics: {} }),
        fold(1, null, { cells_done: 2, reason: null, chosen_run_id: null })] };
    renderPage(early);
    const rows = await screen.findAllByTestId('fold-row');
    expect(within(rows[0]!).getByTestId('fold-params')).toHaveTextContent('fast=5, slow=40');
    expect(within(rows[0]!).getByTestId('fold-oos-link')).toHaveAttribute('href', '/runs/o0');
    expect(within(rows[1]!).getByTestId('fold-params')).toHaveTextContent('not chosen yet');
    expect(screen.getByTestId('walkforward-tested')).toHaveTextContent('0 of 1 out-of-sample runs');
    expect(screen.getByTestId('walkforward-folds-spec')).toHaveTextContent('warm-up up to 50 bars (1 fold had fewer: see the timeline)');
    expect(screen.getAllByTestId('timeline-warmup-bars')[0]).toHaveTextContent('30 bars (fewer than the 50 asked) before the test');
  });

  it('shows the message of a 409 when the walk-forward finished before Cancel reached it', async () => {
    let current: Walkforward = { ...DONE, id: 'w3', status: 'testing', result: null };
    post.mockImplementation((() => {
      current = { ...DONE, id: 'w3' };
      return Promise.reject(new ApiError(409, 'conflict', 'the walk-forward has already completed'));
    }) as never);
    renderPage(() => current);
    await userEvent.click(await screen.findByTestId('cancel-walkforward'));
    await userEvent.click(within(screen.getByTestId('cancel-walkforward-dialog')).getByTestId('confirm-button'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent(
      'The walk-forward was not cancelled: the walk-forward has already completed');
    // the page rereads it (its reads are throttled to one a second) and drops the Cancel button
    await vi.waitFor(() => expect(screen.getByTestId('walkforward-status')).toHaveAttribute('data-status', 'completed'),
      { timeout: 3000 });
    expect(screen.queryByTestId('cancel-walkforward')).toBeNull();
  });
});
