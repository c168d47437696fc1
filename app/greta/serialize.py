"""BacktestResult → plain dicts and deterministic JSON (sorted keys, Decimals as strings, UTC `Z` times).

Deterministic so a stored result can be compared byte for byte with a re-run: nothing here reads
the wall clock, and floats are written with Python's shortest round-trip repr.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.greta.records import BacktestResult


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"


def plain(value: Any) -> Any:
    """Recursively: dataclasses → dicts, Decimal → str, datetime → ISO text, tuples → lists, NaN → None."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def result_to_dict(result: BacktestResult) -> dict[str, Any]:
    out = {f.name: plain(getattr(result, f.name)) for f in fields(result) if f.name not in ("equity", "ledger")}
    out["orders"], out["fills"], out["trades"] = plain(result.orders), plain(result.fills), plain(result.trades)
    out["equity"] = plain(result.equity.points())
    return out


def result_to_json(result: BacktestResult) -> str:
    return json.dumps(result_to_dict(result), sort_keys=True, separators=(",", ":"), allow_nan=False)
