"""A run's state as a trader reads it, derived here and nowhere else: what it is doing, why it stopped
and whether it can be stopped or started. The API sends it with every run and every status event, so
the UI draws its badge, banner and buttons from this alone (issue 17: a "running" badge beside "the run
stopped with an error", a kill-switch stop shown as an error).

Why a run stopped is recorded in its `error` text by whoever stopped it, with the phrases below.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from app.services.lifecycle import moves

# The texts the stoppers write into `runs.error` (the reason is read back from them).
STOPPED_BY_USER = "stopped by the user"
CANCELLED_BY_USER = "cancelled by the user"
SWEEP_CANCELLED = "sweep cancelled"
STOPPED_BY_KILL_SWITCH = "stopped by the kill switch"
RISK_HALT_SUFFIX = "run halted"  # app/veda/risk.py: "down 120.00 today; the limit is 100.00: run halted"

Phase = Literal["created", "queued", "running", "stopping", "stopped"]
Reason = Literal["completed", "user", "kill_switch", "risk_limit", "error"]
PHASES: tuple[Phase, ...] = ("created", "queued", "running", "stopping", "stopped")
REASONS: tuple[Reason, ...] = ("completed", "user", "kill_switch", "risk_limit", "error")


class RunState(TypedDict):
    state: Phase
    reason: Reason | None
    message: str | None
    can_stop: bool
    can_start: bool


def _cause(error: str | None) -> tuple[Reason, str | None]:
    """Why a paper/live run is stopping or stopped (no text: the user; any other text a leftover warning)."""
    text = (error or "").strip()
    if text == STOPPED_BY_KILL_SWITCH:
        return "kill_switch", None
    if text.endswith(RISK_HALT_SUFFIX):
        return "risk_limit", text
    return "user", None


def run_state(mode: str, status: str, error: str | None) -> RunState:
    """The one view of a run's state; `error` matters only where it says why the run ended."""
    allowed = moves(mode).get(status, frozenset())
    can_stop = status != "created" and ("cancelled" if mode == "backtest" else "stopping") in allowed
    can_start = ("queued" if mode == "backtest" else "running") in allowed
    phase: Phase
    reason: Reason | None = None
    message: str | None = None
    if status in ("created", "queued", "running"):
        phase = status  # type: ignore[assignment]
    elif status == "stopping":
        phase, (reason, message) = "stopping", _cause(error)
    elif status == "completed":
        phase, reason = "stopped", "completed"
    elif status in ("failed", "error"):
        phase, reason, message = "stopped", "error", error or "the run failed without a message"
    elif status == "cancelled":
        phase, reason = "stopped", "user"
        message = error if error and error != CANCELLED_BY_USER else None  # "sweep cancelled"
    elif status == "stopped":
        phase, (reason, message) = "stopped", _cause(error)
    else:
        raise ValueError(f"unknown run status {status!r}")
    return {"state": phase, "reason": reason, "message": message, "can_stop": can_stop, "can_start": can_start}
