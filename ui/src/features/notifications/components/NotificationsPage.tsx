import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { type NotificationChannel, type TestResult, useNotifications, useSendTest } from '../api/notifications';
import { usePageTitle } from '@/lib/usePageTitle';

const EVENT_NAMES: Record<string, string> = {
  'order.filled': 'order filled', 'order.rejected': 'order rejected',
  'order.canceled': 'order canceled after a partial fill', 'order.expired': 'order expired after a partial fill',
  'run.error': 'run in error',
  'kill.activated': 'kill switch', 'live.tick': 'broker unreachable / back', 'worker.down': 'worker down',
  'worker.up': 'worker back', 'run.daily_summary': 'daily summary (16:15 New York)',
};

function LastDelivery({ channel }: { channel: NotificationChannel }) {
  const last = channel.last;
  if (!last) return <span className="dim">nothing sent yet</span>;
  const ok = last.status === 'delivered';
  return (
    <span className={ok ? 'pos' : 'neg'} data-testid="channel-last" title={last.detail ?? undefined}>
      {ok ? 'delivered' : `failed after ${last.attempts} attempt(s)`} · {last.subject} · <Time value={last.at} />
      {!ok && last.detail ? <div className="muted">{last.detail}</div> : null}
    </span>
  );
}

function TestResults({ results }: { results: TestResult[] }) {
  if (results.length === 0) return <p className="muted" role="status">There is no channel to send to.</p>;
  return (
    <ul style={{ margin: 0, paddingLeft: 18 }} role="status" data-testid="test-results">
      {results.map((r) => (
        <li key={r.id} className={r.delivered ? 'pos' : 'neg'} data-testid={`test-result-${r.id}`}>
          {r.service} <code>{r.url}</code>: {r.delivered ? 'delivered' : `not delivered (${r.detail ?? 'no detail'})`}
        </li>
      ))}
    </ul>
  );
}

/** The owner's notification channels (masked by the server), their last results, and a test message. */
export function NotificationsPage() {
  usePageTitle('Notifications');
  const view = useNotifications();
  const test = useSendTest();
  const channels = view.data?.channels ?? [];
  return (
    <div className="page" data-testid="notifications-page">
      <div className="page-head">
        <h1>Notifications</h1>
        <span className="muted">Channels from WEAVER_NOTIFY_URLS (Apprise URLs); secrets are never shown.</span>
        <span className="spacer" />
        <Button onClick={() => test.mutate()} disabled={test.isPending || channels.length === 0}
          data-testid="send-test">{test.isPending ? 'Sending…' : 'Send a test notification'}</Button>
      </div>
      <ErrorBanner error={view.error} title="The channels could not be loaded" />
      <ErrorBanner error={test.error} title="The test notification failed" />
      {test.data ? <Panel title="Test notification"><TestResults results={test.data.results} /></Panel> : null}
      {view.isPending ? <Loading /> : view.error ? null : channels.length === 0 ? (
        <EmptyState title="No notification channel is configured" testId="no-channels">
          <span>Set WEAVER_NOTIFY_URLS to one or more Apprise URLs (for example <code>tgram://bot_token/chat_id</code>,
            {' '}<code>discord://webhook_id/webhook_token</code> or <code>json://host/path</code>), separated by commas,
            and restart Weaver.</span>
        </EmptyState>
      ) : (
        <Panel title="Channels" bodyClass="table-wrap">
          <table className="table" data-testid="channels">
            <thead><tr><th>Service</th><th>URL (masked)</th><th>Last delivery</th></tr></thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.id} data-testid={`channel-${c.id}`}>
                  <td>{c.service}{c.valid ? null : <span className="neg"> (not understood by Apprise)</span>}</td>
                  <td><code>{c.url}</code></td>
                  <td className="wrap"><LastDelivery channel={c} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
      {view.data ? (
        <Panel title="What is told">
          <p className="muted" data-testid="told-events">
            {view.data.events.map((e) => EVENT_NAMES[e] ?? e).join(' · ')}. A failing channel is retried with
            backoff; the others are not held up.
          </p>
        </Panel>
      ) : null}
    </div>
  );
}
