"""The live panel: account views per credential set, and the kill switch."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import Blueprint
from pydantic import Field

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.common import Out
from app.services.live_control import LiveControl

bp = Blueprint("live", __name__, url_prefix="/api/v1")


class RunsCashOut(Out):
    runs: int
    cash: str = Field(description="decimal string: each active run's cash not yet spent, added up")


class AccountOut(Out):
    kind: str
    configured: bool
    broker: Literal["alpaca", "other"] | None = Field(
        None, description="alpaca: the trading URL is Alpaca's; other: another exchange (e.g. the standalone's "
        "local exchange); null when the account is not configured")
    captured_at: datetime | None
    account: dict[str, Any] | None
    positions: list[dict[str, Any]]
    open_orders: list[dict[str, Any]]
    error: str | None
    runs_cash: RunsCashOut = Field(description="the active runs of this kind (paper or live) trading on the account, "
                                   "and the cash they have left to spend together: they share its buying power")


class KillOut(Out):
    runs_stopping: int
    message: str


def _control() -> LiveControl:
    return services().live_control


@endpoint(bp, "/accounts", summary="Paper and live accounts: balances, positions, open orders", response=[AccountOut])
def accounts() -> list[AccountOut]:
    """Captured by the live worker (it owns every broker call); a view older than 10 s triggers a refresh."""
    return [AccountOut(**view) for view in _control().accounts()]


@endpoint(bp, "/kill", "POST", summary="Kill switch: cancel every open order and stop every paper/live run",
          response=KillOut, status=202)
def kill() -> KillOut:
    """Runs go to `stopping` at once; the live worker cancels the orders and emits `kill.activated`
    with the number of runs stopped and orders cancelled."""
    result = _control().kill()
    return KillOut(runs_stopping=result["runs_stopping"],
                   message="cancelling every open order; watch for the kill.activated event")
