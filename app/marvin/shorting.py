"""A strategy told to sell short in a run that may not.

The strategy's `allow_short` parameter says what it asks for; the run's own allow_short setting says what
the broker will let it do (Greta's sizing and Veda's gateway refuse a short sale without it). Asked for
and not allowed, every short sale is refused: the run trades as with the parameter off, under a number of
rejections (trial 17: a sweep over allow_short gave pairs of identical cells and no word why). So the
pair is refused, or skipped as a sweep's cell, before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def crypto_short_refused(symbols: Sequence[str], asset_class: str | None, allow_short: bool,
                         trading: bool = False) -> str | None:
    """Alpaca does not sell crypto short: a run on a pair with short selling on would backtest shorts that its
    paper and live runs cannot place (trial 41: the backtest ended short 1.75 BTC; the paper run's every short
    sale was refused for "insufficient qty available"). A pair is crypto when the run's asset class says so,
    or, with none given, by its form (BTC/USD), as the year its figures are annualised by is chosen. A paper or
    live run (`trading`) trades at the broker, so a pair is a pair whatever its asset class (trial 43: `other`,
    which the refusal suggested for backtests, let a paper run through)."""
    if not allow_short:
        return None
    pairs = [s for s in symbols if asset_class == "crypto" or ((trading or asset_class is None) and "/" in s)]
    if not pairs:
        return None
    if trading:
        return (f"Alpaca does not sell crypto short ({', '.join(pairs)}): every short sale would be refused by the "
                "broker. Turn short selling off for the run (allow_short false)")
    return (f"Alpaca does not sell crypto short ({', '.join(pairs)}): the backtest's short sales could not be "
            "traded, paper or live. Turn short selling off (allow_short false; no --allow-short), or, for a pair "
            "traded somewhere that allows it, set the asset class to other")
