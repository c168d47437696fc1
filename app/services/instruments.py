"""Instruments Weaver knows (from the broker's asset list or `bars fetch`), as the domain's Instrument."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.marvin.instruments import Instrument
from app.marvin.shorting import crypto_short_refused
from app.services.errors import ValidationFailed
from app.walle.repositories.instruments import InstrumentRepository
from app.walle.uow import UnitOfWork

Spec = TypeVar("Spec", bound=Any)


def known_instruments(uow: UnitOfWork, symbols: Iterable[str]) -> dict[str, Instrument]:
    """The stored instrument of each symbol that has one; symbols without one are left out."""
    out: dict[str, Instrument] = {}
    for symbol in symbols:
        row = uow.instruments.get(symbol)
        if row is not None:
            out[symbol] = Instrument(symbol, row.asset_class, row.price_increment, row.qty_increment)
    return out


def shared_asset_class(session: Session, symbols: Sequence[str]) -> str | None:
    """The asset class every symbol's stored instrument shares (the demo's us_equity, an import's
    --asset-class), as the UI's forms pre-fill it; None when one has none or they differ. Trials 13 and 14
    ran the same backtest and walk-forward from a form and from the command line and read different Sharpes:
    the form sent us_equity (252 sessions a year), the command line the data's own year (261 bars)."""
    classes = InstrumentRepository(session).asset_classes(sorted(set(symbols)))
    shared = {classes.get(symbol) for symbol in symbols}
    return shared.pop() if len(shared) == 1 and None not in shared else None


def with_stored_class(uow: UnitOfWork, spec: Spec) -> Spec:
    """A run, sweep or walk-forward request with no asset class takes the one its symbols' stored instruments
    share, as the UI's forms and the command line do (trial 19: the API's run of AAPL minute bars was
    annualised by the data's own year, Sharpe 0.54, the command line's by the session, 0.51). It is kept
    on the run, so a rerun judges it by the same year whatever is stored later."""
    if spec.asset_class is not None:
        return spec
    found = shared_asset_class(uow.session, spec.symbols)
    return spec if found is None else spec.model_copy(update={"asset_class": found})


def refuse_crypto_shorts(spec: Any) -> None:
    """A run, sweep or walk-forward that would sell crypto short (once its asset class is settled: with_stored_class)
    is a 422 at its allow_short field: its backtest could not be traded on Alpaca."""
    refused = crypto_short_refused(spec.symbols, spec.asset_class, spec.allow_short,
                                   trading=getattr(spec, "mode", "backtest") != "backtest")
    if refused:
        raise ValidationFailed({"allow_short": refused})
