"""One read of the account's open orders for a bar's polls, instead of one request per open order.

Before deciding, a tick brings each run's open orders up to date (the trade_updates stream may have
missed something). Asking the broker order by order costs a request per resting order per run per
bar, which alone takes a busy account past Alpaca's 200 requests a minute; one list of the account's
open orders answers all of them. An order the list does not hold (filled or cancelled since, or a
bracket leg whose parent has closed) is still asked for by its client_order_id, so every answer is
the broker's current word, as before.
"""

from __future__ import annotations

import logging

from app.veda.alpaca import BrokerError
from app.veda.ports import Broker, BrokerOrder

log = logging.getLogger(__name__)
LIST_FROM = 2  # one order is asked for alone: a list would cost the same request


def open_snapshots(broker: Broker, wanted: int) -> dict[str, BrokerOrder] | None:
    """The account's open orders (bracket legs too) by client_order_id, when `wanted` open orders
    are to be polled and a list is cheaper; None when each is to be asked for alone."""
    if wanted < LIST_FROM:
        return None
    try:
        listed = broker.open_orders()
    except BrokerError as exc:  # each order is asked for alone, as without the list
        log.warning("could not list open orders (%s); polling them one by one", exc.message)
        return None
    found: dict[str, BrokerOrder] = {}
    pending = list(listed)
    while pending:
        order = pending.pop()
        found[order.client_order_id] = order
        pending.extend(order.legs)
    return found
