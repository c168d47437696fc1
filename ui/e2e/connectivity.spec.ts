import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_DIR } from './server';

/**
 * Honest connectivity (issue 17.5), against a real `weaver web` (gunicorn, gevent) on Postgres that this
 * spec starts itself, so it can freeze and kill it: within 5 s of the web process freezing or dying the page says
 * "disconnected" and greys its live figures; events written while it is down (to the outbox, as a worker
 * writes them) are in the event log once it is back, with none skipped.
 */
const REPO = resolve(E2E_DIR, '..', '..');
const PYTHON = resolve(REPO, '.venv', 'bin', 'python');
const TOKEN = 'e2e-connectivity-token-0123456789';

interface Database { database_url: string; name: string; run_id: string }

function helper(...args: string[]): string {
  const result = spawnSync(PYTHON, ['-m', 'tests.e2e.connectivity', ...args], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tests.e2e.connectivity ${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

let db: Database;
let port: number;
let web: ChildProcess | null = null;

function startWeb(): void {
  web = spawn(resolve(REPO, '.venv', 'bin', 'weaver'), ['web', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    cwd: REPO, detached: true, stdio: 'ignore',
    env: { ...process.env, WEAVER_DATABASE_URL: db.database_url, WEAVER_API_TOKEN: TOKEN, WEAVER_BROKER: 'redis',
      WEAVER_REDIS_URL: process.env.WEAVER_REDIS_URL ?? 'redis://127.0.0.1:6379/0', WEAVER_UI_DIST: resolve(REPO, 'ui', 'dist'),
      WEAVER_LOG_LEVEL: 'WARNING' },
  });
}

/** Freeze or thaw the whole gunicorn group: a frozen server keeps its connections open and says nothing. */
function signalWeb(signal: NodeJS.Signals): void {
  if (web?.pid) process.kill(-web.pid, signal);
}

/** The whole gunicorn group, at once: the server is gone, not shutting down politely. */
function killWeb(): void {
  if (web?.pid) {
    try {
      process.kill(-web.pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
  web = null;
}

async function waitUp(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${db.run_id}`, {
        headers: { Authorization: `Bearer ${TOKEN}` } });
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`weaver web did not answer on port ${port} within 60 s`);
}

test.beforeAll(async () => {
  db = JSON.parse(helper('create')) as Database; // a migrated database, one run with 3 events
  port = await freePort();
  startWeb();
  await waitUp();
});

test.afterAll(() => {
  killWeb();
  if (db) helper('drop', db.name);
});

test('kill the web process: disconnected within 5 s; restarted: the events written meanwhile are in the log', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/runs/${db.run_id}?token=${TOKEN}`);
  const status = page.getByTestId('stream-status');
  await expect(status).toHaveAttribute('data-state', 'open');
  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-row')).toHaveCount(3);
  await expect(page.getByTestId('run-detail')).not.toHaveClass(/stale/);

  // A frozen server closes nothing: only the missing heartbeats tell.
  signalWeb('SIGSTOP');
  const frozenAt = Date.now();
  await expect(status).toHaveAttribute('data-state', 'down', { timeout: 5_000 });
  expect(Date.now() - frozenAt).toBeLessThan(5_000);
  signalWeb('SIGCONT');
  await expect(status).toHaveAttribute('data-state', 'open', { timeout: 30_000 });

  killWeb();
  const killedAt = Date.now();
  await expect(status).toHaveAttribute('data-state', 'down', { timeout: 5_000 });
  await expect(status).toContainText('disconnected');
  expect(Date.now() - killedAt).toBeLessThan(5_000);
  await expect(page.getByTestId('run-detail')).toHaveClass(/stale/); // figures greyed: as of the last update

  helper('events', db.database_url, db.run_id, '4', '5'); // written while no web process runs
  startWeb();
  await waitUp();
  await expect(status).toHaveAttribute('data-state', 'open', { timeout: 40_000 });
  await expect(page.getByTestId('event-row')).toHaveCount(8, { timeout: 10_000 });
  const seqs = await page.getByTestId('event-row').locator('td:first-child').allInnerTexts();
  expect(seqs.map(Number)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]); // newest first, no gap
  await expect(page.getByTestId('run-detail')).not.toHaveClass(/stale/);

  helper('breach', db.database_url, db.run_id); // and the live stream carries on
  await expect(page.getByTestId('event-row')).toHaveCount(9, { timeout: 10_000 });
  await expect(page.getByTestId('event-row').first()).toContainText('risk.breached');
  expect(errors).toEqual([]);
});
