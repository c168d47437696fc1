"""Every table Weaver stores; importing this module registers them all on `Base.metadata`."""

from app.walle.models.bars import Bar, BarBlock, BarSeries
from app.walle.models.base import Base
from app.walle.models.events import ConsumerOffset, OutboxEvent, ProcessedEvent
from app.walle.models.idempotency import IdempotencyKey
from app.walle.models.instruments import InstrumentRow
from app.walle.models.live import AccountSnapshot, LiveBar, LiveState, LiveTick
from app.walle.models.runs import Run, RunMetric, Sweep
from app.walle.models.trading import CryptoFee, EquityPoint, Fill, Order, Position, Trade
from app.walle.models.walkforwards import Walkforward

__all__ = [
    "AccountSnapshot",
    "Bar",
    "BarBlock",
    "BarSeries",
    "Base",
    "ConsumerOffset",
    "CryptoFee",
    "EquityPoint",
    "Fill",
    "IdempotencyKey",
    "InstrumentRow",
    "LiveBar",
    "LiveState",
    "LiveTick",
    "Order",
    "OutboxEvent",
    "Position",
    "ProcessedEvent",
    "Run",
    "RunMetric",
    "Sweep",
    "Trade",
    "Walkforward",
]
