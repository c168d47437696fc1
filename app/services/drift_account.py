"""The drift report's notes on what the run's broker account did that its backtest never meets: other runs
trading its symbols on the same account, buying power below its cash, and fees taken in the coin.

Trial 24: a run whose six orders were all refused ("insufficient qty available": the other run's short) had a
report with no note, and a crypto run's every sale was smaller than the backtest's with no word why."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.events.reader import read_events
from app.services.drift_notes import quantity_text
from app.walle.models import Fill


def account_notes(session: Session, run_id: str) -> list[str]:
    events = read_events(session, 0, run_id=run_id, limit=10_000,
                         types=["run.account_shared", "run.buying_power_short"])
    notes = []
    shared = sorted({symbol for e in events if e.type == "run.account_shared" and e.payload.get("others")
                     for symbol in e.payload.get("symbols", [])})
    if shared:
        notes.append(
            f"Shared account: other runs traded {', '.join(shared)} on this run's broker account while it ran "
            "(run.account_shared). The broker keeps one position per symbol per account, so an order of this run "
            "could be refused against the other runs' positions or orders (\"insufficient qty available\", or an "
            "order that could trade against the account's own), where its backtest traded alone.")
    short = [e for e in events if e.type == "run.buying_power_short"]
    if short:
        notes.append(f"Buying power: at its start, {short[-1].payload.get('detail', '')} (run.buying_power_short); "
                     "its backtest spent its own cash.")
    coins: dict[str, Decimal] = defaultdict(Decimal)
    buys = 0
    for symbol, fee_qty in session.execute(select(Fill.symbol, Fill.fee_qty).where(
            Fill.run_id == run_id, Fill.fee_qty != 0)):
        coins[symbol] += fee_qty
        buys += 1
    if coins:
        taken = ", ".join(f"{quantity_text(qty)} {symbol.split('/')[0]}" for symbol, qty in sorted(coins.items()))
        notes.append(
            f"Coin fees: the broker took the fee of {buys} crypto buy fill{'s' * (buys != 1)} in the coin ({taken} "
            "in all), so live held, and sold, that much less than the backtest, whose fee model charges dollars "
            "on both sides.")
    return notes
