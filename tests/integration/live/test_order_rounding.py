"""One rounding rule for order prices, in Greta and in Veda's request builder (issue 12, item 2).

For each order type and side of a us_equity order, at prices above and below $1, an off-increment
price is put on Alpaca's step in the direction never worse for the user (buy limits and stops down,
sell limits and stops up; a bracket's exits with the exit side), identically by Greta's simulated
broker (the order it records) and by Veda (the alpaca-py request it sends and the Order row it
records). A price that rounds to 0 and a quantity off the share step are refused by both, with the
same reason, and never sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.clock.system import SystemClock
from app.greta.engine import Backtest, BacktestConfig
from app.marvin.bars import BarFrame
from app.marvin.gateway import OrderRequest
from app.marvin.instruments import Instrument
from app.marvin.strategy import Strategy
from app.services.runs import transition
from app.veda.gateway import LiveGateway
from app.veda.ports import BrokerOrder
from app.walle.models import Order
from tests.integration.foundation.factories import make_run

D = Decimal
SYMBOL = "XYZ"
BAR = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)

# (case, request fields, expected prices on the order, expected exit prices (take_profit, stop_loss))
CASES: list[tuple[str, dict[str, Any], dict[str, Decimal], dict[str, Decimal]]] = [
    ("buy limit", {"side": "buy", "type": "limit", "limit_price": D("12.345")}, {"limit_price": D("12.34")}, {}),
    ("sell limit", {"side": "sell", "type": "limit", "limit_price": D("12.341")}, {"limit_price": D("12.35")}, {}),
    ("buy stop", {"side": "buy", "type": "stop", "stop_price": D("12.349")}, {"stop_price": D("12.34")}, {}),
    ("sell stop", {"side": "sell", "type": "stop", "stop_price": D("12.341")}, {"stop_price": D("12.35")}, {}),
    ("buy stop_limit", {"side": "buy", "type": "stop_limit", "limit_price": D("12.359"), "stop_price": D("12.341")},
     {"limit_price": D("12.35"), "stop_price": D("12.34")}, {}),
    ("sell stop_limit", {"side": "sell", "type": "stop_limit", "limit_price": D("12.341"), "stop_price": D("12.359")},
     {"limit_price": D("12.35"), "stop_price": D("12.36")}, {}),
    ("buy limit sub-dollar", {"side": "buy", "type": "limit", "limit_price": D("0.123456")},
     {"limit_price": D("0.1234")}, {}),
    ("sell limit sub-dollar", {"side": "sell", "type": "limit", "limit_price": D("0.123401")},
     {"limit_price": D("0.1235")}, {}),
    ("buy stop sub-dollar", {"side": "buy", "type": "stop", "stop_price": D("0.567899")},
     {"stop_price": D("0.5678")}, {}),
    ("sell stop sub-dollar", {"side": "sell", "type": "stop", "stop_price": D("0.567801")},
     {"stop_price": D("0.5679")}, {}),
    ("sell limit up across $1", {"side": "sell", "type": "limit", "limit_price": D("0.99995")},
     {"limit_price": D("1.00")}, {}),
    ("buy bracket (exits sell)", {"side": "buy", "type": "market", "take_profit": D("13.451"),
                                  "stop_loss": D("11.119")}, {}, {"take_profit": D("13.46"), "stop_loss": D("11.12")}),
    ("sell bracket (exits buy)", {"side": "sell", "type": "market", "take_profit": D("11.119"),
                                  "stop_loss": D("13.451")}, {}, {"take_profit": D("11.11"), "stop_loss": D("13.45")}),
    ("buy limit bracket sub-dollar", {"side": "buy", "type": "limit", "limit_price": D("0.500049"),
                                      "take_profit": D("0.600001"), "stop_loss": D("0.400099")},
     {"limit_price": D("0.5000")}, {"take_profit": D("0.6001"), "stop_loss": D("0.4001")}),
    ("already on the step", {"side": "buy", "type": "limit", "limit_price": D("12.34")},
     {"limit_price": D("12.34")}, {}),
]
REFUSED = [
    ("a buy limit that rounds to 0", {"side": "buy", "type": "limit", "limit_price": D("0.00004"), "qty": D(10)},
     "price rounds to 0: limit on the price increment of XYZ"),
    ("half a share in a whole-share run", {"side": "buy", "type": "market", "qty": D("0.5")},
     "fractional shares are disabled for this run (qty 0.5)"),
    ("a share and a half", {"side": "buy", "type": "limit", "limit_price": D("12.345"), "qty": D("1.5")},
     "fractional shares are disabled for this run (qty 1.5)"),
]


class Idle(Strategy):
    def next(self) -> None:
        pass


def _request(seq: int, fields: dict[str, Any]) -> OrderRequest:
    values = {"qty": D(10), **fields}
    return OrderRequest(seq, SYMBOL, bar_ts=int(BAR.timestamp()) * 1_000_000_000, **values)


def _greta() -> Backtest:
    ts = [int((BAR + timedelta(minutes=i)).timestamp()) * 1_000_000_000 for i in range(3)]
    frame = BarFrame(SYMBOL, "1Min", ts, [12.0] * 3, [12.5] * 3, [11.5] * 3, [12.0] * 3, [1000.0] * 3)
    return Backtest(BacktestConfig(strategy="idle", asset_class="us_equity", allow_short=True), [frame], strategy=Idle)


def _greta_prices(backtest: Backtest, order_id: str) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    broker = backtest.broker
    order = broker.order(order_id)
    own = {name: getattr(order, name) for name in ("limit_price", "stop_price") if getattr(order, name) is not None}
    legs = [o for o in broker.orders if o.parent is not None and o.parent.id == order_id]
    exits = {("take_profit" if leg.leg == "tp" else "stop_loss"): (leg.limit_price if leg.leg == "tp"
                                                                    else leg.stop_price) for leg in legs}
    return own, exits


class FakeBroker:
    """The adapter as the gateway uses it: the asset list says us_equity; orders are kept, not sent."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def instrument(self, symbol: str) -> Instrument:
        return Instrument(symbol, "us_equity")

    def submit_order(self, order: Any) -> BrokerOrder:
        self.sent.append(order)
        return BrokerOrder(f"b-{len(self.sent)}", order.client_order_id, order.symbol, str(order.side.value), "new")


