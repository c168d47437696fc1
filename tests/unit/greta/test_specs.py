"""FeeSpec and SlippageSpec: every old text and dict form parses, both storage forms round-trip, nonsense is refused."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.greta import BacktestConfig
from app.greta.fees import AlpacaFees, NoFees, PercentFee, PerShareFee
from app.greta.slippage import BpsSlippage, NoSlippage, RangeSlippage
from app.greta.specs import FeeSpec, FeeSpecError, SlippageSpec, SlippageSpecError
from app.services.specs import RunCreate

D = Decimal
FEES_HELP = "use none, alpaca, per_share:<rate> or percent:<pct>"
SLIPPAGE_HELP = "use none, <n>bp (e.g. 5bp) or range:<0..1> (e.g. range:0.1)"


@pytest.mark.parametrize(("form", "expected"), [
    ("none", FeeSpec()), ("", FeeSpec()), ("zero", FeeSpec()), (" None ", FeeSpec()),
    ("alpaca", FeeSpec("alpaca")), ("ALPACA", FeeSpec("alpaca")),
    ("per_share:0.005", FeeSpec("per_share", D("0.005"))), ("PER_SHARE: 0.005", FeeSpec("per_share", D("0.005"))),
    ("percent:0.1", FeeSpec("percent", D("0.1"))), ("per_share:0", FeeSpec("per_share", D(0))),
    # the runs table's and the API's dicts, including what older versions wrote
    ({}, FeeSpec()), ({"model": "none"}, FeeSpec()), ({"model": "none", "rate": None}, FeeSpec()),
    ({"model": "zero", "rate": None}, FeeSpec()), ({"model": "alpaca", "rate": None}, FeeSpec("alpaca")),
    ({"model": "per_share", "rate": "0.005"}, FeeSpec("per_share", D("0.005"))),
    ({"model": "percent", "rate": 0.1}, FeeSpec("percent", D("0.1"))),
    ({"model": "per_share", "rate": 1}, FeeSpec("per_share", D(1))),
])
def test_every_old_fee_form_parses(form, expected):
    assert FeeSpec.parse(form) == expected


@pytest.mark.parametrize("form", ["per_share:-1", "ibkr", "per_share", "per_share:", "percent:nan", "percent:inf",
                                  "none:1", "alpaca:0", {"model": "per_share"}, {"model": "ibkr"},
                                  {"model": "percent", "rate": "abc"}, None, 5])
def test_bad_fee_forms_are_refused_with_the_accepted_forms(form):
    with pytest.raises(FeeSpecError, match=re.escape(f"invalid fee model {form!r}: {FEES_HELP}")):
        FeeSpec.parse(form)


@pytest.mark.parametrize(("form", "expected"), [
    ("none", SlippageSpec()), ("", SlippageSpec()), ("zero", SlippageSpec()),
    ("5bp", SlippageSpec("bps", D(5))), ("5bps", SlippageSpec("bps", D(5))), (" 5BP ", SlippageSpec("bps", D(5))),
    ("0.5bp", SlippageSpec("bps", D("0.5"))), ("9999bp", SlippageSpec("bps", D(9999))),
    ("range:0.1", SlippageSpec("range", D("0.1"))), ("range:1", SlippageSpec("range", D(1))),
    ({}, SlippageSpec()), ({"model": "none"}, SlippageSpec()), ({"model": "none", "value": None}, SlippageSpec()),
    ({"model": "bps", "value": "5"}, SlippageSpec("bps", D(5))),
    ({"model": "bps", "value": 5}, SlippageSpec("bps", D(5))),
    ({"model": "range", "value": "0.1"}, SlippageSpec("range", D("0.1"))),
])
def test_every_old_slippage_form_parses(form, expected):
    assert SlippageSpec.parse(form) == expected


@pytest.mark.parametrize("form", ["10000bp", "-1bp", "range:1.5", "range:", "bp", "5", "fast", "range:nan", "nanbp",
                                  {"model": "bps"}, {"model": "warp", "value": "1"}, None])
def test_bad_slippage_forms_are_refused_with_the_accepted_forms(form):
    with pytest.raises(SlippageSpecError, match=re.escape(f"invalid slippage {form!r}: {SLIPPAGE_HELP}")):
        SlippageSpec.parse(form)


@pytest.mark.parametrize("spec", [FeeSpec(), FeeSpec("alpaca"), FeeSpec("per_share", D("0.005")),
                                  FeeSpec("percent", D("1E-7")), FeeSpec("per_share", D("5.000"))])
def test_fee_specs_round_trip_through_text_and_dict(spec):
    assert FeeSpec.parse(spec.to_text()) == spec == FeeSpec.parse(spec.to_dict()) == FeeSpec.parse(spec)


@pytest.mark.parametrize("spec", [SlippageSpec(), SlippageSpec("bps", D(5)), SlippageSpec("bps", D("0.25")),
                                  SlippageSpec("range", D("0.1")), SlippageSpec("range", D(1))])
def test_slippage_specs_round_trip_through_text_and_dict(spec):
    assert SlippageSpec.parse(spec.to_text()) == spec == SlippageSpec.parse(spec.to_dict()) == SlippageSpec.parse(spec)


def test_the_storage_forms_keep_their_shapes():
    assert FeeSpec.parse("per_share:0.005").to_dict() == {"model": "per_share", "rate": "0.005"}
    assert FeeSpec.parse("alpaca").to_dict() == {"model": "alpaca", "rate": None}
    assert FeeSpec.parse("zero").to_dict() == {"model": "none", "rate": None}
    assert SlippageSpec.parse("5bps").to_dict() == {"model": "bps", "value": "5"}
    assert SlippageSpec.parse("range:0.1").to_dict() == {"model": "range", "value": "0.1"}
    assert SlippageSpec.parse("none").to_dict() == {"model": "none", "value": None}
    assert (FeeSpec.parse({"model": "percent", "rate": "0.1"}).to_text(), SlippageSpec.parse("5bps").to_text()) == \
        ("percent:0.1", "5bp")


def test_specs_build_their_models():
    assert FeeSpec().model() == NoFees() and FeeSpec("alpaca").model() == AlpacaFees()
    assert FeeSpec.parse("per_share:0.005").model() == PerShareFee(D("0.005"))
    assert FeeSpec.parse("percent:0.1").model() == PercentFee(D("0.1"))
    assert SlippageSpec().model() == NoSlippage()
    assert SlippageSpec.parse("5bp").model() == BpsSlippage(5.0)
    assert SlippageSpec.parse("range:0.25").model() == RangeSlippage(0.25)


def test_a_spec_cannot_be_made_inconsistent():
    for kind, rate in (("per_share", None), ("none", D(1)), ("ibkr", None), ("percent", D(-1)), ("percent", D("NaN"))):
        with pytest.raises(FeeSpecError):
            FeeSpec(kind, rate)
    for kind, value in (("bps", None), ("none", D(1)), ("range", D(2)), ("bps", D(10_000))):
        with pytest.raises(SlippageSpecError):
            SlippageSpec(kind, value)


def test_backtest_config_holds_the_typed_values_and_stores_their_text():
    config = BacktestConfig("sma_cross", fees={"model": "per_share", "rate": "0.005"}, slippage="5bps")
    assert config.fees == FeeSpec("per_share", D("0.005")) and config.slippage == SlippageSpec("bps", D(5))
    assert BacktestConfig("sma_cross", fees=config.fees) == BacktestConfig("sma_cross", fees="per_share:0.005")
    stored = config.to_dict()
    assert (stored["fees"], stored["slippage"]) == ("per_share:0.005", "5bp")
    with pytest.raises(FeeSpecError):
        BacktestConfig("sma_cross", fees="ibkr")


def test_api_bodies_become_the_typed_values_and_dump_in_the_same_shape():
    body = RunCreate(strategy="sma_cross", symbols=["AAPL"], fees={"model": "percent", "rate": 0.1},
                     slippage={"model": "range", "value": "0.1"})
    assert body.fees == FeeSpec("percent", D("0.1")) and body.slippage == SlippageSpec("range", D("0.1"))
    assert body.model_dump(mode="json", include={"fees", "slippage"}) == {
        "fees": {"model": "percent", "rate": "0.1"}, "slippage": {"model": "range", "value": "0.1"}}
    default = RunCreate(strategy="sma_cross", symbols=["AAPL"])
    assert (default.fees, default.slippage) == (FeeSpec(), SlippageSpec())
