import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api/client';
import { WholeId } from './WholeId';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);
const WHOLE = '1a2b3c4d-0000-4000-8000-000000000001';

function RunPage() {
  const { runId } = useParams();
  const { search } = useLocation();
  return <div data-testid="run-page">{runId}{search}</div>;
}

function at(address: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[address]}>
        <Routes>
          <Route path="/runs/:runId" element={<WholeId kind="runs" param="runId"><RunPage /></WholeId>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('WholeId', () => {
  beforeEach(() => { get.mockReset(); });

  it('opens the page of the run a short id starts, at its whole id, keeping the query', async () => {
    get.mockResolvedValue({ kind: 'runs', id: WHOLE } as never);
    at('/runs/1a2b3c4d?tab=trades');
    expect(await screen.findByTestId('run-page')).toHaveTextContent(`${WHOLE}?tab=trades`);
    expect(get).toHaveBeenCalledWith('/ids/runs/1a2b3c4d', undefined, expect.anything());
  });

  it('goes straight to the page with a whole id, asking nothing', () => {
    at(`/runs/${WHOLE}`);
    expect(screen.getByTestId('run-page')).toHaveTextContent(WHOLE);
    expect(get).not.toHaveBeenCalled();
  });

  it('says when a short id starts several runs, with a link to each', async () => {
    const twins = ['99887766-0000-4000-8000-000000000001', '99887766-0000-4000-8000-000000000002'];
    get.mockImplementation(() => Promise.reject(new ApiError(409, 'conflict', "'99887766' starts the ids of several runs: give more of the id",
      { ids: twins })));
    at('/runs/99887766');
    const problem = await screen.findByTestId('whole-id-problem');
    expect(problem).toHaveTextContent('No run 99887766');
    expect(problem).toHaveTextContent('give more of the id');
    expect(screen.getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual(twins.map((id) => `/runs/${id}`));
  });

  it('says when no run has the id, in the API\'s words', async () => {
    get.mockImplementation(() => Promise.reject(new ApiError(404, 'not_found', "no run with id 'ffffffff' or an id starting with it")));
    at('/runs/ffffffff');
    expect(await screen.findByTestId('whole-id-problem')).toHaveTextContent(
      "no run with id 'ffffffff' or an id starting with it");
    expect(screen.queryByTestId('run-page')).toBeNull();
  });
});
