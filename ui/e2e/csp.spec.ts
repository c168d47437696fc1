import { expect, test } from './fixtures';

/** The UI works under the Content-Security-Policy GLaDOS sends (issue 14, item 8): no violation on any page. */
test('no page breaks the content security policy', async ({ page, openApp }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  const index = await page.request.get('/');
  expect(index.headers()['content-security-policy'] ?? '').toContain("frame-ancestors 'none'");
  expect(index.headers()['x-frame-options'] ?? '').toBe('DENY');

  await openApp('/data');
  await page.getByTestId('series-table-row').first().click();
  await expect(page.getByTestId('preview-chart')).toBeVisible();
  for (const [nav, testId] of [['nav-live', 'live-panel'], ['nav-sweeps', 'sweeps-page']] as const) {
    await page.getByTestId(nav).click();
    await expect(page.getByTestId(testId)).toBeVisible();
  }
  await page.goto('/runs/new');
  await expect(page.getByTestId('run-form')).toBeVisible();
  await page.goto('/');
  await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
  expect(violations).toEqual([]);
});
