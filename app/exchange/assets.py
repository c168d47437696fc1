"""The asset master list: every configured symbol as Alpaca's `Assets` object, found by symbol or id."""

from __future__ import annotations

from app.exchange.config import SymbolConfig
from app.exchange.errors import invalid, not_found
from app.exchange.numbers import fmt
from app.exchange.orders import asset_id

STATUSES = ("active", "inactive")
CLASSES = ("us_equity", "us_option", "crypto", "crypto_perp")  # alpaca-py's AssetClass


def asset_json(config: SymbolConfig) -> dict[str, object]:
    body: dict[str, object] = {
        "id": asset_id(config.symbol), "class": config.asset_class, "exchange": config.exchange,
        "symbol": config.symbol, "name": f"{config.symbol} (synthetic)", "status": "active", "tradable": True,
        "marginable": config.marginable, "shortable": config.shortable, "easy_to_borrow": config.shortable,
        "fractionable": config.fractionable, "maintenance_margin_requirement": 100, "attributes": [],
    }
    if config.is_crypto:  # Alpaca lists a pair's order size floor and increments (as strings)
        body.update({"min_order_size": fmt(config.min_order_size), "min_trade_increment": "0.000000001",
                     "price_increment": "0.01"})
    return body


def resolve_symbol(configs: dict[str, SymbolConfig], name: str) -> str:
    """The configured symbol `name` means: itself (any case), or a pair written without its slash ("BTCUSD")."""
    name = name.strip().upper()
    if name in configs or "/" in name:
        return name
    return next((s for s in configs if "/" in s and s.replace("/", "") == name), name)


def find_asset(configs: dict[str, SymbolConfig], symbol_or_id: str) -> SymbolConfig:
    """By symbol (any case) or by the asset id the exchange gives it; 404 otherwise, as Alpaca."""
    config = configs.get(resolve_symbol(configs, symbol_or_id))
    if config is None:
        wanted = symbol_or_id.lower()
        config = next((c for c in configs.values() if asset_id(c.symbol) == wanted), None)
    if config is None:
        raise not_found(f"asset not found for {symbol_or_id}")
    return config


def list_assets(configs: dict[str, SymbolConfig], args: dict[str, str]) -> list[dict[str, object]]:
    """GET /v2/assets with `status`, `asset_class` and `exchange` (every listed asset is active)."""
    status = args.get("status", "").lower() or None
    asset_class = args.get("asset_class", "").lower() or None
    exchange = args.get("exchange", "").upper() or None
    if status is not None and status not in STATUSES:
        raise invalid(f"status must be one of {', '.join(STATUSES)}")
    if asset_class is not None and asset_class not in CLASSES:
        raise invalid(f"asset_class must be one of {', '.join(CLASSES)}")
    if status == "inactive":
        return []
    return [asset_json(c) for c in configs.values()
            if (exchange is None or c.exchange == exchange) and asset_class in (None, c.asset_class)]
