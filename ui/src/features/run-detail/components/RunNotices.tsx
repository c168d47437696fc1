import { useQuery } from '@tanstack/react-query';
import { describePositions } from '@/components/runs/OpenPositionsNote';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import { add, sign } from '@/lib/decimal';
import type { Position, Run, WeaverEvent } from '@/lib/api/types';
import { formatMoney } from '@/lib/format';
import { formatInZone } from '@/lib/time/zone';
import { useTimeZone } from '@/lib/time/useTimeZone';

/** What a paper or live run's start found that its backtest never met: another running run trading one of
 * its symbols on the same broker account, buying power below its cash; and what its stop closed. Trial 14
 * found these only at the bottom of a 235-event log; they show under the run's header, the newest of each kind. */
const NOTICES = ['run.account_shared', 'run.buying_power_short', 'run.positions_closed', 'run.bars_missed'] as const;
const TITLES: Record<(typeof NOTICES)[number], string> = {
  'run.account_shared': 'Shares its account',
  'run.buying_power_short': 'Buying power short',
  'run.positions_closed': 'Positions closed',
  'run.bars_missed': 'Not traded',
};

/** A gap in a paper run's trading, in the user's zone (trial 38: a restart's 33 bars showed only in the event log,
 * among 350 ticks, and the header still read "started 15:07:07"). With several gaps, how many in all. */
function missedText(e: WeaverEvent, all: WeaverEvent[], zone: string): string {
  const p = e.payload as { count?: number; first?: string; last?: string; why?: string };
  const gaps = all.filter((x) => x.type === 'run.bars_missed');
  const bars = gaps.reduce((sum, x) => sum + Number((x.payload as { count?: number }).count ?? 0), 0);
  const span = p.first === p.last ? `at ${formatInZone(p.first, zone, 'seconds')}`
    : `from ${formatInZone(p.first, zone, 'seconds')} to ${formatInZone(p.last, zone, 'seconds')}`;
  // why: stopped (and started again), or down: no tick ran while it was meant to trade (trial 41: read alike)
  const why = p.why === 'stopped' ? 'while the run was stopped' : p.why === 'down'
    ? 'while Weaver was not running it (the worker or the machine was down: no tick ran)'
    : 'while the run was not running (stopped, or down)';
  return `${p.count === 1 ? '1 bar' : `${String(p.count)} bars`} ${span}, ${why}`
    + (gaps.length > 1 ? `; ${bars.toLocaleString('en-US')} bars in ${gaps.length} gaps in all` : '')
    + '. Its backtest decided on them; the run did not.';
}

/** A paper or live run's notice events, newest first (one query, shared by the notices and the header). */
export function useRunNotices(run: Run) {
  return useQuery({
    queryKey: [...keys.run.events(run.id), 'notices'],
    queryFn: ({ signal }) => api.get<WeaverEvent[]>(`/runs/${run.id}/events`,
      { order: 'desc', limit: 20, type: NOTICES.join(',') }, signal),
    enabled: run.mode !== 'backtest',
  });
}

/** The seq of the run's newest `run.positions_closed`, 0 when there is none. */
export function lastCloseSeq(events: WeaverEvent[] | undefined): number {
  return (Array.isArray(events) ? events : []).find((e) => e.type === 'run.positions_closed')?.seq ?? 0;
}

const FINAL_ORDER = new Set(['filled', 'canceled', 'cancelled', 'expired', 'rejected', 'done_for_day']);

/** Whether the newest close of the run's positions (`run.positions_closed`) has an order still working at the
 * broker (trial 42: "stopped holding 112 AAPL … Close positions" beside "sold 190 AAPL: still working"). */
export function closeWorking(events: WeaverEvent[] | undefined): boolean {
  const close = (Array.isArray(events) ? events : []).find((e) => e.type === 'run.positions_closed');
  const orders = (close?.payload as { orders?: Array<{ status?: unknown }> } | undefined)?.orders;
  return Array.isArray(orders) && orders.some((o) => !FINAL_ORDER.has(String(o.status)));
}

