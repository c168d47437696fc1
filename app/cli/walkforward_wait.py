"""`weaver walkforward run --wait`: a bar of cells and runs finished while the workers do them.

The command only watches: it polls the walk-forward's progress (app/services/walkforwards.py) and, when
nothing has moved for STALL_SECONDS, says whether any worker is there to move it (app/cli/worker_presence.py)
without cancelling anything. The caller turns Ctrl-C into a hint on how to follow or cancel it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from app.bootstrap import Container
from app.cli.progress import progress_bar
from app.services.walkforwards import FINISHED, progress
from app.walle.models import Walkforward

POLL_SECONDS = 0.5
STALL_SECONDS = 15.0


def wait_until_finished(container: Container, walkforward_id: str, idle_reason: Callable[[], str | None]) -> str:
    """Poll until the walk-forward is completed, failed or cancelled; its status then."""
    moved_at, last, warned = time.monotonic(), -1, False
    with progress_bar(f"walk-forward {walkforward_id[:8]}", None, unit="cells") as bar:
        while True:
            with container.read_session() as session:
                wf = session.get(Walkforward, walkforward_id)
                if wf is None:  # deleted meanwhile: nothing left to wait for
                    return "gone"
                cells = progress(session, wf)
                done, total = cells.finished, cells.total
                status = wf.status
            bar.update(done, total)
            if status in FINISHED:
                return status
            if done != last:
                moved_at, last, warned = time.monotonic(), done, False
            elif not warned and time.monotonic() - moved_at >= STALL_SECONDS:
                warned = True  # once per stall: said again only if it moves and stops again
                reason = idle_reason()
                if reason is not None:
                    click.echo(f"waiting: {done}/{total} cells done, nothing moved for {STALL_SECONDS:g} s; "
                               f"{reason}. The walk-forward stays queued until then (nothing is cancelled).",
                               err=True)
            pause()


def pause() -> None:
    """Between two polls (a test makes it raise KeyboardInterrupt, as Ctrl-C would)."""
    time.sleep(POLL_SECONDS)
