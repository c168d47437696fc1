"""Watchlists: named, ordered lists of assets per account (Alpaca's /v2/watchlists CRUD)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from app.exchange.errors import invalid, not_found
from app.exchange.timefmt import iso

MAX_NAME = 64


@dataclass
class Watchlist:
    id: str
    name: str
    created_ms: int
    updated_ms: int
    symbols: list[str] = field(default_factory=list)

    def to_json(self, account_id: str, asset: Callable[[str], dict] | None = None) -> dict[str, object]:
        """The list endpoint leaves `assets` out, as Alpaca's does; the others pass `asset`."""
        body: dict[str, object] = {
            "id": self.id, "account_id": account_id, "created_at": iso(self.created_ms),
            "updated_at": iso(self.updated_ms), "name": self.name,
        }
        if asset is not None:
            body["assets"] = [asset(symbol) for symbol in self.symbols]
        return body

    def to_state(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict) -> Watchlist:
        return cls(**data)


class Watchlists:
    """One account's watchlists; `known` says whether a symbol is an asset (unknown ones are 422)."""

    def __init__(self, lists: dict[str, Watchlist], known: Callable[[str], bool]) -> None:
        self.lists, self.known = lists, known

    def find(self, watchlist_id: str) -> Watchlist:
        found = self.lists.get(watchlist_id.lower())
        if found is None:
            raise not_found("watchlist not found")
        return found

    def named(self, name: str | None) -> Watchlist:
        found = next((w for w in self.lists.values() if w.name == name), None)
        if found is None:
            raise not_found("watchlist not found")
        return found

    def create(self, body: object, now_ms: int) -> Watchlist:
        name, symbols = self._parse(body, require_name=True)
        watchlist = Watchlist(str(uuid.uuid4()), name or "", now_ms, now_ms, symbols or [])
        self.lists[watchlist.id] = watchlist
        return watchlist

    def update(self, watchlist: Watchlist, body: object, now_ms: int) -> Watchlist:
        """PUT: a new name and/or a new list of symbols (replacing the old one)."""
        name, symbols = self._parse(body, require_name=False, renaming=watchlist)
        if name is None and symbols is None:
            raise invalid("name or symbols is required")
        watchlist.name = name if name is not None else watchlist.name
        watchlist.symbols = symbols if symbols is not None else watchlist.symbols
        watchlist.updated_ms = now_ms
        return watchlist

    def add(self, watchlist: Watchlist, body: object, now_ms: int) -> Watchlist:
        symbol = body.get("symbol") if isinstance(body, dict) else None
        if not isinstance(symbol, str) or not symbol:
            raise invalid("symbol is required")
        watchlist.symbols = self._symbols([*watchlist.symbols, symbol])
        watchlist.updated_ms = now_ms
        return watchlist

    def remove(self, watchlist: Watchlist, symbol: str, now_ms: int) -> Watchlist:
        if symbol.upper() not in watchlist.symbols:
            raise not_found(f"symbol {symbol} not found in watchlist")
        watchlist.symbols.remove(symbol.upper())
        watchlist.updated_ms = now_ms
        return watchlist

    def delete(self, watchlist: Watchlist) -> None:
        del self.lists[watchlist.id]

    def _parse(self, body: object, require_name: bool,
               renaming: Watchlist | None = None) -> tuple[str | None, list[str] | None]:
        if not isinstance(body, dict):
            raise invalid("request body must be a JSON object")
        name, symbols = body.get("name"), body.get("symbols")
        if name is None and require_name:
            raise invalid("name is required")
        if name is not None:
            if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
                raise invalid(f"name must be 1 to {MAX_NAME} characters")
            if any(w.name == name and w is not renaming for w in self.lists.values()):
                raise invalid("watchlist name must be unique")
        if symbols is not None and not isinstance(symbols, list):
            raise invalid("symbols must be a list")
        return name, None if symbols is None else self._symbols([s for s in symbols if s is not None])

    def _symbols(self, symbols: list[object]) -> list[str]:
        upper = [str(s).upper() for s in symbols]
        unknown = [s for s in upper if not self.known(s)]
        if unknown:
            raise invalid(f"asset not found for {unknown[0]}")
        if len(set(upper)) != len(upper):
            raise invalid("a symbol may appear once in a watchlist")
        return upper
