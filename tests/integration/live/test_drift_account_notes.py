"""The drift report says what the run's broker account did that its backtest never meets (trial 24: a run whose
six orders were refused against another run's short had a report with no note, and a crypto run's every sale
was smaller than its backtest's with no word why; the report even said live held coins the fee had taken)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.greta.specs import FeeSpec
from app.services.drift import _decisions
from app.services.drift_account import account_notes
from app.walle.models import Fill, Order
from app.walle.uow import UnitOfWork
from tests.integration.foundation.factories import make_run

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ALPACA = {"fees": FeeSpec.parse("alpaca"), "backtest_fees": Decimal("12.34")}  # a backtest that charged fees
NONE = {"fees": FeeSpec.parse("none"), "backtest_fees": Decimal(0)}


def _order(uow: UnitOfWork, run_id: str, n: int, symbol: str, side: str, qty: str, status: str = "filled",
           fill: tuple[str, str, str] | None = None, at: datetime = T0, reason: str | None = None) -> None:
    """An order of the run, with one fill (price, dollar fee, coin fee) when given."""
    order = Order(run_id=run_id, client_order_id=f"{run_id}-{n}", symbol=symbol, side=side, type="market",
                  time_in_force="gtc", qty=Decimal(qty), status=status, submitted_at=at, updated_at=at,
                  reject_reason=reason)
    uow.session.add(order)
    uow.session.flush()
    if fill is not None:
        price, fee, coins = (Decimal(v) for v in fill)
        uow.session.add(Fill(run_id=run_id, order_id=order.id, symbol=symbol, side=side, qty=Decimal(qty),
                             price=price, fee=fee, fee_qty=coins, ts=at))


def test_shared_account_short_buying_power_and_coin_fees_are_noted(pg: Container) -> None:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["BTC/USD"], status="running"))
        other = uow.runs.add(make_run(mode="paper", symbols=["BTC/USD"], status="running"))
        uow.session.flush()
        _order(uow, other.id, 0, "BTC/USD", "sell", "0.1", fill=("60000", "15", "0"))
        uow.outbox.emit("run.account_shared", {"run_id": run.id, "symbols": ["BTC/USD"], "others": [other.id],
                                               "detail": "this run shares the paper account"}, run_id=run.id)
        uow.outbox.emit("run.buying_power_short", {"run_id": run.id, "cash": "100000", "buying_power": "90099.04",
                                                   "detail": "the paper account's buying power is 90,099.04, less "
                                                             "than this run's cash of 100,000.00"}, run_id=run.id)
        _order(uow, run.id, 9, "BTC/USD", "buy", "2", status="rejected", reason="insufficient buying power")
        for n, (side, qty, coins) in enumerate((("buy", "0.5", "0.00125"), ("buy", "0.2", "0.0005"),
                                                ("sell", "0.69825", "0"))):
            order = Order(run_id=run.id, client_order_id=f"{run.id}-{n}", symbol="BTC/USD", side=side, type="market",
                          time_in_force="gtc", qty=Decimal(qty), status="filled", submitted_at=T0)
            uow.session.add(order)
            uow.session.flush()
            uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="BTC/USD", side=side, qty=Decimal(qty),
                                 price=Decimal(60000), fee=Decimal(coins) * 60000, fee_qty=Decimal(coins),
                                 ts=T0 + timedelta(minutes=n)))
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        notes = account_notes(session, run_id, **ALPACA)
        _, held = _decisions(session, run_id)
    assert notes == [
        "Shared account: other runs traded BTC/USD on this run's broker account while it ran (run.account_shared). "
        "The broker keeps one position per symbol per account, so an order of this run could be refused against the "
        "other runs' positions or orders (\"insufficient qty available\", or an order that could trade against the "
        "account's own), where its backtest traded alone.",
        "Buying power: 1 of the run's orders was rejected for insufficient buying power; at its start, the paper "
        "account's buying power is 90,099.04, less than this run's cash of 100,000.00 (run.buying_power_short). Its "
        "backtest spent its own cash.",
        "Coin fees: the broker took the fee of 2 crypto buy fills in the coin (0.00175 BTC in all), so live held, and "
        "sold, that much less than the backtest, whose fee model charges dollars on both sides."]
    assert sum(qty for _, qty, _ in held) == 0  # the fee's coins never held: the sale of 0.69825 left it flat


def test_a_run_alone_on_its_account_gets_no_account_notes(pg: Container) -> None:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running"))
        uow.session.flush()
        uow.outbox.emit("run.account_shared", {"run_id": run.id, "symbols": [], "others": [],
                                               "detail": "no longer shares"}, run_id=run.id)
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == []


def test_a_buying_power_warning_is_noted_only_when_the_broker_refused_an_order_for_buying_power(
    pg: Container
) -> None:
    """Trial 42: every report told of a warning given when another run started (one that stopped 3 s later), on
    runs none of whose orders was ever refused for buying power: a cause that did not act."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="stopped"))
        uow.session.flush()
        uow.outbox.emit("run.buying_power_short", {"run_id": run.id, "cash": "100000", "buying_power": "100000",
                                                   "detail": "run 4f2a started on the paper account: the 2 active "
                                                             "paper runs' cash together (200,000.00) is more than the "
                                                             "account's buying power"}, run_id=run.id)
        _order(uow, run.id, 0, "AAPL", "buy", "52", fill=("190", "0", "0"))
        _order(uow, run.id, 1, "AAPL", "sell", "52", status="rejected", at=T0 + timedelta(minutes=1))
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == []
    with pg.uow() as uow:
        for n in (2, 3):
            _order(uow, run_id, n, "AAPL", "buy", "52", status="rejected", at=T0 + timedelta(minutes=n),
                   reason="insufficient buying power")
        uow.commit()
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == [
            "Buying power: 2 of the run's orders were rejected for insufficient buying power; while it ran, run 4f2a "
            "started on the paper account: the 2 active paper runs' cash together (200,000.00) is more than the "
            "account's buying power (run.buying_power_short). Its backtest spent its own cash."]
    with pg.uow() as uow:  # trial 43: a notice a stop lifted left the note's explanation blank
        uow.outbox.emit("run.buying_power_short", {"run_id": run_id, "cash": "50000", "buying_power": "98890.53",
                                                   "detail": None, "fits": "run 4f2a stopped: the 2 active paper "
                                                   "runs' cash together (90,000.00) fits the account's buying power "
                                                   "(98,890.53)"}, run_id=run_id)
        uow.commit()
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == [
            "Buying power: 2 of the run's orders were rejected for insufficient buying power; while it ran, run 4f2a "
            "started on the paper account: the 2 active paper runs' cash together (200,000.00) is more than the "
            "account's buying power; later, run 4f2a stopped: the 2 active paper runs' cash together (90,000.00) "
            "fits the account's buying power (98,890.53) (run.buying_power_short). Its backtest spent its own cash."]


