"""Sizing a crypto sale to what the account holds after buys paid their fees in the coin."""

from __future__ import annotations

from decimal import Decimal as D

from app.veda.crypto_fees import CryptoSale, account_holdings, holding
from app.veda.ports import BrokerPosition

NANO = D("0.000000001")


def test_a_sale_of_the_whole_position_sends_what_the_account_holds_and_books_the_rest_as_the_fee() -> None:
    assert CryptoSale("BTC/USD", D("0.5"), D("0.5"), NANO).on_account(D("0.49875")) == (D("0.49875"), D("0.00125"))


def test_a_sale_the_account_covers_goes_as_decided() -> None:
    assert CryptoSale("BTC/USD", D("0.3"), D("0.5"), NANO).on_account(D("0.49875")) == (D("0.3"), D(0))
    more_than_the_run_holds = CryptoSale("BTC/USD", D("0.6"), D("0.5"), NANO)  # not a sale from its long
    assert more_than_the_run_holds.on_account(D("0.49875")) == (D("0.6"), D(0))


def test_coins_off_the_step_stay_held_and_are_not_booked_as_fees() -> None:
    sent, fee = CryptoSale("ETH/USD", D("2"), D("2"), D("0.001")).on_account(D("1.99525"))
    assert (sent, fee) == (D("1.995"), D("0.00475"))


def test_the_account_answers_either_spelling_of_a_pair() -> None:
    held = account_holdings([BrokerPosition("BTCUSD", D("0.49875")), BrokerPosition("AAPL", D("3"), "short")])
    assert (holding(held, "BTC/USD"), holding(held, "AAPL"), holding(held, "ETH/USD")) == (D("0.49875"), 0, 0)
