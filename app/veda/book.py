"""A run's book during one tick: its position rows and its cash, read once and kept current as the
tick's fills are booked, so sizing, risk checks and marking do not each ask the database again."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.veda.ledger import run_cash, runs_cash
from app.veda.positions import cash_flow
from app.walle.models import Fill, Position, Run
from app.walle.uow import UnitOfWork

ZERO = Decimal(0)


@dataclass(frozen=True)
class RunFacts:
    """What a tick needs of its run's row, read once, as plain values (usable after its unit of work)."""

    id: str
    mode: str
    status: str
    timeframe: str
    symbols: list[str]
    cash: Decimal
    options: dict[str, Any]

    @classmethod
    def of(cls, run: Run) -> RunFacts:
        return cls(run.id, run.mode, run.status, run.timeframe, list(run.symbols), run.cash, dict(run.options or {}))


@dataclass
class Book:
    cash: Decimal
    positions: dict[str, Position] = field(default_factory=dict)

    def qty(self, symbol: str) -> Decimal:
        position = self.positions.get(symbol)
        return position.qty if position is not None else ZERO

    def held(self) -> dict[str, Decimal]:
        """Signed qty per symbol the run is not flat in."""
        return {symbol: p.qty for symbol, p in self.positions.items() if p.qty}

    def equity(self, marks: dict[str, Decimal]) -> Decimal:
        return self.cash + sum((p.qty * marks.get(s, p.mark_price or ZERO) for s, p in self.positions.items()), ZERO)

    def add_fill(self, fill: Fill) -> None:
        """Keep the cash current as the Ledger books a fill (run_cash's arithmetic, one fill at a time)."""
        self.cash += cash_flow(fill.side, fill.qty, fill.price, fill.fee, fill.fee_qty)

    def attach(self, uow: UnitOfWork) -> None:
        """Bring the rows into another unit of work of the same tick, without reading them again."""
        for position in self.positions.values():
            uow.session.add(position)


def load_book(uow: UnitOfWork, run: Run | RunFacts) -> Book:
    positions = uow.session.scalars(select(Position).where(Position.run_id == run.id))
    return Book(run_cash(uow, run), {p.symbol: p for p in positions})


def load_books(uow: UnitOfWork, runs: list[RunFacts]) -> dict[str, Book]:
    """load_book for several runs in two statements, whatever their number."""
    books = {run_id: Book(cash) for run_id, cash in runs_cash(uow, runs).items()}
    for position in uow.session.scalars(select(Position).where(Position.run_id.in_(list(books)))):
        books[position.run_id].positions[position.symbol] = position
    return books
