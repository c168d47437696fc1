"""Crypto fees as the broker takes them: a buy's in the coin, a sale's in dollars, each reported only as
a CFEE activity after its FILL. Veda books each on its run's fill, so the run's position and cash are
the account's; a sale is sized to the account only while a fee is not booked yet."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from sqlalchemy import select

from app.veda.crypto_fees import CryptoSale, account_holdings, holding
from app.veda.fee_booking import book_fees, pair, settled_through
from app.veda.ports import Activity, Asset, BrokerPosition
from app.veda.replay import RecordedFill, ReplayGateway
from app.walle.models import CryptoFee, Fill, Order, OutboxEvent, Position
from tests.integration.foundation.factories import make_run
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, SETTLE, Desk

NANO = D("0.000000001")
CENT = D("0.01")
STRATEGY = "tests.fixtures.crypto_strategies:BuyThenSellAll"


def test_a_sale_the_account_cannot_cover_is_sized_to_what_it_holds() -> None:
    assert CryptoSale("BTC/USD", D("0.5"), D("0.5"), NANO).on_account(D("0.49875")) == D("0.49875")
    assert CryptoSale("ETH/USD", D("2"), D("2"), D("0.001")).on_account(D("1.99525")) == D("1.995")  # on the step


def test_a_sale_the_account_covers_goes_as_decided() -> None:
    assert CryptoSale("BTC/USD", D("0.3"), D("0.5"), NANO).on_account(D("0.49875")) == D("0.3")
    more_than_the_run_holds = CryptoSale("BTC/USD", D("0.6"), D("0.5"), NANO)  # not a sale from its long
    assert more_than_the_run_holds.on_account(D("0.49875")) == D("0.6")


def test_the_account_answers_either_spelling_of_a_pair() -> None:
    held = account_holdings([BrokerPosition("BTCUSD", D("0.49875")), BrokerPosition("AAPL", D("3"), "short")])
    assert (holding(held, "BTC/USD"), holding(held, "AAPL"), holding(held, "ETH/USD")) == (D("0.49875"), 0, 0)


def _fill(id_: str, symbol: str, order: str, side: str, cum: str) -> Activity:
    return Activity(id_, "FILL", symbol, order, side, D(cum), D(cum), D(100))


def test_each_fee_is_paired_with_the_fill_of_its_pair_just_before_it() -> None:
    feed = [
        Activity("1", "CFEE", "BTCUSD", qty=D("-0.001"), price=D(100)),  # its FILL was read before: left
        _fill("2", "BTC/USD", "b1", "buy", "0.4"),
        Activity("3", "CFEE", "BTCUSD", qty=D("-0.001"), price=D(100), net_amount=D(0)),
        _fill("4", "AAPL", "s1", "buy", "5"),
        Activity("5", "CFEE", "BTCUSD", qty=D("-0.002"), price=D(100)),  # posted apart from its fill: not matched
        _fill("6", "ETH/USD", "e1", "sell", "2"),
        Activity("7", "CFEE", "ETHUSD", net_amount=D("-0.5")),
        _fill("8", "BTC/USD", "b1", "buy", "0.5"),  # its fee is not posted yet
    ]
    notices = pair(feed)
    assert [(n.id, n.broker_order_id, n.cum_qty, n.coin, n.usd) for n in notices] == [
        ("3", "b1", D("0.4"), D("0.001"), D(0)), ("7", "e1", D(2), D(0), D("0.5"))]
    assert settled_through(feed, None) == "7"  # the last FILL waits for its CFEE
    assert notices[1].at == 5
    assert settled_through(feed, notices[1].at) == "5"  # a fee waiting for its fill: the read stops before its FILL
    assert settled_through(feed, notices[0].at) == "1"


def _crypto_desk(desk: Desk) -> str:
    desk.broker.add_bars("BTC/USD", FIRST_BAR - 50 * MINUTE, [60_000.0 + 7.31 * i for i in range(80)], MINUTE)
    desk.broker.assets["BTC/USD"] = Asset("BTC/USD", "crypto", price_increment=CENT, min_trade_increment=NANO)
    desk.broker.crypto_bps = D(25)
    return desk.start(STRATEGY, symbols=["BTC/USD"], params={"size": 0.5})


def _state(desk: Desk, run_id: str) -> tuple[D, D]:
    """The run's (cash, position) as Veda's book has them."""
    gateway = desk.live.desk.gateway(run_id, desk.broker)
    return gateway.cash(), gateway.position("BTC/USD")


def test_a_buys_coin_fee_and_a_sales_dollar_fee_are_booked_on_their_fills_at_once(desk: Desk) -> None:
    run_id = _crypto_desk(desk)
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (held,) = desk.broker.positions()
    assert held.qty == D("0.49875")  # 0.5 less 25 bps, in BTC
    assert _state(desk, run_id) == (desk.broker.account().cash, D("0.49875"))
    assert len(desk.broker.activity_reads) == 1  # one read, after the fill

    assert desk.tick(run_id, 1) == "done: 1 order(s)"
    assert desk.broker.positions() == []
    assert desk.broker.requests[-1].qty == 0.49875  # the run sold what it held: no sizing to the account
    cash, position = _state(desk, run_id)
    assert (cash, position) == (desk.broker.account().cash, 0)
    with desk.db.read_session() as session:
        bought, sold = session.scalars(select(Fill).where(Fill.run_id == run_id).order_by(Fill.ts)).all()
        (row,) = session.scalars(select(Position).where(Position.run_id == run_id)).all()
        booked = session.scalars(select(CryptoFee).order_by(CryptoFee.id)).all()
        sale = session.scalars(select(Order).where(Order.side == "sell")).one()
    assert (bought.fee_qty, bought.fee) == (D("0.00125"), (D("0.00125") * bought.price).quantize(CENT, ROUND_HALF_UP))
    usd = (D("0.49875") * sold.price * D("0.0025")).quantize(CENT, ROUND_HALF_UP)
    assert (sold.fee_qty, sold.fee) == (0, usd)
    assert (sale.qty, sale.filled_qty, sale.status) == (D("0.49875"), D("0.49875"), "filled")
    assert [(f.coin, f.usd) for f in booked] == [(D("0.00125"), 0), (0, usd)]
    settle = lambda value: value.quantize(CENT, ROUND_HALF_UP)  # noqa: E731 - each fill's cash, to the cent
    assert cash == D(100_000) - settle(D("0.5") * bought.price) + settle(D("0.49875") * sold.price) - usd
    # Flat, it made what its fills moved in cash, to the cent (the coins' fee is in the fewer coins sold).
    assert row.realized_pl == cash - D(100_000)

    assert desk.tick(run_id, 2) == "done: 0 order(s)"  # no fill: the activities are not read
    assert len(desk.broker.activity_reads) == 2
    desk.live.desk.forget_all()  # a restart: the strategy is rebuilt from the records
    assert desk.tick(run_id, 3) == "done: 0 order(s)"
    with desk.db.read_session() as session:
        mismatches = session.scalars(select(OutboxEvent).where(OutboxEvent.type == "run.replay_mismatch")).all()
    assert mismatches == []  # the replayed sale sold the 0.49875 the records say the run held
    assert _state(desk, run_id) == (desk.broker.account().cash, 0)


def test_a_fee_the_activities_did_not_bring_is_booked_by_a_later_tick(desk: Desk) -> None:
    run_id = _crypto_desk(desk)
    broker = desk.broker
    answer = broker.activities
    broker.activities = lambda *a, **k: []  # type: ignore[method-assign]  # the fee not posted yet
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    assert _state(desk, run_id)[1] == D("0.5")
    broker.activities = answer  # type: ignore[method-assign]
    assert desk.tick(run_id, 1) == "done: 1 order(s)"  # the sale is sized to the account...
    assert broker.requests[-1].qty == 0.49875
    assert _state(desk, run_id) == (broker.account().cash, 0)  # ...and both fees are booked with it


def test_the_replay_counts_a_coin_fee_out_of_the_position_and_not_out_of_cash() -> None:
    at = datetime(2024, 5, 1, 14, 1, tzinfo=UTC)
    fills = [RecordedFill("f1", "o1", "BTC/USD", "buy", D("0.5"), D(60_000), D("75.00"), at, D("0.00125"))]
    replay = ReplayGateway("r", D(100_000), [], fills)
    replay.begin_bar(at, datetime(2024, 5, 1, 14, 3, tzinfo=UTC), {"BTC/USD": D(61_000)})
    assert replay.position("BTC/USD") == D("0.49875")
    assert replay.cash() == D(70_000)
    assert replay.equity() == D(70_000) + D("0.49875") * D(61_000)
    (lot,) = replay.trades(closed=False)
    assert lot.size == D("0.49875")


def _bar(desk: Desk, run_ids: list[str], bar: int) -> dict[str, str]:
    bar_ts = FIRST_BAR + bar * MINUTE
    desk.clock.set(bar_ts + MINUTE + SETTLE)
    return desk.live.handle("tick_bar", bar_ts=bar_ts.isoformat(), run_ids=run_ids)


def test_runs_sharing_an_account_each_book_the_fees_of_their_own_fills(desk: Desk) -> None:
    first = _crypto_desk(desk)
    second = desk.start(STRATEGY, symbols=["BTC/USD"], params={"size": 0.2})
    assert _bar(desk, [first, second], 0) == {first: "done: 1 order(s)", second: "done: 1 order(s)"}  # alone
    assert (_state(desk, first)[1], _state(desk, second)[1]) == (D("0.49875"), D("0.1995"))
    reads = len(desk.broker.activity_reads)
    assert _bar(desk, [first, second], 1) == {first: "done: 1 order(s)", second: "done: 1 order(s)"}  # together
    assert len(desk.broker.activity_reads) == reads + 1  # one read for the bar of both runs
    assert desk.broker.positions() == []
    with desk.db.read_session() as session:
        fees = {run_id: [(f.fee_qty, f.fee) for f in session.scalars(
            select(Fill).where(Fill.run_id == run_id).order_by(Fill.ts))] for run_id in (first, second)}
        sales = {f.run_id: f for f in session.scalars(select(Fill).where(Fill.side == "sell"))}
    for run_id, bought in ((first, D("0.5")), (second, D("0.2"))):
        held = bought * D("0.9975")
        usd = (held * sales[run_id].price * D("0.0025")).quantize(CENT, ROUND_HALF_UP)
        assert fees[run_id][0][0] == bought - held and fees[run_id][1] == (0, usd)
        assert _state(desk, run_id)[1] == 0
    cash = sum((_state(desk, run_id)[0] - D(100_000) for run_id in (first, second)), D(0))
    assert cash == desk.broker.account().cash - D(100_000)  # together, the runs moved the account's cash


def test_a_fee_whose_fill_is_not_booked_yet_waits_and_none_is_booked_twice(lite) -> None:
    at = datetime(2024, 5, 1, 14, 1, tzinfo=UTC)
    with lite.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["BTC/USD"], cash=D(100_000)))
        order = Order(run_id=run.id, client_order_id="c1", broker_order_id="b1", symbol="BTC/USD", side="buy",
                      type="limit", time_in_force="gtc", qty=D("0.5"), status="partially_filled", submitted_at=at,
                      history=[])
        uow.session.add(order)
        uow.session.flush()
        uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="BTC/USD", side="buy", qty=D("0.2"),
                             price=D(100), ts=at, broker_fill_id="b1:0.2"))
        uow.session.add(Position(run_id=run.id, symbol="BTC/USD", qty=D("0.2"), avg_price=D(100)))
        uow.commit()
        run_id, order_id = run.id, order.id
    feed = [_fill("1", "BTC/USD", "b1", "buy", "0.2"), Activity("2", "CFEE", "BTCUSD", qty=D("-0.0005"), price=D(100)),
            _fill("3", "BTC/USD", "b1", "buy", "0.5"), Activity("4", "CFEE", "BTCUSD", qty=D("-0.00075"), price=D(100))]
    with lite.uow() as uow:
        read = book_fees(uow, "paper", feed)
        uow.commit()
    assert (read.booked, read.waiting, read.cursor) == (1, True, "2")  # the second fill is not booked yet
    with lite.uow() as uow:
        uow.session.add(Fill(run_id=run_id, order_id=order_id, symbol="BTC/USD", side="buy", qty=D("0.3"),
                             price=D(100), ts=at, broker_fill_id="b1:0.5"))  # booked in the same second
        uow.session.scalars(select(Position)).one().qty += D("0.3")
        uow.commit()
    with lite.uow() as uow:
        again = book_fees(uow, "paper", feed)  # read again from the start: the first fee is not booked twice
        uow.commit()
    assert (again.booked, again.waiting, again.cursor) == (1, False, "4")
    with lite.read_session() as session:
        assert session.scalars(select(Position)).one().qty == D("0.5") - D("0.00125")
        fills = session.scalars(select(Fill)).all()
        assert {f.broker_fill_id: f.fee_qty for f in fills} == {"b1:0.2": D("0.0005"), "b1:0.5": D("0.00075")}


def test_a_trade_update_that_brings_a_crypto_fill_books_its_fee_at_once(desk: Desk) -> None:
    run_id = _crypto_desk(desk)
    desk.broker.auto_fill = False  # the buy rests; its fill comes by the trade_updates stream
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (cid,) = desk.broker.orders
    snapshot = desk.broker.fill(cid, "0.5", "60400.00")
    desk.live.handle("update", order=snapshot)
    assert _state(desk, run_id) == (desk.broker.account().cash, D("0.49875"))
    with desk.db.read_session() as session:
        (fill,) = session.scalars(select(Fill).where(Fill.run_id == run_id)).all()
    assert (fill.fee_qty, fill.fee) == (D("0.00125"), D("75.50"))  # 0.00125 × 60,400
