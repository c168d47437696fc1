"""A paper or live run that trades a symbol another running run on the same account trades.

Greta backtests each run on its own cash. Live, every run of a mode trades on that mode's one broker
account, and the broker keeps one position per symbol: each run's own book holds its part while the
account holds their sum, one run's sell can meet the other's open buy (Alpaca refuses an order that
could trade against the account's own opposite order) and a short can be refused while the other run
holds shares. Trial 14 ran two paper runs on AAPL and nothing said so. The start says it with a
`run.account_shared` event, which the run page shows beside the run; when a run stops, each running run it
shared with hears again whom it still shares with (no one: `others` empty), so its page drops a stale notice.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.services.lifecycle import ACTIVE_LIVE
from app.veda.ledger import runs_cash
from app.walle.models import Run
from app.walle.uow import UnitOfWork


def account_shared(uow: UnitOfWork, run_id: str, mode: str, symbols: list[str],
                   stopped: str | None = None) -> dict[str, object] | None:
    """The `run.account_shared` payload when another active run of `mode` (not `stopped`, a run stopping in
    this transaction) trades one of `symbols`, else None."""
    others = uow.session.execute(select(Run.id, Run.name, Run.symbols).where(
        Run.mode == mode, Run.id.not_in([run_id, stopped or run_id]), Run.status.in_(sorted(ACTIVE_LIVE)))
        .order_by(Run.created_at)).all()
    sharing = [(other, name, sorted(set(theirs) & set(symbols))) for other, name, theirs in others
               if set(theirs) & set(symbols)]
    if not sharing:
        return None
    shared = sorted({symbol for _, _, common in sharing for symbol in common})
    named = "; ".join(f"{', '.join(common)} with run {name or other[:8]}" for other, name, common in sharing)
    detail = (f"this run shares the {mode} account ({named}): the broker keeps one position per symbol per "
              "account, so each run's book holds its part while the account holds their sum; an order that "
              "could trade against the other run's open order is refused, and a short can be refused while the "
              "other run holds shares. Its backtest traded alone")
    return {"run_id": run_id, "symbols": shared, "others": [other for other, _, _ in sharing], "detail": detail}


def after_stop(uow: UnitOfWork, stopped: Run) -> list[dict[str, object]]:
    """For each active run of the stopped run's mode that traded one of its symbols: its `run.account_shared`
    payload now, naming whom it still shares with, or none (`others` empty)."""
    others = uow.session.execute(select(Run.id, Run.symbols).where(
        Run.mode == stopped.mode, Run.id != stopped.id, Run.status.in_(sorted(ACTIVE_LIVE)))).all()
    payloads = []
    for other, symbols in others:
        if not set(symbols) & set(stopped.symbols):
            continue
        payload = account_shared(uow, other, stopped.mode, list(symbols), stopped=stopped.id)
        payloads.append(payload or {
            "run_id": other, "symbols": [], "others": [],
            "detail": f"this run no longer shares its symbols on the {stopped.mode} account: run "
                      f"{stopped.name or stopped.id[:8]} stopped"})
    return payloads


def active_cash(uow: UnitOfWork, mode: str) -> list[tuple[str, str | None, Decimal]]:
    """(id, name, cash) of every active run of `mode`: the runs sharing the account's buying power, each with
    the cash it has not spent yet (its book's cash, at least 0). What a run has bought already came out of
    the account's buying power: counting its starting cash again told two runs that fit that they did not."""
    runs = uow.session.execute(select(Run.id, Run.name, Run.cash).where(
        Run.mode == mode, Run.status.in_(sorted(ACTIVE_LIVE))).order_by(Run.created_at)).all()
    left = runs_cash(uow, list(runs))
    return [(run_id, name, max(left[run_id], Decimal(0))) for run_id, name, _ in runs]
