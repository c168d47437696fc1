"""Instruments Weaver knows (from the broker's asset list or `bars fetch`), as the domain's Instrument."""

from __future__ import annotations

from collections.abc import Iterable

from app.marvin.instruments import Instrument
from app.walle.uow import UnitOfWork


def known_instruments(uow: UnitOfWork, symbols: Iterable[str]) -> dict[str, Instrument]:
    """The stored instrument of each symbol that has one; symbols without one are left out."""
    out: dict[str, Instrument] = {}
    for symbol in symbols:
        row = uow.instruments.get(symbol)
        if row is not None:
            out[symbol] = Instrument(symbol, row.asset_class, row.price_increment, row.qty_increment)
    return out
