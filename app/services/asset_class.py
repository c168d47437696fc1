"""The asset class a run, sweep or walk-forward is judged by, fixed when it is created."""

from __future__ import annotations

from typing import Protocol, TypeVar

from app.walle.uow import UnitOfWork


class _Spec(Protocol):
    symbols: list[str]
    asset_class: str | None

    def model_copy(self, *, update: dict) -> _Spec: ...


S = TypeVar("S", bound=_Spec)


def with_stored_asset_class(uow: UnitOfWork, spec: S) -> S:
    """`spec` with the asset class it asks for, else the one every symbol's stored instrument has (bars
    imported with --asset-class, the broker's asset list, the demo's us_equity). The run keeps it in its
    settings, so its year of bars for annualised figures is that class's whatever its window (estimated
    from the window, a minute run's Sharpe moved by a third between windows of the same bars), and a
    re-run is judged the same even if the stored instrument changes later."""
    if spec.asset_class is not None:
        return spec
    classes = {getattr(uow.instruments.get(symbol), "asset_class", None) for symbol in spec.symbols}
    if len(classes) != 1 or None in classes:
        return spec
    return spec.model_copy(update={"asset_class": classes.pop()})  # type: ignore[return-value]
