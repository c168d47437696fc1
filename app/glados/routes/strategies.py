"""GET /strategies: every strategy with its description and parameter schema (forms render it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from pydantic import Field

from app.glados.api import endpoint
from app.glados.schemas.common import Out
from app.services import strategies

bp = Blueprint("strategies", __name__, url_prefix="/api/v1/strategies")


class StrategyOut(Out):
    name: str
    description: str
    params_schema: dict[str, Any] = Field(description="JSON Schema of the strategy's parameters")
    multi_symbol: bool


@endpoint(bp, "", summary="List strategies with their parameter schemas", response=[StrategyOut])
def list_strategies() -> list[StrategyOut]:
    return [StrategyOut(**item) for item in strategies.catalog()]


@endpoint(bp, "/<name>", summary="One strategy", response=StrategyOut)
def get_strategy(name: str) -> StrategyOut:
    return StrategyOut(**strategies.describe(strategies.find(name)))
