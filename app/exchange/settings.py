"""Account configurations (GET/PATCH /v2/account/configurations): what a user may switch on their account.

`suspend_trade`, `no_shorting` and `fractional_trading` change what orders the account accepts (see
web/configurations.py); `max_margin_multiplier` is kept and reported but buying power stays at 1x, the
exchange's only margin model. `dtbp_check`/`pdt_check` are accepted and not reported: Alpaca dropped
them from its answers on 2026-07-06 (alpaca-py 0.44 defaults them to None).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from app.exchange.errors import invalid

CHOICES = {
    "trade_confirm_email": ("all", "none"),
    "max_margin_multiplier": ("1", "2"),
    "dtbp_check": ("both", "entry", "exit", None),
    "pdt_check": ("both", "entry", "exit", None),
}
FLAGS = ("suspend_trade", "no_shorting", "fractional_trading", "ptp_no_exception_entry")


@dataclass(frozen=True)
class AccountSettings:
    trade_confirm_email: str = "all"
    suspend_trade: bool = False
    no_shorting: bool = True
    fractional_trading: bool = True
    max_margin_multiplier: str = "1"
    ptp_no_exception_entry: bool = False
    max_options_trading_level: int = 0

    @classmethod
    def default(cls, shorting: bool) -> AccountSettings:
        return cls(no_shorting=not shorting)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict) -> AccountSettings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def patched(self, body: object, shorting_allowed: bool) -> AccountSettings:
        """The settings after a PATCH body; unknown keys and nulls are ignored, as Alpaca does."""
        if not isinstance(body, dict):
            raise invalid("request body must be a JSON object")
        changes: dict[str, object] = {}
        for name, allowed in CHOICES.items():
            value = body.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and name == "max_margin_multiplier":
                value = f"{value:g}"
            if value is not None and value not in allowed:
                raise invalid(f"{name} must be one of {', '.join(a for a in allowed if a)}")
            if value is not None and name in self.__dataclass_fields__:
                changes[name] = value
        for name in FLAGS:
            value = body.get(name)
            if value is not None and not isinstance(value, bool):
                raise invalid(f"{name} must be true or false")
            if value is not None:
                changes[name] = value
        level = body.get("max_options_trading_level")
        if level is not None:
            if level != 0:
                raise invalid("options trading is not available on this exchange")
            changes["max_options_trading_level"] = 0
        if changes.get("no_shorting") is False and not shorting_allowed:
            raise invalid("shorting needs a margin account (start the exchange with NAME:KEY:SECRET:CASH:short)")
        return replace(self, **changes)  # type: ignore[arg-type]
