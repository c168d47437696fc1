import { expect, test } from './fixtures';

test('the printed URL signs the browser in: the token leaves the address bar, a new tab is signed in, logout signs out',
  async ({ page, context, server }) => {
    await page.goto(`/runs/new?token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('run-form')).toBeVisible();
    await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
    expect(new URL(page.url()).pathname).toBe('/runs/new');
    expect(new URL(page.url()).searchParams.get('token')).toBeNull();
    // nor does it stay anywhere a script can read it: the session is an HttpOnly cookie
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })
      + document.cookie);
    expect(stored).not.toContain(server.token);
    expect(stored).not.toContain('weaver_session');
    const [cookie, ...others] = (await context.cookies()).filter((c) => c.name === 'weaver_session');
    expect(others).toHaveLength(0);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1', secure: false });
    expect(cookie!.value).not.toContain(server.token);

    const tab = await context.newPage();
    await tab.goto('/data');
    await expect(tab.getByTestId('series-table-row').first()).toBeVisible();
    await expect(tab.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
    await expect(tab.getByTestId('login-prompt')).toHaveCount(0);

    await tab.getByTestId('logout').click();
    await expect(tab.getByTestId('login-prompt')).toBeVisible();
    await expect(tab.getByTestId('login-rejected')).toHaveCount(0);
    expect((await context.cookies()).filter((c) => c.name === 'weaver_session')).toHaveLength(0);
    // the first tab finds out on its next request
    await page.reload();
    await expect(page.getByTestId('login-prompt')).toBeVisible();
  });

test('signing in from the prompt works for every tab too', async ({ page, context, server }) => {
  await page.goto('/sweeps');
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await page.getByTestId('token-input').fill(server.token);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('sweeps-page')).toBeVisible();
  const tab = await context.newPage();
  await tab.goto('/notifications');
  await expect(tab.getByTestId('login-prompt')).toHaveCount(0);
  await expect(tab.getByTestId('stream-status')).toHaveAttribute('data-state', 'open');
});
