import { useMemo, useState } from 'react';
import { ErrorBanner, EmptyState, Loading } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { useEvents } from '../api/run';
import { eventSummary } from './eventSummary';

/** The run's events, newest first, filterable by family. */
export function EventLog({ runId }: { runId: string }) {
  const events = useEvents(runId);
  const [family, setFamily] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const families = useMemo(() => [...new Set((events.data ?? []).map((e) => e.type.split('.')[0] ?? ''))].sort(),
    [events.data]);
  const rows = useMemo(() => [...(events.data ?? [])].reverse().filter((e) => !family || e.type.startsWith(`${family}.`)),
    [events.data, family]);

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
        <span className="muted">{rows.length} events · newest first · click one for its payload</span>
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
