import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Page, Run, Sweep } from '@/lib/api/types';
import type { RunPage } from '../api/runs';
import { compareBlocker, compareUrl } from './CompareBar';
import { RunsDashboard } from './RunsDashboard';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

function run(id: string, name: string, sweepId: string | null, sharpe: number): Run {
  return {
    id, mode: 'backtest', name, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Day',
    start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'completed', error: null, progress: 1, sweep_id: sweepId, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null,
    state: { state: 'stopped', reason: 'completed', message: null, can_stop: false, can_start: false },
    metrics: { sharpe, total_return_pct: sharpe * 10 },
  } as Run;
}

const SWEEP: Sweep = {
  id: 'sweep-1', name: 'fast grid', strategy: 'sma_cross', grid: { fast: [5, 10, 20] }, settings: {},
  status: 'completed', error: null, created_at: '2024-01-02T14:00:00Z', total: 3, done: 3, failed: 0, cancelled: 0,
  params: null, progress: 1,
  skipped: [], walkforward_id: null, fold: null,
} as Sweep;
const [PLAIN_A, PLAIN_B, PLAIN_C] = [run('plain-a', 'plain a', null, 0.4), run('plain-b', 'plain b', null, 0.9),
  run('plain-c', 'plain c', null, 0.1)];
const PLAIN = [PLAIN_A, PLAIN_B, PLAIN_C];
const CELLS = [run('cell-3', 'cell 3', 'sweep-1', 1.7), run('cell-2', 'cell 2', 'sweep-1', 1.1),
  run('cell-1', 'cell 1', 'sweep-1', -0.3)];

const page = (items: Run[]): RunPage => ({ items, total: items.length, total_exact: true, page: 1, per_page: 100,
  next_cursor: null });

/** The server as the dashboard asks it: GET /runs with cells= or sweep_id=, GET /sweeps. */
function serve(sweeps: Sweep[] = [SWEEP]) {
  get.mockImplementation(async (path: string, query?: Record<string, unknown>) => {
    if (path === '/sweeps') return { items: sweeps, total: sweeps.length, page: 1, per_page: 10 } satisfies Page<Sweep> as never;
    if (path !== '/runs') return [] as never;
    if (query?.sweep_id) return page(CELLS.slice(0, Number(query.per_page ?? 100))) as never;
    return page(query?.cells === 'show' ? [PLAIN_A, ...CELLS, PLAIN_B, PLAIN_C] : PLAIN) as never;
  });
}

function Url() {
  const location = useLocation();
  return <span data-testid="url">{location.pathname}{location.search}</span>;
}

function renderDashboard(url = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter initialEntries={[url]}>
    <Routes><Route path="/" element={<RunsDashboard />} /><Route path="/compare" element={<p>compare page</p>} /></Routes>
    <Url /></MemoryRouter></QueryClientProvider>);
}

const runsCalls = () => get.mock.calls.filter(([path]) => path === '/runs').map(([, query]) => query ?? {});
const topNames = () => within(screen.getByTestId('runs-table')).getAllByTestId('run-link')
  .map((a) => a.textContent?.replace(/ [\w-]{1,8}$/, ''));

