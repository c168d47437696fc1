"""A paper run seeded as its live worker writes it (orders, fills, recorded bars), for the API tests that
read a live run's records without starting a worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.veda.recording import write_bars
from app.walle.models import Fill, Order
from tests.integration.foundation.factories import make_run

T0 = datetime(2026, 12, 3, 15, 0, 0, tzinfo=UTC)
Fills = list[tuple[str, str, str, str, float]]  # (side, qty, price, fee, seconds after T0)


def paper_run(pg: Container, fills: Fills, bars: int = 8, status: str = "running") -> str:
    """A 1Sec paper run with one order per fill, and `bars` recorded bars whose closes rise by 1 a second
    from 100.25 (the first one warm-up)."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status=status, timeframe="1Sec", start_at=T0, end_at=None))
        uow.session.flush()
        for index, (side, qty, price, fee, after) in enumerate(fills):
            stamp = T0 + timedelta(seconds=after)
            order = Order(run_id=run.id, client_order_id=f"{run.id}-{index}", symbol="AAPL", side=side, type="market",
                          time_in_force="day", qty=Decimal(qty), status="filled", submitted_at=stamp)
            uow.session.add(order)
            uow.session.flush()
            uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="AAPL", side=side, qty=Decimal(qty),
                                 price=Decimal(price), fee=Decimal(fee), ts=stamp))
        write_bars(uow, [{"run_id": run.id, "symbol": "AAPL", "ts": T0 + timedelta(seconds=s),
                          "open": Decimal("100.00") + s, "high": Decimal("100.50") + s, "low": Decimal("99.50") + s,
                          "close": Decimal("100.25") + s, "volume": Decimal(100 + s), "warmup": s == 0}
                         for s in range(bars)])
        uow.commit()
        return run.id
