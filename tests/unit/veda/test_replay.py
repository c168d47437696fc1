"""The ReplayGateway over in-memory records: answers as of each replayed bar, matches submits to
recorded orders by client_order_id, reports mismatches and sends nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.greta.data import synthetic_bars
from app.marvin.bars import ns_to_datetime
from app.marvin.gateway import OrderRequest, client_order_id
from app.marvin.runner import StrategyRunner
from app.veda.history import RunHistory, rows_of
from app.veda.replay import RecordedFill, RecordedOrder, ReplayGateway
from app.veda.resume import Records, replay_bars
from tests.fixtures.replay_strategies import RememberingCross, SavingCross

D = Decimal
T0 = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
RUN = "run-1"


def _order(seq: int, bar: datetime, side: str = "buy", qty: str = "5", *, filled: datetime | None = None,
           status: str = "filled") -> RecordedOrder:
    cid = client_order_id(RUN, OrderRequest(seq, "AAA", side, bar_ts=int(bar.timestamp()) * 1_000_000_000))
    sent = bar + timedelta(seconds=61)
    history = [(sent, "submitted")] + ([(filled or sent, status)] if status != "submitted" else [])
    return RecordedOrder(f"id-{cid}", cid, "AAA", side, "market", "gtc", D(qty), None, None, None, None, None, None,
                         bar, sent, tuple(history))


def _fill(order: RecordedOrder, price: str, at: datetime) -> RecordedFill:
    return RecordedFill(f"f-{order.id}", order.id, "AAA", order.side, order.qty or D(0), D(price), D(0), at)


def test_answers_are_the_records_as_they_stood_when_each_bar_was_ticked() -> None:
    buy = _order(1, T0, filled=T0 + timedelta(seconds=62))
    replay = ReplayGateway(RUN, D(1000), [buy], [_fill(buy, "100", T0 + timedelta(seconds=62))])
    replay.begin_bar(T0, T0 + timedelta(seconds=60), {"AAA": D(100)})  # the tick that placed it
    assert (replay.position("AAA"), replay.cash(), replay.open_orders()) == (0, D(1000), [])
    replay.begin_bar(T0 + timedelta(minutes=1), T0 + timedelta(seconds=120), {"AAA": D(110)})
    assert replay.position("AAA") == 5 and replay.cash() == D(500) and replay.equity() == D(1050)
    assert replay.position_detail("AAA").avg_price == D(100)
    assert replay.order(buy.id).status == "filled" and replay.order(buy.id).filled_qty == 5
    (lot,) = replay.trades(closed=False)
    assert (lot.size, lot.entry_price, lot.pnl) == (D(5), D(100), D(50))


def test_fill_and_order_events_are_heard_once_on_the_bar_after_they_happened() -> None:
    buy = _order(1, T0, filled=T0 + timedelta(seconds=62))
    replay = ReplayGateway(RUN, D(1000), [buy], [_fill(buy, "100", T0 + timedelta(seconds=62))])
    replay.begin_bar(T0, T0 + timedelta(seconds=60), {})
    replay.listen()
    assert replay.take_events() == []
    replay.begin_bar(T0 + timedelta(minutes=1), T0 + timedelta(seconds=120), {})
    kinds = [(kind, getattr(payload, "status", None)) for kind, payload in replay.take_events()]
    assert kinds == [("fill", None), ("order", "filled")]
    assert replay.take_events() == []
    assert replay.seen == {buy.id: ("filled", D(5))} and replay.delivered_fills == {f"f-{buy.id}"}


def test_a_submit_is_matched_to_its_recorded_twin_by_client_order_id() -> None:
    buy = _order(1, T0)
    replay = ReplayGateway(RUN, D(1000), [buy], [])
    replay.begin_bar(T0, T0 + timedelta(seconds=60), {})
    bar_ns = int(T0.timestamp()) * 1_000_000_000
    assert replay.submit(OrderRequest(1, "AAA", "buy", qty=D(5), bar_ts=bar_ns)) == buy.id
    assert replay.mismatches == [] and replay.unmatched([T0]) == []


def test_a_submit_unlike_its_record_or_without_one_is_a_mismatch_and_a_record_not_made_too() -> None:
    bar_ns = int(T0.timestamp()) * 1_000_000_000
    replay = ReplayGateway(RUN, D(1000), [_order(1, T0, side="sell"), _order(2, T0)], [])
    replay.begin_bar(T0, T0 + timedelta(seconds=60), {})
    replay.submit(OrderRequest(1, "AAA", "buy", qty=D(5), bar_ts=bar_ns))
    phantom = replay.submit(OrderRequest(3, "AAA", "buy", qty=D(5), bar_ts=bar_ns))
    assert replay.order(phantom).status == "rejected"  # answered, never sent
    assert [(m.kind, m.client_order_id.rsplit("-", 1)[-1]) for m in replay.mismatches] == [("differs", "1"),
                                                                                           ("unrecorded", "3")]
    assert "side buy ≠ recorded sell" in replay.mismatches[0].detail
    assert [(m.kind, m.client_order_id.rsplit("-", 1)[-1]) for m in replay.unmatched([T0])] == [("not_replayed", "2")]


class PaperBook:
    """A fake live broker: market orders fill at once at the last close; it records what a live run
    records (orders and fills with their times)."""

    def __init__(self, history: RunHistory):
        self.history, self.orders, self.fills = history, [], []
        self.now = T0

    def submit(self, request: OrderRequest) -> str:
        price = self.history.marks(request.bar_ts)["AAA"]
        bar = ns_to_datetime(request.bar_ts)
        order = replace(_order(request.seq, bar, request.side, str(request.qty), filled=self.now),
                        submitted_at=self.now, history=((self.now, "submitted"), (self.now, "filled")))
        self.orders.append(order)
        self.fills.append(_fill(order, str(price), self.now))
        return order.id

    def position(self, symbol: str) -> Decimal:
        return sum((f.qty if f.side == "buy" else -f.qty for f in self.fills), D(0))


def _live_run(strategy: type, bars: int = 80) -> tuple[StrategyRunner, PaperBook, Records]:
    """The strategy run tick by tick from its 20th bar, as Veda runs it; and what the run recorded."""
    frame = synthetic_bars("AAA", bars, seed=11)
    history = RunHistory(["AAA"], frame.timeframe)
    rows = rows_of([frame])["AAA"]
    history.extend("AAA", rows[:20])
    book = PaperBook(history)
    runner = StrategyRunner(strategy, book)  # type: ignore[arg-type]
    starts, state = {}, None
    for row in rows[20:]:
        history.extend("AAA", [row])
        history.processed.append(row[0])
        bar = ns_to_datetime(row[0])
        starts[bar] = book.now = bar + timedelta(days=1, seconds=1)  # daily bars: the tick after the close
        runner.next_seq = 1
        runner.on_bar(history.frames())
        book.now += timedelta(milliseconds=5)
        if runner.saves_state:
            state = (bar, runner.saved_state())
    records = Records(strategy.name, {}, D(100000), frame.timeframe, history, starts, book.orders, book.fills, state)
    return runner, book, records


def test_a_replayed_strategy_remembers_what_it_did_and_makes_the_recorded_orders_again() -> None:
    live, book, records = _live_run(RememberingCross)
    assert len(book.orders) >= 4, "the crossover should have traded"
    rebuilt = StrategyRunner(RememberingCross, book)  # type: ignore[arg-type]
    replay = ReplayGateway(RUN, D(100000), book.orders, book.fills)
    assert replay_bars(rebuilt, replay, records) == ([], [ns_to_datetime(b) for b in records.history.processed])
    assert (rebuilt.strategy.side, rebuilt.strategy.bars) == (live.strategy.side, live.strategy.bars)
    assert rebuilt.gateway is replay


def test_an_altered_record_is_a_mismatch_of_the_replay() -> None:
    _, book, records = _live_run(RememberingCross)
    altered = [replace(book.orders[1], side="buy" if book.orders[1].side == "sell" else "sell"), *book.orders[2:]]
    replay = ReplayGateway(RUN, D(100000), altered, book.fills)
    found, _ = replay_bars(StrategyRunner(RememberingCross, book), replay, records)  # type: ignore[arg-type]
    assert [m.kind for m in found] == ["unrecorded", "differs"]  # the first is gone, the second altered
    assert found[0].client_order_id == book.orders[0].client_order_id


def test_saved_state_is_loaded_and_only_the_bars_after_it_are_replayed() -> None:
    live, book, records = _live_run(SavingCross)
    saved_bar, saved = records.state
    earlier = records.history.processed[-4]  # pretend the state was saved three bars before the end
    records.state = (ns_to_datetime(earlier), {"side": "flat", "bars": 999})
    rebuilt = StrategyRunner(SavingCross, book)  # type: ignore[arg-type]
    replay = ReplayGateway(RUN, D(100000), book.orders, book.fills)
    _, replayed = replay_bars(rebuilt, replay, records)
    assert replayed == [ns_to_datetime(b) for b in records.history.processed[-3:]]
    assert rebuilt.strategy.loaded == {"side": "flat", "bars": 999}
    assert rebuilt.strategy.bars == 999 + 3  # three bars replayed after the state's bar
    assert saved == {"side": live.strategy.side, "bars": live.strategy.bars}
    assert saved_bar == ns_to_datetime(records.history.processed[-1])


def test_a_fractional_share_order_recorded_as_day_matches_the_strategys_gtc_request() -> None:
    """Alpaca takes fractional share orders only as DAY: the gateway sent the strategy's GTC buy of 2.5 shares
    (or one sized by percent) as DAY, so a restart's replay of it is no mismatch; a whole-share GTC recorded as
    DAY is one."""
    bar_ns = int(T0.timestamp()) * 1_000_000_000
    fraction, sized, whole = (replace(_order(seq, T0, qty=qty), time_in_force="day", percent=percent)
                              for seq, qty, percent in ((1, "2.5", None), (2, "7.25", D(10)), (3, "3", None)))
    replay = ReplayGateway(RUN, D(1000), [fraction, sized, whole], [])
    replay.begin_bar(T0, T0 + timedelta(seconds=60), {})
    replay.submit(OrderRequest(1, "AAA", "buy", qty=D("2.5"), bar_ts=bar_ns))
    replay.submit(OrderRequest(2, "AAA", "buy", percent=D(10), bar_ts=bar_ns))
    replay.submit(OrderRequest(3, "AAA", "buy", qty=D(3), bar_ts=bar_ns))
    assert [(m.client_order_id.rsplit("-", 1)[-1], m.detail) for m in replay.mismatches] == [
        ("3", "time_in_force gtc ≠ recorded day")]
