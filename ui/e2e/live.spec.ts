import { expect, pickDailySymbol, test, type SeriesInfo } from './fixtures';

interface Account { kind: string; configured: boolean }

test('a paper run shows on the live panel, and the kill switch stops it after typing KILL', async ({ page, openApp, apiGet, shot }) => {
  const accounts = await apiGet<Account[]>('/accounts');
  // The e2e launcher always wires a paper account to the local exchange; its absence is a failure.
  expect(accounts.find((a) => a.kind === 'paper')?.configured).toBe(true);
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));

  await openApp('/runs/new?mode=paper');
  await page.getByTestId('strategy-select').selectOption('sma_cross');
  await page.getByTestId('symbol-input').fill(symbol);
  await page.getByTestId('symbol-input').press('Enter');
  await page.getByTestId('timeframe').selectOption('1Min');
  await page.getByTestId('risk-max_order_value').fill('5000');
  await page.getByTestId('run-name').fill('e2e paper');
  await page.getByTestId('submit-run').click();

  const detail = page.getByTestId('run-detail');
  await expect(detail).toBeVisible();
  const runId = await detail.getAttribute('data-run-id');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  await shot('paper-run-detail');

  await page.getByTestId('nav-live').click();
  const paper = page.getByTestId('account-paper');
  await expect(paper.locator(`a[href="/runs/${runId}"]`)).toBeVisible();
  await shot('live-with-paper-run');

  await page.getByTestId('kill-button').click();
  const dialog = page.getByTestId('kill-confirm');
  await expect(dialog.getByTestId('confirm-button')).toBeDisabled();
  await dialog.getByTestId('confirm-word').fill('KILL');
  await dialog.getByTestId('confirm-button').click();
  await expect(page.getByTestId('kill-result')).toContainText('1 run(s) stopping');

  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', /stopping|stopped/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  // one truth (issue 17.4): a kill-switch stop says so, with no error banner and no Stop button beside it
  await expect(page.getByTestId('run-status')).toHaveText('stopped by kill switch');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('stop-run')).toHaveCount(0);
});
