/**
 * "Centre the price chart on this": a row of the run's records (a trade, an order, a fill) asks, the
 * price panel listens. A tiny store beside both, so neither the page nor the tables between them
 * carry the request; each request has its own number, so clicking the same row again centres again.
 */
import { useSyncExternalStore } from 'react';

export interface ChartFocus {
  runId: string;
  symbol: string;
  /** UTC ISO instants: a trade's entry and exit, or one time twice. */
  from: string;
  to: string;
  seq: number;
}

let current: ChartFocus | null = null;
let seq = 0;
const listeners = new Set<() => void>();

export function focusChart(runId: string, symbol: string, from: string, to: string = from): void {
  seq += 1;
  current = { runId, symbol, from, to, seq };
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The latest request for this run's chart, or null. */
export function useChartFocus(runId: string): ChartFocus | null {
  const focus = useSyncExternalStore(subscribe, () => current, () => null);
  return focus && focus.runId === runId ? focus : null;
}
