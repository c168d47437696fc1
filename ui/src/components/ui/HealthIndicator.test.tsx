import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Health } from '@/lib/api/types';
import { StreamProvider } from '@/lib/stream/StreamProvider';
import { FakeEventSource } from '@/testing/fakeEventSource';
import { HealthIndicator } from './HealthIndicator';

vi.mock('@/lib/auth/useSession', () => ({ useSession: () => 'signed-in' }));

const up = { ok: true };
function health(status: number, body: Health) {
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status }));
  render(<QueryClientProvider client={new QueryClient()}><HealthIndicator /></QueryClientProvider>);
}

describe('the health indicator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names the failing components of a 503 instead of calling the server unreachable', async () => {
    health(503, {
      status: 'degraded', failing: ['backtest_workers'], workers: { live: 1 }, version: '0.1.0',
      components: { database: up, redis: up, live_worker: up, scheduler: up, broker: up,
        backtest_workers: { ok: false, error: 'no backtest worker has sent a heartbeat in the last 20 s' } },
    });
    const indicator = await screen.findByText('degraded: backtest workers');
    expect(indicator.closest('[data-testid="health"]')).toHaveAttribute('data-status', 'degraded');
    expect(indicator.closest('[data-testid="health"]')?.getAttribute('title'))
      .toContain('backtest workers DOWN: no backtest worker has sent a heartbeat');
  });

  it('says healthy when every component is ok', async () => {
    health(200, { status: 'ok', failing: [], workers: { backtest: 1, live: 1 }, version: '0.1.0',
      components: { database: up, redis: up, backtest_workers: up, live_worker: up, scheduler: up, broker: up } });
    expect(await screen.findByText('healthy')).toBeInTheDocument();
  });

  it('says unreachable once a check fails, though an earlier one said healthy (trial 35)', async () => {
    const client = new QueryClient();
    const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({
      status: 'ok', failing: [], workers: {}, version: '0.1.0', components: { database: up } }), { status: 200 }));
    render(<QueryClientProvider client={client}><HealthIndicator /></QueryClientProvider>);
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));  // the server went away
    await act(() => client.refetchQueries());
    expect(await screen.findByText('unreachable')).toBeInTheDocument();
    expect(screen.queryByText('healthy')).not.toBeInTheDocument();
  });

  it('checks again as soon as the live updates drop, so a server gone reads unreachable at once (trial 38)', async () => {
    FakeEventSource.reset();
    const client = new QueryClient();
    const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({
      status: 'ok', failing: [], workers: {}, version: '0.1.0', components: { database: up } }), { status: 200 }));
    render(<QueryClientProvider client={client}><StreamProvider EventSourceImpl={FakeEventSource}>
      <HealthIndicator /></StreamProvider></QueryClientProvider>);
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));  // the server went away
    act(() => { FakeEventSource.last().open(); FakeEventSource.last().fail(); });
    expect(await screen.findByText('unreachable')).toBeInTheDocument();  // not at the next 15 s check
  });
});
