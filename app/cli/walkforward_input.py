"""What `weaver walkforward run`'s options become: the body POST /walkforwards takes (WalkforwardCreate),
with values typed as the UI sends them, or each wrong field named, as the API's 422 names it, and exit 2."""

from __future__ import annotations

import sys
from typing import Any

import click
from pydantic import ValidationError

from app.greta.specs import FeeSpec, FeeSpecError, SlippageSpec, SlippageSpecError
from app.services.walkforward_specs import WalkforwardCreate


def spec_of(body: dict[str, Any]) -> WalkforwardCreate:
    try:
        return WalkforwardCreate.model_validate({k: v for k, v in body.items() if v is not None})
    except ValidationError as exc:
        refuse({".".join(str(p) for p in e["loc"]) or "body": str(e["msg"]).removeprefix("Value error, ")
                for e in exc.errors()})
        raise


def refuse(fields: dict[str, str]) -> None:
    """Each field and what is wrong with it, as the API's 422 names them; exit 2."""
    for field, why in fields.items():
        click.echo(f"error: {field}: {why}", err=True)
    sys.exit(2)


def typed_grid(strategy: str, grid: dict[str, list[str]]) -> dict[str, list[Any]]:
    return {name: [typed(strategy, {name: v})[name] for v in values] for name, values in grid.items()}


def typed(strategy: str, texts: dict[str, str]) -> dict[str, Any]:
    """Values as the strategy's parameters type them (fast=5 → 5), as the UI sends them; text for a name
    it does not know or a strategy not found (the service then says which)."""
    from app.marvin import StrategyLoadError, get_strategy

    try:
        specs = get_strategy(strategy).param_specs
    except StrategyLoadError:
        specs = {}
    return {name: specs[name].parse(text) if name in specs else text for name, text in texts.items()}


def length(text: str) -> int | str:
    """Bars as a number (250), a calendar period as text (12M)."""
    return int(text) if text.strip().isdigit() else text.strip()


def fees_form(text: str) -> dict[str, Any]:
    try:
        return FeeSpec.parse(text).to_dict()
    except FeeSpecError as exc:
        refuse({"fees": str(exc)})
        raise


def slippage_form(text: str) -> dict[str, Any]:
    try:
        return SlippageSpec.parse(text).to_dict()
    except SlippageSpecError as exc:
        refuse({"slippage": str(exc)})
        raise
