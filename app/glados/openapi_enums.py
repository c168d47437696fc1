"""Named enums in the OpenAPI document, each taken from its one Python declaration.

Pydantic writes a `Literal` inline wherever it is used, so the document would say "one of these
ten strings" in three places with no name; the UI needs the names (its types and option lists are
generated from the document). Each enum becomes a component schema, and every property whose inline
enum is exactly that list, or that `LINKED` names, refers to it.
"""

from __future__ import annotations

from typing import Any, get_args

from app.glados.schemas.enums import RunMetric
from app.glados.schemas.runs import RunSort
from app.services.lifecycle import BACKTEST_MOVES, FINISHED, LIVE_MOVES
from app.services.run_state import PHASES, REASONS
from app.services.specs import Mode, Timeframe

_STATUSES = list(dict.fromkeys([*BACKTEST_MOVES, *LIVE_MOVES]))
ENUMS: dict[str, tuple[list[str], str]] = {
    "Timeframe": (list(get_args(Timeframe)), "A bar length. Seconds are served by the local exchange only "
                                             "(Alpaca's data starts at minutes)."),
    "RunMode": (list(get_args(Mode)), "backtest (stored bars), paper or live (the broker, from now on)."),
    "RunStatus": (_STATUSES, "Any run's state: a BacktestStatus or a LiveStatus."),
    "BacktestStatus": (list(BACKTEST_MOVES), "created → queued → running → completed | failed | cancelled."),
    "LiveStatus": (list(LIVE_MOVES), "A paper or live run: created → running → stopping → stopped | error."),
    "FinishedStatus": ([s for s in _STATUSES if s in FINISHED], "States after which a run changes no more "
                                                                "(it may be deleted)."),
    "RunPhase": (list(PHASES), "What a run is doing, in `RunStateOut.state`."),
    "StopReason": (list(REASONS), "Why a run is stopping or stopped, in `RunStateOut.reason`."),
    "RunSort": (list(get_args(RunSort)), "What the runs list sorts by: a column or a metric."),
    "RunMetric": (list(get_args(RunMetric)), "The figures a run reports in `metrics` (percentages in percent)."),
}
# Properties declared as plain strings whose values are always one of an enum's.
LINKED = {("RunOut", "mode"): "RunMode", ("RunOut", "status"): "RunStatus",
          ("SweepResultOut", "status"): "RunStatus"}


def add_enums(schemas: dict[str, Any], ref: str) -> None:
    """Add the enums to `schemas` (the document's components) and point the properties at them."""
    by_values = {tuple(values): name for name, (values, _) in ENUMS.items() if name != "FinishedStatus"}
    for model, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            name = LINKED.get((model, field)) or by_values.get(tuple(prop.get("enum", ())))
            if name is None:
                continue
            if prop.get("type") != "string":
                raise ValueError(f"{model}.{field} is not a string; it cannot be the enum {name}")
            kept = {k: v for k, v in prop.items() if k not in ("type", "enum", "const")}
            schema["properties"][field] = {"$ref": ref.format(model=name), **kept}
    for model, field in LINKED:
        if field not in schemas.get(model, {}).get("properties", {}):
            raise ValueError(f"{model}.{field} is gone; update LINKED")
    for name, (values, description) in ENUMS.items():
        schemas[name] = {"type": "string", "enum": values, "description": description}
