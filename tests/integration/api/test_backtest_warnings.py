"""A backtest whose indicator never had a value (a lookback longer than the data) says so: on the run
(`options.warnings`, shown on its page) and on the command line. Trial 19: sma_cross with slow=2000 on 1,260
daily bars completed with 0 trades and 0.00 %, as if the strategy had found nothing."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main
from app.services.backtests import BacktestService
from tests.integration.api.conftest import store_daily_bars

NEVER = ("the indicator SMA 400 of LONGW has no value on any of the run's 300 bars: it needs more bars than the "
         "run's window holds, so the strategy never acted on it")


def test_a_run_whose_slow_average_never_filled_says_so(client, pg) -> None:
    store_daily_bars(pg, "LONGW")  # 300 bars
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["LONGW"], "start_now": True,
                                            "params": {"fast": 5, "slow": 400}}).get_json()
    fits = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["LONGW"], "start_now": True,
                                             "params": {"fast": 5, "slow": 20}}).get_json()
    service = BacktestService(pg.uow, pg.read_session)
    assert service.execute(run["id"]) == service.execute(fits["id"]) == "completed"
    stored = client.get(f"/api/v1/runs/{run['id']}").get_json()
    assert stored["options"]["warnings"] == [NEVER] and stored["metrics"]["trades"] == 0
    assert "warnings" not in client.get(f"/api/v1/runs/{fits['id']}").get_json()["options"]


def test_the_command_line_warns_too() -> None:
    ran = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", "LONGW:300:4", "--param",
                                    "fast=5", "--param", "slow=400", "--quiet"])
    assert ran.exit_code == 0, ran.output
    assert f"warning: {NEVER}" in ran.output


def test_a_window_far_beyond_the_stored_bars_says_where_they_end(client, pg) -> None:
    """Trial 38: a window of 15:07 to 15:11 on bars that ended at 15:07:35 ran 35 bars, made no trade, and said
    nothing. A window a weekend past the last bar is covered: nothing is said."""
    store_daily_bars(pg, "SHORTW")  # 2023-01-02 … 2023-10-28
    beyond = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["SHORTW"], "start_now": True,
                                               "params": {"fast": 5, "slow": 20}, "start": "2023-06-01",
                                               "end": "2024-06-01"}).get_json()
    near = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["SHORTW"], "start_now": True,
                                             "params": {"fast": 5, "slow": 20}, "start": "2023-06-01",
                                             "end": "2023-10-30"}).get_json()
    service = BacktestService(pg.uow, pg.read_session)
    assert service.execute(beyond["id"]) == service.execute(near["id"]) == "completed"
    assert client.get(f"/api/v1/runs/{beyond['id']}").get_json()["options"]["warnings"] == [
        "the stored bars cover 2023-06-01T00:00:00Z to 2023-10-28T00:00:00Z (150 bars) of the window "
        "2023-06-01T00:00:00Z to 2024-06-01T00:00:00Z: the run traded only where there were bars (41 % of the window)"]
    assert "warnings" not in client.get(f"/api/v1/runs/{near['id']}").get_json()["options"]


def test_orders_left_working_at_the_end_are_said_on_the_run(client, pg) -> None:
    """Trial 42: a buy placed on the last bar stayed `new` in the records, and the run page said nothing of it;
    a limit far below the market, never reached, is told apart from it."""
    store_daily_bars(pg, "WORKW")
    every = client.post("/api/v1/runs", json={"strategy": "tests.fixtures.strategies:BuyEveryBar",
                                              "symbols": ["WORKW"], "start_now": True}).get_json()
    resting = client.post("/api/v1/runs", json={"strategy": "tests.fixtures.strategies:RestingLimit",
                                                "symbols": ["WORKW"], "start_now": True}).get_json()
    service = BacktestService(pg.uow, pg.read_session)
    assert service.execute(every["id"]) == service.execute(resting["id"]) == "completed"
    assert client.get(f"/api/v1/runs/{every['id']}").get_json()["options"]["warnings"] == [
        "1 order still working when the bars ended (listed as new, neither filled nor cancelled): 1 order placed on "
        "the last bar, which no later bar could fill; the figures count none of them"]
    assert client.get(f"/api/v1/runs/{resting['id']}").get_json()["options"]["warnings"] == [
        "1 order still working when the bars ended (listed as new, neither filled nor cancelled): 1 order placed "
        "earlier whose limit or stop price the bars never reached; the figures count none of them"]
