"""What a paper/live strategy reads as its trades is what its page and its backtest show: an order the
broker filled in parts is one leg (qty and fees summed, entry at its first part, exit at its last, the
volume-weighted price), so a buy of 105 filled 39 + 27 + 39 and its sale filled 60 + 45 is one trade to
the running strategy (RunReads, on its recorded fills) and to its replay after a restart alike."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.marvin.account import Trade
from app.services.live_records import closed_trades
from app.veda.reads import RunReads
from app.veda.replay import RecordedFill, RecordedOrder, ReplayGateway
from app.walle.models import Fill, Order
from app.walle.uow import UnitOfWork
from tests.integration.foundation.factories import make_run

D = Decimal
T0 = datetime(2024, 5, 1, 14, 1, tzinfo=UTC)
# (order, side, qty, price, fee, seconds after T0): buy 105 in three parts, sell 105 in two
PARTS = [("b1", "buy", "39", "100.00", "0.39", 1), ("b1", "buy", "27", "100.10", "0.27", 1),
         ("b1", "buy", "39", "100.05", "0.39", 2), ("s1", "sell", "60", "101.00", "0.60", 5),
         ("s1", "sell", "45", "100.90", "0.45", 7)]
# 10,504.65 / 105 and 10,600.50 / 105 to 12 decimals; 10,600.50 − 10,504.65 − 2.10 of fees
ONE_TRADE = Trade("AAPL", "long", D(105), T0 + timedelta(seconds=1), D("100.044285714286"),
                  T0 + timedelta(seconds=7), D("100.957142857143"), D("93.75"))


class _Reads(RunReads):
    def __init__(self, db: Container, run_id: str):
        self.db, self.run_id, self.marks = db, run_id, {"AAPL": D("101.50")}

    def _work(self) -> AbstractContextManager[UnitOfWork]:
        return self.db.uow()


def _record(db: Container, parts: list[tuple[str, ...]]) -> str:
    with db.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["AAPL"], cash=D(100_000)))
        ids: dict[str, str] = {}
        for n, (order, side, qty, price, fee, seconds) in enumerate(parts):
            if order not in ids:
                row = Order(run_id=run.id, client_order_id=order, broker_order_id=order, symbol="AAPL", side=side,
                            type="market", time_in_force="day", qty=D(105), status="filled", submitted_at=T0,
                            history=[])
                uow.session.add(row)
                uow.session.flush()
                ids[order] = row.id
            uow.session.add(Fill(run_id=run.id, order_id=ids[order], symbol="AAPL", side=side, qty=D(qty),
                                 price=D(price), fee=D(fee), ts=T0 + timedelta(seconds=seconds),
                                 broker_fill_id=f"{order}:{n}"))
        uow.commit()
        return run.id


def _replay(parts: list[tuple[str, ...]], cutoff: datetime) -> ReplayGateway:
    orders = [RecordedOrder(o, o, "AAPL", side, "market", "day", D(105), None, None, None, None, None, None, T0, T0,
                            ((T0, "filled"),))
              for o, side in dict((p[0], p[1]) for p in parts).items()]
    fills = [RecordedFill(f"f{n}", o, "AAPL", side, D(qty), D(price), D(fee), T0 + timedelta(seconds=s))
             for n, (o, side, qty, price, fee, s) in enumerate(parts)]
    replay = ReplayGateway("r", D(100_000), orders, fills)
    replay.begin_bar(T0, cutoff, {"AAPL": D("101.50")})
    return replay


def _utc(trades: list[Trade]) -> list[Trade]:
    """SQLite gives its times back naive; they are UTC."""
    return [Trade(t.symbol, t.direction, t.size, t.entry_time.replace(tzinfo=UTC), t.entry_price,
                  t.exit_time and t.exit_time.replace(tzinfo=UTC), t.exit_price, t.pnl) for t in trades]


def test_the_strategy_reads_one_trade_for_two_orders_filled_in_parts_as_its_page_shows(lite: Container) -> None:
    run_id = _record(lite, PARTS)

    assert _utc(_Reads(lite, run_id).trades(closed=True)) == [ONE_TRADE]
    assert _Reads(lite, run_id).trades(closed=False) == []
    with lite.read_session() as session:
        (page,) = closed_trades(session, run_id)
    assert (page.qty, page.entry_price, page.exit_price, page.pnl, page.fees) == (
        ONE_TRADE.size, ONE_TRADE.entry_price, ONE_TRADE.exit_price, ONE_TRADE.pnl, D("2.10"))


def test_while_its_orders_fill_the_strategy_holds_one_lot_at_the_average_price(lite: Container) -> None:
    run_id = _record(lite, PARTS[:4])  # the sale has filled 60 of 105

    (closed,) = _Reads(lite, run_id).trades(closed=True)
    (lot,) = _Reads(lite, run_id).trades(closed=False)
    # 60 of the entry's 10,504.65 is 6,002.66 and 0.60 of its 1.05 of fees: 6,060.00 − 6,002.66 − 0.60 − 0.60
    assert (closed.size, closed.entry_price, closed.exit_price, closed.pnl) == (
        60, D("100.044285714286"), D("101.00"), D("56.14"))
    # 45 left at the entry's average, marked at 101.50: (101.50 − 100.044285714286) × 45
    assert (lot.size, lot.entry_price, lot.pnl) == (45, D("100.044285714286"), D("65.507142857130"))


def test_the_replay_reads_the_same_one_trade(lite: Container) -> None:
    replay = _replay(PARTS, T0 + timedelta(seconds=8))
    assert replay.trades(closed=True) == [ONE_TRADE]
    assert replay.trades(closed=False) == []
    run_id = _record(lite, PARTS)
    assert _utc(_Reads(lite, run_id).trades(closed=True)) == replay.trades(closed=True)


def test_the_replay_as_of_a_bar_mid_fill_reads_the_orders_filled_so_far() -> None:
    replay = _replay(PARTS, T0 + timedelta(seconds=2))  # the buy's first two parts only

    assert replay.trades(closed=True) == []
    (lot,) = replay.trades(closed=False)
    # 39 × 100.00 + 27 × 100.10 = 6,602.70 over 66; marked at 101.50
    assert (lot.size, lot.entry_price, lot.entry_time) == (66, D("100.040909090909"), T0 + timedelta(seconds=1))
    assert lot.pnl == (D("101.50") - D("100.040909090909")) * 66
