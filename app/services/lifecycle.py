"""The run lifecycle as an explicit state machine; an illegal move raises InvalidTransition (HTTP 409).

Backtests: created → queued → running → completed | failed | cancelled; a failed or cancelled
backtest may be queued again (re-run). Paper and live runs: created → running → stopping →
stopped | error, and a stopped or errored run may be started again.
"""

from __future__ import annotations

BACKTEST_MOVES: dict[str, frozenset[str]] = {
    "created": frozenset({"queued", "cancelled"}),
    "queued": frozenset({"running", "cancelled", "failed"}),
    "running": frozenset({"completed", "failed", "cancelled", "queued"}),  # queued: a dead worker's run is retried
    "completed": frozenset(),
    "failed": frozenset({"queued"}),
    "cancelled": frozenset({"queued"}),
}
LIVE_MOVES: dict[str, frozenset[str]] = {
    "created": frozenset({"running"}),
    "running": frozenset({"stopping", "error", "stopped"}),
    "stopping": frozenset({"stopped", "error"}),
    "stopped": frozenset({"running"}),
    "error": frozenset({"running", "stopped"}),
}
FINISHED = frozenset({"completed", "failed", "cancelled", "stopped", "error"})
ACTIVE_LIVE = frozenset({"running", "stopping"})


class InvalidTransition(Exception):
    """A move the run's lifecycle does not allow (HTTP 409)."""

    def __init__(self, run_id: str, mode: str, current: str, target: str):
        super().__init__(run_id, mode, current, target)
        self.run_id, self.mode, self.current, self.target = run_id, mode, current, target

    def __str__(self) -> str:
        allowed = ", ".join(sorted(moves(self.mode).get(self.current, ()))) or "none"
        return (
            f"run {self.run_id} is {self.current}; a {self.mode} run cannot go to {self.target} from there "
            f"(allowed: {allowed})"
        )


def moves(mode: str) -> dict[str, frozenset[str]]:
    return BACKTEST_MOVES if mode == "backtest" else LIVE_MOVES


def check(run_id: str, mode: str, current: str, target: str) -> None:
    if target not in moves(mode).get(current, frozenset()):
        raise InvalidTransition(run_id, mode, current, target)


def is_finished(status: str) -> bool:
    return status in FINISHED
