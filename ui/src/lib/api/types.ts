/**
 * Shapes of the Weaver API (base /api/v1). Money and prices are decimal strings; metrics are numbers.
 * Every enum (modes, timeframes, statuses, sorts, metrics) comes from the API's OpenAPI document
 * through ./generated (scripts/gen-api-types.sh), never from a list written here.
 */
import type { components } from './generated/schema';
import type { RunMetric, RunMode, RunStatus, Timeframe } from './generated/enums';

export type {
  BacktestStatus, FinishedStatus, LiveStatus, RunMetric, RunSort, RunStatus, Timeframe,
} from './generated/enums';
export { FINISHED_STATUSES, RUN_METRICS, RUN_MODES, RUN_SORTS, RUN_STATUSES, TIMEFRAMES } from './generated/enums';

export type Mode = RunMode;

export type Decimal = string;
export type IsoTime = string;
type Schemas = components['schemas'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

// Request pieces. Each response shape below is the generated one; a field the API declares loosely
// (a free-form object) is narrowed to what the UI reads, never widened.
export type FeeModel = NonNullable<Schemas['FeesIn']['model']>;
export type SlippageModel = NonNullable<Schemas['SlippageIn']['model']>;

/** What a run's year of bars (and price steps) follow: us_equity, crypto or other. */
export type AssetClass = NonNullable<Schemas['RunCreate']['asset_class']>;
export interface Fees { model: FeeModel; rate?: Decimal | null }
export interface Slippage { model: SlippageModel; value?: Decimal | null }
export interface RiskLimits {
  max_position_value?: Decimal | null;
  max_order_value?: Decimal | null;
  max_orders_per_day?: number | null;
  max_daily_loss?: Decimal | null;
}

/** Figures by name, as the API documents them (`RunMetric`: percentages in percent); a figure that is
 * undefined (no trades, too few bars) is null. */
export type Metrics = Partial<Record<RunMetric, number | null>> & Record<string, number | null | undefined>;

export type ParamValue = string | number | boolean | null;

export type Run = Omit<Schemas['RunOut'],
  'params' | 'fees' | 'slippage' | 'metrics' | 'metrics_unavailable' | 'walkforward_id'> & {
  params: Record<string, ParamValue>;
  fees: Fees;
  slippage: Slippage;
  metrics: Metrics;
  /** Why a null figure was withheld (annualised figures on too little data); absent from older servers. */
  metrics_unavailable?: Partial<Record<RunMetric, string>>;
  /** The walk-forward this run is an out-of-sample or contrast run of (migration 0017); absent from older
   * servers. */
  walkforward_id?: string | null;
};

/** What the UI sends to POST /runs: the generated body with the settings it always fills in. */
export type RunCreate = Omit<Schemas['RunCreate'], 'params' | 'risk'> & {
  mode: Mode;
  params: Record<string, ParamValue>;
  timeframe: Timeframe;
  cash: Decimal;
  fees: Fees;
  slippage: Slippage;
  risk?: RiskLimits;
};

export interface RunFilters {
  mode?: Mode | '';
  status?: RunStatus | '';
  strategy?: string;
  sweep_id?: string;
  page?: number;
  per_page?: number;
}

export interface OrderHistoryEntry { status: string; ts: IsoTime }

export type Order = Omit<Schemas['OrderOut'], 'history'> & { history: OrderHistoryEntry[] };
export type Fill = Schemas['FillOut'];
export type Trade = Schemas['TradeOut'];
export type Position = Schemas['PositionOut'];
export type EquityPoint = Schemas['EquityPointOut'];

export type WeaverEvent<P = Record<string, unknown>> = Omit<Schemas['EventOut'], 'payload'> & { payload: P };

export type SkippedCell = Omit<Schemas['SkippedCellOut'], 'params'> & { params: Record<string, ParamValue> };

export type Sweep = Omit<Schemas['SweepOut'], 'grid' | 'skipped'> & {
  grid: Record<string, ParamValue[]>;
  skipped: SkippedCell[];
};

export type SweepCreate = Omit<Schemas['SweepCreate'], 'params' | 'grid'> & {
  params: Record<string, ParamValue>;
  grid: Record<string, ParamValue[]>;
  timeframe: Timeframe;
  cash: Decimal;
  fees: Fees;
  slippage: Slippage;
};

export type SweepResult = Omit<Schemas['SweepResultOut'], 'params' | 'metrics'> & {
  params: Record<string, ParamValue>;
  metrics: Metrics;
};

export interface JsonSchemaProperty {
  type?: 'integer' | 'number' | 'string' | 'boolean' | 'array' | string;
  title?: string;
  description?: string;
  default?: ParamValue;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  enum?: ParamValue[];
  minLength?: number;
  maxLength?: number;
  /** The values a sweep form proposes (declared where half/default/double would break a cross-check). */
  'x-sweep'?: ParamValue[];
}

export interface ParamsSchema {
  type?: 'object';
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export type Strategy = Omit<Schemas['StrategyOut'], 'params_schema'> & { params_schema: ParamsSchema };
export type Series = Schemas['SeriesOut'];
export type Bar = Schemas['BarOut'];

export interface ImportRowError { line: number; reason: string }
export type ImportResult = Omit<Schemas['ImportOut'], 'errors'> & { errors: ImportRowError[] };

export interface BrokerAccount {
  cash: Decimal;
  equity: Decimal;
  buying_power: Decimal;
  last_equity: Decimal;
  status: string;
}

export interface BrokerPosition {
  symbol: string;
  qty: Decimal;
  avg_entry_price?: Decimal | null;
  avg_price?: Decimal | null;
  current_price?: Decimal | null;
  market_value?: Decimal | null;
  unrealized_pl?: Decimal | null;
  unrealized_intraday_pl?: Decimal | null;
  side?: string;
  [key: string]: unknown;
}

export interface BrokerOrder {
  id?: string;
  client_order_id?: string;
  symbol: string;
  side: string;
  type?: string;
  qty?: Decimal | null;
  notional?: Decimal | null;
  filled_qty?: Decimal | null;
  limit_price?: Decimal | null;
  stop_price?: Decimal | null;
  status: string;
  submitted_at?: IsoTime | null;
  created_at?: IsoTime | null;
  [key: string]: unknown;
}

/** The broker as the live worker last read it (`captured_at`; the view refreshes when older than 10 s).
 *  The broker's own objects are passed through as Alpaca sends them. */
export type Account = Omit<Schemas['AccountOut'], 'kind' | 'account' | 'positions' | 'open_orders'> & {
  kind: 'paper' | 'live';
  account: BrokerAccount | null;
  positions: BrokerPosition[];
  open_orders: BrokerOrder[];
};

/** POST /kill answers at once (202) with the runs set to stopping; the live worker then cancels
 *  the orders and emits `kill.activated`. */
export type KillResult = Schemas['KillOut'];

/** One part of the deployment as GET /health probed it; the rest says what was measured
 *  (backend, latency_ms, alive, processes, accounts). */
export type HealthComponent = Schemas['ComponentHealth'];

/** GET /health: 200 with status "ok", or 503 with status "degraded" and the failing components. */
export type Health = Schemas['HealthOut'];

export type ApiErrorBody = Omit<Schemas['ErrorBody'], 'details' | 'correlation_id'> & {
  details?: {
    fields?: Record<string, string>;
    errors?: ImportRowError[];
    [key: string]: unknown;
  };
  correlation_id?: string;
};
