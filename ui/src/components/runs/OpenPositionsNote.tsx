import { useQuery } from '@tanstack/react-query';
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

/**
 * Stopping a paper or live run never closes its positions (Weaver has no flatten): say so, with the
 * actual holdings, so the user is not surprised to find them still open at the broker.
 */
export function OpenPositionsNote({ runId }: { runId: string }) {
  const positions = useQuery({
    queryKey: keys.run.positions(runId),
    queryFn: ({ signal }) => api.get<Position[]>(`/runs/${runId}/positions`, undefined, signal),
  });
  const held = describePositions(positions.data ?? []);
  if (!held) return null;
  return (
    <p className="banner warn" role="note" data-testid="stop-positions-note" style={{ margin: 0 }}>
      Its positions stay open at the broker: <strong className="mono">{held}</strong> — a stop cancels orders, not
      positions; close them at the broker (the Live page lists them under the account).
    </p>
  );
}
