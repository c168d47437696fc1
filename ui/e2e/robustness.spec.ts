import AxeBuilder from '@axe-core/playwright';
import { completedDailyBacktest } from './dailyBacktest';
import { expect, test, watchErrors } from './fixtures';

interface Spread { p5: number; p50: number; p95: number }
interface Robustness {
  trades: number;
  monte_carlo: Array<{ method: string; final_equity: Spread; ruin_probability: number; drawdown_histogram: { counts: number[] } }>;
  random_entry: { percentile: number; resamples: number } | null;
}

/** The page's dollars: "$12,345.68", a true minus. */
function dollars(value: number): string {
  const text = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${value < 0 && Number(text.replace(/,/g, '')) !== 0 ? '−' : ''}$${text}`;
}

test('a finished backtest runs its robustness tests from the run page; the figures are the API\'s', async ({ page, request, server, openApp, shot }) => {
  const errors = watchErrors(page);
  const runId = await completedDailyBacktest(request, server);
  const response = await request.post(`${server.url}/api/v1/runs/${runId}/robustness`, {
    headers: { Authorization: `Bearer ${server.token}` }, data: { resamples: 200, seed: 7 } });
  expect(response.status(), await response.text()).toBe(200);
  const api = (await response.json()) as Robustness;

  await openApp(`/runs/${runId}`);
  const panel = page.getByTestId('robustness-panel');
  await expect(panel.getByTestId('robustness-results')).toHaveCount(0);
  await panel.getByText(/^Settings:/).click();
  await panel.getByTestId('robustness-resamples').fill('200');
  await panel.getByTestId('robustness-seed').fill('7');
  await panel.getByRole('button', { name: 'Run robustness tests' }).click();
  await expect(panel.getByTestId('robustness-results')).toBeVisible({ timeout: 30_000 });

  // same settings, same seed: the page shows the API's figures, formatted
  const boot = api.monte_carlo.find((m) => m.method === 'bootstrap')!;
  await expect(panel.getByTestId('pct-bootstrap-final-equity').getByRole('cell'))
    .toHaveText([dollars(boot.final_equity.p5), dollars(boot.final_equity.p50), dollars(boot.final_equity.p95)]);
  await expect(panel.getByTestId('drawdown-histogram-bootstrap').getByTestId('drawdown-bin'))
    .toHaveCount(boot.drawdown_histogram.counts.length);
  await expect(panel.getByTestId('robustness-bootstrap').getByRole('img'))
    .toHaveAttribute('aria-label', new RegExp(`median \\${dollars(boot.final_equity.p50)}`.replace(/\./g, '\\.')));
  if (api.random_entry) {
    await expect(panel.getByTestId('random-entry-sentence'))
      .toContainText(`beat ${api.random_entry.percentile.toFixed(1)}% of 200 random-entry runs`);
  }

  await page.waitForLoadState('networkidle');
  const axe = await new AxeBuilder({ page }).include('[data-testid="robustness-panel"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await panel.scrollIntoViewIfNeeded();
  await shot('run-robustness');
  expect(errors).toEqual([]);
});
