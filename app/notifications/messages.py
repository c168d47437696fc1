"""Which events the owner hears of, and in what words. Payloads are thin: details (an order's
side, quantity and price, a run's name) are read from the database as the event is told.

Told: an order filled or rejected, or canceled or expired after filling part of it (trial 33: a buy
that filled 85 of 105 and was canceled went untold, and the next message sold 85 shares never bought), a
run in error, the kill switch with the positions it left open, the broker unreachable (a live tick skipped
for it; once per outage, and its return), a worker queue with no worker left (and its return), each
paper/live run's daily summary. Everything else is not told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.events.envelope import Event
from app.walle.models import LiveTick, Order, Position, Run

BROKER_DOWN = "skipped: broker unavailable"
TOLD = ("order.filled", "order.rejected", "order.canceled", "order.expired", "run.error", "kill.activated", "live.tick",
        "worker.down", "worker.up", "run.daily_summary", "reconcile.repaired")
PRICE_PLACES = Decimal("0.0001")  # an average fill price as a message shows it (the record keeps every digit)


@dataclass(frozen=True)
class Notification:
    title: str
    body: str
    level: str = "info"  # info | success | warning | failure


class Describer:
    """Turns events into notifications; remembers, per run, whether its broker was last unreachable."""

    def __init__(self) -> None:
        self._broker_down: dict[str, bool] = {}

    def describe(self, event: Event, session: Session) -> Notification | None:
        kind, payload = event.type, event.payload
        if kind == "order.filled" or kind == "order.rejected":
            return _order(session, payload, filled=kind == "order.filled")
        if kind in ("order.canceled", "order.expired"):
            return _ended_in_part(session, payload, kind.split(".")[1])
        if kind == "run.error" and payload.get("mode") in ("paper", "live"):
            run = session.get(Run, payload["run_id"])
            return Notification(f"Weaver: {_label(run, payload)} is in error",
                                str(payload.get("error") or "no detail recorded"), "failure")
        if kind == "kill.activated":
            return Notification("Weaver: kill switch activated",
                                f"{payload['runs']} run(s) stopped, {payload['orders']} open order(s) cancelled."
                                + _left_open(session, payload.get("run_ids") or []), "warning")
        if kind == "live.tick":
            return self._broker(session, event)
        if kind in ("worker.down", "worker.up"):
            down = kind == "worker.down"
            queue = payload["queue"]
            return Notification(f"Weaver: {'no worker left on' if down else 'a worker is back on'} the {queue} queue",
                                ("Nothing is processing its messages: live ticks and orders wait until a worker "
                                 "is back." if down else f"{payload['workers']} worker(s) serving it again."),
                                "failure" if down else "success")
        if kind == "reconcile.repaired" and payload.get("action") == "marked_unknown" and payload.get("run_id"):
            run = session.get(Run, payload["run_id"])  # an order lost at a restart: what the run holds is not what
            return Notification(f"Weaver: {_label(run, payload)} lost an order at a restart",  # it decided
                                str(payload.get("detail") or ""), "warning")
        if kind == "run.daily_summary":
            run = session.get(Run, payload["run_id"])
            pl = Decimal(payload["day_pl"])
            return Notification(f"Weaver: {payload['date']} summary of {_label(run, payload)}",
                                f"Equity {_money(Decimal(payload['equity']))}, day P&L {'+' if pl >= 0 else ''}"
                                f"{_money(pl)}, {payload['trades']} fill(s) today.", "info")
        return None

    def _broker(self, session: Session, event: Event) -> Notification | None:
        run_id = str(event.payload["run_id"])
        down = str(event.payload["status"]).startswith(BROKER_DOWN)
        was = self._broker_down.get(run_id)
        if was is None:
            was = _was_down_before(session, run_id, event.payload["bar_ts"])
        self._broker_down[run_id] = down
        if down == was:
            return None
        run = session.get(Run, run_id)
        if down:
            return Notification(f"Weaver: the broker is unreachable for {_label(run, {})}",
                                f"The tick of the bar {event.payload['bar_ts']} was skipped: "
                                f"{event.payload['status']}. Weaver keeps trying at every bar.", "failure")
        return Notification(f"Weaver: the broker is reachable again for {_label(run, {})}",
                            f"The bar {event.payload['bar_ts']} ticked normally.", "success")


def _order(session: Session, payload: dict[str, object], *, filled: bool) -> Notification | None:
    order = session.get(Order, str(payload["order_id"]))
    run = session.get(Run, str(payload["run_id"]))
    if run is not None and run.mode == "backtest":
        return None
    what = f"{payload['symbol']}"
    if order is not None:
        qty = order.filled_qty if filled and order.filled_qty else order.qty
        what = f"{order.side.upper()} {_number(qty) if qty is not None else order.notional} {order.symbol}"
    if filled:
        price = f" @ {_price(order.filled_avg_price)}" if order is not None and order.filled_avg_price else ""
        return Notification(f"Weaver: filled {what}{price}", f"{_label(run, payload)}: order filled.", "success")
    reason = payload.get("reason") or (order.reject_reason if order is not None else None) or "no reason given"
    return Notification(f"Weaver: order rejected, {what}", f"{_label(run, payload)}: {reason}", "warning")


def _ended_in_part(session: Session, payload: dict[str, object], status: str) -> Notification | None:
    """A paper or live order that ended (canceled, expired) after filling part of it; None for one that
    filled nothing (nothing changed hands) and for backtests."""
    order = session.get(Order, str(payload["order_id"]))
    run = session.get(Run, str(payload["run_id"]))
    if order is None or run is None or run.mode == "backtest" or not order.filled_qty:
        return None
    asked = f" of {_number(order.qty)}" if order.qty is not None else ""
    price = f" @ {_price(order.filled_avg_price)}" if order.filled_avg_price else ""
    filled = f"{_number(order.filled_qty)}{asked}"
    return Notification(f"Weaver: {order.side.upper()} {filled} {order.symbol} filled{price}, the rest {status}",
                        f"{_label(run, payload)}: the order {status} after filling {filled}.", "warning")


def _left_open(session: Session, run_ids: object) -> str:
    """What the stopped runs still hold (the kill switch closes nothing), as a sentence; "" when flat."""
    held = session.execute(select(Position.symbol, Position.qty).where(Position.run_id.in_(list(run_ids)),  # type: ignore
                                                                        Position.qty != 0)
                           .order_by(Position.symbol)).all() if run_ids else []
    if not held:
        return " No position is open." if run_ids else ""
    totals: dict[str, Decimal] = {}
    for symbol, qty in held:
        totals[symbol] = totals.get(symbol, Decimal(0)) + qty
    listed = ", ".join(f"{_number(qty)} {symbol}" for symbol, qty in totals.items() if qty)
    return f" Positions left open (the kill switch closes none): {listed}." if listed else " No position is open."


def _was_down_before(session: Session, run_id: str, bar_ts: object) -> bool:
    before = datetime.fromisoformat(str(bar_ts))
    detail = session.scalar(select(LiveTick.detail).where(LiveTick.run_id == run_id, LiveTick.bar_ts < before)
                            .order_by(LiveTick.bar_ts.desc()).limit(1))
    return bool(detail and detail.startswith(BROKER_DOWN))


def _label(run: Run | None, payload: dict[str, object]) -> str:
    if run is None:
        return f"run {str(payload.get('run_id', '?'))[:8]}"
    return f"{run.mode} run {run.name or run.strategy} ({run.id[:8]})"


def _number(value: Decimal | None) -> str:
    return "?" if value is None else f"{value.normalize():f}"


def _price(value: Decimal) -> str:
    """A fill's average price to at most 4 places ("189.8845", not "189.884470588235")."""
    return _number(value.quantize(PRICE_PLACES) if value.as_tuple().exponent < -4 else value)  # type: ignore


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"
