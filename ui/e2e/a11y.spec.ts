import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, pickDailySymbol, test, type SeriesInfo } from './fixtures';
import type { ServerInfo } from './server';

/** axe-core on a page as it is shown: no serious or critical WCAG 2 A/AA violation (contrast included). */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5)
    .map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`).join('\n  ')}`);
  expect(report, `${name}: ${report.join('\n')}`).toEqual([]);
}

async function createAndFinish(request: APIRequestContext, server: ServerInfo, path: '/runs' | '/sweeps' | '/walkforwards',
  data: Record<string, unknown>): Promise<string> {
  const headers = { Authorization: `Bearer ${server.token}` };
  const response = await request.post(`${server.url}/api/v1${path}`, { headers, data });
  expect(response.status(), await response.text()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await expect.poll(async () => {
    const item = (await (await request.get(`${server.url}/api/v1${path}/${id}`, { headers })).json()) as { status: string };
    return item.status;
  }, { timeout: 90_000, intervals: [500] }).toBe('completed');
  return id;
}

test('every page passes axe with no serious or critical violations', async ({ page, request, server, openApp, apiGet }) => {
  test.setTimeout(240_000);
  const symbol = pickDailySymbol(await apiGet<SeriesInfo[]>('/bars/series'));
  const common = { strategy: 'sma_cross', symbols: [symbol], timeframe: '1Day' };
  const runId = await createAndFinish(request, server, '/runs',
    { ...common, mode: 'backtest', name: 'a11y backtest', params: { fast: 5, slow: 20 }, start_now: true });
  const otherRunId = await createAndFinish(request, server, '/runs',
    { ...common, mode: 'backtest', name: 'a11y backtest 10/30', params: { fast: 10, slow: 30 }, start_now: true });
  const sweepId = await createAndFinish(request, server, '/sweeps',
    { ...common, name: 'a11y sweep', grid: { fast: [5, 10], slow: [20, 30] } });
  const walkforwardId = await createAndFinish(request, server, '/walkforwards',
    { ...common, name: 'a11y walk-forward', grid: { fast: [5, 10], slow: [20, 30] }, start: '2021-01-01T00:00:00Z',
      end: '2022-12-31T00:00:00Z', folds: { kind: 'rolling', train: '12M', test: '6M', warmup: 50 } });

  const pages: [string, string, string][] = [
    ['runs list', '/', 'runs-dashboard'],
    ['new run form', '/runs/new', 'run-form'],
    ['backtest detail', `/runs/${runId}`, 'equity-chart'],
    ['sweeps', '/sweeps', 'sweeps-page'],
    ['new sweep form', '/sweeps/new', 'sweep-form'],
    ['sweep detail', `/sweeps/${sweepId}`, 'sweep-detail'],
    ['compare', `/compare?runs=${runId},${otherRunId}`, 'compare-equity'],
    ['walk-forwards', '/walkforwards', 'walkforwards-table'],
    ['new walk-forward form', '/walkforwards/new', 'walkforward-form'],
    ['walk-forward detail', `/walkforwards/${walkforwardId}`, 'walkforward-equity'],
    ['data', '/data', 'data-page'],
    ['notifications', '/notifications', 'notifications-page'],
    ['live', '/live', 'live-panel'],
  ];
  await openApp('/');
  for (const [name, path, testId] of pages) {
    await page.goto(path);
    await expect(page.getByTestId(testId), name).toBeVisible();
    await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, name);
  }

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expectAccessible(page, 'login');
});

test('scripts arrive brotli-compressed and kept a year; the page itself is revalidated', async ({ page, openApp }) => {
  const scripts: { url: string; encoding: string | null; cache: string | null }[] = [];
  page.on('response', (response) => {
    if (/\/assets\/.+\.js$/.test(new URL(response.url()).pathname)) {
      scripts.push({ url: response.url(), encoding: response.headers()['content-encoding'] ?? null,
        cache: response.headers()['cache-control'] ?? null });
    }
  });
  const html = page.waitForResponse((r) => new URL(r.url()).pathname === '/');
  await openApp('/');
  expect((await html).headers()['cache-control']).toBe('no-cache');
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    expect(script.encoding, script.url).toBe('br');
    expect(script.cache?.split(',').map((d) => d.trim()).sort(), script.url)
      .toEqual(['immutable', 'max-age=31536000', 'public']);
  }
});
