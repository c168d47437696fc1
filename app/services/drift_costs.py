"""What a drift report says about costs: a paper or live run pays what its broker charges and fills at the
broker's prices, while the backtest it is compared with applies the run's fee and slippage models. A
trial saw a paper run showing "fees percent 0.5 / slippage bps 20", every broker fill charged $0.00, and
the backtest side charged $24.62 an order and bought 11 shares where live bought 12: the gap landed in
"from execution" and nothing said that the models were the backtest's alone."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from app.greta.specs import FeeSpec, SlippageSpec
from app.services.drift_equity import EQUITY_APART
from app.services.drift_match import Decision, DriftRow

CENT = Decimal("0.01")


def cost_notes(rows: Sequence[DriftRow], fees: FeeSpec, slippage: SlippageSpec, live_fees: Decimal,
               backtest_fees: Decimal, fee_part: Decimal) -> list[str]:
    """The report's notes on fees and slippage (none when both sides ran cost-free)."""
    notes = []
    if fees.kind != "none" or live_fees != backtest_fees:
        notes.append(
            f"Fees: the backtest side charged {_money(backtest_fees)} under the fee model "
            f"{fees.to_text()}; the broker charged {_money(live_fees)}. A paper or live run pays what its broker "
            f"charges: the fee model is a backtest's assumption, applied here to the backtest side only "
            f"({_money(fee_part, signed=True)} of \"from execution\" is this difference on the decisions both sides "
            "filled).")
    if slippage.kind != "none":
        notes.append(
            f"Slippage: the backtest side's fills are moved against each order by the slippage model "
            f"{slippage.to_text()}; live fills are at the broker's own prices (the slippage column compares them "
            f"with the moved prices).")
    prices = summary_prices(rows, fee_part) if slippage.kind == "none" else None  # (else the Slippage note)
    if prices:
        notes.append(prices)
    # (not those whose note puts it down to the two sides' equity, trial 41: an outage had parted them)
    apart = sum(1 for r in rows if r.live is not None and r.backtest is not None and r.live.percent is not None
                and _asked(r.live) and _asked(r.backtest) and _asked(r.live) != _asked(r.backtest)
                and EQUITY_APART not in (r.note or ""))
    if apart and (fees.kind != "none" or slippage.kind != "none"):
        notes.append(
            f"Sizes: {apart} matched order{'s' if apart != 1 else ''} sized by a share of equity came to a different "
            f"quantity on each side: the backtest sizes at its own prices and keeps room for its modelled fees.")
    return notes


def summary_prices(rows: Sequence[DriftRow], fee_part: Decimal) -> str | None:
    """What the matched decisions' fill prices made of "from execution" (trial 25: most of the gap, identical
    rows each 2 to 4 bps apart, and no word why)."""
    priced = [r for r in rows if r.slippage_bps is not None]
    part = sum((r.execution for r in rows if r.live is not None and r.backtest is not None), Decimal(0)) - fee_part
    if not priced or not part:
        return None
    average = sum(r.slippage_bps or 0.0 for r in priced) / len(priced)
    # "that both sides filled": a matched decision one side never filled has no fill price to compare (trial 40
    # read "12 of 12 identical" beside "the 11 matched decisions filled")
    return (f"Fill prices: {_money(part, signed=True)} of \"from execution\" is the prices of the {len(priced)} "
            f"matched decision{'s' * (len(priced) != 1)} both sides filled (live {average:+.1f} bps on average): live "
            "filled at the broker's prices (a market order meets the quote, the ask or the bid, when it arrives after "
            "the bar closed), the backtest at the next bar's open.")


def _asked(decision: Decision) -> Decimal:
    """The size a side gave the order: what it sized (not what filled: live may fill 13 of 52 and cancel the
    rest, a matter of fills the row's own note explains, not of sizing)."""
    return decision.qty if decision.qty is not None else decision.filled_qty


def _money(value: Decimal, signed: bool = False) -> str:
    """$1,234.50, or with `signed` +$1,234.50 / -$1,234.50."""
    text = f"${abs(value.quantize(CENT)):,.2f}"
    return f"{'-' if value < 0 else '+' if signed and value > 0 else ''}{text}"
