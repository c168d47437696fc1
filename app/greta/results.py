"""Assemble a BacktestResult from the broker's state once the loop has finished."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from app.greta.annualise import Annualisation
from app.greta.book import Position
from app.greta.broker import SimBroker
from app.greta.equity import benchmark_e4, equity_curve
from app.greta.ledger import RunLedger
from app.greta.metrics import compute_metrics
from app.greta.money import E4, mark_e4, price_units, round_half_even, to_cash, to_price
from app.greta.records import BacktestResult, EquityCurve, PositionRecord


def avg_price(position: Position) -> Decimal:
    """Average cost of what is held, as a broker reports it: adds average in, exits leave it unchanged."""
    return to_price(round_half_even(position.basis, abs(position.qty))) if position.qty else Decimal(0)


def build_result(config: dict[str, Any], broker: SimBroker, year: Annualisation, first: int = 0,
                 warnings: tuple[str, ...] = ()) -> BacktestResult:
    """`first`: the bars before it were a warm-up (no trading); the curve and metrics begin at it."""
    market, book, units = broker.market, broker.book, broker.units
    symbols = market.symbols
    ledger = RunLedger(str(config.get("run_id") or "backtest"), market.timeline, symbols, units, broker.orders,
                       broker.fills, book.trades)
    cash = Decimal(config["cash"])
    curve, exposed = equity_curve(market, broker.fills, book.cash_after, int(cash.scaleb(2)), units.scale)
    if first:
        curve = EquityCurve(curve.ts[first:], curve.equity_e4[first:], curve.cash_e4[first:],
                            benchmark_e4(market, int(cash.scaleb(2)), first))
        exposed = exposed[first:]
    last = len(market.timeline) - 1
    positions = []
    for k, position in sorted(book.held.items()):
        close = market.frames[k].close.item(market.last_row(k, last))
        value = Decimal(mark_e4(position.qty, close, units.scale)).scaleb(-4).quantize(E4)
        qty, cost = units.decimal(position.qty), to_cash(position.cost)
        positions.append(PositionRecord(symbols[k], qty, avg_price(position), to_price(price_units(close)), value,
                                        cost, value - cost, to_cash(position.realized)))
    pnl = np.array([row[7] for row in book.trades], dtype=np.float64)
    entry = np.array([row[9] for row in book.trades], dtype=np.float64)
    pct = np.divide(pnl * 100.0, entry, out=np.zeros_like(pnl), where=entry != 0)
    metrics = compute_metrics(curve, pnl / 100.0, pct, float(cash), year.bars_per_year, exposed)
    metrics["bars_per_year"] = year.bars_per_year
    metrics["orders_rejected"] = sum(1 for order in broker.orders if order.status == "rejected")
    config = {**config, "annualisation": year.basis}
    metrics["fees_total"] = book.fees / 100
    return BacktestResult(
        config=config, symbols=symbols, timeframe=market.timeframe, start=ledger.at(first), end=ledger.at(last),
        bars=len(market) - first, positions=tuple(positions), equity=curve, metrics=metrics,
        final_cash=to_cash(book.cash),
        final_equity=Decimal(int(curve.equity_e4[-1])).scaleb(-4), ledger=ledger, warnings=warnings,
    )
