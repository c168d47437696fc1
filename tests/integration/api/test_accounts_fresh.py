"""GET /accounts after a quiet spell: the view is older than SNAPSHOT_MAX_AGE, so the live worker is asked for
a fresh one and the answer waits for it (trial 17: the first look after a paper run showed the start-up
snapshot's empty positions until the page polled again, 15 s later). A worker that does not answer in
time leaves the old view, its `captured_at` saying how old, and the request still answers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.bootstrap import Container
from app.services.live_control import LiveControl
from app.walle.models import AccountSnapshot, OutboxEvent

OLD = datetime.now(UTC) - timedelta(minutes=5)
POSITION = {"symbol": "AAPL", "qty": "5", "side": "long", "avg_entry_price": "190.12", "current_price": "190.5",
            "market_value": "952.5", "unrealized_pl": "1.9", "unrealized_intraday_pl": "1.9"}


def store(pg: Container, captured_at: datetime, positions: list[dict[str, str]]) -> None:
    with pg.uow() as uow:
        snapshot = uow.session.get(AccountSnapshot, "paper") or AccountSnapshot(kind="paper")
        snapshot.captured_at, snapshot.positions, snapshot.open_orders = captured_at, positions, []
        snapshot.account = {"cash": "99047.5", "equity": "100000"}
        uow.session.add(snapshot)
        uow.commit()


def refreshes_asked(pg: Container) -> int:
    with pg.read_session() as session:
        payloads = session.scalars(select(OutboxEvent.payload).where(OutboxEvent.type == "command.refresh_account"))
        return sum(1 for p in payloads if p.get("kind") == "paper")


def test_a_stale_view_is_answered_with_the_fresh_one_the_live_worker_captures_meanwhile(pg: Container) -> None:
    store(pg, OLD, [])
    waits: list[float] = []

    def live_worker_answers(seconds: float) -> None:  # the worker's refresh lands during the second wait
        waits.append(seconds)
        if len(waits) == 2:
            store(pg, datetime.now(UTC), [POSITION])

    control = LiveControl(pg.uow, lambda kind: kind == "paper", fresh_wait=5.0, pause=live_worker_answers)
    paper = next(view for view in control.accounts() if view["kind"] == "paper")
    assert paper["positions"] == [POSITION] and paper["captured_at"] > OLD
    assert len(waits) == 2 and refreshes_asked(pg) == 1
    again = LiveControl(pg.uow, lambda kind: kind == "paper", pause=lambda _: (_ for _ in ()).throw(AssertionError))
    assert next(v for v in again.accounts() if v["kind"] == "paper")["positions"] == [POSITION]  # fresh: no wait
    assert refreshes_asked(pg) == 1


def test_without_an_answer_the_old_view_comes_back_after_the_wait_saying_how_old(pg: Container) -> None:
    store(pg, OLD, [])
    control = LiveControl(pg.uow, lambda kind: kind == "paper", fresh_wait=0.3)
    started = time.monotonic()
    paper = next(view for view in control.accounts() if view["kind"] == "paper")
    assert 0.3 <= time.monotonic() - started < 2
    assert paper["positions"] == [] and paper["captured_at"] == OLD
