import { expect, test, watchErrors } from './fixtures';
import { firstAxisLabel } from './chartAxis';
import { completedDailyBacktest } from './dailyBacktest';

/**
 * The first label of every chart's time axis is drawn whole: "2020", not "20" cut off at the left edge
 * (a new user's trial found it on the price, equity and rolling Sharpe charts and the compare overlay).
 */
async function expectWholeFirstLabels(page: import('@playwright/test').Page, testIds: string[]) {
  for (const testId of testIds) {
    const chart = page.getByTestId(testId);
    await chart.scrollIntoViewIfNeeded();
    await expect(chart).toHaveAttribute('data-tick-labels', /\w/);
    await expect.poll(async () => {
      const first = await firstAxisLabel(chart);
      // the leftmost text drawn is the whole first label: as wide as its text (a few pixels of glyph
      // bearing aside) and starting inside the axis, not cut off at its edge
      return first.inkWidth >= first.expectedWidth - 3 ? 'whole' : JSON.stringify(first);
    }, { message: `${testId}: first time-axis label`, timeout: 10_000 }).toBe('whole');
  }
}

test('the first time-axis label of every chart of a run and of a comparison is drawn whole', async ({
  page, openApp, request, server }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  const ids = [await completedDailyBacktest(request, server, { fast: 5, slow: 20 }),
    await completedDailyBacktest(request, server, { fast: 10, slow: 20 })];

  await openApp(`/runs/${ids[0]}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  await expectWholeFirstLabels(page, ['candle-chart', 'equity-canvas', 'rolling-sharpe-canvas']);

  await openApp(`/compare?runs=${ids.join(',')}`);
  await expect(page.getByTestId('compare-page')).toHaveAttribute('data-runs', '2');
  await expectWholeFirstLabels(page, ['compare-equity-canvas', 'compare-drawdown-canvas']);
  expect(errors).toEqual([]);
});