def _gateway(pg: Container) -> tuple[LiveGateway, FakeBroker]:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=[SYMBOL], timeframe="1Min", cash=D("100000"),
                                    options={"allow_short": True}))  # the sells open shorts
        transition(uow, run, "running")
        uow.commit()
        run_id = run.id
    broker = FakeBroker()
    gateway = LiveGateway(pg.uow, broker, run_id, SystemClock())  # type: ignore[arg-type]
    gateway.begin_tick(BAR, {SYMBOL: D("12.00")}, BAR.replace(hour=5), D("100000"))
    return gateway, broker


def _sent_prices(order: Any) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    own = {name: D(repr(getattr(order, name))) for name in ("limit_price", "stop_price")
           if getattr(order, name, None) is not None}
    exits = {}
    if order.take_profit is not None:
        exits["take_profit"] = D(repr(order.take_profit.limit_price))
    if order.stop_loss is not None:
        exits["stop_loss"] = D(repr(order.stop_loss.stop_price))
    return own, exits


def test_every_order_type_and_side_rounds_the_same_in_greta_and_veda(pg: Container) -> None:
    for seq, (case, fields, own, exits) in enumerate(CASES, start=1):
        # A run each: on one account the cases' sells would meet the shares earlier ones promised.
        backtest = _greta()
        gateway, broker = _gateway(pg)
        request = _request(seq, fields)
        greta_own, greta_exits = _greta_prices(backtest, backtest.broker.submit(request))
        assert (greta_own, greta_exits) == (own, exits), f"Greta, {case}"
        assert backtest.broker.order(backtest.broker.orders[-1 - len(exits)].id).status == "new", case

        order_id = gateway.submit(request)
        sent_own, sent_exits = _sent_prices(broker.sent[-1])
        assert (sent_own, sent_exits) == (own, exits), f"Veda's alpaca-py request, {case}"
        with pg.read_session() as session:
            row = session.get(Order, order_id)
            recorded = {name: getattr(row, name) for name in ("limit_price", "stop_price")
                        if getattr(row, name) is not None}
        assert recorded == own, f"Veda's Order row, {case}"
        assert row.status == "accepted" and row.reject_reason is None, case


@pytest.mark.parametrize(("case", "fields", "reason"), REFUSED, ids=[c[0] for c in REFUSED])
def test_an_order_the_instrument_cannot_carry_is_refused_alike_and_never_sent(
    pg: Container, case: str, fields: dict[str, Any], reason: str
) -> None:
    backtest = _greta()
    gateway, broker = _gateway(pg)
    request = _request(1, fields)
    greta = backtest.broker.order(backtest.broker.submit(request))
    assert (greta.status, greta.reject_reason) == ("rejected", reason)

    order_id = gateway.submit(request)
    assert broker.sent == [], "a refused order must not reach the broker"
    live = gateway.order(order_id)
    assert (live.status, live.reject_reason) == ("rejected", reason)
    with pg.read_session() as session:
        assert session.scalar(select(Order.status).where(Order.id == order_id)) == "rejected"


def test_value_and_percent_orders_are_sized_on_the_quantity_step(pg: Container) -> None:
    gateway, broker = _gateway(pg)
    gateway.submit(OrderRequest(1, SYMBOL, "buy", notional=D("1000"), bar_ts=1))  # 1000 / 12 = 83.3 shares
    assert broker.sent[-1].qty == 83
    with pg.uow() as uow:  # what the broker's asset list said is kept for other runs and backtests
        stored = uow.instruments.get(SYMBOL)
        assert (stored.asset_class, stored.qty_increment, stored.source) == ("us_equity", None, "alpaca")
    gateway.instruments[SYMBOL] = Instrument(SYMBOL, "crypto", None, D("0.001"))
    gateway.submit(OrderRequest(2, SYMBOL, "buy", notional=D("1000"), bar_ts=1))
    assert D(repr(broker.sent[-1].qty)) == D("83.333")
