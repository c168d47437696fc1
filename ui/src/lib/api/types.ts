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

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export type FeeModel = NonNullable<components['schemas']['FeesIn']['model']>;
export type SlippageModel = NonNullable<components['schemas']['SlippageIn']['model']>;

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

export interface Run {
  id: string;
  mode: Mode;
  name: string | null;
  strategy: string;
  params: Record<string, ParamValue>;
  symbols: string[];
  /** Usually a `Timeframe`; a backtest stored by the CLI keeps its file's spacing (e.g. 2Min). */
  timeframe: Timeframe | (string & {});
  start_at: IsoTime | null;
  end_at: IsoTime | null;
  cash: Decimal;
  fees: Fees;
  slippage: Slippage;
  options: Record<string, unknown>;
  status: RunStatus;
  error: string | null;
  progress: number;
  sweep_id: string | null;
  created_at: IsoTime;
  updated_at: IsoTime;
  queued_at: IsoTime | null;
  started_at: IsoTime | null;
  finished_at: IsoTime | null;
  metrics: Metrics;
}

export interface RunCreate {
  mode: Mode;
  name?: string;
  strategy: string;
  params: Record<string, ParamValue>;
  symbols: string[];
  timeframe: Timeframe;
  start?: IsoTime;
  end?: IsoTime;
  cash: Decimal;
  fees: Fees;
  slippage: Slippage;
  fractional: boolean;
  allow_short: boolean;
  risk?: RiskLimits;
  start_now: boolean;
}

export interface RunFilters {
  mode?: Mode | '';
  status?: RunStatus | '';
  strategy?: string;
  sweep_id?: string;
  page?: number;
  per_page?: number;
}

export interface OrderHistoryEntry { status: string; ts: IsoTime }

export interface Order {
  id: string;
  client_order_id: string;
  symbol: string;
  side: 'buy' | 'sell' | string;
  type: string;
  order_class: string;
  time_in_force: string;
  qty: Decimal | null;
  notional: Decimal | null;
  /** Sized as a share of equity (the engine's `percent` orders), when neither qty nor notional is set. */
  percent?: Decimal | null;
  limit_price: Decimal | null;
  stop_price: Decimal | null;
  status: string;
  filled_qty: Decimal;
  filled_avg_price: Decimal | null;
  reject_reason: string | null;
  submitted_at: IsoTime;
  filled_at: IsoTime | null;
  history: OrderHistoryEntry[];
}

export interface Fill {
  id: string;
  order_id: string;
  symbol: string;
  side: 'buy' | 'sell' | string;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  ts: IsoTime;
}

export interface Trade {
  id: string;
  symbol: string;
  direction: 'long' | 'short' | string;
  qty: Decimal;
  entry_ts: IsoTime;
  entry_price: Decimal;
  exit_ts: IsoTime;
  exit_price: Decimal;
  pnl: Decimal;
  return_pct: Decimal;
  fees: Decimal;
  bars_held: number;
}

export interface Position {
  symbol: string;
  qty: Decimal;
  avg_price: Decimal;
  mark_price: Decimal | null;
  market_value: Decimal | null;
  unrealized_pl: Decimal | null;
  realized_pl: Decimal | null;
  updated_at: IsoTime;
}

export interface EquityPoint {
  ts: IsoTime;
  equity: Decimal;
  cash: Decimal;
  benchmark: Decimal | null;
  drawdown: number | null;
}

export interface WeaverEvent<P = Record<string, unknown>> {
  id: string;
  seq: number;
  type: string;
  run_id: string | null;
  ts: IsoTime;
  payload: P;
}

export interface Sweep {
  id: string;
  name: string | null;
  strategy: string;
  grid: Record<string, ParamValue[]>;
  settings: Record<string, unknown>;
  /** creating (its cells are being made), running, completed, cancelled or failed */
  status: string;
  /** why a sweep failed */
  error?: string | null;
  created_at: IsoTime;
  total: number;
  done: number;
  failed: number;
  progress: number;
  skipped?: Array<Record<string, unknown>>;
}

export interface SweepCreate {
  name?: string;
  strategy: string;
  params: Record<string, ParamValue>;
  grid: Record<string, ParamValue[]>;
  symbols: string[];
  timeframe: Timeframe;
  start?: IsoTime;
  end?: IsoTime;
  cash: Decimal;
  fees: Fees;
  slippage: Slippage;
  fractional: boolean;
  allow_short: boolean;
}

export interface SweepResult {
  run_id: string;
  params: Record<string, ParamValue>;
  status: RunStatus;
  metrics: Metrics;
}

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
}

export interface ParamsSchema {
  type?: 'object';
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

export interface Strategy {
  name: string;
  description: string;
  params_schema: ParamsSchema;
  multi_symbol: boolean;
}

export interface Series {
  symbol: string;
  timeframe: Timeframe | (string & {});
  first_ts: IsoTime | null;
  last_ts: IsoTime | null;
  count: number;
  source: string;
  description: string | null;
}

export interface Bar {
  ts: IsoTime;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export interface ImportResult {
  symbol: string;
  timeframe: string;
  rows: number;
  inserted: number;
  skipped: number;
  error_count?: number;
  errors?: ImportRowError[];
}

export interface ImportRowError { line: number; reason: string }

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

export interface Account {
  kind: 'paper' | 'live';
  configured: boolean;
  /** When the live worker last read the broker (the view refreshes when older than 10 s). */
  captured_at?: IsoTime | null;
  account: BrokerAccount | null;
  positions: BrokerPosition[];
  open_orders: BrokerOrder[];
  error: string | null;
}

/** POST /kill answers at once (202) with the runs set to stopping; the live worker then cancels
 *  the orders and emits `kill.activated`. Older drafts answered with final counts. */
export interface KillResult {
  runs_stopping?: number;
  message?: string;
  runs_stopped?: number;
  orders_cancelled?: number;
}

/** One part of the deployment as GET /health probed it; the rest says what was measured
 *  (backend, latency_ms, alive, processes, accounts). */
export interface HealthComponent {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

/** GET /health: 200 with status "ok", or 503 with status "degraded" and the failing components. */
export interface Health {
  status: 'ok' | 'degraded';
  components: Record<string, HealthComponent>;
  failing: string[];
  workers: Record<string, number>;
  version: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: {
    fields?: Record<string, string>;
    errors?: ImportRowError[];
    [key: string]: unknown;
  };
  correlation_id?: string;
}
