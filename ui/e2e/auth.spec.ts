import { expect, test } from './fixtures';

test('a wrong token shows the login prompt, and the right one lets you in', async ({ page, server, shot }) => {
  await page.goto('/?token=this-token-is-wrong-0000');
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expect(page.getByTestId('login-rejected')).toBeVisible();
  // the token never stays in the address bar
  expect(new URL(page.url()).searchParams.get('token')).toBeNull();
  await shot('login-prompt');

  await page.getByTestId('token-input').fill('still-wrong-token-0000');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('rejected');

  await page.getByTestId('token-input').fill(server.token);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('runs-dashboard')).toBeVisible();
  await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
});

test('with no token at all the app asks for one', async ({ page }) => {
  await page.goto('/data');
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expect(page.getByTestId('login-rejected')).toHaveCount(0);
});
