import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SCREENSHOTS, serverInfo, type ServerInfo } from './server';

interface Fixtures {
  server: ServerInfo;
  /** GET an API path with the token; returns the parsed JSON. */
  apiGet: <T>(path: string) => Promise<T>;
  /** Open a page of the app logged in (the token arrives the way Weaver's printed URL carries it). */
  openApp: (path?: string) => Promise<void>;
  shot: (name: string) => Promise<void>;
}

async function getJson<T>(request: APIRequestContext, server: ServerInfo, path: string): Promise<T> {
  const response = await request.get(`${server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${server.token}` } });
  expect(response.ok(), `GET ${path} → ${response.status()}`).toBeTruthy();
  return (await response.json()) as T;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => use(serverInfo()),
  baseURL: async ({ server }, use) => use(server.url),
  apiGet: async ({ request, server }, use) => use((path) => getJson(request, server, path)),
  openApp: async ({ page, server }, use) => use(async (path = '/') => {
    const sep = path.includes('?') ? '&' : '?';
    await page.goto(`${path}${sep}token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
  }),
  shot: async ({ page }, use) => use((name) => screenshot(page, name)),
});

export { expect };

export interface SeriesInfo { symbol: string; timeframe: string; count: number; source: string }

/** A symbol with daily bars (the demo data the launcher loads), preferring AAPL. */
export function pickDailySymbol(series: SeriesInfo[]): string {
  const daily = series.filter((s) => s.timeframe === '1Day' && s.count > 60);
  const chosen = daily.find((s) => s.symbol === 'AAPL') ?? daily[0] ?? series[0];
  if (!chosen) throw new Error('the backend has no stored bars: the launcher should load demo bars');
  return chosen.symbol;
}

/**
 * Every uncaught page error and console error, for a spec to end with `expect(errors).toEqual([])`. `ignore`
 * drops console messages a spec provokes on purpose (a request to a server it has just killed).
 */
export function watchErrors(page: Page, ignore?: RegExp): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !(ignore && ignore.test(message.text()))) errors.push(`console: ${message.text()}`);
  });
  return errors;
}
