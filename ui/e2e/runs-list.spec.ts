import type { APIRequestContext } from '@playwright/test';
import { expect, pickDailySymbol, test, type SeriesInfo } from './fixtures';
import type { ServerInfo } from './server';

interface Made { id: string; name: string | null }
interface Listed { items: Made[] }

async function post(request: APIRequestContext, server: ServerInfo, path: string, data: unknown): Promise<Made> {
  const response = await request.post(`${server.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${server.token}` }, data,
  });
  expect(response.status(), `POST ${path}: ${await response.text()}`).toBe(201);
  return (await response.json()) as Made;
}

test('sweep cells fold under their sweep, open in place, show on demand; two runs selected open /compare',
  async ({ page, openApp, apiGet, request, server }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });

    const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
    const tag = `fold ${Date.now().toString(36)}`;
    const sweep = await post(request, server, '/sweeps', {
      name: `${tag} grid`, strategy: 'sma_cross', grid: { fast: [5, 10], slow: [30] }, symbols: [symbol],
    });
    const settings = { symbols: [symbol], start_now: true };
    const first = await post(request, server, '/runs', {
      mode: 'backtest', name: `${tag} first`, strategy: 'sma_cross', params: { fast: 10, slow: 30 }, ...settings,
    });
    const second = await post(request, server, '/runs', {
      mode: 'backtest', name: `${tag} second`, strategy: 'sma_cross', params: { fast: 5, slow: 20 }, ...settings,
    });
    // The sweep's cells are made by a worker: wait until the API lists both.
    let cells: Made[] = [];
    await expect.poll(async () => {
      cells = (await apiGet<Listed>(`/runs?sweep_id=${sweep.id}`)).items;
      return cells.length;
    }, { timeout: 60_000 }).toBe(2);

    await openApp('/');
    const top = page.getByTestId('runs-table');
    const rowOf = (id: string) => top.getByTestId('runs-table-row').filter({ has: page.locator(`a[href="/runs/${id}"]`) });
    await expect(rowOf(first.id)).toBeVisible();
    await expect(rowOf(second.id)).toBeVisible();
    for (const cell of cells) await expect(rowOf(cell.id)).toHaveCount(0); // folded: not top-level rows

    const sweepRow = page.getByTestId('folded-sweep').filter({ hasText: `${tag} grid` });
    await expect(sweepRow).toHaveAttribute('data-sweep-id', sweep.id);
    await expect(sweepRow.getByTestId('sweep-cell-count')).toHaveText('2 cells');
    const toggle = sweepRow.getByTestId('sweep-toggle');
    await expect(toggle).toHaveAccessibleName(`Show the cells of sweep ${tag} grid`);
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    const opened = page.getByTestId('sweep-cells');
    for (const cell of cells) await expect(opened.locator(`a[href="/runs/${cell.id}"]`)).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(toggle).toHaveAccessibleName(`Fold the cells of sweep ${tag} grid`);

    await page.getByLabel('Show sweep cells').check();
    await expect(page).toHaveURL(/[?&]cells=show/);
    for (const cell of cells) await expect(rowOf(cell.id)).toBeVisible();
    await expect(rowOf(first.id)).toBeVisible();
    await page.getByLabel('Show sweep cells').uncheck();
    for (const cell of cells) await expect(rowOf(cell.id)).toHaveCount(0);

    const compare = page.getByTestId('compare-button');
    await expect(compare).toBeDisabled();
    await page.getByRole('checkbox', { name: `Select run ${tag} first` }).check();
    await page.getByRole('checkbox', { name: `Select run ${tag} second` }).check();
    await expect(compare).toHaveText('Compare (2)');
    await expect(compare).toBeEnabled();
    await compare.click();
    await expect(page).toHaveURL((url) => url.pathname === '/compare'
      && url.searchParams.get('runs') === `${first.id},${second.id}`);
    expect(errors).toEqual([]);
  });
