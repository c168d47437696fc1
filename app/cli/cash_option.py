"""`--cash` read the same way by every command that takes it: a number of dollars and cents, positive,
within what Weaver keeps exact; refused in words that name the option (not a validator's text)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from app.greta.equity import CASH_LIMIT, LARGEST_CASH


def checked_cash(cash: str) -> Decimal:
    try:
        money = Decimal(cash)
    except InvalidOperation:
        raise click.UsageError(f"--cash must be a number, got {cash!r}") from None
    if not money.is_finite() or money <= 0:
        raise click.UsageError(f"--cash must be positive, got {cash!r}")
    if money > LARGEST_CASH:
        raise click.UsageError(f"--cash {CASH_LIMIT}, got {cash!r}")
    if money != money.quantize(Decimal("0.01")):  # trial 34: 100000.005 became 100000.00 silently
        raise click.UsageError(f"--cash is in dollars and cents, got {cash!r}")
    return money
