"""`weaver backtest` says when the run ended holding positions (trial 34: a 9 % return beside losing closed trades,
the gain an open position nothing mentioned), as the run page and backtesting.py do; not when it ended flat."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main

ARGS = ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=50", "--synthetic", "RW:600:3",
        "--quiet"]


def test_a_run_that_ends_holding_says_so_with_the_unrealized_gain():
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    assert ("note: ended holding 973 RW (unrealized +$5,653.13): the return and the equity count it at the last "
            "close; the trade figures (trades, win rate, profit factor, expectancy) count closed trades only") \
        in result.output


def test_a_run_closed_at_the_end_says_nothing_of_it():
    result = CliRunner().invoke(main, [*ARGS, "--close-at-end"])
    assert result.exit_code == 0, result.output
    assert "ended holding" not in result.output


def test_an_order_left_working_at_the_end_is_said_and_none_is_said_when_all_filled(tmp_path, monkeypatch):
    """An order placed on the last bar stays `new` in --json (no later bar fills it): said, not left to puzzle."""
    (tmp_path / "every_bar.py").write_text(
        "from app.marvin import Strategy\n\n\nclass EveryBar(Strategy):\n    name = 'every_bar'\n\n"
        "    def next(self):\n        self.buy(size=1)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result = CliRunner().invoke(main, ["backtest", "--strategy", "every_bar:EveryBar", "--synthetic", "AAA:5:1",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert ("note: 1 order still working when the bars ended (listed as new, neither filled nor cancelled): 1 order "
            "placed on the last bar, which no later bar could fill; the figures count none of them") in result.output
    assert "still working" not in CliRunner().invoke(main, [*ARGS, "--close-at-end"]).output


def test_a_limit_placed_before_the_last_bar_and_never_reached_is_not_said_to_be_on_the_last_bar(tmp_path, monkeypatch):
    """Trial 41: a limit placed 44 hours before the end, its price never touched, was said to be a last-bar order."""
    (tmp_path / "far_limit.py").write_text(
        "from app.marvin import Strategy\n\n\nclass FarLimit(Strategy):\n    name = 'far_limit'\n\n"
        "    def next(self):\n        if self.index == 1:\n            self.buy(size=1, limit=1)\n"
        "        if self.index == 49:\n            self.buy(size=1)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result = CliRunner().invoke(main, ["backtest", "--strategy", "far_limit:FarLimit", "--synthetic", "AAB:50:1",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert ("note: 2 orders still working when the bars ended (listed as new, neither filled nor cancelled): 1 order "
            "placed on the last bar, which no later bar could fill and 1 order placed earlier whose limit or stop "
            "price the bars never reached; the figures count none of them") in " ".join(result.output.split())
