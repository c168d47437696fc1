import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, watchErrors } from './fixtures';
import { freePort, PYTHON, signalGroup, spawnGroup, stopGroup, WEAVER, waitForLine } from './processes';
import { STATE_DIR } from './server';

/**
 * Honest connectivity (issue 17.5), against the Procfile's processes: Postgres, Redis, `weaver exchange` on
 * second bars, the backtest and live workers and the scheduler (tests/e2e/connectivity.py starts them), and a
 * `weaver web` (gunicorn, gevent) this spec starts itself so it can freeze and kill it. A 1Sec paper run keeps
 * its live worker writing events while no web process runs: within 5 s of the web process freezing or dying
 * the page says "disconnected" and greys its live figures; once it is back, the events the worker wrote in
 * the meantime are in the event log, which then holds exactly the API's events.
 */
interface Deployment { token: string; web_env: Record<string, string>; logs: string }
interface RunEvent { seq: number; ts: string; type: string }

const LOGS = join(STATE_DIR, 'connectivity');
let deployment: Deployment;
let launcher: ChildProcess | null = null;
let web: ChildProcess | null = null;
let port = 0;

function startWeb(): void {
  web = spawnGroup(WEAVER, ['web', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    env: deployment.web_env, logFile: join(LOGS, 'web.log') });
}

/** The whole gunicorn group, at once: the server is gone, not shutting down politely. */
function killWeb(): void {
  signalGroup(web?.pid, 'SIGKILL');
  web = null;
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { ...init,
    headers: { Authorization: `Bearer ${deployment.token}`, 'Content-Type': 'application/json' } });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Until the web process answers and, with `healthy`, reports the workers and the scheduler beating. */
async function waitUp(timeoutMs: number, healthy = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const health = await api<{ status: string; failing?: string[] }>('/health');
      if (!healthy || health.status === 'ok') return;
      last = JSON.stringify(health);
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`weaver web on port ${port} was not up within ${timeoutMs / 1000} s (${last}); logs in ${LOGS}`);
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  mkdirSync(LOGS, { recursive: true });
  // stdin stays a pipe: should this process die, it closes and the deployment cleans up after itself
  launcher = spawnGroup(PYTHON, ['-m', 'tests.e2e.connectivity', LOGS], { logFile: join(LOGS, 'launcher.log'), stdin: 'pipe' });
  const [line] = await waitForLine(launcher, /^\{.*"web_env".*\}$/, 180_000, 'the deployment (tests.e2e.connectivity)');
  deployment = JSON.parse(line) as Deployment;
  port = await freePort();
  startWeb();
  await waitUp(120_000, true);
});

test.afterAll(async () => {
  killWeb();
  await stopGroup(launcher, 60_000); // it stops the workers, the scheduler and the exchange, and drops its database
});

test('kill the web process: disconnected within 5 s; restarted: the events the workers wrote meanwhile are in the log',
  async ({ page }) => {
    test.setTimeout(240_000);
    // requests to the server this test kills fail on purpose; an uncaught error or any other console error fails it
    const errors = watchErrors(page, /Failed to load resource|net::ERR_/);
    const run = await api<{ id: string }>('/runs', { method: 'POST', body: JSON.stringify({
      mode: 'paper', name: 'connectivity', strategy: 'sma_cross', params: { fast: 2, slow: 4 }, symbols: ['AAPL'],
      timeframe: '1Sec', cash: '100000', start_now: true }) });
    await page.goto(`http://127.0.0.1:${port}/runs/${run.id}?token=${deployment.token}`);
    const status = page.getByTestId('stream-status');
    await expect(status).toHaveAttribute('data-state', 'open');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
    await page.getByTestId('tab-events').click();
    const rows = page.getByTestId('event-row');
    // the live worker trades: its fills arrive in the log over the stream
    await expect(rows.filter({ hasText: 'order.filled' }).first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('run-detail')).not.toHaveClass(/stale/);

    // A frozen server closes nothing: only the missing heartbeats tell.
    signalGroup(web?.pid, 'SIGSTOP');
    const frozenAt = Date.now();
    await expect(status).toHaveAttribute('data-state', 'down', { timeout: 5_000 });
    expect(Date.now() - frozenAt).toBeLessThan(5_000);
    signalGroup(web?.pid, 'SIGCONT');
    await expect(status).toHaveAttribute('data-state', 'open', { timeout: 30_000 });

    const seenBefore = Math.max(...(await rows.locator('td:first-child').allInnerTexts()).map(Number));
    killWeb();
    const killedAt = Date.now();
    await expect(status).toHaveAttribute('data-state', 'down', { timeout: 5_000 });
    await expect(status).toContainText('disconnected');
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    await expect(page.getByTestId('run-detail')).toHaveClass(/stale/); // figures greyed: as of the last update

    await page.waitForTimeout(8_000); // no web process: the live worker trades on, writing events
    const restartedAt = Date.now();
    startWeb();
    await waitUp(60_000);
    await expect(status).toHaveAttribute('data-state', 'open', { timeout: 40_000 });
    await expect(page.getByTestId('run-detail')).not.toHaveClass(/stale/);

    // The events the worker wrote while no web process ran, as the API lists them...
    const during = (await api<RunEvent[]>(`/runs/${run.id}/events?after=0&limit=5000`))
      .filter((e) => Date.parse(e.ts) > killedAt && Date.parse(e.ts) < restartedAt);
    expect(during.length, 'the live worker wrote no event during the outage').toBeGreaterThan(0);
    expect(Math.min(...during.map((e) => e.seq))).toBeGreaterThan(seenBefore);
    console.log(`[connectivity] ${during.length} events written during the ${(restartedAt - killedAt) / 1000} s outage: `
      + [...new Set(during.map((e) => e.type))].join(', '));
    // ...are in the page's log, without a reload
    const shown = async () => (await rows.locator('td:first-child').allInnerTexts()).map(Number);
    await expect.poll(async () => {
      const seqs = new Set(await shown());
      return during.filter((e) => !seqs.has(e.seq)).map((e) => `${e.seq} ${e.type}`);
    }, { timeout: 15_000, message: 'outage events missing from the event log' }).toEqual([]);

    // Stopped, so the log settles: it holds exactly the API's events, newest first, none skipped.
    await api(`/runs/${run.id}/stop`, { method: 'POST', body: '{}' });
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
    await expect.poll(async () => {
      const listed = (await api<RunEvent[]>(`/runs/${run.id}/events?after=0&limit=5000`)).map((e) => e.seq);
      const ui = await shown();
      return { missing: listed.filter((seq) => !ui.includes(seq)), extra: ui.filter((seq) => !listed.includes(seq)),
        newestFirst: ui.every((seq, i) => i === 0 || seq < (ui[i - 1] ?? Infinity)) };
    }, { timeout: 15_000 }).toEqual({ missing: [], extra: [], newestFirst: true });
    expect(errors).toEqual([]);
  });
