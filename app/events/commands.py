"""Commands to the workers: typed, frozen messages written to the outbox in the same transaction as
the state change they belong to, then relayed to Dramatiq (app/events/relay.py). Imperative names:
they say what to do. Nothing is enqueued after a commit, so a queue outage delays work, never loses it.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, create_model

from app.events.envelope import Event

PREFIX = "command."


@dataclass(frozen=True)
class Command:
    """`queue` is the Dramatiq queue that handles it; `recorded` says whether its handler keeps a
    processed-command record (needed when the run's state alone cannot tell a redelivery)."""

    name: ClassVar[str] = ""
    queue: ClassVar[str] = "live"
    recorded: ClassVar[bool] = True

    @classmethod
    def type(cls) -> str:
        return PREFIX + cls.name

    @property
    def run_id_of(self) -> str | None:
        return getattr(self, "run_id", None)

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class StartBacktest(Command):
    name: ClassVar[str] = "start_backtest"
    queue: ClassVar[str] = "backtest"
    run_id: str


@dataclass(frozen=True)
class StartBacktests(Command):
    """Several of a sweep's cells in one message: each is claimed, run and stored as if it came alone
    (idempotent by its run's state, so no processed record), but a short cell stops paying a
    message's round trip of its own."""

    name: ClassVar[str] = "start_backtests"
    queue: ClassVar[str] = "backtest_cells"  # below single backtests: workers/queues.py
    recorded: ClassVar[bool] = False
    run_ids: tuple[str, ...]


@dataclass(frozen=True)
class CreateSweepCells(Command):
    """Create a sweep's backtests (one per cell) after its request answered; idempotent by the
    sweep's status (only a `creating` sweep is acted on)."""

    name: ClassVar[str] = "create_sweep_cells"
    queue: ClassVar[str] = "backtest"
    recorded: ClassVar[bool] = False
    sweep_id: str


@dataclass(frozen=True)
class StartLive(Command):
    name: ClassVar[str] = "start_live"
    run_id: str


@dataclass(frozen=True)
class TickLive(Command):
    """Idempotent by (run, bar) through the run's live_ticks: no extra record per tick."""

    name: ClassVar[str] = "tick_live"
    recorded: ClassVar[bool] = False
    run_id: str
    bar_ts: str


@dataclass(frozen=True)
class TickBar(Command):
    """One bar for every run the scheduler ticks on that timeframe: the live worker checks, decides
    and settles them together (app/veda/tick.py). Idempotent by (run, bar) like TickLive."""

    name: ClassVar[str] = "tick_bar"
    recorded: ClassVar[bool] = False
    timeframe: str
    bar_ts: str
    run_ids: list[str]


@dataclass(frozen=True)
class StopRun(Command):
    name: ClassVar[str] = "stop_run"
    run_id: str
    cancel_orders: bool = True  # as POST /runs/{id}/stop: a stopped run leaves nothing working at the broker
    close_positions: bool = False  # then close what the run holds at market (app/veda/flatten.py)


@dataclass(frozen=True)
class ClosePositions(Command):
    """A stopped paper or live run's positions closed at market (POST /runs/{id}/close-positions): recorded,
    so a redelivery sends no second close."""

    name: ClassVar[str] = "close_positions"
    run_id: str


@dataclass(frozen=True)
class KillSwitch(Command):
    """Cancels every open order on every account: only the record can tell a redelivery."""

    name: ClassVar[str] = "kill_switch"


@dataclass(frozen=True)
class RefreshAccount(Command):
    name: ClassVar[str] = "refresh_account"
    recorded: ClassVar[bool] = False
    kind: str


@dataclass(frozen=True)
class ApplyTradeUpdate(Command):
    """A broker's trade update, handed by the live worker's stream thread to its own queue (sent
    directly, not through the outbox: it is the broker's news, not a user's decision)."""

    name: ClassVar[str] = "apply_trade_update"
    recorded: ClassVar[bool] = False
    order: dict[str, Any]


COMMANDS: dict[str, type[Command]] = {cls.type(): cls for cls in (
    StartBacktest, StartBacktests, CreateSweepCells, StartLive, TickLive, TickBar, StopRun, ClosePositions, KillSwitch,
    RefreshAccount, ApplyTradeUpdate)}


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def payload_schema(cls: type[Command]) -> type[BaseModel]:
    """The outbox registry's schema for a command: its dataclass fields, nothing else."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(cls)
    }
    return create_model(cls.__name__ + "Payload", __base__=_Payload, **fields)


def issue(outbox: Any, command: Command) -> Event:
    """Write `command` through the unit of work's outbox writer: it commits with the caller's change."""
    return outbox.emit(command.type(), command.payload(), run_id=command.run_id_of)


def is_command(event_type: str) -> bool:
    return event_type.startswith(PREFIX)


def decode(event_type: str, payload: dict[str, Any]) -> Command:
    try:
        cls = COMMANDS[event_type]
    except KeyError:
        raise ValueError(f"unknown command {event_type!r}") from None
    return cls(**payload)
