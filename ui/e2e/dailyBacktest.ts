import type { APIRequestContext } from '@playwright/test';
import { expect, pickDailySymbol, type SeriesInfo } from './fixtures';
import type { ServerInfo } from './server';

/** Start a daily SMA-cross backtest on the demo data through the API and wait until it completed. */
export async function completedDailyBacktest(request: APIRequestContext, server: ServerInfo,
  params: { fast: number; slow: number } = { fast: 5, slow: 20 }): Promise<string> {
  const headers = { Authorization: `Bearer ${server.token}` };
  const series = (await (await request.get(`${server.url}/api/v1/bars/series`, { headers })).json()) as SeriesInfo[];
  const response = await request.post(`${server.url}/api/v1/runs`, {
    headers,
    data: { mode: 'backtest', strategy: 'sma_cross', params, symbols: [pickDailySymbol(series)], timeframe: '1Day',
      start_now: true },
  });
  expect(response.status()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await expect.poll(async () => {
    const run = (await (await request.get(`${server.url}/api/v1/runs/${id}`, { headers })).json()) as { status: string };
    return run.status;
  }, { timeout: 90_000, intervals: [500] }).toBe('completed');
  return id;
}
