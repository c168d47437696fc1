"""What a user may ask for: request models shared by the REST API, the CLI and the services.

These pydantic models are the single source of truth: GLaDOS validates bodies with them and
publishes their JSON schema in the OpenAPI document.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.greta.equity import CASH_LIMIT, DEFAULT_CASH, LARGEST_CASH
from app.greta.specs import FeeSpec, SlippageSpec
from app.marvin.params import RangeError, range_values, repeated_values

Mode = Literal["backtest", "paper", "live"]
# Second bars exist only on the local exchange (Alpaca's data API starts at minutes).
Timeframe = Literal["1Sec", "5Sec", "15Sec", "30Sec", "1Min", "5Min", "15Min", "30Min", "1Hour", "1Day"]
# A ticker (AAPL, BRK.B), or a crypto pair as Alpaca spells it (BTC/USD), which `weaver backtest` takes too.
SYMBOL_PATTERN = r"^(?:[A-Z][A-Z0-9.\-]{0,15}|[A-Z0-9]{2,10}/[A-Z0-9]{2,10})$"
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
END_OF_2100 = datetime(2101, 1, 1, tzinfo=UTC)
MAX_MONEY = Decimal("1e15")  # amounts are stored as NUMERIC(20, 4): 16 integer digits




class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FeesIn(Strict):
    """none | per_share (rate $/share) | percent (rate % of notional) | alpaca (SEC fee + FINRA TAF on share
    sales; on crypto pairs Alpaca's crypto tier, 0.25 % of fills taken and 0.15 % of fills made)."""

    model: Literal["none", "per_share", "percent", "alpaca"] = "none"
    rate: Decimal | None = Field(None, ge=0, le=100, description="$/share for per_share, % for percent")

    @model_validator(mode="after")
    def _rate_when_needed(self) -> FeesIn:
        if self.model in ("per_share", "percent") and self.rate is None:
            raise ValueError(f"rate is required for the {self.model} fee model")
        return self

    def spec(self) -> FeeSpec:
        return FeeSpec(self.model, self.rate if self.model in ("per_share", "percent") else None)


class SlippageIn(Strict):
    """none | bps (fixed basis points against you) | range (fraction of the bar's high-low range)."""

    model: Literal["none", "bps", "range"] = "none"
    value: Decimal | None = Field(None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _value_when_needed(self) -> SlippageIn:
        if self.model != "none" and self.value is None:
            raise ValueError(f"value is required for the {self.model} slippage model")
        if self.model == "range" and self.value is not None and self.value > 1:
            raise ValueError("range slippage is a fraction of the bar's range, between 0 and 1")
        return self

    def spec(self) -> SlippageSpec:
        return SlippageSpec(self.model, None if self.model == "none" else self.value)


# A body's `fees` and `slippage` are validated as the models above (their schema and error messages),
# then held as the engine's typed values, and written back in the same JSON shape.
Fees = Annotated[FeesIn, AfterValidator(FeesIn.spec), PlainSerializer(FeeSpec.to_dict)]
Slippage = Annotated[SlippageIn, AfterValidator(SlippageIn.spec), PlainSerializer(SlippageSpec.to_dict)]


class RiskLimits(Strict):
    """Per-run limits for paper and live trading; a breach rejects the order (loss: halts the run)."""

    max_position_value: Decimal | None = Field(None, gt=0, le=MAX_MONEY)
    max_order_value: Decimal | None = Field(None, gt=0, le=MAX_MONEY)
    max_orders_per_day: int | None = Field(None, gt=0, le=1_000_000)
    max_daily_loss: Decimal | None = Field(None, gt=0, le=MAX_MONEY)


def as_utc(value: datetime | None) -> datetime | None:
    """The API speaks UTC: a time without an offset is taken as UTC, others are converted. Times
    outside 1970–2100 are refused (as a ValueError, so a 422): bar timestamps are epoch nanoseconds,
    and a time near year 1 or 9999 overflows on conversion."""
    if value is None:
        return None
    try:
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < END_OF_2100:
        raise ValueError("must be between 1970-01-01 and 2100-12-31 (UTC)")
    return utc


class RunSettings(Strict):
    """Everything about a run except what it trades with (shared by runs and sweeps)."""

    symbols: list[str] = Field(min_length=1, max_length=50)
    timeframe: Timeframe = "1Day"
    start: datetime | None = Field(None, description="Backtest window start (UTC, 1970–2100); default: first "
                                                      "stored bar")
    end: datetime | None = Field(None, description="Backtest window end (UTC, 1970–2100); default: last stored bar")
    cash: Decimal = Field(DEFAULT_CASH, gt=0, decimal_places=2, json_schema_extra={"maximum": float(LARGEST_CASH)},
                          description=f"Starting cash, at most ${LARGEST_CASH:,} (money is exact to $0.0001 up to "
                                      f"ten times that)")
    fees: Fees = Field(default_factory=FeeSpec)
    slippage: Slippage = Field(default_factory=SlippageSpec)
    fractional: bool = False
    allow_short: bool = False
    asset_class: Literal["us_equity", "crypto", "other"] | None = Field(
        None, description="For symbols Weaver has no instrument for: us_equity (Alpaca's price increments, "
                          "the exchange session), crypto (1e-9 steps, 24/7) or other (the data's own precision; "
                          "years as the data holds them). Unset: the class the symbols' stored instruments share, "
                          "as the UI's forms pre-fill it and the command line takes it, kept on the run; with none "
                          "stored (or "
                          "different ones), the stored increments, else other's, and annualised figures take the "
                          "data's own year (the run's field alone chooses it, so an instrument stored later never "
                          "changes a rerun's figures).")

    @field_validator("cash")
    @classmethod
    def _cash_fits(cls, value: Decimal) -> Decimal:
        """A trial's $1e12 was accepted and failed at its start ("the account grew past …"): refused here."""
        if value > LARGEST_CASH:
            raise ValueError(CASH_LIMIT)
        return value

    @field_validator("symbols")
    @classmethod
    def _symbols(cls, symbols: list[str]) -> list[str]:
        import re

        cleaned = [s.strip().upper() for s in symbols]
        bad = [s for s in cleaned if not re.match(SYMBOL_PATTERN, s)]
        if bad:
            raise ValueError(f"not a ticker symbol: {', '.join(bad)}")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("symbols must not repeat")
        return cleaned

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        """At `end`, so the form shows it beside the field (a model-wide error has no field to name)."""
        start = info.data.get("start")
        if value is not None and start is not None and start >= value:
            raise ValueError(f"end must be after start ({start:%Y-%m-%d %H:%M} UTC)")
        return value


class RunCreate(RunSettings):
    mode: Mode = "backtest"
    name: str | None = Field(None, max_length=200)
    strategy: str = Field(min_length=1, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict)
    risk: RiskLimits | None = None
    start_now: bool = Field(False, description="Queue the run at once instead of waiting for a start")
    warmup: int = Field(0, ge=0, le=1_000_000, description=(
        "Backtests: the window's leading bars that only feed the indicators (no trading on them; the result starts "
        "after them), as a paper run starts with its history and `weaver backtest --warmup` does; the drift report "
        "says how many a paper run had"))


class RunStop(Strict):
    """The body of POST /runs/{id}/stop, which may be left out: then the run's open orders are cancelled."""

    optional_body: ClassVar[bool] = True  # the OpenAPI document says so (app/glados/openapi.py)
    cancel_orders: bool = Field(True, description=(
        "Paper/live: cancel the run's open orders at the broker (the default, so nothing keeps filling after "
        "the stop; the `run.orders_cancelled` event lists them). `false` leaves them working at the broker"))
    close_positions: bool = Field(False, description=(
        "Paper/live: then close what the run holds with one market order per symbol, booked as the run's own "
        "orders (the `run.positions_closed` event says what each became). By default a stop leaves the "
        "positions held at the broker. Needs `cancel_orders`"))

    @model_validator(mode="after")
    def _closing_cancels(self) -> RunStop:
        if self.close_positions and not self.cancel_orders:
            raise ValueError("close_positions cancels the run's open orders first: leave cancel_orders true, "
                             "or do not close the positions")
        return self


def _grid_values(value: Any) -> Any:
    """One grid parameter's values: a list as given, or a range `START:STOP[:STEP]` read as `weaver sweep
    --grid` reads it (inclusive; app.marvin.params.range_values) into numbers, as the list would give them."""
    if not isinstance(value, str):
        return value
    if ":" not in value:
        raise ValueError(f"give a list of values or one range START:STOP[:STEP], got {value!r}")
    try:
        values = range_values(value)
    except RangeError as exc:
        raise ValueError(f"{exc}, got {value!r}" if exc.malformed else f"{value!r}: {exc}") from None
    return [int(v) if v == v.to_integral_value() else float(v) for v in values]


GridValues = Annotated[list[Any], BeforeValidator(_grid_values, json_schema_input_type=list[Any] | str)]


class SweepCreate(RunSettings):
    name: str | None = Field(None, max_length=200)
    strategy: str = Field(min_length=1, max_length=200)
    grid: dict[str, GridValues] = Field(description=(
        "parameter name → its values, a list (`[5, 10, 20]`) or one range `\"START:STOP[:STEP]\"` as `weaver "
        "sweep --grid` takes it (`\"5:50:5\"` is 5, 10, …, 50: the stop included when a step lands on it; "
        "step 1 if left out; at most 500 values); one backtest per combination"))
    params: dict[str, Any] = Field(default_factory=dict, description="fixed parameters for every cell")

    @field_validator("grid")
    @classmethod
    def _grid(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if not grid:
            raise ValueError("the grid needs at least one parameter")
        cells = 1
        for name, values in grid.items():
            if not values:
                raise ValueError(f"{name}: give at least one value")
            cells *= len(values)
        if cells > 2000:
            raise ValueError(f"the grid has {cells:,} cells; the limit is 2,000")
        repeated = repeated_values(grid)  # a walk-forward's grid too (WalkforwardCreate is a SweepCreate)
        if repeated:
            raise ValueError(repeated)
        return grid
