import { expect, pickDailySymbol, test, watchErrors, type SeriesInfo } from './fixtures';

interface Fold { index: number; params: Record<string, number> | null; oos_run_id: string | null; sweep_id: string }
interface Walkforward {
  id: string; status: string; folds: Fold[];
  result: { metrics: Record<string, number | null>; contrast_metrics: Record<string, number | null> | null;
    efficiency: number | null } | null;
}

test('launch a two-fold walk-forward through the form, watch it finish, read its folds and stitched result', async ({ page, openApp, apiGet, shot, request, server }) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  await openApp('/');
  await page.getByTestId('nav-walk-forward').click();
  await expect(page).toHaveTitle('Walk-forward · Weaver');
  await page.getByTestId('new-walkforward').click();
  await expect(page.getByTestId('walkforward-form')).toBeVisible();
  await page.getByTestId('strategy-select').selectOption('sma_cross');
  await page.getByTestId('grid-fast').fill('5, 10');
  await page.getByTestId('grid-slow').fill('20, 40');
  await expect(page.getByTestId('grid-fieldset')).toContainText('4 cells');
  await page.getByTestId('symbol-input').fill(symbol);
  await page.getByTestId('symbol-input').press('Enter');
  await page.getByTestId('start').fill('2021-01-01');
  await page.getByTestId('end').fill('2022-12-31');
  await page.getByTestId('folds-train').fill('12');
  await page.getByTestId('folds-test').fill('6');
  await page.getByTestId('folds-warmup').fill('50');
  await page.getByTestId('walkforward-name').fill('e2e walk-forward');
  // a bad length is refused beside its field before anything is sent
  await page.getByTestId('folds-test-unit').selectOption('bars');
  await page.getByTestId('submit-walkforward').click();
  await expect(page.getByTestId('error-folds')).toContainText('all in bars or all as calendar periods');
  await page.getByTestId('folds-test-unit').selectOption('M');
  await expect(page.getByTestId('error-folds')).toHaveCount(0);
  await shot('new-walkforward-form');
  await page.getByTestId('submit-walkforward').scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0); // the form is longer than the window
  await page.getByTestId('submit-walkforward').click();

  const detail = page.getByTestId('walkforward-detail');
  await expect(detail).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0); // the new page opens at its top (trial 31)
  await expect(page).toHaveTitle('Walk-forward e2e walk-forward · Weaver');
  await expect(page.getByTestId('fold-row')).toHaveCount(2);
  await expect(page.getByTestId('timeline-row')).toHaveCount(2);
  await expect(detail).toHaveAttribute('data-status', 'completed', { timeout: 75_000 });
  const id = new URL(page.url()).pathname.split('/').pop()!;
  const wf = await apiGet<Walkforward>(`/walkforwards/${id}`);
  expect(wf.status).toBe('completed');

  // each fold shows the cell it chose and links to its sweep and its out-of-sample run
  for (const fold of wf.folds) {
    const row = page.locator(`[data-testid="fold-row"][data-fold="${fold.index}"]`);
    await expect(row.getByTestId('fold-progress')).toHaveAttribute('data-done', '4');
    if (fold.params) {
      await expect(row.getByTestId('fold-params')).toHaveText(`fast=${fold.params.fast}, slow=${fold.params.slow}`);
      await expect(row.getByTestId('fold-oos-link')).toHaveAttribute('href', `/runs/${fold.oos_run_id}`);
    }
    await expect(row.getByTestId('fold-sweep-link')).toHaveAttribute('href', `/sweeps/${fold.sweep_id}`);
  }
  // the stitched out-of-sample result, to the cent of a percent, beside the whole-window contrast
  expect(wf.result).not.toBeNull();
  const ret = wf.result!.metrics.total_return_pct;
  const oosReturn = page.locator('[data-testid="result-row"][data-metric="total_return"] [data-testid="result-oos"]');
  await expect(oosReturn).toContainText(ret === null || ret === undefined ? '—' : `${Math.abs(ret).toFixed(2)}%`);
  // beside it, the hindsight-optimised cell over the same test windows (the whole window apart)
  await expect(page.getByTestId('result-contrast-head')).toHaveText('Hindsight-optimised, same test windows');
  const sameRet = wf.result!.contrast_metrics?.total_return_pct;
  await expect(page.locator('[data-testid="result-row"][data-metric="total_return"] [data-testid="result-contrast"]'))
    .toContainText(sameRet === null || sameRet === undefined ? '—' : `${Math.abs(sameRet).toFixed(2)}%`);
  await expect(page.getByTestId('efficiency')).toContainText('Walk-forward efficiency');
  await expect(page.getByTestId('efficiency-meaning')).not.toBeEmpty();
  await expect(page.getByTestId('walkforward-equity-legend')).toContainText('Stitched out-of-sample');
  await expect(page.getByTestId('walkforward-equity-legend')).toContainText('Hindsight-optimised, same test windows');
  // folds are numbered from 1, as the fold sweeps' names are
  await expect(page.locator('[data-testid="fold-row"][data-fold="0"]').getByTestId('fold-number')).toHaveText('1');
  await expect(page.locator('[data-testid="timeline-row"][data-fold="1"] text')).toHaveText('fold 2');
  // hovering the chart reads out the date, both equities and the fold
  const canvas = page.getByTestId('walkforward-equity-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  const readout = page.getByTestId('walkforward-equity-readout');
  await expect(readout.getByTestId('readout-time')).toHaveText(/^2022-\d\d-\d\d$/);
  await expect(readout.getByTestId('readout-line')).toHaveCount(2);
  await expect(readout.getByTestId('readout-extra')).toHaveText(/^fold [12]$/);
  // the first axis tick names its year
  await expect(canvas).toHaveAttribute('data-tick-labels', /^(2022|[A-Z][a-z]{2}( \d+)? 2022)(\||$)/);
  // at 1,400 px the fold table shows every column, its links too, without scrolling sideways
  await page.setViewportSize({ width: 1400, height: 900 });
  const wrap = page.getByTestId('fold-table').locator('xpath=..');
  expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  const link = (await page.locator('[data-testid="fold-row"][data-fold="0"]').getByTestId('fold-oos-link').boundingBox())!;
  const shown = (await wrap.boundingBox())!;
  expect(link.x + link.width).toBeLessThanOrEqual(shown.x + shown.width);
  // at 1,280 px the table scrolls sideways, and the links stay in view at its right edge (trial 30)
  await page.setViewportSize({ width: 1280, height: 800 });
  const narrow = (await wrap.boundingBox())!;
  const kept = (await page.locator('[data-testid="fold-row"][data-fold="0"]').getByTestId('fold-hindsight-link')
    .or(page.locator('[data-testid="fold-row"][data-fold="0"]').getByTestId('fold-oos-link')).first().boundingBox())!;
  expect(kept.x + kept.width).toBeLessThanOrEqual(narrow.x + narrow.width);
  // on a phone the page itself does not scroll sideways: its tables do (trial 40: 1,235 px of blank page at 420)
  await page.setViewportSize({ width: 420, height: 900 });
  await page.getByText('Fold windows as text').click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId('stability-chart')).toHaveCount(2);
  await shot('walkforward-detail');

  // robustness on the stitched out-of-sample trades: the page shows what the API answers for the same settings
  const response = await request.post(`${server.url}/api/v1/walkforwards/${id}/robustness`, {
    headers: { Authorization: `Bearer ${server.token}` }, data: { resamples: 200, seed: 7 } });
  expect(response.status(), await response.text()).toBe(200);
  const robustness = (await response.json()) as { trades: number };
  const panel = page.getByTestId('robustness-panel');
  await panel.getByText(/^Settings:/).click();
  await panel.getByTestId('robustness-resamples').fill('200');
  await panel.getByTestId('robustness-seed').fill('7');
  await panel.getByTestId('robustness-run').click();
  await expect(panel.getByTestId('robustness-results')).toContainText(`${robustness.trades} trades from`);

  // the list shows it finished, and a fold's sweep opens from its row
  await page.getByTestId('nav-walk-forward').click();
  const listed = page.getByTestId('walkforwards-table-row').filter({ hasText: 'e2e walk-forward' });
  await expect(listed.getByTestId('status-badge')).toHaveAttribute('data-status', 'completed');
  await listed.getByTestId('walkforward-link').click();
  await page.locator('[data-testid="fold-row"][data-fold="0"]').getByTestId('fold-sweep-link').click();
  await expect(page.getByTestId('sweep-detail')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('sweep-walkforward')).toContainText('fold 1 of');
  await page.getByTestId('sweep-walkforward').getByRole('link').click();
  await expect(page.getByTestId('walkforward-detail')).toHaveAttribute('data-status', 'completed');
  expect(errors).toEqual([]);
});
