"""A paper run whose every market order the local exchange fills in two parts: its page shows one trade per
round trip (an order's parts are one leg, as a backtest's order fills whole), at the orders' average fill
prices, and its stored trade figures (trades, win rate) and its analysis count the same trades."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import requests

from app.exchange import ExchangeServer
from tests.integration.live.test_paper_run import PARAMS, LiveStack, live_stack, two_round_trips_then_stopped  # noqa: F401 (a fixture)


def settled(qty: str, price: str) -> Decimal:
    """What one part moved in cash: qty × price to the cent, half up, as the broker settles it."""
    return (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _items(body: dict | list) -> list[dict]:
    return body["items"] if isinstance(body, dict) else body


def test_an_order_filled_in_parts_is_one_leg_on_the_runs_page(exchange: ExchangeServer,
                                                             live_stack: LiveStack) -> None:  # noqa: F811
    set_to = requests.post(f"{exchange.url}/_exchange/execution", json={"partial_fill": 0.5},
                           headers={"X-Exchange-Admin-Token": exchange.admin_token}, timeout=5)
    assert set_to.status_code == 200
    client = live_stack.client
    run_id = two_round_trips_then_stopped(client)

    fills = sorted(_items(client.get(f"/api/v1/runs/{run_id}/fills?per_page=1000").get_json()),
                   key=lambda f: f["ts"])
    parts: dict[str, list[dict]] = defaultdict(list)
    for fill in fills:
        parts[fill["order_id"]].append(fill)
    legs = list(parts.values())  # by each order's first part
    assert len(legs[0]) == 2 and len(legs[1]) == 2, "the exchange filled the first orders in two parts"
    # The strategy is long-only and sells its whole holding: each sell order closes the buy order before it.
    expected = []
    for entry, exit_ in zip(legs[0::2], legs[1::2], strict=False):
        assert entry[0]["side"] == "buy" and exit_[0]["side"] == "sell"
        qty = sum(Decimal(f["qty"]) for f in entry)
        value = {k: sum(Decimal(f["qty"]) * Decimal(f["price"]) for f in leg)
                 for k, leg in (("in", entry), ("out", exit_))}
        fees = sum(Decimal(f["fee"]) for f in entry + exit_)
        cash = {k: sum(settled(f["qty"], f["price"]) for f in leg) for k, leg in (("in", entry), ("out", exit_))}
        assert sum(Decimal(f["qty"]) for f in exit_) == qty
        expected.append((qty, (value["in"] / qty).quantize(Decimal("1e-12")),
                         (value["out"] / qty).quantize(Decimal("1e-12")),
                         cash["out"] - cash["in"] - fees, exit_[-1]["ts"][:23]))

    trades = _items(client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json())
    assert [(Decimal(t["qty"]), Decimal(t["entry_price"]), Decimal(t["exit_price"]), Decimal(t["pnl"]),
             t["exit_ts"][:23]) for t in trades] == expected

    metrics = client.get(f"/api/v1/runs/{run_id}").get_json()["metrics"]
    wins = sum(1 for t in trades if Decimal(t["pnl"]) > 0)
    assert metrics["trades"] == len(trades) == len(expected) >= 2
    assert metrics["win_rate_pct"] == wins / len(trades) * 100
    analysis = client.get(f"/api/v1/runs/{run_id}/analysis").get_json()
    assert analysis["trades"]["count"] == len(trades) and analysis["trades"]["wins"] == wins
    assert analysis["monthly"], "the analysis reads the run's equity curve"
