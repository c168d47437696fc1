import { formatMetric, METRIC_DEFS, readMetric } from '../src/lib/metrics';
import { expect, test } from './fixtures';
import { completedDailyBacktest } from './dailyBacktest';

interface ApiRun { id: string; name: string | null; strategy: string; metrics: Record<string, number | null> }

/** Every page or console error fails the test: the compare page must load and draw without one. */
function collectErrors(page: import('@playwright/test').Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

test('two backtests side by side: metrics equal the API, the differing parameter marked, charts described', async ({
  page, openApp, request, server, apiGet, shot }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const ids = [await completedDailyBacktest(request, server, { fast: 5, slow: 20 }),
    await completedDailyBacktest(request, server, { fast: 10, slow: 20 })];
  const runs = await Promise.all(ids.map((id) => apiGet<ApiRun>(`/runs/${id}`)));

  await openApp(`/compare?runs=${ids.join(',')}`);
  await expect(page.getByTestId('compare-page')).toHaveAttribute('data-runs', '2');
  await expect(page).toHaveTitle('Compare 2 runs · Weaver');
  await expect(page.getByTestId('compare-col').first()).toHaveAttribute('data-run-id', ids[0] as string);

  // every metric of every run, as the run page formats the API's figure
  const table = page.getByTestId('compare-metrics');
  for (const def of METRIC_DEFS) {
    const row = table.locator(`[data-testid="metric-row"][data-metric="${def.key}"]`);
    for (const run of runs) {
      const expected = formatMetric(def.key, readMetric(run.metrics, def.key));
      await expect(row.locator(`[data-testid="metric-cell"][data-run-id="${run.id}"] [data-testid="metric-value"]`),
        `${def.key} of ${run.id}`).toHaveText(expected);
    }
  }
  // and, written out, the figure a trader checks first: the return, in percent with two decimals
  for (const run of runs) {
    const pct = run.metrics.total_return_pct as number;
    const text = `${pct < 0 ? '−' : pct > 0 ? '+' : ''}${Math.abs(pct).toFixed(2)}%`;
    await expect(table.locator(`[data-metric="total_return"] [data-run-id="${run.id}"] [data-testid="metric-value"]`))
      .toHaveText(text === '+0.00%' || text === '−0.00%' ? '0.00%' : text);
  }
  // the better return is the one marked best (unless both are equal)
  const [a, b] = runs.map((r) => r.metrics.total_return_pct as number) as [number, number];
  if (a !== b) {
    const winner = a > b ? ids[0] : ids[1];
    await expect(table.locator(`[data-metric="total_return"] [data-testid="metric-cell"][data-best="true"]`))
      .toHaveAttribute('data-run-id', winner as string);
  }

  // parameters: fast differs and is marked, slow is the same and is not
  const params = page.getByTestId('compare-params');
  const fast = params.locator('[data-testid="diff-row"][data-group="parameters"][data-key="fast"]');
  await expect(fast).toHaveAttribute('data-differs', 'true');
  await expect(fast.getByTestId('differs')).toHaveText('differs');
  await expect(fast.locator('td.num')).toHaveText(['5', '10']);
  const slow = params.locator('[data-testid="diff-row"][data-group="parameters"][data-key="slow"]');
  await expect(slow).toHaveAttribute('data-differs', 'false');
  await expect(slow.getByTestId('differs')).toHaveCount(0);
  await expect(params.locator('[data-testid="diff-row"][data-key="timeframe"] td.num')).toHaveText(['1Day', '1Day']);
  await expect(page.getByTestId('compare-note')).toHaveCount(0);

  // the charts: drawn, each run named in the legend, a text alternative with each run's figures
  const label = (r: ApiRun) => `${r.name || r.strategy} · ${r.id.slice(0, 8)}`;
  for (const chart of ['compare-equity', 'compare-drawdown']) {
    await expect(page.getByTestId(chart).locator('canvas').first()).toBeVisible();
    await expect(page.getByTestId(`${chart}-legend`)).toContainText(runs.map(label).join(''));
  }
  const equity = page.getByTestId('compare-equity-canvas');
  await expect(equity).toHaveAttribute('role', 'img');
  for (const run of runs) {
    // each curve ends at the run's own return (its equity over its starting equity), to 0.1 %
    const pct = run.metrics.total_return_pct as number;
    const end = `${pct < 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)}%`.replace(/^[+−](0\.0%)$/, '$1');
    await expect(equity).toHaveAttribute('aria-label', new RegExp(`Return of ${label(run).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, `
      + `\\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2}: start [^,]+, end ${end.replace('+', '\\+')},`));
  }
  await expect(page.getByTestId('compare-drawdown-canvas')).toHaveAttribute('aria-label', /Drawdown of .* low −\d/);
  await shot('compare');

  await page.waitForTimeout(300); // a chart error would surface on a later animation frame
  expect(errors).toEqual([]);
});

test('one run is not a comparison: the page says so and links back, without an error', async ({ page, openApp, request,
  server }) => {
  const errors = collectErrors(page);
  const id = await completedDailyBacktest(request, server);
  await openApp(`/compare?runs=${id}`);
  await expect(page.getByTestId('compare-error')).toContainText('Pick at least 2 runs to compare');
  await expect(page).toHaveTitle('Compare runs · Weaver');
  await page.getByRole('link', { name: 'Back to the runs' }).click();
  await expect(page.getByTestId('runs-dashboard')).toBeVisible();
  expect(errors).toEqual([]);
});

test('an unknown run id is named', async ({ page, openApp, request, server }) => {
  const id = await completedDailyBacktest(request, server);
  const unknown = '00000000-0000-4000-8000-000000000000';
  await openApp(`/compare?runs=${id},${unknown}`);
  await expect(page.getByTestId('compare-error')).toContainText('One of these runs does not exist');
  await expect(page.getByTestId('missing-run')).toHaveText(unknown);
});
