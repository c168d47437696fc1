import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';

/** GET /runs/{id}/drift: where a paper or live run differed from the backtest of the same bars. */
export interface DriftFill { qty: string; price: string; fee: string; ts: string }

export interface DriftOrder {
  client_order_id: string; bar_ts: string; symbol: string; side: string; type: string; qty: string | null;
  notional: string | null; percent: string | null; limit_price: string | null; stop_price: string | null;
  time_in_force: string; status: string; filled_qty: string; avg_price: string | null; fees: string;
  fills: DriftFill[];
}

export type DriftStatus = 'identical' | 'different' | 'only_live' | 'only_backtest';

export interface DriftDecision {
  status: DriftStatus; bar_ts: string; symbol: string; side: string; type: string;
  live: DriftOrder | null; backtest: DriftOrder | null; slippage_bps: number | null; fill_delay_s: number | null;
  execution: string; partial: boolean;
  /** Why it differs, in plain English: how live filled a matched decision, or what each side held before
   * a decision only one side made (null: nothing to say). */
  note: string | null;
}

export interface DriftSummary {
  decisions: number; identical: number; identical_pct: number; matched: number; only_live: number;
  only_backtest: number; avg_slippage_bps: number | null; worst_slippage_bps: number | null; live_pnl: string;
  backtest_pnl: string; difference: string; execution: string; signal: string; partial_fills: number;
  /** What the broker charged, what the backtest side's fee model charged, and the fee part of `execution`. */
  live_fees: string; backtest_fees: string; execution_fees: string;
}

export interface DriftPoint { ts: string; equity: number }

export interface DriftReport {
  run_id: string; against: string | null; strategy: string; params: Record<string, unknown>; bars: number;
  warmup: number; source: string; summary: DriftSummary;
  /** Of `bars`, those that fell while the run was not trading (down, or stopped and started again). */
  idle_bars: number;
  /** A replay's first bar (its warm-up's) and the run's last traded bar: the window of a backtest of the same
   * period (null against a backtest run). */
  first_bar: string | null; last_bar: string | null;
  /** On the whole comparison: what the backtest side's fee and slippage models did. */
  notes: string[];
  decisions: DriftDecision[]; partial_fills: DriftOrder[];
  equity: { live: DriftPoint[]; backtest: DriftPoint[] };
}

/** Under the run's key, so an event about the run (a tick, a fill) refreshes the report too. */
export function useDrift(id: string, enabled = true) {
  return useQuery({
    queryKey: [...keys.run.all(id), 'drift'] as const,
    enabled,
    queryFn: ({ signal }) => api.get<DriftReport>(`/runs/${id}/drift`, undefined, signal),
  });
}
