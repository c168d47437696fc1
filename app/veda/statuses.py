"""Alpaca's order statuses mapped to Weaver's (the names the API, UI and events use)."""

from __future__ import annotations

ALPACA_TO_WEAVER = {
    "new": "accepted", "accepted": "accepted", "pending_new": "accepted", "accepted_for_bidding": "accepted",
    "held": "accepted", "calculated": "accepted", "pending_replace": "accepted", "pending_review": "accepted",
    "partially_filled": "partially_filled", "filled": "filled",
    "canceled": "canceled", "pending_cancel": "accepted", "replaced": "canceled", "stopped": "accepted",
    "expired": "expired", "done_for_day": "expired", "rejected": "rejected", "suspended": "accepted",
}
FINAL = frozenset({"filled", "canceled", "expired", "rejected", "unknown"})
OPEN = frozenset({"submitted", "accepted", "partially_filled"})


def weaver_status(alpaca_status: str) -> str:
    return ALPACA_TO_WEAVER.get(alpaca_status, "accepted")
