import type { Column } from '@/components/ui/DataTable';
import { Time } from '@/components/ui/Time';
import type { Fill, Order, Position, Trade } from '@/lib/api/types';
import { formatMoney, formatPrice, formatQty, tone } from '@/lib/format';
import { barTimeStyle, recordTimeStyle } from '@/lib/time/barTime';

const side = (s: string) => <span className={s === 'buy' ? 'pos' : s === 'sell' ? 'neg' : ''}>{s}</span>;

/** The columns of a run's records. Times follow the run's timeframe: dates on daily runs, zone times otherwise. */
export const orderColumns = (timeframe: string): Column<Order>[] => [
  { key: 'submitted_at', header: 'Submitted', sortValue: (o) => o.submitted_at, render: (o) => <Time value={o.submitted_at} style={recordTimeStyle(timeframe)} /> },
  { key: 'symbol', header: 'Symbol', sortValue: (o) => o.symbol, render: (o) => <span className="mono">{o.symbol}</span> },
  { key: 'side', header: 'Side', sortValue: (o) => o.side, render: (o) => side(o.side) },
  { key: 'type', header: 'Type', sortValue: (o) => o.type, render: (o) => <span className="mono">{o.type}{o.order_class !== 'simple' ? ` · ${o.order_class}` : ''} · {o.time_in_force}</span> },
  { key: 'qty', header: 'Qty', numeric: true, sortValue: (o) => o.qty ?? o.notional, render: (o) => (o.qty ? formatQty(o.qty) : o.notional ? `$${formatMoney(o.notional)}`
    : o.percent ? `${formatQty(o.percent)}% eq` : '—') },
  { key: 'limit', header: 'Limit', numeric: true, sortValue: (o) => o.limit_price, render: (o) => formatPrice(o.limit_price) },
  { key: 'stop', header: 'Stop', numeric: true, sortValue: (o) => o.stop_price, render: (o) => formatPrice(o.stop_price) },
  { key: 'status', header: 'Status', sortValue: (o) => o.status, render: (o) => (
    <span title={o.history.map((h) => `${h.status} ${h.ts}`).join('\n')} className={o.status === 'rejected' ? 'neg' : ''}>
      {o.status}{o.reject_reason ? ` — ${o.reject_reason}` : ''}
    </span>
  ) },
  { key: 'filled_qty', header: 'Filled', numeric: true, sortValue: (o) => o.filled_qty, render: (o) => formatQty(o.filled_qty) },
  { key: 'avg', header: 'Avg price', numeric: true, sortValue: (o) => o.filled_avg_price, render: (o) => formatPrice(o.filled_avg_price) },
  { key: 'filled_at', header: 'Filled at', sortValue: (o) => o.filled_at, render: (o) => <Time value={o.filled_at} style={recordTimeStyle(timeframe)} /> },
  { key: 'coid', header: 'Client order id', render: (o) => <span className="dim mono">{o.client_order_id}</span> },
];

export const fillColumns = (timeframe: string): Column<Fill>[] => [
  { key: 'ts', header: 'Time', sortValue: (f) => f.ts, render: (f) => <Time value={f.ts} style={recordTimeStyle(timeframe)} /> },
  { key: 'symbol', header: 'Symbol', sortValue: (f) => f.symbol, render: (f) => <span className="mono">{f.symbol}</span> },
  { key: 'side', header: 'Side', sortValue: (f) => f.side, render: (f) => side(f.side) },
  { key: 'qty', header: 'Qty', numeric: true, sortValue: (f) => f.qty, render: (f) => formatQty(f.qty) },
  { key: 'price', header: 'Price', numeric: true, sortValue: (f) => f.price, render: (f) => formatPrice(f.price) },
  // A crypto buy's fee is coins the broker kept (trial 35: shown as dollars alone, the fills did not add up to
  // the position): the coins beside their dollar value.
  { key: 'fee', header: 'Fee', numeric: true, sortValue: (f) => f.fee, render: (f) => (f.fee_qty && Number(f.fee_qty) !== 0
    ? <span title="kept by the broker in the coin: the position grew by the quantity less this">
        {formatMoney(f.fee)} <span className="dim">({formatQty(f.fee_qty)} {f.symbol.split('/')[0]})</span></span>
    : formatMoney(f.fee)) },
  { key: 'order', header: 'Order', render: (f) => <span className="dim mono">{f.order_id.slice(0, 8)}</span> },
];

