"""The drift report's notes on what the run's broker account did that its backtest never meets: other runs
trading its symbols on the same account, buying power below its cash, and fees taken in the coin.

Trial 24: a run whose six orders were all refused ("insufficient qty available": the other run's short) had a
report with no note, and a crypto run's every sale was smaller than the backtest's with no word why."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.events.envelope import Event
from app.events.reader import read_events
from app.greta.specs import FeeSpec
from app.services.drift_notes import quantity_text
from app.walle.models import Fill, Order, Run

ZERO = Decimal(0)
BPS = Decimal("0.1")  # a fee rate is told to a tenth of a basis point


def account_notes(session: Session, run_id: str, *, fees: FeeSpec, backtest_fees: Decimal) -> list[str]:
    """The notes; `fees` is the backtest side's fee model and `backtest_fees` what it charged (the coin fees
    note compares the broker's fees with them)."""
    events = read_events(session, 0, run_id=run_id, limit=10_000,
                         types=["run.account_shared", "run.buying_power_short"])
    notes = []
    shared = shared_note(session, run_id, [e.payload for e in events if e.type == "run.account_shared"])
    if shared:
        notes.append(shared)
    short = buying_power_note(session, run_id, [e for e in events if e.type == "run.buying_power_short"])
    if short:
        notes.append(short)
    coins = coin_note(session, run_id, fees, backtest_fees)
    if coins:
        notes.append(coins)
    return notes


def buying_power_note(session: Session, run_id: str, warnings: list[Event]) -> str | None:
    """Why orders of the run were refused for buying power, when any were, with the last warning the run was given
    (run.buying_power_short). None when none was refused (trial 42: every report told of a warning, naming a run
    that had stopped 3 s after it started, on runs the broker never refused an order for buying power)."""
    refused = session.scalar(select(func.count()).select_from(Order).where(
        Order.run_id == run_id, Order.status == "rejected", Order.reject_reason.ilike("%buying power%"))) or 0
    if not refused:
        return None
    what = f"{refused} of the run's orders {'was' if refused == 1 else 'were'} rejected for insufficient buying power"
    told = [w for w in warnings if w.payload.get("detail")]  # a `fits` lifted a notice: it tells no shortfall
    if not told:
        return f"Buying power: {what}, where its backtest spent its own cash."
    detail = str(told[-1].payload["detail"])
    when = "while it ran" if detail.startswith("run ") else "at its start"  # (another run's start told it)
    lifted = warnings[-1].payload.get("fits")  # (trial 43: a lifted notice left "at its start, ( … )" blank)
    later = f"; later, {lifted}" if lifted else ""
    return (f"Buying power: {what}; {when}, {detail}{later} (run.buying_power_short). Its backtest spent its own "
            "cash.")


def shared_note(session: Session, run_id: str, payloads: list[dict[str, Any]]) -> str | None:
    """What the other runs on the account did with the symbols they shared while this run ran: traded them
    (a fill), or only placed orders that worked at the broker and never filled. Trial 35: "other runs traded
    AAPL" of a run whose one order was rejected; a refused order never reached the account, so it is left out."""
    others = sorted({o for p in payloads for o in p.get("others") or []})
    symbols = sorted({s for p in payloads if p.get("others") for s in p.get("symbols") or []})
    if not others or not symbols:
        return None
    run = session.get(Run, run_id)
    start, end = (run.started_at, run.finished_at) if run is not None else (None, None)
    fills = select(Fill.symbol).where(Fill.run_id.in_(others), Fill.symbol.in_(symbols))
    orders = select(Order.symbol).where(Order.run_id.in_(others), Order.symbol.in_(symbols),
                                        Order.status != "rejected")
    if start is not None:
        fills, orders = fills.where(Fill.ts >= start), orders.where(Order.updated_at >= start)
    if end is not None:
        fills, orders = fills.where(Fill.ts <= end), orders.where(Order.submitted_at <= end)
    traded = sorted(set(session.scalars(fills.distinct())))
    placed = sorted(set(session.scalars(orders.distinct())) - set(traded))
    if not traded and not placed:
        return None
    did = [f"traded {', '.join(traded)}"] if traded else []
    did += [f"placed orders on {', '.join(placed)} (none filled)"] if placed else []
    if traded:
        why = ("The broker keeps one position per symbol per account, so an order of this run could be refused "
               "against the other runs' positions or orders (\"insufficient qty available\", or an order that could "
               "trade against the account's own), where its backtest traded alone.")
    else:
        why = ("The broker refuses an order that could trade against the account's own open orders, so an order of "
               "this run could be refused against theirs, where its backtest traded alone.")
    return f"Shared account: other runs {' and '.join(did)} on this run's broker account while it ran " \
           f"(run.account_shared). {why}"


def coin_note(session: Session, run_id: str, fees: FeeSpec, backtest_fees: Decimal) -> str | None:
    """The broker takes a crypto buy's fee in the coin and a sale's in dollars; Greta charges dollars on both
    sides, or nothing: then the note says what the broker took on each side (trial 35: "whose fee model
    charges dollars on both sides" of a backtest with fee model none)."""
    coins: dict[str, Decimal] = defaultdict(Decimal)
    bought = sold = sale_fees = ZERO
    buys = sales = 0
    for symbol, side, qty, price, fee, fee_qty in session.execute(
            select(Fill.symbol, Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.fee_qty)
            .where(Fill.run_id == run_id, Fill.symbol.contains("/"))):
        if fee_qty:
            coins[symbol] += fee_qty
            bought, buys = bought + qty, buys + 1
        elif side == "sell" and fee:
            sold, sale_fees, sales = sold + qty * price, sale_fees + fee, sales + 1
    if not coins:
        return None
    taken = ", ".join(f"{quantity_text(qty)} {symbol.split('/')[0]}" for symbol, qty in sorted(coins.items()))
    count = f"{buys} crypto buy fill{'s' * (buys != 1)}"
    if fees.kind != "none" and backtest_fees:
        return (f"Coin fees: the broker took the fee of {count} in the coin ({taken} in all), so live held, and "
                "sold, that much less than the backtest, whose fee model charges dollars on both sides.")
    rate = f", {_bps(sum(coins.values(), ZERO), bought)} of the coins bought" if len(coins) == 1 else ""
    note = (f"Coin fees: the broker took the fee of {count} in the coin ({taken} in all{rate}), so live held, and "
            f"sold, that much less than the backtest, which charged no fees (fee model {fees.to_text()})")
    if sales:
        note += (f"; it took the fee of {sales} crypto sale fill{'s' * (sales != 1)} in dollars "
                 f"(${sale_fees:,.2f} in all, {_bps(sale_fees, sold)} of their value)")
    return note + "."


def _bps(part: Decimal, whole: Decimal) -> str:
    return f"{quantity_text((part / whole * 10_000).quantize(BPS))} bps" if whole else "0 bps"

