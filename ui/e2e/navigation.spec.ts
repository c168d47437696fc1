import { expect, test } from './fixtures';
import { completedDailyBacktest } from './dailyBacktest';

test('20 navigations between run pages raise no error', async ({ page, openApp, request, server }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const runs = [await completedDailyBacktest(request, server), await completedDailyBacktest(request, server,
    { fast: 10, slow: 30 })];

  const detailOf = (id: string) => page.locator(`[data-testid="run-detail"][data-run-id="${id}"]`);
  await openApp(`/runs/${runs[0]}`);
  await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
  for (let i = 1; i <= 20; i += 1) {
    const target = runs[i % 2] as string;
    if (i % 4 === 0) {
      await page.goBack(); // the browser's back button, twice: the runs list, then the run page before
      await expect(page.getByTestId('runs-table-row').first()).toBeVisible();
      await page.goBack();
      await expect(detailOf(target)).toBeVisible();
    } else {
      await page.getByTestId('nav-runs').click();
      await page.locator(`a[href="/runs/${target}"]`).first().click();
    }
    await expect(detailOf(target)).toBeVisible();
    // every other visit leaves before the charts have drawn, the others once they have
    if (i % 2 === 0) await expect(page.getByTestId('equity-chart').locator('canvas').first()).toBeVisible();
  }
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('runs-table-row').first()).toBeVisible();
  await page.waitForTimeout(500); // a disposed chart would throw on its next animation frame
  expect(errors).toEqual([]);
});

test('a short id in the address, as `weaver runs list` prints it, opens the run at its whole id', async ({
  page, openApp, request, server }) => {
  const run = await completedDailyBacktest(request, server);
  await openApp(`/runs/${run.slice(0, 8)}`);
  await expect(page.locator(`[data-testid="run-detail"][data-run-id="${run}"]`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/runs/${run}$`));
  await openApp('/runs/ffffffff');
  await expect(page.getByTestId('whole-id-problem')).toContainText("no run with id 'ffffffff' or an id starting with it");
});
