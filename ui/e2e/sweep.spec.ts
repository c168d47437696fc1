import { expect, pickDailySymbol, test, type SeriesInfo } from './fixtures';

interface Result { run_id: string; status: string; metrics: Record<string, number | null> }

test('launch a 6-cell sweep (one skipped, with its reason), watch it finish, open the best cell', async ({ page, openApp, apiGet, shot }) => {
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  await openApp('/sweeps');
  await page.getByTestId('new-sweep').click();
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  await page.getByTestId('strategy-select').selectOption('sma_cross');
  await page.getByTestId('grid-fast').fill('5, 10, 20');
  await page.getByTestId('grid-slow').fill('20, 40');
  await expect(page.getByTestId('grid-fieldset')).toContainText('6 cells');
  await page.getByTestId('symbol-input').fill(symbol);
  await page.getByTestId('symbol-input').press('Enter');
  await page.getByTestId('sweep-name').fill('e2e sweep');
  await shot('new-sweep-form');
  await page.getByTestId('submit-sweep').click();

  const detail = page.getByTestId('sweep-detail');
  await expect(detail).toBeVisible();
  await expect(page).toHaveTitle('Sweep e2e sweep · Weaver');
  // fast 20 / slow 20 breaks sma_cross's own rule: no backtest for it, and the page says why
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-total', '5');
  await expect(page.getByTestId('skipped-cell')).toHaveText(['fast=20, slow=20 — fast: must be less than slow']);
  await expect(detail).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-progress')).toContainText('5 done, 1 skipped of 6');
  await expect(page.getByTestId('results-table-row')).toHaveCount(5);
  await expect(page.getByTestId('heatmap-cell')).toHaveCount(6);
  await expect(page.locator('[data-testid="heatmap-cell"][data-status="skipped"]')).toHaveCount(1);
  await shot('sweep-detail');

  const sweepId = new URL(page.url()).pathname.split('/').pop();
  const results = await apiGet<Result[]>(`/sweeps/${sweepId}/results?sort=sharpe&order=desc`);
  const best = results.find((r) => typeof r.metrics.sharpe === 'number');
  expect(best).toBeTruthy();
  await expect(page.getByTestId('open-best')).toHaveAttribute('data-run-id', best!.run_id);
  await page.getByTestId('open-best').click();
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', best!.run_id);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  const bestRun = await apiGet<{ id: string; name: string | null }>(`/runs/${best!.run_id}`);
  await expect(page).toHaveTitle(`${bestRun.name || `Run ${bestRun.id}`} · Weaver`);

  // a heatmap cell opens its own run too
  await page.goBack();
  const cell = page.getByTestId('heatmap-cell').last();
  const cellRun = await cell.getAttribute('data-run-id');
  await cell.click();
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', cellRun!);
});
