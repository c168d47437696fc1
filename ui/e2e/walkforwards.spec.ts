import { expect, test } from './fixtures';

test('the Walk-forward menu place says plainly it is not in this version, and leads to sweeps', async ({ page, openApp }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await openApp('/');
  await page.getByTestId('nav-walk-forward').click();
  await expect(page).toHaveURL(/\/walkforwards$/);
  await expect(page).toHaveTitle('Walk-forward · Weaver');
  await expect(page.getByTestId('nav-walk-forward')).toHaveClass(/active/);
  await expect(page.getByTestId('walkforwards-empty')).toContainText('Walk-forward runs are not in this version yet');
  await page.getByTestId('walkforwards-empty').getByRole('link').click();
  await expect(page.getByTestId('sweeps-page')).toBeVisible();
  expect(errors).toEqual([]);
});
