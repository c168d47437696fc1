import { defineConfig, devices } from '@playwright/test';

/**
 * E2E against the real backend: globalSetup starts `python -m tests.e2e.serve` from the repo root
 * (fresh Postgres database, Redis-backed workers, the web app serving ui/dist, demo bars) and
 * reads its `{"url", "token"}` line; globalTeardown stops it. Set WEAVER_E2E_URL and
 * WEAVER_E2E_TOKEN to test a server that is already running instead.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // Two browsers at once: the specs wait on the server and the page far more than they compute (1.8 min
  // against one worker's 2.7 min in the same half hour). Each spec makes its own runs under its own names.
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