/** Whether a `run.account_shared` still holds: the run is not stopped, and the other runs have not all stopped
 * (a stop sends the runs left an event naming whom they still share with; trial 22 saw the notice stay). */
function sharing(run: Run, event: WeaverEvent): boolean {
  const others = (event.payload as { others?: unknown }).others;
  return run.state?.state !== 'stopped' && !(Array.isArray(others) && others.length === 0);
}

/** A finished backtest that ended holding positions: its return and equity count them at the last close, its
 * trade statistics do not (trial 30 read "Return +30.43 %" beside "Profit factor 0.91", $35,080 unrealized,
 * unexplained). Said once, under the header. */
function HeldAtEnd({ run }: { run: Run }) {
  const finished = run.mode === 'backtest' && run.status === 'completed';
  const positions = useQuery({
    queryKey: keys.run.positions(run.id),
    queryFn: ({ signal }) => api.get<Position[]>(`/runs/${run.id}/positions`, undefined, signal),
    enabled: finished,
  });
  const held = (positions.data ?? []).filter((p) => sign(p.qty) !== 0);
  if (!finished || !held.length) return null;
  const unrealized = add(...held.map((p) => p.unrealized_pl ?? '0'));
  return (
    <p className="banner info" role="note" data-testid="run-held-at-end" style={{ margin: 0 }}>
      <strong>Ended holding {describePositions(held)}</strong> (unrealized {formatMoney(unrealized, true)}): the
      return and the equity count {held.length === 1 ? 'it' : 'them'} at the last close; the trade figures (trades,
      win rate, profit factor, expectancy, average, best and worst trade) count closed trades only.
    </p>
  );
}

/** Whether a notice still says something true of the run (trial 40: "buying power is …" stayed, in the present
 * tense, on a stopped run; "Positions closed" stayed on a run started again). */
function current(run: Run, event: WeaverEvent): boolean {
  const stopped = run.state?.state === 'stopped';
  if (event.type === 'run.account_shared') return sharing(run, event);
  // a stop that left the runs fitting the account again lifts it (`fits`, trial 41: it stayed 12 minutes)
  if (event.type === 'run.buying_power_short') return !stopped && !(event.payload as { fits?: unknown }).fits;
  if (event.type === 'run.positions_closed') return stopped;
  return true;
}

export function RunNotices({ run }: { run: Run }) {
  return <><Notices run={run} /><HeldAtEnd run={run} /></>;
}

function Notices({ run }: { run: Run }) {
  const notices = useRunNotices(run);
  const { zone } = useTimeZone();
  const newest = NOTICES.map((type) => (notices.data ?? []).find((e) => e.type === type)).filter(
    (e): e is WeaverEvent => e !== undefined && current(run, e));
  // What the run itself found (an indicator that never had a value: a lookback longer than the data, say)
  const warnings = Array.isArray(run.options?.warnings) ? (run.options.warnings as unknown[]).map(String) : [];
  if (!newest.length && !warnings.length) return null;
  return (
    <div data-testid="run-notices" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      {warnings.map((warning) => (
        <p key={warning} className="banner warn" role="note" data-testid="run-warning" style={{ margin: 0 }}>
          <strong>Warning:</strong> {warning}
        </p>
      ))}
      {newest.map((e) => (
        <p key={e.id} className="banner warn" role="note" data-testid="run-notice" data-type={e.type} style={{ margin: 0 }}>
          <strong>{TITLES[e.type as (typeof NOTICES)[number]]}:</strong>{' '}
          {e.type === 'run.bars_missed' ? missedText(e, notices.data ?? [], zone)
            : String((e.payload as Record<string, unknown>).detail ?? '')}
        </p>
      ))}
    </div>
  );
}
