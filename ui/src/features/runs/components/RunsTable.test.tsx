import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Page, Run } from '@/lib/api/types';
import type { RunPage } from '../api/runs';
import { RunsDashboard } from './RunsDashboard';
import { RunsTable } from './RunsTable';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

function run(name: string, totalReturnPct: number | null, maxDrawdownPct = 5): Run {
  return {
    id: `id-${name}`, mode: 'backtest', name, strategy: 'sma_cross', params: {}, symbols: ['AAPL'], timeframe: '1Day',
    start_at: null, end_at: null, cash: '10000', fees: { model: 'none' }, slippage: { model: 'none' }, options: {},
    status: 'completed', error: null, progress: 1, sweep_id: null, created_at: '2024-01-02T15:00:00Z',
    updated_at: '2024-01-02T15:00:00Z', queued_at: null, started_at: null, finished_at: null, state: { state: 'stopped', reason: 'completed', message: null, can_stop: false, can_start: false },
    metrics: { total_return_pct: totalReturnPct, max_drawdown_pct: maxDrawdownPct },
  };
}

// The server's answer, whatever it was asked: the table must show it in this order, as it came.
const SERVER_ORDER = [run('low', -4), run('none', null), run('high', 30), run('mid', 2)];

function Url() {
  const location = useLocation();
  return <span data-testid="url">{location.search}</span>;
}

function renderDashboard(url = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter initialEntries={[url]}><RunsDashboard /><Url /></MemoryRouter>
  </QueryClientProvider>);
}

const listCalls = () => get.mock.calls.filter(([path]) => path === '/runs').map(([, query]) => query);
const names = () => screen.getAllByTestId('run-link').map((a) => a.textContent?.replace(/ id-.*$/, ''));

describe('RunsTable sorting', () => {
  beforeEach(() => {
    get.mockReset();
    get.mockImplementation(async (path: string) => (path === '/runs'
      ? { items: SERVER_ORDER, total: 250, page: 1, per_page: 100 } satisfies Page<Run> : []) as never);
  });

  it('asks the server for newest first by default and shows rows in the order received', async () => {
    renderDashboard();
    await waitFor(() => expect(names()).toEqual(['low', 'none', 'high', 'mid']));
    expect(listCalls()[0]).toMatchObject({ sort: 'created_at', order: 'desc', page: 1 });
    expect(screen.getByTestId('sort-created')).toHaveAttribute('data-sorted', 'desc');
  });

  it('sends the sort to the server on a header click, back to page 1, and never reorders the page itself', async () => {
    renderDashboard('/?page=2');
    fireEvent.click(await screen.findByTestId('sort-return'));
    expect(listCalls()[0]).toMatchObject({ page: 2 });
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ sort: 'total_return_pct', order: 'desc', page: 1 }));
    expect(screen.getByTestId('url')).toHaveTextContent('?sort=total_return_pct');
    expect(screen.getByTestId('sort-return')).toHaveAttribute('data-sorted', 'desc');
    expect(names()).toEqual(['low', 'none', 'high', 'mid']);
    fireEvent.click(screen.getByTestId('sort-return'));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ sort: 'total_return_pct', order: 'asc' }));
    expect(within(screen.getByTestId('runs-table')).getByTestId('sort-return')).toHaveTextContent('▲');
  });

  it('sorts drawdowns by the value shown (≤ 0): descending on screen is the smallest drawdown first', async () => {
    renderDashboard();
    fireEvent.click(await screen.findByTestId('sort-max_drawdown'));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ sort: 'max_drawdown_pct', order: 'asc' }));
    expect(screen.getByTestId('sort-max_drawdown')).toHaveAttribute('data-sorted', 'desc');
  });

  it('reads the sort from the URL', async () => {
    renderDashboard('/?sort=sharpe&order=asc');
    await waitFor(() => expect(listCalls()[0]).toMatchObject({ sort: 'sharpe', order: 'asc' }));
    expect(await screen.findByTestId('sort-sharpe')).toHaveAttribute('data-sorted', 'asc');
  });

  it('falls back to newest first when the URL names an unknown sort', async () => {
    renderDashboard('/?sort=password&order=sideways');
    await waitFor(() => expect(listCalls()[0]).toMatchObject({ sort: 'created_at', order: 'desc' }));
  });
});

