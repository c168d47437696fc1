import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import { sign } from '@/lib/decimal';
import type { Position } from '@/lib/api/types';
import { formatQty } from '@/lib/format';

/** "105 AAPL", "50 MSFT short": what the run holds, in the words the stop dialog uses. */
export function describePositions(positions: readonly Pick<Position, 'symbol' | 'qty'>[]): string {
  return positions
    .filter((p) => sign(p.qty) !== 0)
    .map((p) => (sign(p.qty) < 0 ? `${formatQty(p.qty.replace(/^-/, ''))} ${p.symbol} short` : `${formatQty(p.qty)} ${p.symbol}`))
    .join(', ');
}

/** What the run holds now, in words ('' when flat or not known yet). */
export function useHeldPositions(runId: string, enabled = true): string {
  const positions = useQuery({
    queryKey: keys.run.positions(runId),
    queryFn: ({ signal }) => api.get<Position[]>(`/runs/${runId}/positions`, undefined, signal),
    enabled,
  });
  return describePositions(positions.data ?? []);
}

const SAID = {
  stop: ['Its positions stay open at the broker: ', ' — a stop cancels orders, not positions, unless you close them '
    + 'here.'],
  close: ['Closes ', ' with one market order per symbol once its orders are cancelled, booked as this run\'s own '
    + 'orders and fills; the stop waits a few seconds for the fills.'],
  stopped: ['This run stopped holding ', ' at the broker: they are still open there. Close them at market here (one '
    + 'order per symbol, booked as this run\'s own), or at the broker.'],
  closing: ['This run still holds ', ' while its close is working at the broker (what it became so far: Positions '
    + 'closed, above); what is left shows here once the broker has answered.'],
  delete: ['It still holds ', ' at the broker: deleting the run leaves them there, owned by no run. Close them first '
    + '(Close positions, on this page).'],
} as const;

/**
 * A stop closes a paper or live run's positions only when asked: say what it holds, when stopping it
 * (and what closing would do), on its page once stopped, and when deleting it.
 */
export function OpenPositionsNote({ runId, when = 'stop', action }: {
  runId: string; when?: keyof typeof SAID; action?: ReactNode;
}) {
  const held = useHeldPositions(runId);
  if (!held) return null;
  const [before, after] = SAID[when];
  return (
    <p className="banner warn" role="note" data-testid={`${when}-positions-note`} style={{ margin: 0 }}>
      {before}<strong className="mono">{held}</strong>{after}{action ? <> {action}</> : null}
    </p>
  );
}

/** The stop dialog's choice to close what the run holds; shown only while it holds something. */
export function ClosePositionsChoice({ runId, checked, onChange }: {
  runId: string; checked: boolean; onChange: (close: boolean) => void;
}) {
  const held = useHeldPositions(runId);
  return (
    <>
      {held ? (
        <label className="check">
          <input type="checkbox" checked={checked} data-testid="close-positions"
            onChange={(e) => onChange(e.target.checked)} />
          Close its positions at market
        </label>
      ) : null}
      <OpenPositionsNote runId={runId} when={checked && held ? 'close' : 'stop'} />
    </>
  );
}
