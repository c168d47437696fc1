"""`weaver runs robustness RUN_ID` on a real backtest: the table shows the service's figures (to the cent
and the hundredth of a percent, the max drawdown negative as `weaver runs show` writes it), --json gives all
of them (the API's positive drawdowns), and refusals exit 2 with the reason."""

from __future__ import annotations

import json
import re

from app.bootstrap import Container, build_services
from app.glados.app import create_app
from app.services.robustness import RobustnessAsk, run_robustness
from app.services.specs import RunCreate
from tests.conftest import TEST_TOKEN
from tests.integration.api.conftest import store_daily_bars
from tests.integration.api.test_run_robustness import store_noisy_bars
from tests.integration.conftest import weaver
from tests.integration.foundation.factories import make_run


def _backtest(pg: Container, slow: int = 20, days: int = 300) -> str:
    (store_noisy_bars if slow == 20 else store_daily_bars)(pg, "AAPL", days)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": 5, "slow": slow}, start_now=True,
                                         symbols=["AAPL"], timeframe="1Day", cash="10000"))
    assert services.backtests.execute(run.id) == "completed"
    return run.id


def test_the_table_shows_the_percentiles_ruin_and_p_value(pg: Container, cli_env: dict[str, str]) -> None:
    run_id = _backtest(pg)
    with pg.read_session() as session:
        expected = run_robustness(session, run_id, RobustnessAsk(resamples=300, seed=4, ruin_drawdown_pct=10))

    shown = weaver("runs", "robustness", run_id[:8], "--resamples", "300", "--seed", "4", "--ruin-drawdown", "10",
                   env={**cli_env, "COLUMNS": "120"}, timeout=120)

    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"run {run_id}: {expected.trades} trades from $10,000.00, 300 resamples, seed 4" in out
    boot, shuffle = expected.monte_carlo
    assert "bootstrap: trades drawn with replacement" in out and "shuffle: the same trades reordered" in out
    assert "each path is equity after each closed trade" in " ".join(out.split())  # (wrapped to the terminal)
    boot_row = next(line for line in out.splitlines() if line.startswith("│ final equity"))
    for value in (boot.final_equity.p5, boot.final_equity.p50, boot.final_equity.p95):
        assert f"${value:,.2f}" in boot_row
    drawdowns = [line for line in out.splitlines() if line.startswith("│ max drawdown ")]
    assert len(drawdowns) == 2 and boot.max_drawdown_pct.p5 > 0.005  # none rounds to a sign-less 0.00
    for row, mc in zip(drawdowns, (boot, shuffle), strict=True):  # worst (deepest) first, as the equity's row
        assert [cell.strip() for cell in row.split("│")[2:5]] == [
            f"-{v:,.2f}%" for v in (mc.max_drawdown_pct.p95, mc.max_drawdown_pct.p50, mc.max_drawdown_pct.p5)]
    assert re.search(r"measure +┃ +worst 5 % +┃ +median +┃ +best 5 %", out), out
    assert re.search(rf"ruin \(drawdown ≥ 10 %\) +│ +{boot.ruin_probability * 100:.1f} % of paths", out)
    assert 0 < boot.ruin_probability < 1 and shuffle.max_drawdown_pct.p95 > 0  # trades that win and lose
    entry = expected.random_entry
    assert entry is not None
    assert f"{entry.strategy_return_pct:,.2f}" in out and f"{entry.p_value:.4f}" in out
    assert f"{entry.percentile:.1f}" in out

    as_json = weaver("runs", "robustness", run_id, "--resamples", "300", "--seed", "4", "--ruin-drawdown", "10",
                     "--method", "shuffle", "--json", env=cli_env, timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    body = json.loads(as_json.stdout)
    assert [m["method"] for m in body["monte_carlo"]] == ["shuffle"]
    assert body["monte_carlo"][0]["final_equity"]["p50"] == shuffle.final_equity.p50  # the same seed, same figures
    assert body["monte_carlo"][0]["band_p95"] == shuffle.band_p95
    assert body["random_entry"]["p_value"] == entry.p_value
    assert body["monte_carlo"][0]["max_drawdown_pct"]["p95"] == shuffle.max_drawdown_pct.p95 > 0


def test_drawdowns_keep_the_runs_sign_convention_and_match_the_api_at_the_same_settings(
        pg: Container, cli_env: dict[str, str]) -> None:
    """A run's metrics give max_drawdown_pct positive (14.1: a 14.1 % fall) and `weaver runs show` writes it
    negative; robustness does the same: positive in the API's body and --json, negative in the table. With the
    same resamples, seed and method (the defaults of all three: 1,000, 0, both) the figures are the same ones."""
    run_id = _backtest(pg)
    flask_app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    try:
        client = flask_app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        body = client.post(f"/api/v1/runs/{run_id}/robustness", json={}).get_json()
        run_drawdown = client.get(f"/api/v1/runs/{run_id}").get_json()["metrics"]["max_drawdown_pct"]
    finally:
        flask_app.extensions["weaver"].broadcaster.stop()
    assert run_drawdown > 0 and (body["resamples"], body["seed"]) == (1000, 0)
    shown = weaver("runs", "show", run_id, env={**cli_env, "COLUMNS": "120"}, timeout=120)
    assert f"-{run_drawdown:,.2f}%" in shown.stdout, shown.stdout

    table = weaver("runs", "robustness", run_id, env={**cli_env, "COLUMNS": "120"}, timeout=120)
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if line.startswith("│ max drawdown ")]
    assert len(rows) == len(body["monte_carlo"]) == 2
    for row, mc in zip(rows, body["monte_carlo"], strict=True):
        spread = mc["max_drawdown_pct"]
        assert 0 < spread["p5"] <= spread["p50"] <= spread["p95"]
        assert [cell.strip() for cell in row.split("│")[2:5]] == [  # the worst (deepest) first
            f"-{spread[p]:,.2f}%" for p in ("p95", "p50", "p5")]
    as_json = json.loads(weaver("runs", "robustness", run_id, "--json", env=cli_env, timeout=120).stdout)
    assert [m["max_drawdown_pct"] for m in as_json["monte_carlo"]] == [
        m["max_drawdown_pct"] for m in body["monte_carlo"]]


def test_refusals_exit_2_with_the_reason(pg: Container, cli_env: dict[str, str]) -> None:
    quiet = _backtest(pg, slow=59, days=60)  # no trade closes
    with pg.uow() as uow:
        running = uow.runs.add(make_run(status="running"))
        uow.commit()
        running_id = running.id

    no_trades = weaver("runs", "robustness", quiet, env=cli_env, timeout=120)
    unfinished = weaver("runs", "robustness", running_id, env=cli_env, timeout=120)
    unknown = weaver("runs", "robustness", "ffffffff-0000", env=cli_env, timeout=120)
    too_many = weaver("runs", "robustness", quiet, "--resamples", "100001", env=cli_env, timeout=120)

    assert no_trades.returncode == 2
    assert "error: run_id: the run closed 0 trade(s); robustness tests need at least 2" in no_trades.stderr
    assert unfinished.returncode == 2
    assert f"error: run {running_id} is running: robustness tests need a finished run" in unfinished.stderr
    assert unknown.returncode == 2 and "no run with id 'ffffffff-0000'" in unknown.stderr
    assert too_many.returncode == 2 and "100001 is not in the range 1<=x<=100000" in too_many.stderr
