/**
 * Walk-forward shapes as the UI reads them. The request's pieces come from the generated schema; the
 * reads are written here to the API's contract until the generated types carry them (list, equity,
 * contrast, result, stability), then narrow the generated ones the way lib/api/types does.
 */
import type { components } from '@/lib/api/generated/schema';
import type { Metrics, ParamValue, SweepCreate } from '@/lib/api/types';

type Schemas = components['schemas'];

export type FoldsIn = Schemas['FoldsIn'];
export type Objective = NonNullable<Schemas['WalkforwardCreate']['objective']>;
export type Direction = 'max' | 'min';

export type WalkforwardCreate = SweepCreate & {
  folds: FoldsIn;
  objective: Objective;
  direction: Direction;
  min_trades: number;
  contrast: boolean;
};

export type WalkforwardStatus = 'optimising' | 'testing' | 'completed' | 'failed' | 'cancelled';

export interface Fold {
  index: number;
  train_first: string;
  train_last: string;
  test_first: string;
  test_last: string;
  warmup_bars: number;
  partial: boolean;
  sweep_id: string;
  cells_total: number;
  cells_done: number;
  params: Record<string, ParamValue> | null;
  chosen_run_id: string | null;
  in_sample_metrics: Metrics;
  oos_run_id: string | null;
  oos_status: string | null;
  oos_metrics: Metrics;
  reason: string | null;
  efficiency?: number | null;
}

export interface Contrast {
  sweep_id: string;
  cells_total: number;
  cells_done: number;
  run_id: string | null;
  params: Record<string, ParamValue> | null;
  metrics: Metrics;
  reason: string | null;
}

export interface WalkforwardResult {
  metrics: Metrics;
  efficiency: number | null;
  efficiency_reason: string | null;
  oos_annualised_return_pct: number | null;
  is_annualised_return_pct: number | null;
}

export interface StabilityRow { name: string; values: Array<ParamValue | null>; distinct: number }

export interface Walkforward {
  id: string;
  name: string | null;
  strategy: string;
  grid: Record<string, ParamValue[]>;
  params: Record<string, ParamValue>;
  settings: Record<string, unknown>;
  fold_spec: Record<string, unknown>;
  objective: string;
  direction: string;
  min_trades: number;
  status: WalkforwardStatus | string;
  error: string | null;
  created_at: string;
  folds: Fold[];
  skipped_folds: Array<{ index: number; reason: string }>;
  cells_total?: number;
  cells_done?: number;
  contrast?: Contrast | null;
  result?: WalkforwardResult | null;
  stability?: StabilityRow[];
}

export interface WalkforwardSummary {
  id: string;
  name: string | null;
  strategy: string;
  status: WalkforwardStatus | string;
  objective: string;
  direction: string;
  created_at: string;
  folds: number;
  cells_done: number;
  cells_total: number;
  oos_return_pct: number | null;
  efficiency: number | null;
}

export interface WalkforwardEquity {
  stitched: Array<{ t: string; equity: number | string; fold: number }>;
  contrast: Array<{ t: string; equity: number | string }>;
}

/** Still working: the folds' sweeps or the out-of-sample runs. */
export function isActive(status: string): boolean {
  return status === 'optimising' || status === 'testing';
}
