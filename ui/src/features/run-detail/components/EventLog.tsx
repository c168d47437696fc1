import { useMemo, useState } from 'react';
import { ErrorBanner, EmptyState, Loading } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { formatNumber } from '@/lib/format';
import { EVENT_PAGE, useEvents } from '../api/run';
import { eventSummary } from './eventSummary';

/** The run's newest events, newest first, filterable by family (filtered by the API, so a family's
 * events older than the newest page of all events still show). */
export function EventLog({ runId }: { runId: string }) {
  const [family, setFamily] = useState('');
  const every = useEvents(runId);
  const chosen = useEvents(runId, family, family !== '');
  const events = family ? chosen : every;
  const [open, setOpen] = useState<string | null>(null);
  const families = useMemo(() => [...new Set([...(every.data ?? []).map((e) => e.type.split('.')[0] ?? ''),
    ...(family ? [family] : [])])].sort(), [every.data, family]);
  const rows = events.data ?? [];

  if (events.isPending) return <Loading />;
  return (
    <div data-testid="event-log">
      <ErrorBanner error={events.error} />
      <div className="table-foot" style={{ borderTop: 0 }}>
        <select className="select" style={{ width: 'auto', height: 22 }} value={family} aria-label="Event family"
          onChange={(e) => setFamily(e.target.value)}>
          <option value="">all events</option>
          {families.map((f) => <option key={f} value={f}>{f}.*</option>)}
        </select>
        <span className="muted" data-testid="event-count">
          {rows.length >= EVENT_PAGE ? `the newest ${formatNumber(EVENT_PAGE, 0)} events` : `${rows.length} events`}
          {' '}· newest first · click one for its payload</span>
      </div>
      {rows.length === 0 ? <EmptyState title="No events yet" /> : (
        <div className="table-wrap" style={{ maxHeight: 420 }}>
          <table className="table">
            <thead><tr><th className="num">seq</th><th>Time</th><th>Type</th><th>Details</th></tr></thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} className="clickable" onClick={() => setOpen(open === e.id ? null : e.id)}
                  data-testid="event-row">
                  <td className="num dim">{e.seq}</td>
                  <td><Time value={e.ts} style="seconds" /></td>
                  <td className="mono">{e.type}</td>
                  <td className="wrap mono">
                    {open === e.id ? <pre style={{ margin: 0 }}>{JSON.stringify(e.payload, null, 2)}</pre> : eventSummary(e)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
