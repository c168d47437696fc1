"""Whether a paper or live run starts with more cash than its broker account can spend.

A run's cash is its own book, but every run of a mode trades on one broker account: positions and open
orders left by other runs (or by hand) hold part of the account's buying power. A run that sizes its
orders on its own cash (sma_cross's default buys with 100 % of it) then has them rejected for
insufficient buying power, while its backtest buys. The start says so once, as `run.buying_power_short`.
"""

from __future__ import annotations

from decimal import Decimal

from app.veda.ports import Account


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def shortfall_detail(mode: str, run_cash: Decimal, account: Account) -> str | None:
    """Why orders sized on the run's cash may be refused, or None when the account can spend it all."""
    if account.buying_power >= run_cash:
        return None
    return (f"the {mode} account's buying power is {money(account.buying_power)}, less than this run's cash of "
            f"{money(run_cash)}: every {mode} run trades on that one account, and their losses, positions and "
            f"open orders count against it, so an order sized on this run's whole cash (a percent of 100) may be "
            f"rejected for insufficient buying power")


def crowded_detail(mode: str, run_cash: Decimal, total_cash: Decimal, runs: int, account: Account,
                   newcomer: str | None = None) -> str | None:
    """Why orders sized on the run's cash may be refused though its own cash fits: the active runs' cash
    together is more than the account can spend (trial 40: a second run of $100,000 on the same $100,000
    paper account took the buying power, and the first run's buys were refused with no word why). None when
    it fits. `newcomer`: the run whose start made it so, named to the runs already trading."""
    if account.buying_power >= total_cash:
        return None
    who = f"run {newcomer} started on the {mode} account: " if newcomer else ""
    return (f"{who}the {runs} active {mode} runs' cash together ({money(total_cash)}) is more than the account's "
            f"buying power ({money(account.buying_power)}); they share it, so an order sized on this run's cash of "
            f"{money(run_cash)} may be rejected for insufficient buying power, which the other runs' positions and "
            "orders use too. Its backtest traded alone")