export const tradeColumns = (timeframe: string): Column<Trade>[] => [
  { key: 'entry_ts', header: 'Entry', sortValue: (t) => t.entry_ts, render: (t) => <Time value={t.entry_ts} style={barTimeStyle(timeframe)} /> },
  { key: 'exit_ts', header: 'Exit', sortValue: (t) => t.exit_ts, render: (t) => <Time value={t.exit_ts} style={barTimeStyle(timeframe)} /> },
  { key: 'symbol', header: 'Symbol', sortValue: (t) => t.symbol, render: (t) => <span className="mono">{t.symbol}</span> },
  { key: 'direction', header: 'Dir', sortValue: (t) => t.direction, render: (t) => <span className={t.direction === 'long' ? 'pos' : 'neg'}>{t.direction}</span> },
  { key: 'qty', header: 'Qty', numeric: true, sortValue: (t) => t.qty, render: (t) => formatQty(t.qty) },
  { key: 'entry_price', header: 'Entry px', numeric: true, sortValue: (t) => t.entry_price, render: (t) => formatPrice(t.entry_price) },
  { key: 'exit_price', header: 'Exit px', numeric: true, sortValue: (t) => t.exit_price, render: (t) => formatPrice(t.exit_price) },
  { key: 'pnl', header: 'P&L', numeric: true, sortValue: (t) => t.pnl, render: (t) => <span className={tone(t.pnl)}>{formatMoney(t.pnl, true)}</span> },
  { key: 'return_pct', header: 'Return %', numeric: true, sortValue: (t) => t.return_pct, render: (t) => <span className={tone(t.return_pct)}>{formatMoney(t.return_pct, true)}%</span> },
  { key: 'fees', header: 'Fees', numeric: true, sortValue: (t) => t.fees, render: (t) => formatMoney(t.fees) },
  { key: 'bars_held', header: 'Bars', numeric: true, sortValue: (t) => t.bars_held, render: (t) => t.bars_held },
];

export const positionColumns = (timeframe: string): Column<Position>[] => [
  { key: 'symbol', header: 'Symbol', sortValue: (p) => p.symbol, render: (p) => <span className="mono">{p.symbol}</span> },
  { key: 'qty', header: 'Qty', numeric: true, sortValue: (p) => p.qty, render: (p) => <span className={tone(p.qty)}>{formatQty(p.qty)}</span> },
  { key: 'avg_price', header: 'Avg price', numeric: true, sortValue: (p) => p.avg_price, render: (p) => formatPrice(p.avg_price) },
  { key: 'mark_price', header: 'Mark', numeric: true, sortValue: (p) => p.mark_price, render: (p) => formatPrice(p.mark_price) },
  { key: 'market_value', header: 'Value', numeric: true, sortValue: (p) => p.market_value, render: (p) => formatMoney(p.market_value) },
  { key: 'unrealized_pl', header: 'Unrealized', numeric: true, sortValue: (p) => p.unrealized_pl, render: (p) => <span className={tone(p.unrealized_pl)}>{formatMoney(p.unrealized_pl, true)}</span> },
  { key: 'realized_pl', header: 'Realized', numeric: true, sortValue: (p) => p.realized_pl, render: (p) => <span className={tone(p.realized_pl)}>{formatMoney(p.realized_pl, true)}</span> },
  { key: 'updated_at', header: 'Updated', sortValue: (p) => p.updated_at, render: (p) => <Time value={p.updated_at} style={recordTimeStyle(timeframe)} /> },
];
