"""One typed settings object for every Weaver process, read from `WEAVER_*` variables and `.env`.

Validated once at start-up (the composition root calls `load_settings`); a missing or malformed
value fails fast with the variable's name. Secrets are `SecretStr`, so they are masked in reprs,
logs and API output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AccountKind = Literal["paper", "live"]

DEFAULT_BASE_URLS: dict[str, str] = {
    "paper": "https://paper-api.alpaca.markets",
    "live": "https://api.alpaca.markets",
}
DEFAULT_DATA_URL = "https://data.alpaca.markets"


class SettingsError(Exception):
    """Configuration is missing or malformed; the message names every offending variable."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        lines = "\n".join(f"  {name}: {why}" for name, why in sorted(problems.items()))
        super().__init__(f"invalid Weaver configuration:\n{lines}")


@dataclass(frozen=True)
class AlpacaCredentials:
    """One Alpaca account's keys and endpoints; the secret never leaves through repr."""

    kind: AccountKind
    key_id: str
    secret_key: SecretStr
    base_url: str
    data_url: str
    stream_url: str | None = None

    def __repr__(self) -> str:
        return (
            f"AlpacaCredentials(kind={self.kind!r}, key_id={mask(self.key_id)!r}, "
            f"secret_key='**********', base_url={self.base_url!r})"
        )


def mask(value: str) -> str:
    """Show only enough of an identifier to recognise it."""
    return value[:4] + "…" if len(value) > 4 else "****"


class Settings(BaseSettings):
    """Everything a Weaver process needs to start; see `.env.example` for each variable."""

    model_config = SettingsConfigDict(
        env_prefix="WEAVER_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    database_url: str = Field(description="SQLAlchemy URL: postgresql+psycopg://… or sqlite:///…")
    broker: Literal["redis", "memory"] = Field("redis", description="Dramatiq broker backend")
    redis_url: str | None = Field(None, description="redis://host:port/db; required when broker=redis")
    api_token: SecretStr = Field(description="Bearer token every /api/v1 request must carry")

    alpaca_paper_key_id: str | None = None
    alpaca_paper_secret_key: SecretStr | None = None
    alpaca_paper_base_url: str = DEFAULT_BASE_URLS["paper"]
    alpaca_paper_data_url: str = DEFAULT_DATA_URL
    alpaca_paper_stream_url: str | None = None
    alpaca_live_key_id: str | None = None
    alpaca_live_secret_key: SecretStr | None = None
    alpaca_live_base_url: str = DEFAULT_BASE_URLS["live"]
    alpaca_live_data_url: str = DEFAULT_DATA_URL
    alpaca_live_stream_url: str | None = None

    data_dir: Path = Path("data")
    log_format: Literal["json", "console", "auto"] = "auto"
    log_level: str = "INFO"
    settle_delay_ms: int = Field(500, ge=0, le=60_000)
    ui_dist: Path | None = None
    max_request_bytes: int = Field(2 * 1024 * 1024, gt=0)
    # GET /metrics (Prometheus) takes the API token like /api/v1; true serves it to anyone who can reach it.
    metrics_public: bool = False
    # A non-stream API request that has no response after this many seconds gets a 504 with the JSON
    # error body (its handler finishes in the background, its answer dropped); 0 turns it off.
    request_timeout_seconds: float = Field(30.0, ge=0)
    # The event stream's heartbeat (an SSE `heartbeat` event, a WebSocket {"type": "heartbeat"}): clients
    # that hear nothing for a few of these call the server lost (the UI within 5 s, issue 17).
    stream_heartbeat_seconds: float = Field(2.0, gt=0, le=300)
    # Worker failure detection: a worker silent this long is dead and its messages are redelivered
    # (checked on `queue_maintenance_chance` of every million queue commands); a backtest whose
    # heartbeat is older than `backtest_stale_seconds` is taken over by the redelivered message.
    worker_heartbeat_timeout_ms: int = Field(15_000, ge=1000)
    queue_maintenance_chance: int = Field(10_000, ge=1, le=1_000_000)
    backtest_stale_seconds: float = Field(30.0, gt=0)
    # Where user strategies may come from, besides the built-ins: package names or folders of .py
    # files, separated by commas or the OS path separator. Requests can name nothing else.
    strategy_paths: Annotated[tuple[str, ...], NoDecode] = ()
    # Where notifications go (fills, rejections, errors, the kill switch, outages, a daily summary):
    # Apprise URLs such as tgram://bot_token/chat_id or json://host/path, separated by commas or
    # spaces. Secrets: they are never shown whole (the UI shows them masked).
    notify_urls: Annotated[tuple[SecretStr, ...], NoDecode] = ()

    @field_validator("strategy_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(os.pathsep, ",").split(",") if part.strip())
        return value

    @field_validator("strategy_paths")
    @classmethod
    def _valid_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            is_folder = "/" in entry or os.sep in entry or Path(entry).expanduser().is_dir()
            if not is_folder and not all(part.isidentifier() for part in entry.split(".")):
                raise ValueError(f"{entry!r} is neither a folder nor a package name")
        return value

    @field_validator("notify_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split() if part)
        return value

    @field_validator("notify_urls")
    @classmethod
    def _urls_with_scheme(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for position, url in enumerate(value, 1):
            if "://" not in url.get_secret_value():
                raise ValueError(f"URL {position} has no scheme:// (an Apprise URL such as json://host/path)")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("postgresql", "sqlite")):
            raise ValueError("must start with postgresql+psycopg:// or sqlite:///")
        return value

    @field_validator("api_token")
    @classmethod
    def _long_token(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @model_validator(mode="after")
    def _redis_when_needed(self) -> Settings:
        if self.broker == "redis" and not self.redis_url:
            raise ValueError("WEAVER_REDIS_URL is required when WEAVER_BROKER=redis")
        return self

    def __repr__(self) -> str:
        return f"Settings({self.public_view()!r})"

    __str__ = __repr__

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def alpaca(self, kind: AccountKind) -> AlpacaCredentials | None:
        """The credential set for paper or live trading, or None when it is not configured."""
        key_id = getattr(self, f"alpaca_{kind}_key_id")
        secret = getattr(self, f"alpaca_{kind}_secret_key")
        if not key_id or secret is None:
            return None
        return AlpacaCredentials(
            kind=kind,
            key_id=key_id,
            secret_key=secret,
            base_url=getattr(self, f"alpaca_{kind}_base_url"),
            data_url=getattr(self, f"alpaca_{kind}_data_url"),
            stream_url=getattr(self, f"alpaca_{kind}_stream_url"),
        )

    def public_view(self) -> dict[str, object]:
        """Settings safe to show in logs or the API: secrets masked, passwords stripped from URLs."""
        shown = self.model_dump(mode="json")
        for name, value in list(shown.items()):
            if "secret" in name or name == "api_token":
                shown[name] = "**********" if value else None
            elif name.endswith("_url") and isinstance(value, str):
                shown[name] = strip_password(value)
        return shown


def strip_password(url: str) -> str:
    """Hide the password part of a URL such as postgresql://user:pw@host/db."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; raise SettingsError naming each bad `WEAVER_*` variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            if not field and "WEAVER_" in message:
                field = message.split()[0].lower().removeprefix("weaver_")
            name = f"WEAVER_{field.upper()}" if field else "WEAVER_*"
            problems[name] = "missing" if error["type"] == "missing" else message
        raise SettingsError(problems) from None