describe('RunsDashboard folds sweep cells', () => {
  beforeEach(() => {
    get.mockReset();
    serve();
  });

  it('asks for top-level runs only and shows each sweep as one row with its cell count and best cell', async () => {
    renderDashboard();
    await waitFor(() => expect(topNames()).toEqual(['plain a', 'plain b', 'plain c']));
    expect(runsCalls()[0]).toMatchObject({ cells: 'hide' });
    const sweep = await screen.findByTestId('folded-sweep');
    expect(within(sweep).getByTestId('sweep-link')).toHaveTextContent('fast grid');
    expect(within(sweep).getByTestId('sweep-cell-count')).toHaveTextContent('3 cells');
    await waitFor(() => expect(within(sweep).getByTestId('sweep-best')).toHaveTextContent('1.70'));
    expect(runsCalls()).toContainEqual(expect.objectContaining({ sweep_id: 'sweep-1', sort: 'sharpe', order: 'desc', per_page: 1 }));
    expect(screen.getByRole('columnheader', { name: 'Best Sharpe' })).toBeInTheDocument();
    expect(screen.queryByTestId('sweep-cells')).not.toBeInTheDocument();
    expect(screen.getByTestId('filter-cells')).not.toBeChecked();
  });

  it('ranks the best cell by the sorted metric: the smallest drawdown when sorted by drawdown', async () => {
    renderDashboard('/?sort=max_drawdown_pct&order=asc');
    await screen.findByTestId('folded-sweep');
    await waitFor(() => expect(runsCalls()).toContainEqual(
      expect.objectContaining({ sweep_id: 'sweep-1', sort: 'max_drawdown_pct', order: 'asc', per_page: 1 })));
    expect(screen.getByRole('columnheader', { name: 'Best Max DD' })).toBeInTheDocument();
  });

  it('opens a sweep in place to list its cells with the dashboard sort, and folds it again', async () => {
    renderDashboard('/?sort=sharpe&order=desc');
    const toggle = await screen.findByRole('button', { name: 'Show the cells of sweep fast grid' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    fireEvent.click(toggle);
    const cells = await screen.findByTestId('sweep-cells');
    await waitFor(() => expect(within(cells).getAllByTestId('run-link').map((a) => a.textContent?.slice(0, 6)))
      .toEqual(['cell 3', 'cell 2', 'cell 1']));
    expect(runsCalls()).toContainEqual(expect.objectContaining({ sweep_id: 'sweep-1', sort: 'sharpe', per_page: 100 }));
    expect(topNames()).toEqual(['plain a', 'plain b', 'plain c']); // the cells stay out of the top level
    fireEvent.click(screen.getByRole('button', { name: 'Fold the cells of sweep fast grid' }));
    expect(screen.queryByTestId('sweep-cells')).not.toBeInTheDocument();
  });

  it('"Show sweep cells" lists every run, keeps it in the URL, and unticking folds them again', async () => {
    renderDashboard();
    fireEvent.click(await screen.findByLabelText('Show sweep cells'));
    await waitFor(() => expect(topNames()).toEqual(['plain a', 'cell 3', 'cell 2', 'cell 1', 'plain b', 'plain c']));
    expect(runsCalls().at(-1)).toMatchObject({ cells: 'show', page: 1 });
    expect(screen.getByTestId('url')).toHaveTextContent('/?cells=show');
    expect(screen.queryByTestId('folded-sweeps')).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('Show sweep cells'));
    await waitFor(() => expect(topNames()).toEqual(['plain a', 'plain b', 'plain c']));
    expect(screen.getByTestId('url')).toHaveTextContent(/^\/$/);
  });

  it('reads "Show sweep cells" from the URL', async () => {
    renderDashboard('/?cells=show&mode=backtest');
    await waitFor(() => expect(runsCalls()[0]).toMatchObject({ cells: 'show', mode: 'backtest' }));
    expect(await screen.findByTestId('filter-cells')).toBeChecked();
  });

  it('hides sweeps under a paper filter (sweeps are backtests)', async () => {
    renderDashboard('/?mode=paper');
    await waitFor(() => expect(runsCalls()[0]).toMatchObject({ cells: 'hide', mode: 'paper' }));
    await screen.findAllByTestId('run-link');
    expect(screen.queryByTestId('folded-sweeps')).not.toBeInTheDocument();
  });

  it('says every run is a sweep cell when only sweeps are stored, and offers to list them', async () => {
    get.mockImplementation(async (path: string, query?: Record<string, unknown>) => {
      if (path === '/sweeps') return { items: [SWEEP], total: 1, page: 1, per_page: 10 } as never;
      if (path !== '/runs') return [] as never;
      return page(query?.cells === 'hide' ? [] : CELLS) as never;
    });
    renderDashboard();
    expect(await screen.findByTestId('runs-only-sweeps')).toHaveTextContent('No runs outside sweeps');
    expect(screen.queryByText('No runs yet')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Show sweep cells' }));
    await waitFor(() => expect(topNames()).toEqual(['cell 3', 'cell 2', 'cell 1']));
  });
});

describe('RunsDashboard folds a walk-forward as a sweep', () => {
  const WF = { id: 'wf-1', name: 'quarterly wf', strategy: 'sma_cross', status: 'completed', objective: 'sharpe',
    direction: 'max', created_at: '2024-01-02T16:00:00Z', folds: 16, cells_total: 200, cells_done: 200, cells_cancelled: 0,
    oos_return_pct: 4.2, efficiency: 0.8 };
  const OOS = run('oos-1', 'quarterly wf · fold 1 out of sample', null, 0.3);

  beforeEach(() => {
    get.mockReset();
    get.mockImplementation(async (path: string, query?: Record<string, unknown>) => {
      // The server leaves a walk-forward's sweeps out of `cells=hide` (none here) and its runs out of `cells=hide`.
      if (path === '/sweeps') return { items: query?.cells === 'hide' ? [] : [{ ...SWEEP, walkforward_id: 'wf-1', fold: 0 }],
        total: query?.cells === 'hide' ? 0 : 1, page: 1, per_page: 10 } as never;
      if (path === '/walkforwards') return { items: [WF], total: 1, page: 1, per_page: 5 } as never;
      if (path !== '/runs') return [] as never;
      return page(query?.cells === 'show' ? [OOS, ...PLAIN] : PLAIN) as never;
    });
  });

  it('asks for sweeps and runs outside walk-forwards and shows the walk-forward as one row linking its page', async () => {
    renderDashboard();
    await waitFor(() => expect(topNames()).toEqual(['plain a', 'plain b', 'plain c']));
    expect(get.mock.calls.filter(([path]) => path === '/sweeps').map(([, query]) => query))
      .toEqual(expect.arrayContaining([expect.objectContaining({ cells: 'hide' })]));
    expect(get.mock.calls.filter(([path]) => path === '/sweeps').every(([, query]) => (query as { cells?: string }).cells === 'hide')).toBe(true);
    const row = await screen.findByTestId('folded-walkforward');
    expect(within(row).getByTestId('walkforward-link')).toHaveAttribute('href', '/walkforwards/wf-1');
    expect(within(row).getByTestId('walkforward-link')).toHaveTextContent('quarterly wf');
    expect(within(row).getByTestId('walkforward-fold-count')).toHaveTextContent('16 folds');
    expect(screen.queryByTestId('folded-sweeps')).not.toBeInTheDocument(); // its fold sweep is not a top-level sweep
  });

  it('"Show sweep cells" lists the walk-forward\'s runs among the others', async () => {
    renderDashboard('/?cells=show');
    await waitFor(() => expect(topNames()[0]).toMatch(/^quarterly wf · fold 1 out of sample/));
    expect(screen.queryByTestId('folded-walkforwards')).not.toBeInTheDocument();
  });

  it('hides walk-forwards under a paper filter (walk-forwards are backtests)', async () => {
    renderDashboard('/?mode=paper');
    await waitFor(() => expect(runsCalls()[0]).toMatchObject({ mode: 'paper' }));
    expect(screen.queryByTestId('folded-walkforwards')).not.toBeInTheDocument();
  });
});

describe('RunsDashboard selection for compare', () => {
  beforeEach(() => {
    get.mockReset();
    serve();
  });

  it('enables Compare for 2 selected runs, a top-level run and a sweep cell, and opens /compare with both ids', async () => {
    renderDashboard();
    const compare = await screen.findByTestId('compare-button');
    expect(compare).toHaveTextContent('Compare (0)');
    expect(compare).toBeDisabled();
    expect(screen.getByTestId('compare-reason')).toHaveTextContent('Select 2 to 5 runs to compare.');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select run plain b' }));
    expect(compare).toHaveTextContent('Compare (1)');
    expect(compare).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Show the cells of sweep fast grid' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select run cell 3' }));
    expect(compare).toHaveTextContent('Compare (2)');
    expect(compare).toBeEnabled();
    expect(screen.getByTestId('compare-reason')).toHaveTextContent(/^$/);
    fireEvent.click(compare);
    await waitFor(() => expect(screen.getByTestId('url')).toHaveTextContent('/compare?runs=plain-b,cell-3'));
  });

  it('a checkbox click selects without opening the run, and a second click unselects', async () => {
    renderDashboard();
    const box = await screen.findByRole('checkbox', { name: 'Select run plain a' });
    fireEvent.click(box);
    expect(box).toBeChecked();
    expect(screen.getByTestId('url')).toHaveTextContent(/^\/$/);
    fireEvent.click(box);
    expect(box).not.toBeChecked();
    expect(screen.getByTestId('compare-button')).toHaveTextContent('Compare (0)');
  });

  it('disables Compare past 5 runs and says why; the selection outlives folding the cells again', async () => {
    renderDashboard('/?cells=show');
    await waitFor(() => expect(topNames()).toHaveLength(6));
    for (const name of ['plain a', 'cell 3', 'cell 2', 'cell 1', 'plain b']) {
      fireEvent.click(screen.getByRole('checkbox', { name: `Select run ${name}` }));
    }
    const compare = screen.getByTestId('compare-button');
    expect(compare).toHaveTextContent('Compare (5)');
    expect(compare).toBeEnabled();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select run plain c' }));
    expect(compare).toHaveTextContent('Compare (6)');
    expect(compare).toBeDisabled();
    expect(screen.getByTestId('compare-reason')).toHaveTextContent('Compare takes at most 5 runs: 6 are selected, unselect 1.');
    fireEvent.click(screen.getByLabelText('Show sweep cells'));
    fireEvent.click(await screen.findByRole('button', { name: 'Show the cells of sweep fast grid' }));
    const cells = await screen.findByTestId('sweep-cells');
    await waitFor(() => expect(within(cells).getByRole('checkbox', { name: 'Select run cell 1' })).toBeChecked());
    fireEvent.click(within(cells).getByRole('checkbox', { name: 'Select run cell 1' }));
    expect(compare).toHaveTextContent('Compare (5)');
    expect(compare).toBeEnabled();
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(compare).toHaveTextContent('Compare (0)');
  });

  it('compareBlocker and compareUrl: 2 to 5 runs, ids in the order picked', () => {
    expect(compareBlocker(1)).toBe('Select 2 to 5 runs to compare.');
    expect(compareBlocker(2)).toBeNull();
    expect(compareBlocker(5)).toBeNull();
    expect(compareBlocker(6)).toBe('Compare takes at most 5 runs: 6 are selected, unselect 1.');
    expect(compareUrl(['b', 'a'])).toBe('/compare?runs=b,a');
  });
});
