"""An order with attached exits goes to Alpaca as Alpaca names it: both exits a bracket, one exit an OTO
(trial 39: a stop-loss alone was backtested, and live alpaca-py refused it as a bracket missing its
take-profit). What Alpaca refuses - a stop entry with both exits - is refused
where the strategy places it, with the same words in a backtest and live."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alpaca.trading.enums import OrderClass

from app.exchange.order_input import parse_order
from app.marvin import OrderError, Strategy
from app.marvin.orders import build_request
from app.veda.requests import to_alpaca
from tests.unit.marvin.fakes import RecordingGateway
from tests.unit.marvin.test_runner import frame, run_batch


def _request(**exits: float):
    return build_request(1, 0, "buy", "AAPL", 10, None, None, None, None, "gtc", exits.get("take_profit"),
                         exits.get("stop_loss"))


@pytest.mark.parametrize(("exits", "order_class"), [
    ({"stop_loss": 95.0}, "oto"), ({"take_profit": 110.0}, "oto"),
    ({"take_profit": 110.0, "stop_loss": 95.0}, "bracket"), ({}, "simple"),
])
def test_one_exit_is_sent_as_an_oto_and_two_as_a_bracket(exits, order_class):
    request = _request(**exits)
    sent = to_alpaca(request, Decimal(10), "cid-1")  # alpaca-py's own validation passes
    assert request.order_class == order_class
    assert (sent.order_class or OrderClass.SIMPLE) == OrderClass(order_class)
    # The local exchange (Alpaca's stand-in) takes the body alpaca-py sends
    body = sent.to_request_fields()
    plain = {k: (v.value if hasattr(v, "value") else v) for k, v in body.items()}
    parsed = parse_order(plain, known_symbol=True, fractionable=True)
    assert parsed.order_class == order_class
    assert (parsed.take_profit, parsed.stop_loss) == (
        Decimal(str(exits["take_profit"])) if "take_profit" in exits else None,
        Decimal(str(exits["stop_loss"])) if "stop_loss" in exits else None)


def test_a_stop_entry_with_both_exits_is_refused_where_it_is_placed_and_with_one_exit_it_is_not():
    class StopBracket(Strategy):
        def next(self):
            self.buy(size=1, stop=105, take_profit=120, stop_loss=95)

    with pytest.raises(OrderError, match=r"a bracket \(take_profit and stop_loss\) enters with a market or limit "
                                         r"order, not a stop order \(Alpaca's rule\): attach one exit only"):
        run_batch(StopBracket, frame([100, 101]))

    class StopWithStopLoss(Strategy):
        def next(self):
            if not self.position:
                self.buy(size=1, stop=105, stop_loss=95)

    gateway = RecordingGateway()
    run_batch(StopWithStopLoss, frame([100, 101]), gateway)
    (placed, *_) = gateway.submitted()
    assert (placed.type, placed.order_class) == ("stop", "oto")


def test_a_backtests_records_name_the_class_as_alpaca_does():
    from app.greta import BacktestConfig, run_backtest

    class StopLossOnly(Strategy):
        name = "stop_loss_only"

        def next(self):
            if not self.position and not self.open_orders():
                self.buy(size=1, stop_loss=40)

    result = run_backtest(BacktestConfig("stop_loss_only", cash=Decimal(1000)), [frame([100, 100, 100, 100])],
                          strategy=StopLossOnly)
    classes = {(o.parent_id is None, o.order_class) for o in result.orders}
    assert classes == {(True, "oto"), (False, "oto")}, result.orders
