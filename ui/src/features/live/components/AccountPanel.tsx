import { Link } from 'react-router-dom';
import { ModeBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, MetricCard, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import type { Account, BrokerOrder, BrokerPosition } from '@/lib/api/types';
import { changeBps, isDecimal, sub } from '@/lib/decimal';
import { formatMoney, formatPrice, formatQty, tone } from '@/lib/format';
import { useActiveRuns } from '../api/accounts';

const POSITIONS: Column<BrokerPosition>[] = [
  { key: 'symbol', header: 'Symbol', sortValue: (p) => p.symbol, render: (p) => <span className="mono">{p.symbol}</span> },
  { key: 'qty', header: 'Qty', numeric: true, sortValue: (p) => p.qty, render: (p) => <span className={tone(p.qty)}>{formatQty(p.qty)}</span> },
  { key: 'avg', header: 'Avg entry', numeric: true, sortValue: (p) => p.avg_entry_price ?? p.avg_price ?? null,
    render: (p) => formatPrice(p.avg_entry_price ?? p.avg_price ?? null) },
  { key: 'price', header: 'Price', numeric: true, sortValue: (p) => p.current_price ?? null, render: (p) => formatPrice(p.current_price ?? null) },
  { key: 'value', header: 'Value', numeric: true, sortValue: (p) => p.market_value ?? null, render: (p) => formatMoney(p.market_value ?? null) },
  { key: 'upl', header: 'Unrealized', numeric: true, sortValue: (p) => p.unrealized_pl ?? null,
    render: (p) => <span className={tone(p.unrealized_pl ?? null)}>{formatMoney(p.unrealized_pl ?? null, true)}</span> },
  { key: 'today', header: 'Today', numeric: true, sortValue: (p) => p.unrealized_intraday_pl ?? null,
    render: (p) => <span className={tone(p.unrealized_intraday_pl ?? null)}>{formatMoney(p.unrealized_intraday_pl ?? null, true)}</span> },
];

const ORDERS: Column<BrokerOrder>[] = [
  { key: 'submitted', header: 'Submitted', sortValue: (o) => o.submitted_at ?? o.created_at ?? null,
    render: (o) => <Time value={o.submitted_at ?? o.created_at ?? null} style="seconds" /> },
  { key: 'symbol', header: 'Symbol', sortValue: (o) => o.symbol, render: (o) => <span className="mono">{o.symbol}</span> },
  { key: 'side', header: 'Side', sortValue: (o) => o.side, render: (o) => <span className={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</span> },
  { key: 'type', header: 'Type', render: (o) => <span className="mono">{o.type ?? ''}</span> },
  { key: 'qty', header: 'Qty', numeric: true, render: (o) => (o.qty ? formatQty(o.qty) : o.notional ? `$${formatMoney(o.notional)}` : '—') },
  { key: 'filled', header: 'Filled', numeric: true, render: (o) => (o.filled_qty ? formatQty(o.filled_qty) : '—') },
  { key: 'limit', header: 'Limit', numeric: true, render: (o) => formatPrice(o.limit_price ?? null) },
  { key: 'stop', header: 'Stop', numeric: true, render: (o) => formatPrice(o.stop_price ?? null) },
  { key: 'status', header: 'Status', sortValue: (o) => o.status, render: (o) => o.status },
];

function todaysPnl(account: NonNullable<Account['account']>): { amount: string | null; bps: number | null } {
  if (!isDecimal(account.equity) || !isDecimal(account.last_equity)) return { amount: null, bps: null };
  return { amount: sub(account.equity, account.last_equity), bps: changeBps(account.equity, account.last_equity) };
}

export function AccountPanel({ account }: { account: Account }) {
  const runs = useActiveRuns(account.kind);
  const info = account.account;
  const pnl = info ? todaysPnl(info) : null;
  return (
    <Panel testId={`account-${account.kind}`} title={
      <div className="indicator"><ModeBadge mode={account.kind} /><h2>{account.kind} account</h2>
        {info ? <span className="dim">{info.status}</span> : null}
        {account.captured_at ? <span className="dim">as of <Time value={account.captured_at} style="seconds" /></span> : null}</div>
    }>
      {!account.configured ? (
        <EmptyState title={`No ${account.kind} account configured`}>
          <span>Set <code>WEAVER_ALPACA_{account.kind.toUpperCase()}_KEY_ID</code> and
            <code> WEAVER_ALPACA_{account.kind.toUpperCase()}_SECRET_KEY</code>, then restart Weaver.</span>
        </EmptyState>
      ) : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
          {account.error ? <div className="banner error" role="alert">The broker answered: {account.error}</div> : null}
          {!info && !account.error ? (
            <p className="muted" style={{ margin: 0 }}>Waiting for the live worker's first view of this account…</p>
          ) : null}
          {info ? (
            <div className="cards">
              <MetricCard label="Equity" value={formatMoney(info.equity)} />
              <MetricCard label="Today's P&L" tone={tone(pnl?.amount ?? null)} testId={`pnl-${account.kind}`}
                title="equity now − the broker's last_equity: the account's equity at the previous session's close (New York)"
                value={<>{formatMoney(pnl?.amount ?? null, true)}{pnl?.bps !== null && pnl?.bps !== undefined
                  ? <span className="dim" style={{ fontSize: 11 }}> {(pnl.bps / 100).toFixed(2)}%</span> : null}
                  <div className="muted" style={{ fontSize: 11, fontWeight: 400 }}>since the previous close (New York)</div></>} />
              <MetricCard label="Cash" value={formatMoney(info.cash)} />
              <MetricCard label="Buying power" value={formatMoney(info.buying_power)} />
              <MetricCard label="Open orders" value={account.open_orders.length} />
              <MetricCard label="Positions" value={account.positions.length} />
            </div>
          ) : null}
          <h3>Running {account.kind} runs</h3>
          {runs.data?.items.length ? (
            <div className="indicator" style={{ flexWrap: 'wrap' }}>
              {runs.data.items.map((r) => (
                <Link key={r.id} className="badge plain" to={`/runs/${r.id}`}>{r.name || r.strategy} · {r.symbols.join(',')}</Link>
              ))}
            </div>
          ) : <span className="dim">none</span>}
          <h3>Positions</h3>
          <DataTable testId={`positions-${account.kind}`} rows={account.positions} columns={POSITIONS}
            rowKey={(p) => p.symbol} empty={<EmptyState title="Flat: no positions" />} />
          <h3>Open orders</h3>
          <DataTable testId={`orders-${account.kind}`} rows={account.open_orders} columns={ORDERS}
            rowKey={(o) => o.id ?? o.client_order_id ?? `${o.symbol}-${o.submitted_at}`}
            empty={<EmptyState title="No open orders" />} />
        </div>
      )}
    </Panel>
  );
}
