import { expect, test } from './fixtures';

test('every page renders; screenshots for review', async ({ page, openApp, shot }) => {
  await openApp('/data');
  await expect(page.getByTestId('series-table-row').first()).toBeVisible();
  await page.getByTestId('series-table-row').first().click();
  await expect(page.getByTestId('preview-chart')).toBeVisible();
  await expect(page).toHaveTitle('Data · Weaver');
  await shot('data');

  await page.getByTestId('nav-live').click();
  await expect(page.getByTestId('live-panel')).toBeVisible();
  await expect(page).toHaveTitle('Live · Weaver');
  await shot('live');

  await page.getByTestId('nav-sweeps').click();
  await expect(page.getByTestId('sweeps-page')).toBeVisible();
  await expect(page).toHaveTitle('Sweeps · Weaver');
  await shot('sweeps');

  await page.getByTestId('nav-runs').click();
  await page.getByTestId('tz-utc').click();
  await expect(page.getByTestId('tz-label')).toHaveText('UTC');
  await expect(page).toHaveTitle('Runs · Weaver');
  await shot('runs-dashboard-utc');
  await page.getByTestId('tz-local').click();

  await page.goto('/runs');  // a hand-typed /runs lands on the runs list (it lives at the root)
  await expect(page).toHaveURL(/\/$/);
  await expect(page).toHaveTitle('Runs · Weaver');

  await page.goto('/runs/new?mode=live');
  await expect(page.getByTestId('live-warning')).toBeVisible();
  await expect(page).toHaveTitle('New run · Weaver');
  await shot('new-live-run');
});

test('stays usable on a narrow screen', async ({ page, openApp, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp('/');
  await expect(page.getByTestId('nav-sweeps')).toBeVisible();
  await shot('runs-dashboard-narrow');
  await page.goto('/runs/new');
  await expect(page.getByTestId('run-form')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await shot('new-run-narrow');
});
