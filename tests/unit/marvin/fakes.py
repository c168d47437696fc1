"""A fake OrderGateway that records every call, for checking what a strategy asks of a broker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.marvin import OpenOrder, OrderRequest


class RecordingGateway:
    """Answers queries from fixed values and records submit/cancel (and optionally wraps a real gateway)."""

    def __init__(self, inner: Any = None, position: Decimal = Decimal(0)):
        self.inner = inner
        self.calls: list[tuple[str, Any]] = []
        self._position = position

    def submit(self, request: OrderRequest) -> str:
        self.calls.append(("submit", request))
        return self.inner.submit(request) if self.inner else f"fake-{request.seq}"

    def cancel(self, order_id: str) -> None:
        self.calls.append(("cancel", order_id))
        if self.inner:
            self.inner.cancel(order_id)

    def position(self, symbol: str) -> Decimal:
        value = self.inner.position(symbol) if self.inner else self._position
        self.calls.append(("position", (symbol, value)))
        return value

    def cash(self) -> Decimal:
        return self.inner.cash() if self.inner else Decimal("10000")

    def equity(self) -> Decimal:
        return self.inner.equity() if self.inner else Decimal("10000")

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        return self.inner.open_orders(symbol) if self.inner else []

    def submitted(self) -> list[OrderRequest]:
        return [arg for name, arg in self.calls if name == "submit"]
