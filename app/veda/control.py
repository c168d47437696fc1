"""The live worker's commands other than the tick: start, stop, the kill switch, trade updates from
the stream, account refreshes, and reconciliation with the broker at start-up."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.marvin.code_digest import loaded_digest
from app.marvin.registry import get_strategy
from app.services.drift_notes import closed_at_stop
from app.services.runs import transition
from app.veda.alpaca import BrokerError
from app.veda.book import RunFacts, load_book
from app.veda.buying_power import crowded_detail, shortfall_detail
from app.veda.buying_power_eased import eased
from app.veda.desk import Desk
from app.veda.executions import of_trade_update
from app.veda.fee_feed import fetch_and_book
from app.veda.flatten import close_positions, closed_payload, closes_of
from app.veda.ledger import Ledger
from app.veda.ports import Account, Broker, BrokerOrder
from app.veda.reconcile import reconcile_account, run_of
from app.veda.run_cancels import cancel_run_orders, open_orders
from app.veda.shared_account import account_shared, active_cash, after_stop
from app.veda.snapshots import record_snapshot
from app.veda.statuses import OPEN
from app.veda.stop_asked import stop_asked
from app.veda.wire import order_of
from app.walle.models import EquityPoint, Fill, Order, Run

log = logging.getLogger(__name__)


class Control:
    def __init__(self, desk: Desk):
        self.desk = desk

    def reconcile(self) -> dict[str, list[str]]:
        """Compare every configured account with Weaver's records (the live worker's first act), then finish the
        stops a worker left half done. An account that cannot be reached is logged and left to its runs' first
        tick: the other account still reconciles, and its runs' stops still finish."""
        found: dict[str, list[str]] = {}
        for kind, broker in self.desk.brokers.items():
            try:
                found[kind] = self._reconcile(kind, broker)
            except Exception:
                log.exception("start-up reconciliation of the %s account failed; its runs reconcile on their first "
                              "tick", kind)
        self._finish_stops()
        return found

    def _reconcile(self, kind: str, broker: Broker) -> list[str]:
        with self.desk.uow() as uow:
            report = reconcile_account(uow, broker, kind, self.desk.clock)
            stopped = {r.id for r in uow.session.scalars(select(Run).where(
                Run.id.in_({run_id for run_id, _, _ in report.changed}), Run.status.in_(("stopped", "error"))))}
            uow.commit()
        for run_id, cid, status in report.changed:  # a close that filled while the worker was down, say
            if run_id in stopped:
                self._after_stop(run_id, cid, status)
        self.desk.reconciled.add(kind)
        self.refresh(None, kind=kind)
        return report.repaired

    def _finish_stops(self) -> None:
        """Carry out again, as asked, the stop of each run a worker left `stopping` (trial 35: killed between
        writing a stop's closing order and sending it, the run stayed stopping for ever, holding, with every
        control refused). A stop whose message is still queued finds the run stopped and does nothing."""
        with self.desk.uow() as uow:
            stopping = uow.session.scalars(select(Run.id).where(Run.status == "stopping",
                                                                Run.mode.in_(tuple(self.desk.reconciled)))).all()
            asks = {run_id: stop_asked(uow, run_id) for run_id in stopping}
        for run_id, ask in asks.items():
            log.warning("run %s was left stopping by a worker that stopped: stopping it again (%s)", run_id,
                        ", ".join(f"{k}={v}" for k, v in ask.items()))
            try:
                self.stop(run_id, **ask)
            except Exception:  # its StopRun, if still queued, tries again; the other runs' stops go on
                log.exception("run %s: the stop could not be finished at start-up", run_id)

    def start(self, run_id: str, **_: Any) -> None:
        with self.desk.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None or run.status != "running":
                return
            mode, strategy, symbols, timeframe = run.mode, run.strategy, list(run.symbols), run.timeframe
            cash = run.cash  # checked against the account when the run has not traded yet
            fresh = uow.session.scalar(select(Fill.id).where(Fill.run_id == run_id).limit(1)) is None
        try:
            broker = self.desk.broker(mode)
            digest = loaded_digest(get_strategy(strategy))
            untradable = [s for s in symbols if not getattr(broker.asset(s), "tradable", False)]
            if untradable:
                raise BrokerError(f"{', '.join(untradable)}: not a tradable asset at the {mode} broker")
        except Exception as exc:
            with self.desk.uow() as uow:
                run = uow.runs.get(run_id)
                if run is not None and run.status == "running":
                    transition(uow, run, "error", error=f"cannot start: {exc}", at=self.desk.clock.now())
                    uow.commit()
            return
        self._record_digest(run_id, digest)
        if fresh:
            self._warn_if_short(run_id, mode, cash, broker)
        self._warn_if_shared(run_id, mode, symbols)
        log.info("live run %s is running (%s, %s)", run_id, mode, timeframe)

    def _record_digest(self, run_id: str, digest: str | None) -> None:
        """The code the run starts with (app/marvin/code_digest.py), kept from its first start: the drift report
        and a restarted run say so when the code they run is other."""
        with self.desk.uow() as uow:
            run = uow.runs.get(run_id)
            if run is not None and digest and not (run.options or {}).get("strategy_digest"):
                run.options = {**(run.options or {}), "strategy_digest": digest}
                uow.commit()

    def _warn_if_shared(self, run_id: str, mode: str, symbols: list[str]) -> None:
        """`run.account_shared` when another active run trades one of its symbols on the same account: for
        this run, and again for each of the others, whose page would otherwise not know it has company."""
        with self.desk.uow() as uow:
            payload = account_shared(uow, run_id, mode, symbols)
            if payload is None:
                return
            log.warning("run %s: %s", run_id, payload["detail"])
            uow.outbox.emit("run.account_shared", payload, run_id=run_id)
            for other in payload["others"]:  # type: ignore[union-attr]
                run = uow.runs.get(other)
                theirs = account_shared(uow, other, mode, list(run.symbols)) if run is not None else None
                if theirs is not None:
                    uow.outbox.emit("run.account_shared", theirs, run_id=other)
            uow.commit()

    def _warn_if_short(self, run_id: str, mode: str, cash: Any, broker: Broker) -> None:
        """`run.buying_power_short` when the account cannot spend the run's cash (app/veda/buying_power.py);
        the run starts either way, and an account the broker will not show is only logged."""
        try:
            account = broker.account()
        except Exception as exc:  # the start does not depend on it
            log.warning("could not read the %s account's buying power at the start of run %s: %s", mode, run_id, exc)
            return
        with self.desk.uow() as uow:
            runs = active_cash(uow, mode)
            total = sum((each for _, _, each in runs), Decimal(0))
            detail = shortfall_detail(mode, cash, account) or crowded_detail(mode, cash, total, len(runs), account)
            if detail is not None:
                log.warning("run %s: %s", run_id, detail)
                uow.outbox.emit("run.buying_power_short", {"run_id": run_id, "cash": str(cash),
                                                           "buying_power": str(account.buying_power),
                                                           "detail": detail}, run_id=run_id)
            name = next((n or r[:8] for r, n, _ in runs if r == run_id), run_id[:8])
            for other, _, theirs in runs:  # the runs already trading share what this one takes
                told = crowded_detail(mode, theirs, total, len(runs), account, newcomer=name) \
                    if other != run_id else None
                if told is not None:
                    uow.outbox.emit("run.buying_power_short", {"run_id": other, "cash": str(theirs),
                                                               "buying_power": str(account.buying_power),
                                                               "detail": told}, run_id=other)
            uow.commit()

    def stop(self, run_id: str, cancel_orders: bool = True, close_positions: bool = False, **_: Any) -> None:
        """Stop a run; by default its open orders are cancelled first, so nothing keeps filling after the
        stop. The `run.orders_cancelled` event says which were cancelled and which were left working. With
        `close_positions`, what the run holds is then closed at market (app/veda/flatten.py) and
        `run.positions_closed` says what each close became."""
        with self.desk.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None or run.status != "stopping":
                return
            broker, mode = self.desk.brokers.get(run.mode), run.mode
        if broker is not None:  # settle what is still in flight, so a stopped run's books are final
            self.desk.gateway(run_id, broker).sync_open_orders()
        cancelled: list[str] = []
        if cancel_orders and broker is not None:
            cancelled = cancel_run_orders(self.desk, run_id, broker)
        closes = None
        if close_positions and broker is not None:
            closes = self._close_positions(run_id, broker, mode)
        self._mark_final([run_id])
        self.desk.forget(run_id)
        account = self._account(broker, mode) if broker is not None else None
        with self.desk.uow() as uow:
            run = uow.runs.get(run_id)
            if run is not None and run.status == "stopping":
                left_open = [o.client_order_id for o in open_orders(uow, run_id)
                             if not closed_at_stop(o.client_order_id)]  # (a close still working is told below)
                uow.outbox.emit("run.orders_cancelled", {"run_id": run_id, "cancel_orders": cancel_orders,
                                                         "cancelled": cancelled, "left_open": left_open},
                                run_id=run_id)
                if closes is not None:
                    uow.outbox.emit("run.positions_closed", closes, run_id=run_id)
                transition(uow, run, "stopped", at=self.desk.clock.now())
                for payload in after_stop(uow, run):  # the runs it shared symbols with: whom they still share with
                    uow.outbox.emit("run.account_shared", payload, run_id=str(payload["run_id"]))
                if account is not None:  # the runs told they were short of buying power: whether they fit now
                    for payload in eased(uow, mode, account, run_id, run.name or run_id[:8]):
                        uow.outbox.emit("run.buying_power_short", payload, run_id=str(payload["run_id"]))
                uow.commit()

    @staticmethod
    def _account(broker: Broker, mode: str) -> Account | None:
        """The account's balances, or None when the broker will not show them (only logged: a stop never
        depends on them)."""
        try:
            return broker.account()
        except BrokerError as exc:
            log.warning("could not read the %s account after a stop: %s", mode, exc)
            return None

    def close_positions(self, run_id: str, **_: Any) -> None:
        """A stopped run's positions closed at market (POST /runs/{id}/close-positions): its open orders are
        brought up to date first (one may have filled since the stop), the closes booked as its own, its last
        equity point restated, and `run.positions_closed` says what each became. The run stays stopped."""
        with self.desk.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None:
                return
            status, mode = run.status, run.mode
            broker = self.desk.brokers.get(mode)
        if status not in ("stopped", "error"):  # started again before the worker took the close: say so
            closes = {"run_id": run_id, "orders": [], "detail": f"not closed: the run was {status} again before "
                      "the live worker took the close; its strategy holds its positions"}
        elif broker is None:
            closes = {"run_id": run_id, "orders": [], "detail": f"could not close its positions: no {mode} "
                      "account is configured"}
        else:
            self.desk.gateway(run_id, broker).sync_open_orders()
            closes = self._close_positions(run_id, broker, mode, leg="close")
            self._mark_final([run_id])
        self.desk.forget(run_id)
        with self.desk.uow() as uow:
            uow.outbox.emit("run.positions_closed", closes, run_id=run_id)
            uow.commit()

    def _close_positions(self, run_id: str, broker: Broker, mode: str, leg: str = "stop") -> dict[str, Any]:
        """Close what the run holds (app/veda/flatten.py): the `run.positions_closed` payload. A failure is
        said there and logged, and the stop goes on. A crypto close's fee (in the account's activities) is
        booked before the run's final equity is restated."""
        stop_ns = int(self.desk.clock.now().timestamp()) * 1_000_000_000
        gateway = self.desk.gateway(run_id, broker)
        try:
            closes = close_positions(gateway, stop_ns, leg)
            if gateway.crypto_filled:
                gateway.crypto_filled = False
                fetch_and_book(self.desk.fees(mode), broker, self.desk.uow, self.desk.clock.now())
        except Exception as exc:
            log.exception("live run %s: could not close its positions at the stop", run_id)
            detail = f"could not close its positions: {getattr(exc, 'message', None) or exc}"
            return {"run_id": run_id, "orders": [], "detail": detail}
        return closed_payload(run_id, closes)

    def _mark_final(self, run_ids: list[str]) -> None:
        """Restate each run's last equity point and metrics with what the stop booked (in-flight orders
        settled, fills that came while cancelling): its cash and positions as booked now, each position at
        its latest mark (the last bar's close, or a fill since). Without it a fill booked at the stop was in
        the positions page's P&L but not in the run's final equity."""
        for run_id in run_ids:
            self.desk.marking.forget(run_id)  # read the curve back: another worker may have marked since
            try:
                with self.desk.uow() as uow:
                    run = uow.runs.get(run_id)
                    last = uow.session.scalar(select(EquityPoint.ts).where(EquityPoint.run_id == run_id)
                                              .order_by(EquityPoint.ts.desc()).limit(1))  # (typed: UTC on SQLite)
                    if run is None or last is None:  # never marked: no bar to restate
                        continue
                    facts = RunFacts.of(run)
                    self.desk.marking.mark(uow, facts, last, {}, load_book(uow, facts))
                    uow.commit()
            except Exception:  # the stop itself must still happen; the last tick's figures stay
                log.exception("live run %s: could not restate its last equity point at the stop", run_id)
            self.desk.marking.forget(run_id)

    def kill(self, _run_id: str | None = None, **_: Any) -> dict[str, int]:
        """The kill switch: cancel every open order on every account, book what the broker says became of
        them, then stop every paper/live run — so a run shown stopped already shows its orders final."""
        cancelled = 0
        for kind, broker in self.desk.brokers.items():
            try:
                cancelled += broker.cancel_all()
            except BrokerError as exc:
                log.error("kill switch: could not cancel %s orders: %s", kind, exc.message)
        by_run: dict[str, list[str]] = {}  # the orders it cancelled, per run: the drift report names who did
        for kind, broker in self.desk.brokers.items():
            with self.desk.uow() as uow:
                for order in uow.session.scalars(select(Order).join(Run).where(
                        Run.mode == kind, Order.status.in_(list(OPEN)))):
                    try:
                        snapshot = broker.order_by_client_id(order.client_order_id)
                    except BrokerError as exc:
                        log.error("kill switch: could not read order %s: %s", order.client_order_id, exc.message)
                        continue
                    if snapshot is not None:
                        Ledger(uow, self.desk.clock).apply(order, snapshot)
                        if order.status == "canceled":
                            by_run.setdefault(order.run_id, []).append(order.client_order_id)
                uow.commit()
        stopped, stopped_ids = 0, []
        with self.desk.uow() as uow:
            live_ids = list(uow.session.scalars(select(Run.id).where(Run.mode.in_(("paper", "live")),
                                                                      Run.status.in_(("running", "stopping")))))
        self._mark_final(live_ids)
        with self.desk.uow() as uow:
            runs = uow.session.scalars(select(Run).where(Run.mode.in_(("paper", "live")),
                                                         Run.status.in_(("running", "stopping")))).all()
            for run in runs:
                left_open = [o.client_order_id for o in open_orders(uow, run.id)]  # the broker would not cancel
                uow.outbox.emit("run.orders_cancelled", {"run_id": run.id, "cancel_orders": True, "by": "kill_switch",
                                                         "cancelled": by_run.get(run.id, []), "left_open": left_open},
                                run_id=run.id)
                transition(uow, run, "stopped", error="stopped by the kill switch", at=self.desk.clock.now())
                stopped += 1
                stopped_ids.append(run.id)
            uow.commit()
        for kind in self.desk.brokers:
            self.refresh(None, kind=kind)
        self.desk.forget_all()
        with self.desk.uow() as uow:
            uow.outbox.emit("kill.activated", {"runs": stopped, "orders": cancelled, "run_ids": stopped_ids})
            uow.commit()
        return {"runs": stopped, "orders": cancelled}

    def update(self, _run_id: str | None = None, order: dict[str, Any] | BrokerOrder | None = None,
               **_: Any) -> None:
        """A trade_updates event relayed by the stream thread: apply it to the order it is about (a fill
        at the event's own price and qty, app/veda/executions.py)."""
        execution = of_trade_update(order) if isinstance(order, dict) else None
        snapshot = order_of(order) if isinstance(order, dict) else order
        if snapshot is None or not snapshot.client_order_id:
            return
        run_id = run_of(snapshot.client_order_id)
        running = self.desk.contexts.get(run_id) if run_id else None
        if running is not None and running.gateway.knows(snapshot):
            return  # the stream's echo of what a tick booked already
        with self.desk.uow() as uow:
            mine = uow.records.order_by_client_id(snapshot.client_order_id)
            if mine is None:
                return
            ledger = Ledger(uow, self.desk.clock)
            if execution is not None:
                ledger.executions = {snapshot.id: [execution]}
            applied = ledger.apply(mine, snapshot)
            crypto_fill = bool(applied.new_fill_qty) and "/" in mine.symbol
            run = uow.runs.get(mine.run_id)
            mode = run.mode if crypto_fill else None
            stopped = run.status in ("stopped", "error") and applied.changed  # (not ticked: nothing else re-marks it)
            uow.commit()
        context = self.desk.contexts.get(mine.run_id)
        if context is not None:  # the run's open orders, as its next tick will poll them
            for touched in ledger.applied:
                context.gateway.track(touched)
        broker = self.desk.brokers.get(mode) if mode else None
        if mode and broker is not None:  # its fee, from the account's activities (app/veda/fee_feed.py)
            fetch_and_book(self.desk.fees(mode), broker, self.desk.uow, self.desk.clock.now())
        if stopped:  # (after the fee: the restated equity includes it)
            self._after_stop(mine.run_id, mine.client_order_id, mine.status)

    def _after_stop(self, run_id: str, client_order_id: str, status: str) -> None:
        """A stopped run's order changed (a close that was still filling when the stop stopped waiting, say):
        its last equity point and metrics are restated, and a close that is done tells what it became."""
        self._mark_final([run_id])
        if closed_at_stop(client_order_id) and status not in OPEN:
            with self.desk.uow() as uow:
                uow.outbox.emit("run.positions_closed", closed_payload(run_id, closes_of(uow, run_id, client_order_id)),
                                run_id=run_id)
                uow.commit()

    def refresh(self, _run_id: str | None = None, kind: str | None = None, **_: Any) -> None:
        for name, broker in self.desk.brokers.items():
            if kind is None or kind == name:
                with self.desk.uow() as uow:
                    record_snapshot(uow, name, broker, self.desk.clock)
                    uow.commit()
