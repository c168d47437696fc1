"""The database side of ui/e2e/connectivity.spec.ts, which runs its own `weaver web` so it can kill it:

    .venv/bin/python -m tests.e2e.connectivity create           → {"database_url", "name", "run_id"}
    .venv/bin/python -m tests.e2e.connectivity events URL RUN FROM COUNT   (appends backtest.progress events)
    .venv/bin/python -m tests.e2e.connectivity breach URL RUN   (appends a risk.breached event)
    .venv/bin/python -m tests.e2e.connectivity drop NAME

Events are written to the outbox as a worker writes them, while the web process is down.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal

from app.bootstrap import Container, bootstrap
from app.config import Settings
from app.events import Event
from app.walle import migrate
from app.walle.models import Run
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for

TOTAL_BARS = 100


def container(url: str) -> Container:
    settings = Settings(database_url=url, broker="memory", api_token="e2e-connectivity-unused")  # type: ignore[arg-type]
    return bootstrap(settings, listen=False)


def append_progress(url: str, run_id: str, start: int, count: int) -> None:
    with container(url).uow() as uow:
        for done in range(start, start + count):
            uow.outbox.append(Event(type="backtest.progress", run_id=run_id, payload={
                "run_id": run_id, "progress": done / TOTAL_BARS, "bars_done": done, "bars_total": TOTAL_BARS}))
        uow.commit()


def append_breach(url: str, run_id: str) -> None:
    with container(url).uow() as uow:
        uow.outbox.append(Event(type="risk.breached", run_id=run_id, payload={
            "run_id": run_id, "rule": "max_order_value", "detail": "order value 1200.00 exceeds the limit 1000.00"}))
        uow.commit()


def create() -> dict[str, str]:
    name = create_pg_database("weaver_e2e_conn")
    url = pg_url_for(name)
    try:
        migrate.upgrade(url)
        with container(url).uow() as uow:
            now = datetime.now(UTC)
            run = uow.runs.add(Run(mode="backtest", name="connectivity", strategy="sma_cross", params={},
                                   symbols=["AAPL"], timeframe="1Day", cash=Decimal("10000"), fees={"model": "none"},
                                   slippage={"model": "none"}, options={}, status="created", created_at=now,
                                   updated_at=now))
            uow.commit()
            run_id = run.id
        append_progress(url, run_id, 1, 3)
    except BaseException:  # nothing left behind by a setup that did not finish
        drop_pg_database(name)
        raise
    return {"database_url": url, "name": name, "run_id": run_id}


def main(argv: list[str]) -> int:
    if argv[:1] == ["create"]:
        print(json.dumps(create()), flush=True)
    elif argv[:1] == ["events"] and len(argv) == 5:
        append_progress(argv[1], argv[2], int(argv[3]), int(argv[4]))
    elif argv[:1] == ["breach"] and len(argv) == 3:
        append_breach(argv[1], argv[2])
    elif argv[:1] == ["drop"] and len(argv) == 2:
        drop_pg_database(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
