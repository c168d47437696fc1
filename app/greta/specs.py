"""A run's cost settings as typed values: FeeSpec and SlippageSpec, from the command line or the API to the engine.

Each is made once where it enters (the CLI option, the API body, a stored run) and travels as is; the
engine asks it for its model. They are stored in two forms, and `parse` reads both (and every older
spelling, so stored runs still load):
- text, as the CLI takes them and a result's config keeps them: `per_share:0.005`, `5bp`, `range:0.1`;
- a dict, as the runs table and the API keep them: `{"model": "per_share", "rate": "0.005"}`,
  `{"model": "bps", "value": "5"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.greta.fees import AlpacaCryptoFees, AlpacaFees, FeeModel, NoFees, PercentFee, PerShareFee
from app.greta.slippage import BpsSlippage, NoSlippage, RangeSlippage, SlippageModel

FEE_MODELS = ("none", "alpaca", "per_share", "percent")
SLIPPAGE_MODELS = ("none", "bps", "range")
_RATED = ("per_share", "percent")
_FEE_HELP = "use none, alpaca, per_share:<rate> or percent:<pct>"
_SLIPPAGE_HELP = "use none, <n>bp (e.g. 5bp) or range:<0..1> (e.g. range:0.1)"
_MISSING = (ArithmeticError, TypeError, ValueError)  # what a malformed number or a missing one raises


class FeeSpecError(ValueError):
    pass


class SlippageSpecError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FeeSpec:
    kind: str = "none"  # none | alpaca | per_share ($ per share) | percent (% of the fill's value)
    rate: Decimal | None = None  # per_share and percent only

    def __post_init__(self) -> None:
        if self.kind not in FEE_MODELS or (self.kind in _RATED) != (self.rate is not None):
            raise FeeSpecError(f"invalid fee model {self.kind!r} with rate {self.rate}: {_FEE_HELP}")
        if self.rate is not None and not (self.rate.is_finite() and self.rate >= 0):
            raise FeeSpecError(f"invalid fee rate {self.rate}: {_FEE_HELP}")

    @classmethod
    def parse(cls, value: FeeSpec | str | Mapping[str, Any] | None) -> FeeSpec:
        """`none` | `alpaca` | `per_share:0.005` | `percent:0.1`, or the dict form; FeeSpecError otherwise."""
        if isinstance(value, FeeSpec):
            return value
        try:
            if isinstance(value, str):
                kind, colon, rate = value.strip().lower().partition(":")  # `none:1` is refused, as ever
                return cls("none" if kind in ("", "zero") and not colon else kind, _decimal(rate) if colon else None)
            if isinstance(value, Mapping):
                kind = _kind(value)
                return cls(kind, _decimal(value.get("rate")) if kind in _RATED else None)
        except (FeeSpecError, *_MISSING):
            pass
        raise FeeSpecError(f"invalid fee model {value!r}: {_FEE_HELP}")

    def to_text(self) -> str:
        return self.kind if self.rate is None else f"{self.kind}:{self.rate}"

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.kind, "rate": None if self.rate is None else str(self.rate)}

    def model(self, crypto: bool = False) -> FeeModel:
        """The model a symbol's fills pay: on a crypto pair the Alpaca preset is Alpaca's crypto tier."""
        if self.kind == "alpaca":
            return AlpacaCryptoFees() if crypto else AlpacaFees()
        if self.rate is None:
            return NoFees()
        return PerShareFee(self.rate) if self.kind == "per_share" else PercentFee(self.rate)


@dataclass(frozen=True, slots=True)
class SlippageSpec:
    kind: str = "none"  # none | bps (basis points against the order) | range (fraction of the bar's range)
    value: Decimal | None = None  # bps: 0 <= value < 10,000; range: 0..1

    def __post_init__(self) -> None:
        if self.kind not in SLIPPAGE_MODELS or (self.kind != "none") != (self.value is not None):
            raise SlippageSpecError(f"invalid slippage model {self.kind!r} with value {self.value}: {_SLIPPAGE_HELP}")
        if self.value is not None and not (self.value.is_finite() and 0 <= self.value
                                           and (self.value <= 1 if self.kind == "range" else self.value < 10_000)):
            raise SlippageSpecError(f"invalid {self.kind} slippage {self.value}: {_SLIPPAGE_HELP}")

    @classmethod
    def parse(cls, value: SlippageSpec | str | Mapping[str, Any] | None) -> SlippageSpec:
        """`none` | `5bp` (or `5bps`) | `range:0.1`, or the dict form; SlippageSpecError otherwise."""
        if isinstance(value, SlippageSpec):
            return value
        try:
            if isinstance(value, str):
                text = value.strip().lower()
                if text in ("", "none", "zero"):
                    return cls()
                if text.endswith(("bp", "bps")):
                    return cls("bps", _decimal(text.removesuffix("s").removesuffix("bp")))
                if text.startswith("range:"):
                    return cls("range", _decimal(text.removeprefix("range:")))
            elif isinstance(value, Mapping):
                kind = _kind(value)
                return cls(kind, None if kind == "none" else _decimal(value.get("value")))
        except (SlippageSpecError, *_MISSING):
            pass
        raise SlippageSpecError(f"invalid slippage {value!r}: {_SLIPPAGE_HELP}")

    def to_text(self) -> str:
        if self.value is None:
            return "none"
        return f"{self.value}bp" if self.kind == "bps" else f"range:{self.value}"

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.kind, "value": None if self.value is None else str(self.value)}

    def model(self) -> SlippageModel:
        if self.value is None:
            return NoSlippage()
        return BpsSlippage(float(self.value)) if self.kind == "bps" else RangeSlippage(float(self.value))


def _kind(form: Mapping[str, Any]) -> str:
    kind = str(form.get("model") or "none").strip().lower()
    return "none" if kind == "zero" else kind


def _decimal(value: object) -> Decimal:
    if value is None or isinstance(value, bool):
        raise TypeError("a number is missing")
    return Decimal(str(value))
