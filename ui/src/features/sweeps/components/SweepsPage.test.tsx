import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { Sweep } from '@/lib/api/types';
import { SweepsPage } from './SweepsPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

const sweep = (id: string, name: string, walkforwardId: string | null, fold: number | null): Sweep => ({
  id, name, strategy: 'sma_cross', grid: { fast: [5, 10] }, settings: {}, status: 'completed', error: null,
  created_at: '2024-01-02T14:00:00Z', total: 2, done: 2, failed: 0, cancelled: 0, params: null, progress: 1,
  skipped: [], walkforward_id: walkforwardId, fold,
} as Sweep);
const PLAIN = sweep('plain-1', 'plain grid', null, null);
const FOLD = sweep('fold-1', 'wf fold 2', 'wf-1', 1);
const CONTRAST = sweep('contrast-1', 'wf whole window', 'wf-1', null);

function Url() {
  const location = useLocation();
  return <span data-testid="url">{location.pathname}{location.search}</span>;
}

function renderPage(url = '/sweeps') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><MemoryRouter initialEntries={[url]}>
    <Routes><Route path="/sweeps" element={<SweepsPage />} /></Routes><Url /></MemoryRouter></QueryClientProvider>);
}

const names = () => within(screen.getByTestId('sweeps-table')).getAllByTestId('sweep-link')
  .map((a) => a.textContent?.replace(/ [\w-]{1,8}$/, ''));

describe('SweepsPage leaves walk-forwards\' sweeps to their walk-forward', () => {
  beforeEach(() => {
    get.mockReset();
    get.mockImplementation(async (_path: string, query?: Record<string, unknown>) => {
      const items = query?.cells === 'hide' ? [PLAIN] : [CONTRAST, FOLD, PLAIN];
      return { items, total: items.length, page: 1, per_page: 50 } as never;
    });
  });

  it('asks for sweeps outside walk-forwards by default and says where the others are', async () => {
    renderPage();
    await waitFor(() => expect(names()).toEqual(['plain grid']));
    expect(get).toHaveBeenCalledWith('/sweeps', expect.objectContaining({ cells: 'hide' }), expect.anything());
    expect(screen.getByTestId('walkforward-sweeps-hint')).toHaveTextContent("A walk-forward's sweeps are listed on its page");
    expect(within(screen.getByTestId('walkforward-sweeps-hint')).getByRole('link')).toHaveAttribute('href', '/walkforwards');
    expect(screen.getByTestId('filter-walkforward-sweeps')).not.toBeChecked();
  });

  it('lists them on demand, each linking its walk-forward and fold, and keeps the choice in the URL', async () => {
    renderPage();
    await waitFor(() => expect(names()).toEqual(['plain grid']));
    fireEvent.click(screen.getByLabelText("Show walk-forwards' sweeps"));
    await waitFor(() => expect(names()).toEqual(['wf whole window', 'wf fold 2', 'plain grid']));
    expect(screen.getByTestId('url')).toHaveTextContent('/sweeps?walkforwards=show');
    const links = screen.getAllByTestId('sweep-walkforward-link');
    expect(links.map((a) => a.textContent)).toEqual(['walk-forward contrast', 'walk-forward fold 2']);
    expect(links[1]).toHaveAttribute('href', '/walkforwards/wf-1');
    fireEvent.click(screen.getByLabelText("Show walk-forwards' sweeps"));
    await waitFor(() => expect(names()).toEqual(['plain grid']));
  });
});
