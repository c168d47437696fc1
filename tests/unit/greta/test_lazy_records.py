"""Records built lazily from the run's raw rows give the same JSON as records built the obvious way.

The reference below builds every order, fill and trade record with the dataclasses' own
constructors, one Decimal and one datetime per field, from the broker's state after the run (what
the records were before they were made lazy and cached). The JSON a user gets from `--json`
(`write_result_json`, streamed from the ledger in chunks) and `result_to_dict` must equal it once
parsed, on the cross-engine cases (tests/unit/greta/test_cross_engine*.py) and on fees, fractional
quantities, rejections and bracket legs.
"""

from __future__ import annotations

import io
from datetime import UTC
from decimal import Decimal
from typing import Any

import numpy as np
import orjson
import pytest

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.ledger import utc_datetimes
from app.greta.money import to_cash, to_price
from app.greta.records import FillRecord, OrderEvent, OrderRecord, TradeRecord
from app.greta.serialize import plain, result_to_dict, write_result_json
from app.marvin import Strategy
from app.marvin.bars import ns_to_datetime
from app.marvin.gateway import client_order_id
from app.marvin.indicators import crossover, sma

LEGS = {"tp": "take_profit", "sl": "stop_loss"}


class Entries(Strategy):
    """The cross-engine entries: on an up-cross while flat, enter with `kind`; on a down-cross cancel
    what waits and go flat (some entries are sized to more than the cash: rejected or resized)."""

    name = "entries"
    kind = "bracket"

    def init(self) -> None:
        self.signal = self.I(crossover, self.I(sma, self.data.close, 10), self.I(sma, self.data.close, 20))

    def next(self) -> None:
        signal, close = self.signal[-1], self.data.close[-1]
        if signal > 0 and not self.position and not self.open_orders():
            if self.kind == "bracket":
                self.buy(percent=99.99, stop_loss=round(close * 0.97, 2), take_profit=round(close * 1.05, 2))
            elif self.kind == "limit":
                self.buy(percent=99.99, limit=round(close * 0.99, 2), time_in_force="day")
            elif self.kind == "stop":
                self.buy(percent=99.99, stop=round(close * 1.01, 2))
            else:
                self.buy(size=800)  # more than the cash buys at times: rejected
        elif signal < 0:
            self.cancel_all()
            if self.position:
                self.close()


def reference_records(backtest: Backtest, run_id: str) -> dict[str, list[Any]]:
    """Every record built with the dataclass constructors from the broker's state."""
    broker, timeline = backtest.broker, backtest.market.timeline
    symbols, shares = backtest.market.symbols, broker.units.decimal

    def at(step: int):  # noqa: ANN202
        return ns_to_datetime(int(timeline[step]))

    orders = []
    for order in broker.orders:
        own = order.request
        request = own if own is not None else order.parent.request
        filled = order.filled_step is not None
        orders.append(OrderRecord(
            id=order.id, client_order_id=client_order_id(run_id, request, order.leg),
            seq=own.seq if own else None, parent_id=order.parent.id if order.parent else None,
            symbol=order.symbol, side=order.side, type=order.type, order_class=request.order_class,
            leg=LEGS.get(order.leg), time_in_force=order.time_in_force,
            qty=None if order.qty is None else shares(order.qty), notional=own.notional if own else None,
            percent=own.percent if own else None, limit_price=order.limit_price, stop_price=order.stop_price,
            take_profit=own.take_profit if own else None, stop_loss=own.stop_loss if own else None,
            status=order.status, filled_qty=shares(order.filled_qty),
            filled_avg_price=to_price(order.fill_price) if filled else None, reject_reason=order.reason,
            submitted_at=at(order.history[0][1]), filled_at=at(order.filled_step) if filled else None,
            history=tuple(OrderEvent(status, at(step)) for status, step in order.history)))
    fills = [FillRecord(f"f-{n:06d}", oid, symbols[k], side, shares(qty), to_price(price), to_cash(fee), at(step))
             for n, (oid, k, side, qty, price, fee, step) in enumerate(broker.fills, start=1)]
    trades = []
    for n, (k, direction, qty, entry, entry_price, exit_, exit_price, pnl, fees, value, entry_order,
            exit_order) in enumerate(broker.book.trades, start=1):
        pct = (Decimal(pnl * 100) / Decimal(value)).quantize(Decimal("0.000001")) if value else Decimal(0)
        trades.append(TradeRecord(f"t-{n:06d}", symbols[k], direction, shares(qty), at(entry), to_price(entry_price),
                                  at(exit_), to_price(exit_price), to_cash(pnl), pct, to_cash(fees), exit_ - entry,
                                  entry_order, exit_order))
    return {"orders": orders, "fills": fills, "trades": trades}


CASES = {  # the cross-engine cases, and the same strategies with fees, fractions and rejections
    "sma 10/20 long": (BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 99.99},
                                      cash=Decimal("100000")), 3, None),
    "sma 5/30 long": (BacktestConfig("sma_cross", {"fast": 5, "slow": 30, "percent": 99.99},
                                     cash=Decimal("100000")), 8, None),
    "sma 10/20 long and short": (BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 99.99,
                                                              "allow_short": True},
                                                cash=Decimal("100000"), allow_short=True), 21, None),
    "sma with fees, slippage, fractional shares": (
        BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 50}, cash=Decimal("100000"),
                       fees="per_share:0.005", slippage="5bp", fractional=True, run_id="run-7"), 5, None),
    **{f"{kind} entries": (BacktestConfig("entries", cash=Decimal("100000")), seed, kind)
       for kind, seed in (("bracket", 2), ("limit", 11), ("stop", 2), ("sized", 11))},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lazy_records_give_the_same_json_as_records_built_one_by_one(case):
    config, seed, kind = CASES[case]
    bars = synthetic_bars("AAA", 2500, seed=seed, volatility=0.35)
    strategy = type("Entries", (Entries,), {"kind": kind}) if kind else None
    backtest = Backtest(config, bars, strategy=strategy)
    result = backtest.run()
    # The ledger's records first: the reference reads each order's `history`, which makes the list
    # most orders keep only as their two steps (SimOrder.changes); the ledger must not need it.
    out = io.BytesIO()
    write_result_json(result, out)  # streamed from the ledger, never holding every record
    written = orjson.loads(out.getvalue())
    records = {kind: plain(getattr(result, kind)) for kind in ("orders", "fills", "trades")}  # what a caller reads
    expected = {kind: plain(records) for kind, records in reference_records(backtest, config.run_id).items()}
    assert len(expected["trades"]) > 10 and len(expected["orders"]) > len(expected["fills"]) // 2
    for kind in ("orders", "fills", "trades"):
        assert written[kind] == expected[kind], kind
        assert records[kind] == expected[kind], kind
    assert result_to_dict(result) == written


def test_bar_datetimes_made_in_one_pass_equal_those_made_one_by_one():
    ns = np.array([0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, 86_400_000_000_000 - 1,
                   951_782_400_000_000_000,  # 2000-02-29, a leap day
                   1_700_000_000_123_456_789, -2_208_988_800_000_000_001, 9_223_372_036_854_775_807], dtype=np.int64)
    moments = utc_datetimes(ns)
    assert moments == [ns_to_datetime(int(value)) for value in ns.tolist()]
    assert all(moment.tzinfo is UTC for moment in moments)
    assert moments[10].isoformat() == "2000-02-29T00:00:00+00:00"
    assert moments[6].isoformat() == "1969-12-31T23:59:59.999999+00:00"  # floored, as ns_to_datetime floors
