"""The optional state file: a JSON snapshot of accounts (positions, orders, activities, watchlists,
configurations) and the price anchor.

Written atomically (temp file + rename) so a crash never leaves half a snapshot; the embedded mode
keeps its paper account across restarts through it. Pins and faults are not saved.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

from app.exchange.accounts import Account, Position
from app.exchange.activities import activities_from_state
from app.exchange.orders import Order
from app.exchange.settings import AccountSettings
from app.exchange.watchlists import Watchlist

VERSION = 1


def snapshot(accounts: dict[str, Account], anchor_ms: int) -> dict[str, object]:
    return {
        "version": VERSION,
        "anchor_ms": anchor_ms,
        "accounts": {
            name: {
                "created_ms": a.created_ms,
                "cash": str(a.cash),
                "realized_pl": str(a.realized_pl),
                "positions": [p.to_state() for p in a.positions.values()],
                "orders": [o.to_state() for o in a.orders.values()],
                "activities": [x.to_state() for x in a.activities],
                "watchlists": [w.to_state() for w in a.watchlists.values()],
                "settings": a.settings.to_json(),
            }
            for name, a in accounts.items()
        },
    }


def restore(account: Account, data: dict) -> None:
    """Load one account's saved balances and orders into a freshly opened account."""
    account.created_ms = int(data["created_ms"])
    account.cash = Decimal(data["cash"])
    account.realized_pl = Decimal(data["realized_pl"])
    account.positions = {p["symbol"]: Position.from_state(p) for p in data["positions"]}
    account.orders.clear()
    account.by_client_id.clear()
    for raw in data["orders"]:
        account.add_order(Order.from_state(raw))
    account.activities = activities_from_state(data.get("activities", []))
    account.watchlists = {w.id: w for w in map(Watchlist.from_state, data.get("watchlists", []))}
    if "settings" in data:
        account.settings = AccountSettings.from_state(data["settings"])


def load(path: Path | None) -> dict | None:
    if path is None or not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.get("version") != VERSION:
        raise ValueError(f"{path}: unsupported state version {data.get('version')!r}")
    return data


def save(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(temporary, path)
