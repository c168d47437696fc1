import { expect, pickDailySymbol, test, type SeriesInfo } from './fixtures';

interface Page<T> { items: T[]; total: number }

test('create a backtest from the form, watch it complete live, check its charts and trades', async ({ page, openApp, apiGet, shot }) => {
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  await openApp('/');
  await shot('runs-dashboard');

  await page.getByTestId('new-backtest').click();
  await expect(page.getByTestId('run-form')).toBeVisible();
  await page.getByTestId('strategy-select').selectOption('sma_cross');
  await page.getByTestId('param-fast').fill('5');
  await page.getByTestId('param-slow').fill('20');
  await page.getByTestId('symbol-input').fill(symbol);
  await page.getByTestId('symbol-input').press('Enter');
  await expect(page.getByTestId('symbol-chip')).toHaveText(new RegExp(symbol));
  await expect(page.getByTestId('data-range')).toContainText('→');
  await page.getByTestId('run-name').fill(`e2e ${symbol} sma 5/20`);
  await shot('new-run-form');

  // A sentinel on window proves the page is never reloaded while the status changes.
  await page.evaluate(() => { (window as unknown as { __noReload: boolean }).__noReload = true; });
  await page.getByTestId('submit-run').click();

  const detail = page.getByTestId('run-detail');
  await expect(detail).toBeVisible();
  const runId = await detail.getAttribute('data-run-id');
  expect(runId).toBeTruthy();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  await expect(page.getByTestId('equity-chart')).toBeVisible();
  await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('candle-chart')).toBeVisible();
  await expect(page.getByTestId('metrics')).toBeVisible();

  const trades = await apiGet<Page<unknown>>(`/runs/${runId}/trades?per_page=1`);
  const count = page.getByTestId('trades-table-count');
  await expect(count).toHaveAttribute('data-count', String(trades.total));
  await expect(page.getByTestId('trades-table-row')).toHaveCount(Math.min(trades.total, 50));
  await expect(page.getByTestId('tab-trades')).toContainText(String(trades.total));
  await shot('run-detail');

  // the other record tables and the event log
  await page.getByTestId('tab-orders').click();
  const orders = await apiGet<Page<unknown>>(`/runs/${runId}/orders?per_page=1`);
  await expect(page.getByTestId('orders-table-count')).toHaveAttribute('data-count', String(orders.total));
  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-row').first()).toBeVisible();
  await shot('run-detail-events');

  // back on the dashboard (client-side), the run shows as completed
  await page.getByTestId('nav-runs').click();
  const row = page.getByTestId('runs-table-row').filter({ has: page.locator(`a[href="/runs/${runId}"]`) });
  await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
});

test('the dashboard picks up a run created elsewhere and its completion, without reload', async ({ page, openApp, apiGet, request, server }) => {
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  await openApp('/');
  await page.evaluate(() => { (window as unknown as { __noReload: boolean }).__noReload = true; });
  const response = await request.post(`${server.url}/api/v1/runs`, {
    headers: { Authorization: `Bearer ${server.token}` },
    data: { mode: 'backtest', strategy: 'sma_cross', params: { fast: 10, slow: 30 }, symbols: [symbol], start_now: true },
  });
  expect(response.status()).toBe(201);
  const run = (await response.json()) as { id: string };
  const row = page.getByTestId('runs-table-row').filter({ has: page.locator(`a[href="/runs/${run.id}"]`) });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
});

test('API validation errors appear at the field they concern', async ({ page, openApp, apiGet }) => {
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  await openApp('/runs/new?mode=backtest');
  await page.getByTestId('strategy-select').selectOption('sma_cross');
  await page.getByTestId('param-fast').fill('50');
  await page.getByTestId('param-slow').fill('20');
  await page.getByTestId('symbol-input').fill(symbol);
  await page.getByTestId('symbol-input').press('Enter');
  await page.getByTestId('submit-run').click();
  // the strategy's own check (fast < slow) comes back as details.fields["params.fast"]
  await expect(page.getByTestId('field-params.fast').getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('run-form')).toBeVisible();
});
