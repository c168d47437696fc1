"""When a run stops, the runs still active on its account may fit its buying power again.

`run.buying_power_short` tells a run that the active runs' cash together is more than the account can spend
(app/veda/buying_power.py). Trial 41: a run started with too much cash and stopped 3 s later, and the notice
stayed on the other runs' pages for twelve minutes. When a stop leaves them fitting, each run whose latest
notice said so hears that it fits now (`fits`), and its page drops the notice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.events.reader import read_events
from app.veda.buying_power import crowded_detail, money
from app.veda.ports import Account
from app.veda.shared_account import active_cash
from app.walle.uow import UnitOfWork

NOTICE = "run.buying_power_short"


def eased(uow: UnitOfWork, mode: str, account: Account, stopped: str, name: str) -> list[dict[str, Any]]:
    """For each active run last told it was short, the `run.buying_power_short` payload a stop sends: the notice
    lifted (`fits`) once the active runs' cash together fits the account's buying power again, else said again
    with the figures now (run `stopped`, called `name`, no longer counted, in the transaction that stops it)."""
    runs = [each for each in active_cash(uow, mode) if each[0] != stopped]
    total = sum((cash for _, _, cash in runs), Decimal(0))
    payloads = []
    for run_id, _, cash in runs:
        latest = read_events(uow.session, run_id=run_id, types=[NOTICE], limit=1, newest_first=True)
        if not latest or latest[0].payload.get("fits"):
            continue
        payload = {"run_id": run_id, "cash": str(cash), "buying_power": str(account.buying_power)}
        still = crowded_detail(mode, cash, total, len(runs), account)
        if still is not None:  # still short: said again with the figures now (trial 43: "4 active runs … 20,008.93"
            payloads.append({**payload, "detail": f"run {name} stopped; {still}"})  # stayed, with 3 and 98,890.53)
            continue
        payloads.append({**payload, "detail": None, "fits": (
            f"run {name} stopped: the {len(runs)} active {mode} runs' cash together ({money(total)}) fits the "
            f"account's buying power ({money(account.buying_power)})")})
    return payloads
