from app.walle.repositories.bars import BarArrays, BarRepository, SeriesInfo
from app.walle.repositories.instruments import InstrumentRepository
from app.walle.repositories.runs import RunFilter, RunRepository, SweepRepository
from app.walle.repositories.trading import OPEN_ORDER_STATUSES, RunRecords

__all__ = [
    "BarArrays", "BarRepository", "InstrumentRepository", "OPEN_ORDER_STATUSES", "RunFilter", "RunRecords",
    "RunRepository", "SeriesInfo", "SweepRepository",
]