def test_other_runs_count_as_trading_a_symbol_only_with_a_fill_on_it(pg: Container) -> None:
    """Trial 35: "other runs traded AAPL" of another run whose one order was rejected, which never reached the
    account; orders that worked at the broker and did not fill are said as such."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["AAPL", "MSFT", "SPY"], status="stopped",
                                    started_at=T0, finished_at=T0 + timedelta(hours=1)))
        refused, resting, early = (uow.runs.add(make_run(mode="paper", symbols=["AAPL", "MSFT", "SPY"],
                                                         status="stopped")) for _ in range(3))
        uow.session.flush()
        _order(uow, refused.id, 0, "AAPL", "buy", "52", status="rejected", at=T0 + timedelta(minutes=2))
        _order(uow, resting.id, 0, "MSFT", "buy", "5", status="canceled", at=T0 + timedelta(minutes=3))
        _order(uow, early.id, 0, "SPY", "buy", "5", fill=("500", "0", "0"), at=T0 - timedelta(minutes=5))
        for others in ([refused.id, early.id], [refused.id, resting.id, early.id]):
            uow.outbox.emit("run.account_shared", {"run_id": run.id, "symbols": ["AAPL", "MSFT", "SPY"],
                                                   "others": others, "detail": "shares"}, run_id=run.id)
        uow.commit()
        run_id, resting_id = run.id, resting.id
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == [
            "Shared account: other runs placed orders on MSFT (none filled) on this run's broker account while it "
            "ran (run.account_shared). The broker refuses an order that could trade against the account's own open "
            "orders, so an order of this run could be refused against theirs, where its backtest traded alone."]
    with pg.uow() as uow:
        _order(uow, resting_id, 1, "AAPL", "sell", "1", fill=("190", "0", "0"), at=T0 + timedelta(minutes=9))
        uow.commit()
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE)[0].startswith(
            "Shared account: other runs traded AAPL and placed orders on MSFT (none filled) on this run's broker "
            "account while it ran (run.account_shared). The broker keeps one position per symbol per account")


def test_coin_fees_against_a_backtest_that_charged_none_say_what_the_broker_took(pg: Container) -> None:
    """Trial 35: "the backtest, whose fee model charges dollars on both sides" of a backtest with fee model
    none."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["BTC/USD"], status="stopped"))
        uow.session.flush()
        for n, (side, qty, fill) in enumerate((("buy", "0.4", ("60000", "60", "0.001")),
                                               ("sell", "0.399", ("61000", "60.85", "0")),
                                               ("buy", "0.2", ("60000", "30", "0.0005")))):
            _order(uow, run.id, n, "BTC/USD", side, qty, fill=fill, at=T0 + timedelta(minutes=n))
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        assert account_notes(session, run_id, **NONE) == [
            "Coin fees: the broker took the fee of 2 crypto buy fills in the coin (0.0015 BTC in all, 25 bps of the "
            "coins bought), so live held, and sold, that much less than the backtest, which charged no fees (fee "
            "model none); it took the fee of 1 crypto sale fill in dollars ($60.85 in all, 25 bps of their value)."]
        assert account_notes(session, run_id, fees=FeeSpec.parse("percent:0"), backtest_fees=Decimal(0))[0].endswith(
            "which charged no fees (fee model percent:0); it took the fee of 1 crypto sale fill in dollars ($60.85 in "
            "all, 25 bps of their value).")
        assert account_notes(session, run_id, **ALPACA) == [
            "Coin fees: the broker took the fee of 2 crypto buy fills in the coin (0.0015 BTC in all), so live held, "
            "and sold, that much less than the backtest, whose fee model charges dollars on both sides."]
