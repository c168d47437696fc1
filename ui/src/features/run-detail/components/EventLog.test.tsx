import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { WeaverEvent } from '@/lib/api/types';
import { EventLog } from './EventLog';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn() } };
});
const get = vi.mocked(api.get);

const event = (seq: number, type: string, payload: Record<string, unknown> = {}): WeaverEvent => ({
  id: `e${seq}`, seq, type, run_id: 'r1', corr_id: null, causation_id: null, trace_id: null,
  ts: '2026-12-03T15:00:00Z', payload: { run_id: 'r1', ...payload },
}) as WeaverEvent;

function renderLog(answer: (params: Record<string, unknown>) => WeaverEvent[]) {
  get.mockImplementation(async (_path: string, params?: Record<string, unknown>) => answer(params ?? {}) as never);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><EventLog runId="r1" /></QueryClientProvider>);
}

describe('EventLog', () => {
  it('asks for the newest page, newest first, and shows it in that order', async () => {
    renderLog(() => [event(3, 'live.tick'), event(2, 'order.filled'), event(1, 'run.started')]);
    await waitFor(() => expect(screen.getAllByTestId('event-row')).toHaveLength(3));
    expect(get).toHaveBeenCalledWith('/runs/r1/events', { order: 'desc', limit: 1000 }, expect.anything());
    expect(screen.getAllByTestId('event-row').map((row) => row.children[2]?.textContent))
      .toEqual(['live.tick', 'order.filled', 'run.started']);
    expect(screen.getByTestId('event-count')).toHaveTextContent('3 events · newest first');
  });

  it('filters a family through the API, so its events older than the newest page still show', async () => {
    renderLog((params) => (params.type === 'order.*'
      ? [event(2, 'order.filled'), event(1, 'order.submitted')]
      : [event(3, 'live.tick'), event(2, 'order.filled')]));
    await waitFor(() => expect(screen.getAllByTestId('event-row')).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('Event family'), { target: { value: 'order' } });
    await waitFor(() => expect(screen.getAllByTestId('event-row').map((row) => row.children[2]?.textContent))
      .toEqual(['order.filled', 'order.submitted']));
    expect(get).toHaveBeenCalledWith('/runs/r1/events', { order: 'desc', limit: 1000, type: 'order.*' },
      expect.anything());
  });

  it('says when the log holds more than the page it shows', async () => {
    renderLog(() => Array.from({ length: 1000 }, (_, i) => event(2000 - i, 'live.tick')));
    await waitFor(() => expect(screen.getByTestId('event-count')).toHaveTextContent('the newest 1,000 events'));
  });
});
