import type { Run } from '@/lib/api/types';

/** One colour per compared run (up to 5), told apart on Haro's dark background. */
export const RUN_COLORS = ['#4cb3ff', '#f2a93b', '#c58cff', '#22c57a', '#ff7ab6'] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length] ?? RUN_COLORS[0];
}

/** "momentum 2023 · 1a2b3c4d" or "sma_cross · 1a2b3c4d": a name a legend can hold, unique by its id. */
export function runLabel(run: Pick<Run, 'id' | 'name' | 'strategy'>): string {
  return `${run.name || run.strategy} · ${run.id.slice(0, 8)}`;
}
