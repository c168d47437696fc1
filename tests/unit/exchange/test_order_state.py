"""An exchange started with `--state FILE` keeps what the new order types add: trailing marks, auction
times and the links between a replaced order and its successor."""

from __future__ import annotations

from decimal import Decimal

from app.exchange.orders import Order


def test_an_order_keeps_its_trail_auction_and_replace_links_through_the_state_file() -> None:
    order = Order(id="new-id", client_order_id="c-1", account="paper", symbol="AAPL", side="sell",
                  type="trailing_stop", time_in_force="gtc", qty=Decimal(10), notional=None, limit_price=None,
                  stop_price=Decimal("101.81"), status="new", created_ms=1_000, trail_percent=Decimal(1),
                  hwm=Decimal("102.84"), replaces="old-id", auction_ms=None)
    replaced = Order(id="old-id", client_order_id="c-0", account="paper", symbol="AAPL", side="buy", type="limit",
                     time_in_force="opg", qty=Decimal(1), notional=None, limit_price=Decimal("99.5"), stop_price=None,
                     status="replaced", created_ms=500, auction_ms=2_000, replaced_ms=900, replaced_by="new-id")

    for original in (order, replaced):
        assert Order.from_state(original.to_state()) == original
    body = order.to_json()
    assert (body["trail_percent"], body["hwm"], body["replaces"], "trail_price" in body) == ("1", "102.84", "old-id",
                                                                                            False)
    assert (replaced.to_json()["replaced_by"], "hwm" in replaced.to_json()) == ("new-id", False)
