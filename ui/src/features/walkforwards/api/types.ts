/**
 * Walk-forward shapes as the UI reads them: the generated ones, with the loosely declared fields
 * (parameters, metrics) narrowed the way lib/api/types narrows a sweep's.
 */
import type { components } from '@/lib/api/generated/schema';
import type { Metrics, ParamValue, SkippedCell, SweepCreate } from '@/lib/api/types';

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

type Params = Record<string, ParamValue>;

export type Fold = Omit<Schemas['FoldOut'], 'params' | 'in_sample_metrics' | 'oos_metrics'> & {
  params: Params | null;
  in_sample_metrics: Metrics;
  oos_metrics: Metrics;
};

export type Contrast = Omit<Schemas['ContrastOut'], 'params' | 'metrics'> & { params: Params | null; metrics: Metrics };

export type WalkforwardResult = Omit<Schemas['ResultOut'], 'metrics' | 'contrast_metrics'> & {
  metrics: Metrics;
  /** The contrast run over the stitched curve's own test windows, chained the same way (null without a contrast). */
  contrast_metrics?: Metrics | null;
};

export type StabilityRow = Omit<Schemas['StabilityOut'], 'values'> & { values: Array<ParamValue | null> };

export type Walkforward = Omit<Schemas['WalkforwardOut'], 'grid' | 'params' | 'skipped' | 'folds' | 'contrast' | 'result' | 'stability'> & {
  grid: Record<string, ParamValue[]>;
  params: Params;
  /** Grid cells no fold's sweep ran: their parameters broke a rule between them (fast >= slow). */
  skipped: SkippedCell[];
  folds: Fold[];
  contrast: Contrast | null;
  result: WalkforwardResult | null;
  stability: StabilityRow[];
};

export type WalkforwardSummary = Schemas['WalkforwardSummaryOut'];
export type WalkforwardEquity = Schemas['WalkforwardEquityOut'];

/** Still working: the folds' sweeps or the out-of-sample runs. */
export function isActive(status: string): boolean {
  return status === 'optimising' || status === 'testing';
}
