import AxeBuilder from '@axe-core/playwright';
import { completedDailyBacktest } from './dailyBacktest';
import { expect, test } from './fixtures';

interface Analysis {
  monthly: Array<{ year: number; months: Array<number | null>; total: number | null }>;
  trades: { count: number; bins: Array<{ low: string; count: number }> };
  rolling_sharpe: { window: number; period: string; values: Array<number | null> };
}

/** The page's format of a percent return: 2 decimals, a true minus, "—" for no figure. */
function asShown(value: number | null): string {
  if (value === null) return '—';
  const text = Math.abs(value).toFixed(2);
  const [int = '0', frac = ''] = text.split('.');
  return `${value < 0 && Number(text) !== 0 ? '−' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}%`;
}

test('a daily backtest shows its monthly returns, trade histogram and rolling Sharpe from the API', async ({ page, request, server, openApp, apiGet, shot }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const runId = await completedDailyBacktest(request, server);
  const analysis = await apiGet<Analysis>(`/runs/${runId}/analysis`);
  expect(analysis.monthly.length).toBeGreaterThan(0);

  await openApp(`/runs/${runId}`);
  const panel = page.getByTestId('analysis-panel');
  await expect(panel.getByTestId('monthly-table')).toBeVisible();
  // one row per calendar year of the run, in order
  await expect(panel.getByTestId('monthly-row')).toHaveCount(analysis.monthly.length);
  const years = await panel.getByTestId('monthly-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-year'))));
  expect(years).toEqual(analysis.monthly.map((y) => y.year));

  // a month with a figure, and its year's total, read as the API's values formatted
  const row = analysis.monthly.find((y) => y.months.some((m) => m !== null && m !== 0)) ?? analysis.monthly[0]!;
  const month = row.months.findIndex((m) => m !== null && m !== 0);
  const cell = panel.getByTestId(`monthly-${row.year}-${month + 1}`);
  await expect(cell).toHaveText(asShown(row.months[month] ?? null));
  await expect(cell).toHaveClass(new RegExp((row.months[month] ?? 0) < 0 ? '\\bneg\\b' : '\\bpos\\b'));
  await expect(panel.getByTestId(`monthly-${row.year}-total`)).toHaveText(asShown(row.total));

  // the trade histogram holds every closed trade; the Sharpe window is said on screen
  const trades = await apiGet<{ total: number }>(`/runs/${runId}/trades?per_page=1`);
  expect(analysis.trades.count).toBe(trades.total);
  if (trades.total > 0) {
    await expect(panel.getByTestId('trade-returns-summary')).toContainText(`${trades.total} trades`);
    await expect(panel.getByTestId('trade-bin')).toHaveCount(analysis.trades.bins.length);
  }
  await expect(panel.getByTestId('rolling-sharpe')).toContainText(
    `Rolling Sharpe (${analysis.rolling_sharpe.window}-${analysis.rolling_sharpe.period} window)`);
  if (analysis.rolling_sharpe.values.length) {
    await expect(panel.getByTestId('rolling-sharpe-chart').locator('canvas').first()).toBeVisible();
    await expect(panel.getByTestId('rolling-sharpe-canvas')).toHaveAttribute('aria-label', /^Rolling Sharpe \(\d+-day window\), \d{4}-\d\d-\d\d to /);
  } else {
    await expect(panel.getByTestId('rolling-sharpe-empty')).toContainText('Not enough data');
  }

  await page.waitForLoadState('networkidle');
  const axe = await new AxeBuilder({ page }).include('[data-testid="analysis-panel"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await panel.scrollIntoViewIfNeeded();
  await shot('run-analysis');
  expect(errors).toEqual([]);
});
