"""Reading one account's crypto fees from its activity feed, from where the last read stopped.

A read asks for the account's FILL and CFEE activities, oldest first, after the last entry booked
(app/veda/fee_booking.py pairs each CFEE with its FILL). It is made only when a run of the account
booked a crypto fill (or a fee is still waiting for its fill), at most once per tick, between the
tick's units of work. Where to start: the entry the last read settled, else the latest CFEE booked
for the account (a restarted worker), else FIRST_LOOK back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.veda.alpaca import BrokerError, BrokerRejected
from app.veda.fee_booking import FeeRead, book_fees
from app.veda.ports import Activity, Broker
from app.walle.models import CryptoFee
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
KINDS = "FILL,CFEE"
PAGE = 100
MAX_PAGES = 10  # a read's bound; what is left is read next time
FIRST_LOOK = timedelta(hours=1)  # how far back the first read of an account with no fee booked looks


class FeeFeed:
    def __init__(self, mode: str):
        self.mode = mode
        self.cursor: str | None = None  # the last entry settled; None: not known yet
        self.due = False  # a crypto fill was booked, or a fee waits for its fill: read on the next tick

    def start(self, uow: UnitOfWork) -> None:
        """Where a worker that has not read the feed yet starts: after the latest CFEE it booked."""
        if self.cursor is None:
            self.cursor = uow.session.scalar(select(func.max(CryptoFee.id)).where(CryptoFee.mode == self.mode))

    def read(self, broker: Broker, now: datetime) -> list[Activity] | None:
        """The entries after the cursor (None: the broker did not answer; the fees wait)."""
        found: list[Activity] = []
        token = self.cursor
        try:
            for _ in range(MAX_PAGES):
                try:
                    page = broker.activities(KINDS, page_token=token, after=None if token else now - FIRST_LOOK,
                                             page_size=PAGE)
                except BrokerRejected:
                    if token is None or token != self.cursor:
                        raise
                    log.warning("activities: the broker does not know %s; reading the last %s", token, FIRST_LOOK)
                    token = self.cursor = None
                    continue
                found.extend(page)
                if len(page) < PAGE:
                    break
                token = page[-1].id
        except BrokerError as exc:
            log.warning("activities: broker unreachable (%s); crypto fees booked later", exc.message)
            return None
        return found

    def settled(self, read: FeeRead) -> None:
        """After the booking of a read is committed: move on, and read again only when a fee waits."""
        if read.cursor is not None:
            self.cursor = read.cursor
        self.due = read.waiting


def fetch_and_book(feed: FeeFeed, broker: Broker, uow: Callable[[], UnitOfWork], now: datetime) -> FeeRead | None:
    """A read and its booking in a unit of work of their own (a trade update's fill, outside a tick)."""
    if feed.cursor is None:
        with uow() as work:
            feed.start(work)
    found = feed.read(broker, now)
    if found is None:
        return None
    with uow() as work:
        read = book_fees(work, feed.mode, found)
        work.commit()
    feed.settled(read)
    return read