describe('RunsDashboard paging past the counted runs', () => {
  const answer = (page: RunPage) => get.mockImplementation(async (path: string) => (path === '/runs' ? page : []) as never);
  beforeEach(() => {
    get.mockReset();
  });

  it('says the total is a lower bound and keeps Next while the server has a next page', async () => {
    answer({ items: SERVER_ORDER, total: 1000, total_exact: false, page: 10, per_page: 100, next_cursor: 'abc' });
    renderDashboard('/?page=10');
    expect(await screen.findByTestId('runs-total')).toHaveTextContent('1000+ total');
    expect(screen.getByText('server page 10')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ page: 11, cursor: 'abc' }));
    expect(screen.getByTestId('url')).toHaveTextContent('?page=11&cursor=abc');
  });

  it('goes back by number, and a new sort starts again at page 1 without the cursor', async () => {
    answer({ items: SERVER_ORDER, total: 1000, total_exact: false, page: 11, per_page: 100, next_cursor: 'def' });
    renderDashboard('/?page=11&cursor=abc');
    await waitFor(() => expect(listCalls()[0]).toMatchObject({ page: 11, cursor: 'abc' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ page: 10, cursor: undefined }));
    fireEvent.click(screen.getByTestId('sort-return'));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ sort: 'total_return_pct', page: 1, cursor: undefined }));
    expect(screen.getByTestId('url')).toHaveTextContent('?sort=total_return_pct');
  });

  it('stops at the last page: no next cursor, Next disabled', async () => {
    answer({ items: SERVER_ORDER, total: 1000, total_exact: false, page: 12, per_page: 100, next_cursor: null });
    renderDashboard('/?page=12');
    expect(await screen.findByTestId('runs-total')).toHaveTextContent('1000+ total');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeEnabled();
  });

  it('shows an empty page reached by cursor as the end of the list, with the way back, not as "No runs yet"', async () => {
    answer({ items: [], total: 1000, total_exact: false, page: 14, per_page: 100, next_cursor: null });
    renderDashboard('/?page=14&cursor=abc');
    expect(await screen.findByTestId('runs-past-end')).toHaveTextContent('No more runs');
    expect(screen.queryByTestId('runs-empty')).not.toBeInTheDocument();
    expect(screen.queryByText('No runs yet')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ page: 13, cursor: undefined }));
    expect(screen.getByTestId('url')).toHaveTextContent('?page=13');
  });

  it('goes back to the first page from an empty numbered page, filters kept', async () => {
    answer({ items: [], total: 40, total_exact: true, page: 3, per_page: 100, next_cursor: null });
    renderDashboard('/?mode=paper&page=3');
    expect(await screen.findByTestId('runs-past-end')).toHaveTextContent('No more runs');
    expect(screen.queryByText('No run matches these filters')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'First page' }));
    await waitFor(() => expect(listCalls().at(-1)).toMatchObject({ mode: 'paper', page: 1, cursor: undefined }));
    expect(screen.getByTestId('url')).toHaveTextContent('?mode=paper');
  });

  it('still says "No runs yet" when page 1 is empty', async () => {
    answer({ items: [], total: 0, total_exact: true, page: 1, per_page: 100, next_cursor: null });
    renderDashboard();
    expect(await screen.findByTestId('runs-empty')).toHaveTextContent('No runs yet');
    expect(screen.queryByTestId('runs-past-end')).not.toBeInTheDocument();
  });

  it('counts pages from an exact total', async () => {
    answer({ items: SERVER_ORDER, total: 250, total_exact: true, page: 3, per_page: 100, next_cursor: null });
    renderDashboard('/?page=3');
    expect(await screen.findByText('server page 3 of 3')).toBeInTheDocument();
    expect(screen.getByTestId('runs-total')).toHaveTextContent('250 total');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });
});

describe('RunsTable badges', () => {
  it('links a walk-forward run to its walk-forward, as a cell to its sweep', () => {
    const oos = { ...run('wf fold 1 out of sample', 2), id: 'id-oos', walkforward_id: 'wf-1' };
    const cell = { ...run('cell', 1), id: 'id-cell', sweep_id: 'sweep-1' };
    render(<QueryClientProvider client={new QueryClient()}><MemoryRouter>
      <RunsTable runs={[oos, cell, run('plain', 3)]} /></MemoryRouter></QueryClientProvider>);
    const links = screen.getAllByRole('link').filter((a) => a.textContent === 'walk-forward' || a.textContent === 'sweep');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['walk-forward', '/walkforwards/wf-1'], ['sweep', '/sweeps/sweep-1']]);
  });
});
