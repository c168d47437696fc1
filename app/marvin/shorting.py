"""A strategy told to sell short in a run that may not.

The strategy's `allow_short` parameter says what it asks for; the run's own allow_short setting says what
the broker will let it do (Greta's sizing and Veda's gateway refuse a short sale without it). Asked for
and not allowed, every short sale is refused: the run trades as with the parameter off, under a number of
rejections (trial 17: a sweep over allow_short gave pairs of identical cells and no word why). So the
pair is refused, or skipped as a sweep's cell, before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SHORT_PARAMETER = "allow_short"  # the built-in strategies' name for it


def shorting_refused(params: Mapping[str, Any], allow_short: bool) -> str | None:
    """Why `params` cannot run under a run whose allow_short setting is `allow_short`; None when they can."""
    if allow_short or params.get(SHORT_PARAMETER) is not True:
        return None
    return ("allow_short=true asks the strategy to sell short, but short selling is off for the run, so every short "
            "sale would be refused: turn Short selling on for the run (allow_short in the API, --allow-short on the "
            "command line) or set the parameter to false")


def shorting_unused(params: Mapping[str, Any], allow_short: bool) -> str | None:
    """The other way round: the run may sell short but the strategy's parameter says it will not, so the run
    trades long only as without the setting (trial 29: --allow-short alone gave the long-only result, silently).
    Valid, so only said."""
    if not allow_short or params.get(SHORT_PARAMETER) is not False:
        return None
    return ("short selling is on for the run, but the strategy's allow_short parameter is false, so it will not sell "
            "short: set the parameter to true as well (--param allow_short=true) to trade both ways")
