import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api/client';
import type { NotificationsView } from '../api/notifications';
import { NotificationsPage } from './NotificationsPage';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, get: vi.fn(), post: vi.fn() } };
});
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);

const VIEW: NotificationsView = {
  events: ['order.filled', 'kill.activated'],
  channels: [
    { id: 'a1', service: 'Telegram', url: 'tgram://1...t/987/', valid: true, position: 40,
      last: { status: 'delivered', attempts: 1, subject: 'kill.activated', detail: 'Weaver: kill switch activated',
        at: '2026-12-02T21:15:00Z' } },
    { id: 'b2', service: 'JSON', url: 'json://hooks.example:8080/weaver', valid: true, position: 38,
      last: { status: 'failed', attempts: 4, subject: 'order.filled', detail: 'HTTP 500 from the webhook',
        at: '2026-12-02T21:14:00Z' } },
    { id: 'c3', service: 'Discord', url: 'discord://w...d/w...n', valid: true, position: null, last: null },
  ],
};

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><NotificationsPage /></QueryClientProvider>);
}

describe('NotificationsPage', () => {
  beforeEach(() => {
    get.mockReset();
    post.mockReset();
  });

  it('lists each channel masked with its last delivery, failures with their attempts and reason', async () => {
    get.mockResolvedValue(VIEW as never);
    renderPage();
    const telegram = await screen.findByTestId('channel-a1');
    expect(telegram).toHaveTextContent('Telegram');
    expect(telegram).toHaveTextContent('tgram://1...t/987/');
    expect(telegram).toHaveTextContent('delivered · kill.activated');
    const webhook = screen.getByTestId('channel-b2');
    expect(webhook).toHaveTextContent('failed after 4 attempt(s) · order.filled');
    expect(webhook).toHaveTextContent('HTTP 500 from the webhook');
    expect(screen.getByTestId('channel-c3')).toHaveTextContent('nothing sent yet');
    expect(screen.getByTestId('told-events')).toHaveTextContent('order filled · kill switch');
    expect(get).toHaveBeenCalledWith('/notifications', undefined, expect.anything());
  });

  it('sends a test notification and shows what each channel made of it', async () => {
    get.mockResolvedValue(VIEW as never);
    post.mockResolvedValue({ results: [
      { id: 'a1', service: 'Telegram', url: 'tgram://1...t/987/', delivered: true, detail: null },
      { id: 'b2', service: 'JSON', url: 'json://hooks.example:8080/weaver', delivered: false,
        detail: 'A Connection error occurred sending JSON notification to hooks.example.' },
    ] } as never);
    renderPage();
    await userEvent.click(await screen.findByTestId('send-test'));
    const results = await screen.findByTestId('test-results');
    expect(post).toHaveBeenCalledWith('/notifications/test');
    expect(within(results).getByTestId('test-result-a1')).toHaveTextContent('Telegram tgram://1...t/987/: delivered');
    expect(within(results).getByTestId('test-result-b2')).toHaveTextContent('not delivered (A Connection error');
    expect(get).toHaveBeenCalledTimes(2); // the list is fetched again for the new results
  });

  it('explains how to configure channels when there are none, and offers no test', async () => {
    get.mockResolvedValue({ events: ['order.filled'], channels: [] } as never);
    renderPage();
    expect(await screen.findByTestId('no-channels')).toHaveTextContent('WEAVER_NOTIFY_URLS');
    expect(screen.getByTestId('send-test')).toBeDisabled();
  });
});
