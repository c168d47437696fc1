"""What a strategy's `on_save()` returns must come back as it was saved: a dict of JSON values. One check,
for the live run that saves it after every bar and for the backtest that tries it once at its end (trial 27:
a state holding a Decimal backtested cleanly and stopped the paper run on its first bar)."""

from __future__ import annotations

import json
from typing import Any


def as_saved(state: object) -> dict[str, Any]:
    """The state as it will be loaded back (a JSON round trip), or TypeError saying what cannot be saved."""
    if not isinstance(state, dict):
        raise TypeError(f"on_save() must return a dict, not {type(state).__name__}")
    try:
        return json.loads(json.dumps(state))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"on_save() returned what cannot be saved as JSON ({exc}): keep numbers as int, float or "
                        "str, and times as text") from exc
