"""Why a matched pair of decisions reads "different" when neither its sizes nor its fills say so: one side's
order was refused, or the two orders asked for different things (trial 23 found "different" rows with an
empty note, where live's bracket was rejected and the backtest's was still open)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from app.services.drift_notes import HOW_IT_ENDED, quantity_text, unit

if TYPE_CHECKING:
    from app.services.drift_match import Decision

ASKED = (("notional", "value"), ("percent", "percent of equity"), ("limit_price", "limit"), ("stop_price", "stop"),
         ("time_in_force", "time in force"))


def difference_note(live: Decision, backtest: Decision) -> str | None:
    """'live's was rejected: insufficient buying power; the backtest's filled 52 shares', or 'they asked
    differently: limit 190.05 live, 190.04 in the backtest', or None when they are the same order."""
    if (live.status == "rejected") != (backtest.status == "rejected"):
        refused, other, names = (live, backtest, ("live's", "the backtest's")) if live.status == "rejected" else (
            backtest, live, ("the backtest's", "live's"))
        reason = f": {refused.reject_reason}" if refused.reject_reason else ""
        return f"{names[0]} was rejected{reason}; {names[1]} {_outcome(other)}"
    asked = [f"{label} {_text(getattr(live, name))} live, {_text(getattr(backtest, name))} in the backtest"
             for name, label in ASKED if getattr(live, name) != getattr(backtest, name)]
    return f"they asked differently: {'; '.join(asked)}" if asked else None


def _outcome(decision: Decision) -> str:
    filled = decision.filled_qty
    if filled:
        return f"filled {quantity_text(filled)} {unit(decision.symbol)}"
    return HOW_IT_ENDED.get(decision.status, decision.status)


def _text(value: object) -> str:
    if value is None:
        return "none"
    return quantity_text(value) if isinstance(value, Decimal) else str(value)
