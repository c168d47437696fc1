"""What a backtest produces: frozen records whose field names the database tables mirror.

Timestamps are timezone-aware UTC datetimes: a bar's start, the convention Alpaca stamps bars with.
An order placed on a bar's close is stamped with that bar; a fill with the bar it filled in. Money
and quantities are Decimal; ids are deterministic (`o-000001`, `f-000001`, `t-000001`), so the same
backtest twice gives identical records. The equity curve stays columnar (numpy) because it has one
point per bar: `EquityCurve.points()` builds per-point records only when someone asks.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from functools import cache, cached_property, wraps
from typing import Any, Protocol, TypeVar

import numpy as np

from app.marvin.bars import ns_to_datetime

E4 = Decimal("0.0001")
T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while records are built by the ten thousand.

    Each batch of new objects triggers a collection, and the older generations' collections walk
    every object alive (the records built so far included): with the collector on, a million-bar
    run's 51,000 order records took four times as long to build. Records hold no cycles.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def without_collector(build: Callable[..., T]) -> Callable[..., T]:
    """`build` run with the collector paused (see `collector_paused`)."""

    @wraps(build)
    def run(*args: Any, **kwargs: Any) -> T:
        with collector_paused():
            return build(*args, **kwargs)

    return run


@cache  # one per record class: compiling it cost a sweep cell of 39,000 bars 5 % of its time
def maker(cls: type) -> Any:
    """A positional constructor for a frozen record that skips the generated __init__.

    A frozen dataclass's __init__ sets each field through object.__setattr__, which made building
    a million-bar run's records take seconds; the constructor is written out for the class's fields
    (as dataclasses writes its own methods), storing each straight into the instance dict, four
    times faster. Only for values already checked (the broker's own state); instances are as
    frozen as ever.
    """
    names = [f.name for f in fields(cls)]
    source = [f"def make({', '.join(names)}):", "    record = new(cls)", "    d = record.__dict__"]
    source += [f"    d[{name!r}] = {name}" for name in names]
    source.append("    return record")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(source), f"<maker {cls.__name__}>", "exec"),  # noqa: S102
         {"new": object.__new__, "cls": cls}, namespace)
    return namespace["make"]


@dataclass(frozen=True)
class OrderEvent:
    status: str
    ts: datetime


@dataclass(frozen=True)
class OrderRecord:
    id: str
    client_order_id: str
    seq: int | None  # the strategy's request number; None for bracket legs
    parent_id: str | None
    symbol: str
    side: str
    type: str
    order_class: str  # simple | bracket
    leg: str | None  # take_profit | stop_loss for bracket legs
    time_in_force: str
    qty: Decimal | None
    notional: Decimal | None
    percent: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    take_profit: Decimal | None
    stop_loss: Decimal | None
    status: str  # final: new/held (still open at the end) | filled | canceled | expired | rejected
    filled_qty: Decimal
    filled_avg_price: Decimal | None
    reject_reason: str | None
    submitted_at: datetime
    filled_at: datetime | None
    history: tuple[OrderEvent, ...]


@dataclass(frozen=True)
class FillRecord:
    id: str
    order_id: str
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime


@dataclass(frozen=True)
class TradeRecord:
    """A closed round trip: one entry lot (or part of it) and the exit that closed it."""

    id: str
    symbol: str
    direction: str  # long | short
    qty: Decimal
    entry_ts: datetime
    entry_price: Decimal
    exit_ts: datetime
    exit_price: Decimal
    pnl: Decimal  # net of entry and exit fees
    return_pct: Decimal  # pnl / entry value × 100
    fees: Decimal
    bars_held: int
    entry_order_id: str
    exit_order_id: str


@dataclass(frozen=True, slots=True)
class PositionRecord:
    symbol: str
    qty: Decimal
    avg_price: Decimal
    mark_price: Decimal
    market_value: Decimal
    cost_basis: Decimal
    unrealized_pl: Decimal
    realized_pl: Decimal


@dataclass(frozen=True)
class EquityPoint:
    ts: datetime
    equity: Decimal
    cash: Decimal
    benchmark: Decimal


@dataclass(frozen=True, eq=False)
class EquityCurve:
    """One point per bar of the timeline. Money columns are int64 in units of $0.0001 (exact)."""

    ts: np.ndarray  # int64 epoch ns
    equity_e4: np.ndarray
    cash_e4: np.ndarray
    benchmark_e4: np.ndarray  # equal-weight buy and hold of the run's symbols

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def equity(self) -> np.ndarray:
        """Equity as float64 dollars, for charts and metrics."""
        return self.equity_e4 / 10_000.0

    @without_collector
    def points(self) -> list[EquityPoint]:
        point = maker(EquityPoint)
        return [
            point(ns_to_datetime(t), Decimal(e) * E4, Decimal(c) * E4, Decimal(b) * E4)
            for t, e, c, b in zip(self.ts.tolist(), self.equity_e4.tolist(), self.cash_e4.tolist(),
                                  self.benchmark_e4.tolist(), strict=True)
        ]


class Ledger(Protocol):
    """Where a result's per-order records come from (ledger.RunLedger): built on first access, all
    of them or [start, stop) (a writer streams a large run's records in chunks)."""

    def count(self, kind: str) -> int:
        """How many "orders", "fills" or "trades" records there are."""
        ...

    def orders(self, start: int = 0, stop: int | None = None) -> tuple[OrderRecord, ...]: ...

    def fills(self, start: int = 0, stop: int | None = None) -> tuple[FillRecord, ...]: ...

    def trades(self, start: int = 0, stop: int | None = None) -> tuple[TradeRecord, ...]: ...

    def reject_reasons(self) -> Iterable[str | None]:
        """Why each rejected order was refused, without building every order record."""
        ...

    def still_working(self) -> tuple[int, int]:
        """Orders still working when the bars ended, without building every order record: how many were
        placed on the last bar (no later bar to fill them), and how many earlier (their price never reached)."""
        ...


@dataclass(frozen=True)
class BacktestResult:
    """A finished run. `orders`, `fills` and `trades` are built from the run's ledger on first access:
    a million-bar run makes tens of thousands of them, and a caller that only wants the metrics
    should not pay for them."""

    config: dict[str, Any]  # the run's settings as primitives (strategy, params, cash, fees, ...)
    symbols: tuple[str, ...]
    timeframe: str
    start: datetime
    end: datetime
    bars: int
    positions: tuple[PositionRecord, ...]
    equity: EquityCurve = field(repr=False)
    metrics: dict[str, float | int | None]
    final_cash: Decimal
    final_equity: Decimal
    ledger: Ledger = field(repr=False, compare=False)
    warnings: tuple[str, ...] = ()  # what the user must not miss about the run itself (app/greta/unfilled.py)

    @cached_property
    def orders(self) -> tuple[OrderRecord, ...]:
        return self.ledger.orders()

    @cached_property
    def fills(self) -> tuple[FillRecord, ...]:
        return self.ledger.fills()

    @cached_property
    def trades(self) -> tuple[TradeRecord, ...]:
        return self.ledger.trades()

    def rejections(self) -> dict[str, int]:
        """Rejected orders by reason (the reason's words before any figures), most frequent first."""
        return rejection_counts(self.ledger.reject_reasons())

    def to_dict(self) -> dict[str, Any]:
        from app.greta.serialize import result_to_dict

        return result_to_dict(self)

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, Decimals as strings; the same run twice is byte-identical."""
        from app.greta.serialize import result_to_json

        return result_to_json(self)


def rejection_counts(reasons: Iterable[str | None]) -> dict[str, int]:
    """Group reject reasons by their kind: "insufficient buying power: the fill needs 10.00, …" → the
    part before the colon (or before the first parenthesis)."""
    counts: dict[str, int] = {}
    for reason in reasons:
        kind = _kind(reason or "no reason given")
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def _kind(reason: str) -> str:
    """The reason's words before any figures; where our cause follows the broker's figures ("insufficient qty
    available for order (requested: 10, available: 0): 10 of the 10 held are promised to …"), the cause too,
    without its figures (trial 39: "insufficient qty available for order ×63" did not say what held them)."""
    head = reason.split(":")[0].split(" (")[0].strip()
    if "): " not in reason:
        return head
    cause = _LEADING_FIGURES.sub("the shares held are", reason.split("): ", 1)[1].split(":")[0].strip())
    return f"{head} ({cause})"


_LEADING_FIGURES = re.compile(r"^[\d.]+ of the [\d.]+ held are")


def working_summary(on_last: int, earlier: int) -> str | None:
    """What `Ledger.still_working` found, in words, or None: orders listed `new` in the records with no word
    why otherwise (trial 42: a buy placed on the last bar, unfilled, that the run page never mentioned)."""
    if not on_last + earlier:
        return None

    def orders(n: int) -> str:
        return f"{n:,} order{'s' * (n != 1)}"

    why = ([f"{orders(on_last)} placed on the last bar, which no later bar could fill"] if on_last else []) + (
        [f"{orders(earlier)} placed earlier whose limit or stop price the bars never reached"] if earlier else [])
    return (f"{orders(on_last + earlier)} still working when the bars ended (listed as new, neither filled nor "
            f"cancelled): {' and '.join(why)}; the figures count none of them")


def rejection_summary(counts: dict[str, int]) -> str | None:
    """ "3 orders rejected: insufficient buying power ×2, shorting is disabled ×1", or None."""
    total = sum(counts.values())
    if not total:
        return None
    kinds = ", ".join(f"{kind} ×{n}" for kind, n in counts.items())
    return f"{total} order{'s' if total != 1 else ''} rejected: {kinds}"
