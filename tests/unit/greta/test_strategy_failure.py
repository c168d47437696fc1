"""A strategy's own exception in a backtest names the bar and the line it failed on, as a paper run names the
bar (trial 27: "the backtest stopped with an internal error (RuntimeError: boom at bar 3)", nothing more)."""

from __future__ import annotations

import inspect

import pytest

from app.greta import BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.engine import run_backtest
from app.greta.strategy_failure import StrategyFailed
from app.marvin import Strategy
from app.marvin.bars import ns_to_datetime

BARS = synthetic_bars("AAA", 20, seed=1)


class Boom(Strategy):
    name = "boom"

    def next(self) -> None:
        if self.index == 3:
            raise RuntimeError("boom at bar 3")


class BadInit(Strategy):
    name = "bad_init"

    def init(self) -> None:
        self.missing.close  # noqa: B018 - the bug


def _line(cls: type, text: str) -> int:
    lines, first = inspect.getsourcelines(cls)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_a_strategys_exception_names_the_bar_and_the_line():
    with pytest.raises(StrategyFailed) as failed:
        run_backtest(BacktestConfig("boom"), [BARS], strategy=Boom)
    bar = ns_to_datetime(int(BARS.ts[3])).isoformat()
    assert str(failed.value) == (f"the strategy failed on the bar {bar}: RuntimeError: boom at bar 3 "
                                 f"(test_strategy_failure.py, line {_line(Boom, 'raise RuntimeError')})")
    assert isinstance(failed.value.__cause__, RuntimeError)


def test_an_exception_in_init_says_so():
    with pytest.raises(StrategyFailed) as failed:
        run_backtest(BacktestConfig("bad_init"), [BARS], strategy=BadInit)
    assert str(failed.value).startswith("the strategy failed in init(): AttributeError: ")
    assert str(failed.value).endswith(f"(test_strategy_failure.py, line {_line(BadInit, 'self.missing')})")


def test_an_engine_error_is_not_blamed_on_the_strategy(monkeypatch):
    from app.greta.broker import SimBroker

    def broken(self, step):  # noqa: ANN001 - an engine bug, outside the strategy's file
        raise KeyError("engine bug")

    monkeypatch.setattr(SimBroker, "on_bar", broken)
    with pytest.raises(KeyError):
        run_backtest(BacktestConfig("sma_cross", {"fast": 2, "slow": 3}), [BARS])


def test_weaver_backtest_says_it_as_an_error_of_the_users_not_a_traceback():
    from click.testing import CliRunner

    from app.cli import main

    result = CliRunner().invoke(main, ["backtest", "--strategy", "tests.fixtures.strategies:Broken", "--synthetic",
                                       "AAA:50:1", "--quiet"])
    assert result.exit_code == 1  # the run failed; 2 is for input to change (trial 29)
    assert ("Error: the strategy failed on the bar 2024-01-15T00:00:00+00:00: ZeroDivisionError: division by zero in "
            "my_signal() (strategies.py, line 50)") in result.output
    assert "Traceback" not in result.output


class KeepsDecimal(Strategy):
    name = "keeps_decimal"

    def next(self) -> None:
        if self.index == 0:
            self.buy(size=1)

    def on_save(self) -> dict:
        return {"avg": self.position.avg_price}  # a Decimal: a live run cannot save it


def test_a_state_a_live_run_cannot_save_fails_the_backtest_as_it_would_fail_the_live_run():
    """Trial 27: on_save() kept a Decimal; the backtest completed and the paper run stopped on its first bar."""
    with pytest.raises(StrategyFailed) as failed:
        run_backtest(BacktestConfig("keeps_decimal"), [BARS], strategy=KeepsDecimal)
    assert str(failed.value) == (
        "the strategy failed in on_save() (a live run saves its state after every bar, and would stop on its first): "
        "on_save() returned what cannot be saved as JSON (Object of type Decimal is not JSON serializable): keep "
        "numbers as int, float or str, and times as text")
