import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Sweep } from '@/lib/api/types';
import { SweepDetailPage } from './SweepDetailPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn() } };
});
const get = vi.mocked(api.get);

const CREATING: Sweep = {
  id: 's1', name: 'big grid', strategy: 'sma_cross', grid: { fast: [2, 3], slow: [50, 60] }, settings: {},
  status: 'creating', error: null, created_at: '2026-12-02T21:00:00Z', total: 1000, done: 0, failed: 0, cancelled: 0,
  params: null, progress: 0, skipped: [], walkforward_id: null, fold: null,
};

/** `walkforward`: what GET /walkforwards/{id} answers for a walk-forward's sweep (none: an error). */
function renderPage(sweep: Sweep, results: unknown[] = [], walkforward?: unknown) {
  get.mockImplementation(((path: string) => (String(path).startsWith('/walkforwards/')
    ? (walkforward ? Promise.resolve(walkforward) : Promise.reject(new Error('no such walk-forward')))
    : Promise.resolve(String(path).endsWith('/results') ? results : sweep))) as never);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/sweeps/${sweep.id}`]}>
        <Routes><Route path="/sweeps/:sweepId" element={<SweepDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('SweepDetailPage', () => {
  beforeEach(() => get.mockReset());

  it('shows a sweep whose cells do not exist yet: creating, its total, nothing done, cancellable', async () => {
    renderPage(CREATING);
    expect(await screen.findByTestId('sweep-status')).toHaveAttribute('data-status', 'creating');
    expect(screen.getByTestId('sweep-creating')).toHaveTextContent('Creating its 1000 backtests');
    expect(screen.getByTestId('sweep-progress')).toHaveAttribute('data-total', '1000');
    expect(screen.getByTestId('sweep-progress')).toHaveTextContent('0 done of 1000');
    expect(await screen.findByText('Creating 1000 cells…')).toBeInTheDocument();
    expect(screen.getByTestId('cancel-sweep')).toBeInTheDocument();
    expect(screen.queryByTestId('sweep-error')).toBeNull();
    expect(document.title).toBe('Sweep big grid · Weaver');
  });

  it('cancels the remaining cells only once the user confirms, and then counts those cancelled', async () => {
    const post = vi.mocked(api.post);
    post.mockResolvedValue({ ...CREATING, status: 'cancelled', done: 36, cancelled: 964 } as never);
    renderPage({ ...CREATING, status: 'running', done: 36 });
    fireEvent.click(await screen.findByTestId('cancel-sweep'));
    const dialog = screen.getByTestId('cancel-sweep-dialog');
    expect(dialog).toHaveTextContent('Cells not yet finished are cancelled; the 36 finished are kept.');
    expect(post).not.toHaveBeenCalled();  // trial 26: one click cancelled the rest at once
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep running' }));
    expect(post).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('cancel-sweep'));
    fireEvent.click(within(screen.getByTestId('cancel-sweep-dialog')).getByRole('button', { name: 'Cancel remaining cells' }));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/sweeps/s1/cancel'));
  });

  it('counts the cells a cancelled sweep never ran', async () => {
    renderPage({ ...CREATING, status: 'cancelled', done: 36, cancelled: 964, total: 1000 });
    expect(await screen.findByTestId('sweep-progress')).toHaveTextContent('36 done, 964 cancelled of 1000');
  });

  it("links a walk-forward's fold sweep back to its walk-forward, which alone cancels it", async () => {
    renderPage({ ...CREATING, walkforward_id: 'wf-9', fold: 2 });
    expect(await screen.findByTestId('sweep-walkforward')).toHaveTextContent(
      'The train window of fold 3 of a walk-forward: to stop it, cancel the walk-forward.');
    expect(screen.getByRole('link', { name: 'a walk-forward' })).toHaveAttribute('href', '/walkforwards/wf-9');
    expect(screen.queryByTestId('cancel-sweep')).toBeNull();
  });

  it("says a finished fold sweep belongs to its walk-forward, with nothing to stop", async () => {
    renderPage({ ...CREATING, status: 'completed', walkforward_id: 'wf-9', fold: null });
    expect(await screen.findByTestId('sweep-walkforward')).toHaveTextContent(
      'The whole-window (contrast) optimisation of a walk-forward.');
  });

  it('shows why a sweep failed, and offers no cancel', async () => {
    renderPage({ ...CREATING, name: null, status: 'failed', error: 'symbols: no 1Day bars stored for AAPL' });
    expect(await screen.findByTestId('sweep-error')).toHaveTextContent('no 1Day bars stored for AAPL');
    expect(document.title).toBe('Sweep of sma_cross · Weaver');
    expect(screen.queryByTestId('cancel-sweep')).toBeNull();
    expect(screen.queryByTestId('sweep-creating')).toBeNull();
  });
});

describe('SweepDetailPage header', () => {
  beforeEach(() => get.mockReset());

  it("shows what every cell shares: symbols, timeframe, the window as dates, cash and fees", async () => {
    renderPage({ ...CREATING, status: 'completed', settings: {
      symbols: ['AAPL', 'MSFT'], timeframe: '1Day', start: '2021-01-04T05:00:00Z', end: '2021-12-31T05:00:00Z',
      cash: '100000', fees: { model: 'per_share', rate: '0.005' }, slippage: { model: 'bps', value: '2' },
      fractional: false, allow_short: false, asset_class: 'us_equity' } });
    const header = await screen.findByTestId('sweep-settings');
    expect(header).toHaveTextContent('symbols AAPL, MSFT');
    expect(header).toHaveTextContent('timeframe 1Day');
    expect(screen.getByTestId('sweep-window')).toHaveTextContent('window 2021-01-04 → 2021-12-31');
    expect(header).toHaveTextContent('cash 100,000.00');
    expect(header).toHaveTextContent('fees per_share 0.005');
    expect(header).toHaveTextContent('slippage bps 2');
  });

  it('shows an intraday window with its times', async () => {
    renderPage({ ...CREATING, status: 'completed', settings: {
      symbols: ['AAPL'], timeframe: '5Min', start: '2021-01-04T14:30:00Z', end: null, cash: '5000',
      fees: { model: 'none' }, slippage: { model: 'none' } } });
    const window = await screen.findByTestId('sweep-window');
    expect(window.textContent).toMatch(/window 2021-01-04 \d{2}:\d{2}/);
    expect(window).toHaveTextContent(/→ the last stored bar$/);  // trial 40: "→ —"
    expect(screen.getByTestId('sweep-settings')).toHaveTextContent('fees none');
  });
});

describe('SweepDetailPage skipped cells', () => {
  beforeEach(() => get.mockReset());

  it('counts skipped cells apart from done ones and lists each with its reason', async () => {
    renderPage({
      ...CREATING, status: 'completed', total: 23, done: 23, grid: { fast: [5, 20, 30], slow: [20, 40] },
      skipped: [
        { params: { fast: 20, slow: 20 }, reason: 'must be less than slow' },
        { params: { fast: 30, slow: 20 }, reason: 'must be less than slow' },
      ],
    });
    expect(await screen.findByTestId('sweep-progress')).toHaveTextContent('23 done, 2 skipped of 25');
    expect(screen.getByTestId('sweep-skipped')).toHaveTextContent('2 grid cells were skipped');
    expect(screen.getAllByTestId('skipped-cell').map((li) => li.textContent)).toEqual([
      'fast=20, slow=20 — must be less than slow',
      'fast=30, slow=20 — must be less than slow',
    ]);
  });

  it('says why every cell shows a dash for the ranking figure, and what to rank by instead (trial 32)', async () => {
    const done = { ...CREATING, status: 'completed', done: 2, total: 2, progress: 1 } as Sweep;
    const short = 'not enough data: 9 returns; annualised figures need at least 30';
    const cell = (id: string, fast: number) => ({ run_id: id, params: { fast, slow: 50 }, status: 'completed',
      metrics: { total_return_pct: fast / 10, sharpe: null, trades: 3 }, error: null,
      metrics_unavailable: { sharpe: short } });
    renderPage(done, [cell('a', 2), cell('b', 3)]);
    expect(await screen.findByTestId('rank-metric-empty')).toHaveTextContent(
      `No cell has a Sharpe: ${short}. Rank by another figure, such as Return.`);
    fireEvent.change(screen.getByTestId('rank-metric'), { target: { value: 'total_return' } });
    await waitFor(() => expect(screen.queryByTestId('rank-metric-empty')).toBeNull());
  });

  it('does not blame the window when no cell traded, and says why a cell failed (trial 34)', async () => {
    const done = { ...CREATING, status: 'completed', done: 1, failed: 1, total: 2, progress: 1 } as Sweep;
    renderPage(done, [
      { run_id: 'a', params: { fast: 5, slow: 50 }, status: 'completed', metrics: { sharpe: null, trades: 0 },
        error: null, metrics_unavailable: {} },
      { run_id: 'b', params: { fast: 6, slow: 50 }, status: 'failed', metrics: {},
        error: "the strategy failed on the bar 2019-03-13: KeyError: 'missing' (edge.py, line 9)",
        metrics_unavailable: {} },
    ]);
    expect(await screen.findByTestId('rank-metric-empty')).toHaveTextContent('No cell has a Sharpe: it is withheld '
      + 'in every cell that ran (no closed trade, or equity that never moved).');
    expect(screen.getByTestId('failed-cells')).toHaveTextContent(
      "Cell fast=6, slow=50 failed: the strategy failed on the bar 2019-03-13: KeyError: 'missing' (edge.py, line 9)");
  });
});

describe("SweepDetailPage of a walk-forward's fold", () => {
  beforeEach(() => get.mockReset());

  const cell = (id: string, fast: number, slow: number, sharpe: number, trades: number, ret: number) => ({
    run_id: id, params: { fast, slow }, status: 'completed', error: null, metrics_unavailable: {},
    metrics: { sharpe, trades, total_return_pct: ret } });
  // The page's best by Sharpe made 6 trades; the walk-forward took only cells with 10 or more.
  const CELLS = [cell('a', 2, 50, 0.66, 6, 4), cell('b', 3, 50, 0.41, 14, 9), cell('c', 2, 60, 0.5, 3, 1),
    cell('d', 3, 60, 0.2, 12, 12)];
  const FOLD_SWEEP = { ...CREATING, status: 'completed', done: 4, total: 4, progress: 1, walkforward_id: 'wf-min',
    fold: 2 } as Sweep;
  const walkforward = (id: string, objective: string, chosen: string) => ({
    id, objective, direction: 'max', min_trades: 10, contrast: null,
    folds: [{ index: 2, chosen_run_id: chosen, tied: 1 }] });

  it('marks the cell the walk-forward chose and says why the best is another: too few trades', async () => {
    renderPage(FOLD_SWEEP, CELLS, walkforward('wf-min', 'sharpe', 'b'));
    const note = await screen.findByTestId('walkforward-choice');
    expect(note).toHaveTextContent('The walk-forward chose fast=3, slow=50 (Sharpe 0.41, 14 trades), marked “chosen” '
      + 'below. The best here is not its choice: it takes only cells with at least 10 trades, and 2 with a better '
      + 'Sharpe made fewer (the best here made 6). Open the chosen cell');
    expect(within(note).getByTestId('open-chosen')).toHaveAttribute('href', '/runs/b');
    expect(screen.getByTestId('open-best')).toHaveAttribute('data-run-id', 'a');
    expect(screen.getByTestId('open-best')).toHaveTextContent('Open best (Sharpe 0.66)');
    const chosenRow = screen.getByTestId('chosen-badge').closest('tr')!;
    expect(chosenRow.textContent).toMatch(/^350completed\+9\.00%0\.41/);  // fast 3, slow 50: return, Sharpe
    expect(screen.getAllByTestId('chosen-badge')).toHaveLength(1);
    const marked = screen.getAllByTestId('heatmap-cell').filter((td) => td.getAttribute('data-chosen') === 'true');
    expect(marked.map((td) => td.getAttribute('data-run-id'))).toEqual(['b']);
    expect(marked[0]).toHaveAttribute('title', "fast=3 slow=50 · Sharpe 0.41 · the walk-forward's choice · open the run");
  });

  it('says the walk-forward ranked by another figure than the page, and when its choice is the best here', async () => {
    renderPage({ ...FOLD_SWEEP, walkforward_id: 'wf-return' }, CELLS, walkforward('wf-return', 'total_return_pct', 'd'));
    const note = await screen.findByTestId('walkforward-choice');
    expect(note).toHaveTextContent('The walk-forward chose fast=3, slow=60 (Return +12.00%, 12 trades), marked “chosen” '
      + 'below. The best here is not its choice: it ranks by Return, not Sharpe. Open the chosen cell');
    fireEvent.change(screen.getByTestId('rank-metric'), { target: { value: 'total_return' } });
    await waitFor(() => expect(screen.getByTestId('walkforward-choice')).toHaveTextContent(
      'The walk-forward chose fast=3, slow=60 (Return +12.00%, 12 trades), marked “chosen” below: the best here too.'));
  });

  it('says nothing of a choice on a sweep that is no walk-forward\'s', async () => {
    renderPage({ ...FOLD_SWEEP, walkforward_id: null, fold: null }, CELLS);
    expect(await screen.findByTestId('open-best')).toHaveAttribute('data-run-id', 'a');
    expect(screen.queryByTestId('walkforward-choice')).toBeNull();
    expect(screen.queryByTestId('chosen-badge')).toBeNull();
  });
});
