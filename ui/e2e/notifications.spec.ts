import { expect, test } from './fixtures';

interface Channel { id: string; url: string }

test('the notifications page lists the channels masked and sends a test to each', async ({ page, openApp, apiGet, shot }) => {
  // The e2e launcher configures a local webhook (with a token in its URL) and a closed port.
  const { channels } = await apiGet<{ channels: Channel[] }>('/notifications');
  expect(channels).toHaveLength(2);
  const [webhook, closed] = channels as [Channel, Channel];

  await openApp('/');
  await page.getByTestId('nav-notifications').click();
  await expect(page.getByTestId('notifications-page')).toBeVisible();
  await expect(page.getByTestId('channels')).not.toContainText('e2e-secret');
  await expect(page.getByTestId(`channel-${webhook.id}`)).toContainText(webhook.url);

  await page.getByTestId('send-test').click();
  await expect(page.getByTestId(`test-result-${webhook.id}`)).toContainText('delivered');
  await expect(page.getByTestId(`test-result-${closed.id}`)).toContainText('not delivered');
  await expect(page.getByTestId(`channel-${webhook.id}`)).toContainText('delivered ·');
  await expect(page.getByTestId(`channel-${closed.id}`)).toContainText('failed after');
  await shot('notifications');
});
