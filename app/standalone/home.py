"""The standalone data directory: the database, the API token and the local exchange's keys and
state, created on first start and reused after (a second start keeps everything)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

STRATEGY_PATHS_FILE = "strategy-paths"  # one per line: what the last standalone start was given
EXCHANGE_URL_FILE = "exchange-url"  # the running standalone's local exchange (its port changes every start)


def remembered_strategy_paths(root: Path) -> tuple[str, ...]:
    """The strategy paths the last standalone start on `root` was given (none when it was given none)."""
    try:
        return tuple(line for line in (root / STRATEGY_PATHS_FILE).read_text().splitlines() if line.strip())
    except OSError:
        return ()


def standalone_running(data_dir: Path) -> bool:
    """A `weaver standalone` on this folder is alive: the process its lock file names exists. Read, not
    locked: taking the lock, even for a moment, could make a standalone starting then refuse to start."""
    try:
        pid = int((data_dir / "standalone.lock").read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def exchange_contact(root: Path) -> dict[str, str]:
    """The paper broker settings of the standalone on `root`'s local exchange (its URL and keys), for the
    command line's commands on that folder (trial 32: `weaver bars fetch --symbol BTC/USD` needed the random
    port and the keys' file found by hand); none when it never started one. Only meaningful while it runs."""
    try:
        url = (root / EXCHANGE_URL_FILE).read_text().strip()
        keys = json.loads((root / "exchange-keys.json").read_text())
    except (OSError, ValueError):
        return {}
    if not url or not isinstance(keys, dict) or not keys.get("key") or not keys.get("secret"):
        return {}
    return {"alpaca_paper_key_id": keys["key"], "alpaca_paper_secret_key": keys["secret"],
            "alpaca_paper_base_url": url, "alpaca_paper_data_url": url}


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{(self.root / 'weaver.db').resolve()}"

    @property
    def exchange_state(self) -> Path:
        return self.root / "exchange-state.json"

    def remember_strategy_paths(self, paths: tuple[str, ...]) -> None:
        """The standalone's --strategy-path folders, for the command line's runs on this directory (trial 28:
        `weaver runs drift` of a run of a user's strategy answered "unknown strategy")."""
        (self.root / STRATEGY_PATHS_FILE).write_text("".join(f"{p}\n" for p in paths))

    def remember_exchange_url(self, url: str) -> None:
        (self.root / EXCHANGE_URL_FILE).write_text(url + "\n")

    def prepare(self) -> bool:
        """Create the directory and the database file, readable by their owner only (SQLite gives its
        -wal, -shm and -journal files the database's mode); True when this is the first start."""
        database = self.root / "weaver.db"
        first = not database.exists()
        self.root.mkdir(parents=True, exist_ok=True)
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is an empty database
        for path in (database, *(self.root / f"weaver.db{suffix}" for suffix in ("-wal", "-shm", "-journal"))):
            if path.exists():
                os.chmod(path, 0o600)  # also tightens a database an earlier version left 0644
        return first

    def api_token(self) -> str:
        return self._secret("api-token", lambda: secrets.token_urlsafe(24))

    def exchange_keys(self) -> tuple[str, str]:
        raw = self._secret("exchange-keys.json", lambda: json.dumps(
            {"key": "PK" + secrets.token_hex(8).upper(), "secret": secrets.token_urlsafe(30)}))
        keys = json.loads(raw)
        return keys["key"], keys["secret"]

    def _secret(self, name: str, make: object) -> str:
        path = self.root / name
        if path.exists():
            return path.read_text().strip()
        value = make()  # type: ignore[operator]
        path.write_text(value)
        os.chmod(path, 0o600)  # secrets readable by their owner only
        return value
