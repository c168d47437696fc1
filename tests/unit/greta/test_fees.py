"""Fee models to the cent on known trades, including the Alpaca preset's SEC fee and FINRA TAF cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.clock.sessions import day_number
from app.greta.fees import AlpacaFees, PercentFee, PerShareFee, SecRate, TafRate
from tests.unit.greta.helpers import daily, run

D = Decimal


def alpaca(side: str, qty: int, price: str, on: date, model: AlpacaFees | None = None) -> Decimal:
    notional = D(qty) * D(price)
    return (model or AlpacaFees()).fee(side, D(qty), D(price), notional, day_number(on))


def test_alpaca_charges_nothing_on_buys():
    assert alpaca("buy", 100_000, "10", date(2024, 6, 3)) == D(0)


def test_alpaca_sell_in_2024_pays_sec_at_27_80_per_million_plus_taf_rounded_up_to_the_cent():
    # 100 × $50: SEC 5000 × 27.80 / 1e6 = 0.139; TAF 100 × 0.000166 = 0.0166; 0.1556 → 0.16
    assert alpaca("sell", 100, "50", date(2024, 6, 3)) == D("0.16")


def test_alpaca_taf_is_capped_at_8_30_per_trade_through_2025():
    # 100,000 × $10 on 2025-03-03: SEC 1,000,000 × 27.80 / 1e6 = 27.80; TAF 16.60 capped at 8.30
    assert alpaca("sell", 100_000, "10", date(2025, 3, 3)) == D("36.10")


def test_alpaca_sec_fee_is_zero_from_2025_05_14_and_due_the_day_before():
    assert alpaca("sell", 100, "50", date(2025, 5, 14)) == D("0.02")  # TAF 0.0166 only
    assert alpaca("sell", 100, "50", date(2025, 5, 13)) == D("0.16")


def test_alpaca_taf_rises_to_0_000195_capped_at_9_79_from_2026():
    assert alpaca("sell", 100, "50", date(2026, 1, 5)) == D("0.02")  # 0.0195
    assert alpaca("sell", 60_000, "1", date(2026, 1, 5)) == D("9.79")  # 11.70 capped


def test_alpaca_sec_fee_returns_at_20_60_per_million_from_2026_04_04():
    # SEC 5000 × 20.60 / 1e6 = 0.103; TAF 0.0195; 0.1225 → 0.13
    assert alpaca("sell", 100, "50", date(2026, 4, 6)) == D("0.13")


def test_alpaca_rates_come_from_a_replaceable_dated_table():
    model = AlpacaFees(sec_rates=(SecRate(date(2000, 1, 1), D("100")),),
                       taf_rates=(TafRate(date(2000, 1, 1), D("0.01"), D("1.00")),))
    assert alpaca("sell", 1000, "10", date(2024, 6, 3), model) == D("2.00")  # 1.00 SEC + 10.00 TAF capped at 1.00


def test_per_share_fee_rounds_up_to_the_cent():
    assert PerShareFee(D("0.005")).fee("buy", D(101), D(10), D(1010), 0) == D("0.51")


def test_percent_fee_is_a_percentage_of_the_fill_value_rounded_up():
    assert PercentFee(D("0.1")).fee("sell", D(1), D("1234.56"), D("1234.56"), 0) == D("1.24")


def test_backtest_charges_alpaca_fees_on_the_sell_by_its_new_york_trade_date():
    flat = (50.0, 51.0, 49.0, 50.0)
    frame = daily([flat, flat, flat], first=date(2025, 5, 12))  # fills on 05-13 (buy) and 05-14 (sell)
    result = run(frame, {0: lambda s: s.buy(size=100), 1: lambda s: s.sell(size=100)}, fees="alpaca")
    assert [f.fee for f in result.fills] == [D("0.00"), D("0.02")]  # the sell trades on 05-14: no SEC fee
    assert result.trades[0].fees == D("0.02") and result.trades[0].pnl == D("-0.02")
    assert result.final_cash == D("9999.98")


def test_percent_buy_is_sized_to_leave_room_for_its_fee():
    flat = (100.0, 101.0, 99.0, 100.0)
    result = run([flat, flat], {0: lambda s: s.buy(percent=100)}, fees="percent:1")
    fill = result.fills[0]
    assert fill.qty == D(99) and fill.fee == D("99.00") and result.final_cash == D("1.00")
