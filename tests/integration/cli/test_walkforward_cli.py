"""`weaver walkforward` on the run's Postgres database: `run` queues what POST /walkforwards would; once the
cells and the out-of-sample runs are executed (in-process, as the workers do) `show` prints each fold's
chosen parameters and the stitched result to the cent as the API gives them, `--json` is the API's body,
`run --wait` follows it to the report or says no worker is there (by the workers' Redis heartbeats or a
standalone's lock), `cancel` cancels, bad input and unknown ids exit 2."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner, Result
from sqlalchemy import select

from app.bootstrap import Container, Services, build_services
from app.cli import main, walkforward_wait
from app.cli.metric_text import dollars, drawdown, number, pct
from app.cli.worker_presence import idle_reason
from app.glados.app import create_app
from app.glados.routes.walkforwards import WalkforwardOut, walkforward_out
from app.services.runs import RunService
from app.services.walkforwards import WalkforwardService
from app.walle.models import Run, Sweep, Walkforward
from app.walle.repositories import RunRepository
from tests.conftest import TEST_TOKEN
from tests.integration.workers.test_walkforward import MIN_TRADES, store_walk
from workers.heartbeat import SCHEDULER, RedisHeartbeats

RUN = ("walkforward", "run", "--strategy", "sma_cross", "--grid", "fast=5,8", "--grid", "slow=20,30", "--symbol",
       "AAPL", "--cash", "10000", "--train", "100", "--test", "50", "--warmup", "40", "--objective",
       "total_return_pct", "--min-trades", str(MIN_TRADES))


@pytest.fixture
def env(pg: Container) -> dict[str, str | None]:
    return {"WEAVER_DATABASE_URL": pg.settings.database_url, "WEAVER_BROKER": "memory", "WEAVER_REDIS_URL": None,
            "COLUMNS": "100"}


def weaver(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def queued_id(result: Result) -> str:
    """The id `run` says it queued (exit status aside: Ctrl-C while waiting is 130)."""
    found = re.search(r"walk-forward ([0-9a-f-]{36}) queued\n3 fold\(s\) of 4 cell\(s\) each", result.stdout)
    assert found, result.stdout
    return found.group(1)


def execute(pg: Container, wf_id: str) -> None:
    """What the backtest workers do: every sweep's cells, each fold's out-of-sample run (and the contrast
    run) at once after its sweep's last cell, in the same message; their own messages then do nothing."""
    services = optimise(pg, wf_id)
    with pg.read_session() as session:
        wf = session.get(Walkforward, wf_id)
        final = [f["oos_run_id"] for f in wf.folds] + [wf.contrast["run_id"]]
    for run_id in final:
        assert services.backtests.execute(run_id) == "skipped"


def optimise(pg: Container, wf_id: str) -> Services:
    """Every sweep's cells, as the backtest workers run them (the out-of-sample runs they queue left as they are)."""
    services = build_services(pg.settings, container=pg)
    with pg.read_session() as session:
        sweeps = session.scalars(select(Sweep.id).where(Sweep.walkforward_id == wf_id)).all()
    for sweep_id in sweeps:
        assert services.sweeps.create_cells(sweep_id) == "created"
    for sweep_id in sweeps:
        with pg.read_session() as session:
            cells = session.scalars(select(Run.id).where(Run.sweep_id == sweep_id)).all()
        assert services.backtests.execute_many(list(cells)) == "done"
    return services


def read_model(pg: Container, wf_id: str) -> WalkforwardOut:
    with pg.read_session() as session:
        return walkforward_out(session, session.get(Walkforward, wf_id))


def row(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if re.match(rf"[│ ]*{re.escape(label)} ", line))


def assert_report(out: str, wf: WalkforwardOut) -> None:
    assert f"walk-forward {wf.id}" in out and "status: completed, 23/23 cells and runs ran (100%)" in out
    for fold in wf.folds:  # one row per fold: windows, the grid's chosen values, IS figure, OOS return and trades
        line = next(line for line in out.splitlines() if line.startswith(f"   {fold.index + 1} "))
        assert f"{fold.train_first:%Y-%m-%d}→{fold.train_last:%Y-%m-%d}" in line
        assert f"{fold.test_first:%Y-%m-%d}→{fold.test_last:%Y-%m-%d}" in line
        assert f"fast={fold.params['fast']} slow={fold.params['slow']}" in line, line
        assert pct(fold.in_sample_metrics["total_return_pct"]) in line
        assert pct(fold.oos_metrics["total_return_pct"]) in line and number(fold.efficiency) in line
        assert dollars(fold.oos_metrics["fees_total"]) in line
    assert row(out, "all").split() == ["all", "stitched", dollars(wf.result.metrics["fees_total"])]
    assert [f"fast={f.params['fast']} slow={f.params['slow']}" for f in wf.folds] == [
        "fast=5 slow=20", "fast=8 slow=30", "fast=5 slow=20"]
    # beside the stitched figures, the whole window's best cell: on the same test windows, then over the whole
    # window (a trial compared 998 stitched bars with the whole window's 1,260 under one "in sample" heading)
    stitched, same, whole = wf.result.metrics, wf.result.contrast_metrics, wf.contrast.metrics
    assert re.search(r"same test windows ┃ +whole window", out), out
    for label, name, text in (("Total return", "total_return_pct", pct), ("Final equity", "final_equity", dollars),
                              ("Trades", "trades", lambda v: f"{round(v):,}"), ("Bars", "bars", lambda v: f"{v:,}")):
        assert re.search(rf"│ +{re.escape(text(stitched[name]))} +│ +{re.escape(text(same[name]))} +│ +"
                         rf"{re.escape(text(whole[name]))} +│", row(out, label)), (label, row(out, label))
    assert same["bars"] == stitched["bars"] < whole["bars"]
    assert drawdown(stitched["max_drawdown_pct"]) in row(out, "Max drawdown")
    assert f"{wf.result.folds_included} of 3 folds" in out
    assert re.search(r"│ fast +│ 5 8 5 +│ +2 │", out) and re.search(r"│ slow +│ 20 30 20 +│ +2 │", out)
    assert "efficiency – (folds 2, 3): the in-sample annualised return is not positive" in out
    assert all(len(line) <= 100 for line in out.splitlines()), max(out.splitlines(), key=len)


def test_run_then_show_prints_each_folds_choice_and_the_stitched_result_as_the_api(
        pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    queued = weaver(env, *RUN, "--no-wait", "--name", "walk")
    assert queued.exit_code == 0, queued.output
    wf_id = queued_id(queued)
    assert f"weaver walkforward show {wf_id[:8]}" in queued.stdout
    early = weaver(env, "walkforward", "show", wf_id[:8])
    assert early.exit_code == 0 and "status: optimising, 0/23" in early.stdout and "optimising (0/4)" in early.stdout

    execute(pg, wf_id)
    shown = weaver(env, "walkforward", "show", wf_id[:8])

    assert shown.exit_code == 0, shown.output
    wf = read_model(pg, wf_id)
    assert wf.status == "completed"
    assert_report(shown.stdout, wf)
    narrow = weaver({**env, "COLUMNS": "80"}, "walkforward", "show", wf_id[:8])  # a trial's 114 columns at 80
    assert narrow.exit_code == 0, narrow.output
    assert all(len(line) <= 80 for line in narrow.stdout.splitlines()), max(narrow.stdout.splitlines(), key=len)
    for fold in wf.folds:  # the test window, the chosen values, the OOS return and the efficiency stay
        line = next(line for line in narrow.stdout.splitlines() if line.startswith(f"   {fold.index + 1} "))
        assert f"{fold.test_first:%Y-%m-%d}→{fold.test_last:%Y-%m-%d}" in line
        assert f"fast={fold.params['fast']} slow={fold.params['slow']}" in line, line
        assert pct(fold.oos_metrics["total_return_pct"]) in line and number(fold.efficiency) in line
    assert "left out at 80 columns:" in narrow.stdout, narrow.stdout
    as_json = weaver(env, "walkforward", "show", wf_id, "--json")
    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        api = client.get(f"/api/v1/walkforwards/{wf_id}").get_json()
    finally:
        app.extensions["weaver"].broadcaster.stop()
    assert json.loads(as_json.stdout) == api
    assert api["result"]["metrics"]["final_equity"] == wf.result.metrics["final_equity"]

    listed = weaver(env, "walkforward", "list")
    line = row(listed.stdout, wf_id[:8])
    assert "walk" in line and "completed" in line and "23/23" in line
    assert pct(wf.result.metrics["total_return_pct"]) in line
    robust = weaver(env, "walkforward", "robustness", wf_id[:8], "--resamples", "200", "--seed", "1")
    assert robust.exit_code == 0, robust.output
    trades = sum(int(f.oos_metrics["trades"]) for f in wf.folds)
    assert f"walk-forward {wf_id}: {trades} trades from $10,000.00, 200 resamples, seed 1" in robust.stdout


def test_run_waits_with_the_workers_and_prints_the_report(pg: Container, env: dict[str, str | None],
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    store_walk(pg)
    monkeypatch.setattr(walkforward_wait, "POLL_SECONDS", 0.05)
    failures: list[BaseException] = []

    def workers() -> None:  # the workers, once the command has queued it
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with pg.read_session() as session:
                    wf_id = session.scalar(select(Walkforward.id))
                if wf_id:
                    execute(pg, wf_id)
                    return
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported by the test's thread
            failures.append(exc)

    thread = threading.Thread(target=workers)
    thread.start()
    waited = weaver(env, *RUN, "--json", str(tmp_path / "wf.json"))
    thread.join(60)
    assert waited.exit_code == 0, waited.output

    assert not failures, failures
    wf_id = queued_id(waited)
    assert_report(waited.stdout, read_model(pg, wf_id))
    assert json.loads((tmp_path / "wf.json").read_text()) == json.loads(
        weaver(env, "walkforward", "show", wf_id, "--json").stdout)


def test_waiting_with_no_worker_says_so_and_ctrl_c_leaves_it_queued(pg: Container, env: dict[str, str | None],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store_walk(pg)
    monkeypatch.setattr(walkforward_wait, "STALL_SECONDS", 0.0)
    polls: list[int] = []

    def ctrl_c_on_the_third_poll() -> None:
        polls.append(1)
        if len(polls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(walkforward_wait, "pause", ctrl_c_on_the_third_poll)
    waited = weaver(env, *RUN)

    assert waited.exit_code == 130, waited.output
    wf_id = queued_id(waited)
    assert waited.stderr.count("no backtest worker can reach this database") == 1  # once per stall
    assert "0/23 cells done" in waited.stderr and "nothing is cancelled" in waited.stderr
    assert f"keeps running. Follow it with `weaver walkforward show {wf_id[:8]}`, cancel it with " \
           f"`weaver walkforward cancel {wf_id[:8]}`" in waited.stderr
    assert read_model(pg, wf_id).status == "optimising"


def test_waiting_for_a_walk_forward_that_fails_prints_the_report_and_exits_1(
        pg: Container, env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cell makes 50 trades: the workers end it failed while the command waits. As `weaver backtest`, a
    failure is exit 1: the report still on stdout (and the --json file written), the reason on stderr."""
    store_walk(pg)
    monkeypatch.setattr(walkforward_wait, "pause", once(lambda: optimise(pg, wf_ids(pg)[0])))
    waited = weaver(env, *RUN, "--min-trades", "50", "--json", str(tmp_path / "wf.json"))

    assert waited.exit_code == 1, (waited.output, waited.exception)
    wf_id = queued_id(waited)
    assert read_model(pg, wf_id).status == "failed"
    assert "status: failed" in waited.stdout and "error: no fold has a cell eligible for the objective" in waited.stdout
    assert "16/16 cells and runs ran (100%)" in waited.stdout  # no fold (nor the contrast) has a run to count
    assert waited.stderr.endswith(f"error: walk-forward {wf_id} failed: no fold has a cell eligible for the "
                                  "objective\n"), waited.stderr
    assert json.loads((tmp_path / "wf.json").read_text())["status"] == "failed"


def test_waiting_for_a_walk_forward_cancelled_meanwhile_exits_1(
        pg: Container, env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch) -> None:
    store_walk(pg)
    def cancel() -> None:  # someone else cancels it while the command waits
        WalkforwardService(pg.uow, RunService(pg.uow)).cancel(wf_ids(pg)[0])

    monkeypatch.setattr(walkforward_wait, "pause", once(cancel))
    waited = weaver(env, *RUN)

    assert waited.exit_code == 1, (waited.output, waited.exception)
    wf_id = queued_id(waited)
    assert "status: cancelled" in waited.stdout
    assert waited.stderr.endswith(f"error: walk-forward {wf_id} was cancelled before it completed\n"), waited.stderr


def once(work: Callable[[], object]) -> Callable[[], None]:
    """A `pause` between the wait's polls that does `work` the first time only."""
    done: list[bool] = []

    def pause() -> None:
        if not done:
            done.append(True)
            work()

    return pause


def wf_ids(pg: Container) -> list[str]:
    with pg.read_session() as session:
        return list(session.scalars(select(Walkforward.id)))


def test_cancel_marks_it_cancelled(pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    wf_id = queued_id(weaver(env, *RUN, "--no-wait"))

    cancelled = weaver(env, "walkforward", "cancel", wf_id[:8])

    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.stdout.strip() == f"walk-forward {wf_id} cancelled"
    wf = read_model(pg, wf_id)
    assert wf.status == "cancelled"
    with pg.read_session() as session:
        assert set(session.scalars(select(Sweep.status).where(Sweep.walkforward_id == wf_id))) == {"cancelled"}
    again = weaver(env, "walkforward", "cancel", wf_id)
    assert again.exit_code == 2, (again.output, again.exception)
    assert again.stderr == f"error: walk-forward {wf_id} is cancelled: nothing to cancel\n" and again.stdout == ""
    assert "status: cancelled" in weaver(env, "walkforward", "show", wf_id).stdout


def test_cancelling_a_completed_walk_forward_exits_2_saying_there_is_nothing_to_cancel(
        pg: Container, env: dict[str, str | None]) -> None:
    """The API's 409, as `weaver runs stop` says a conflict: on stderr, exit 2; it stays completed."""
    store_walk(pg)
    wf_id = queued_id(weaver(env, *RUN, "--no-wait"))
    execute(pg, wf_id)
    assert read_model(pg, wf_id).status == "completed"

    refused = weaver(env, "walkforward", "cancel", wf_id[:8])

    assert refused.exit_code == 2, (refused.output, refused.exception)
    assert refused.stderr == f"error: walk-forward {wf_id} is completed: nothing to cancel\n"
    assert refused.stdout == ""
    assert read_model(pg, wf_id).status == "completed"


def test_a_grid_or_param_name_given_twice_exits_2_naming_it_and_queues_nothing(
        pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    grid = weaver(env, *RUN, "--grid", "fast=13", "--no-wait")
    param = weaver(env, *RUN, "--param", "percent=50", "--param", "percent=80", "--no-wait")

    assert grid.exit_code == 2, grid.output
    assert "--grid fast is given twice: list all its values in one --grid fast=5,8,13" in " ".join(
        grid.stderr.split())
    assert param.exit_code == 2, param.output
    assert "--param percent is given twice (percent=50, percent=80): give it once" in " ".join(param.stderr.split())
    assert wf_ids(pg) == [] and "queued" not in grid.stdout + param.stdout


def test_bad_folds_and_settings_exit_2_naming_the_field(pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    mixed = weaver(env, *RUN[:-8], "--train", "12M", "--test", "50", "--no-wait")
    too_long = weaver(env, *RUN[:-8], "--train", "300", "--test", "50", "--no-wait")
    bad_symbol = weaver(env, *RUN, "--symbol", "NOT A TICKER", "--no-wait")
    bad_fees = weaver(env, *RUN, "--fees", "lots", "--no-wait")

    assert mixed.exit_code == 2
    assert re.search(r"^error: folds: train is a calendar period but test is in bars", mixed.stderr,
                     re.M), mixed.stderr
    assert too_long.exit_code == 2 and too_long.stderr.startswith("error: folds: "), too_long.stderr
    assert bad_symbol.exit_code == 2 and "error: symbols: " in bad_symbol.stderr, bad_symbol.stderr
    assert bad_fees.exit_code == 2 and bad_fees.stderr.startswith("error: fees: invalid fee model 'lots'")
    with pg.read_session() as session:
        assert session.scalar(select(Walkforward.id)) is None  # nothing was stored


def test_a_grid_value_listed_twice_exits_2_naming_the_parameter_and_value(
        pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    assert RUN[5] == "fast=5,8"
    refused = weaver(env, *RUN[:5], "fast=5,8,5", *RUN[6:], "--no-wait")

    assert refused.exit_code == 2, refused.output
    assert refused.stderr == "error: grid: fast lists 5 more than once: a repeated value only makes cells identical " \
                             "to others; list each value once\n"
    with pg.read_session() as session:
        assert session.scalar(select(Walkforward.id)) is None


def test_the_direction_defaults_to_the_objectives_better_end_and_its_worse_end_exits_2(
        pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    worst = weaver(env, *RUN, "--objective", "max_drawdown_pct", "--direction", "max", "--no-wait")
    assert worst.exit_code == 2
    assert worst.stderr == "error: direction: Max DD is better lower: best is the lowest (direction 'min', or " \
                           "leave direction out)\n"

    wf_id = queued_id(weaver(env, *RUN, "--objective", "max_drawdown_pct", "--no-wait"))
    assert read_model(pg, wf_id).direction == "min"
    assert "objective: max_drawdown_pct, lowest;" in weaver(env, "walkforward", "show", wf_id).stdout


def test_run_and_show_list_the_grid_cells_skipped_with_the_reason(pg: Container, env: dict[str, str | None]) -> None:
    store_walk(pg)
    assert RUN[5] == "fast=5,8"
    queued = weaver(env, *RUN[:5], "fast=5,8,30", *RUN[6:], "--no-wait")  # fast=30 is never below slow

    assert queued.exit_code == 0, queued.output
    # one line a reason
    skipped = ["skipped 2 cells (fast=30, slow=20; fast=30, slow=30): fast: must be less than slow"]
    assert queued.stdout.splitlines()[2:3] == skipped, queued.stdout
    shown = weaver(env, "walkforward", "show", queued_id(queued)).stdout
    assert shown.splitlines()[-1:] == skipped, shown


def test_an_unknown_or_short_id_exits_2_with_what_to_type(pg: Container, env: dict[str, str | None]) -> None:
    unknown = weaver(env, "walkforward", "show", "ffffffff")
    short = weaver(env, "walkforward", "cancel", "abc")

    assert unknown.exit_code == 2
    assert "error: no walk-forward with id 'ffffffff' or an id starting with it" in unknown.stderr
    assert short.exit_code == 2 and "at least 6 of its first characters" in short.stderr


def test_workers_are_judged_by_their_redis_heartbeats_and_a_standalone_by_its_lock(
        pg: Container, redis_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    for name, value in (("WEAVER_BROKER", "redis"), ("WEAVER_REDIS_URL", redis_url),
                        ("WEAVER_QUEUE_NAMESPACE", namespace)):
        monkeypatch.setenv(name, value)
    beats = RedisHeartbeats(redis_url, namespace)
    try:
        assert "no backtest worker is running (none has sent a heartbeat in the last 20 s)" in idle_reason(
            pg.settings.database_url)
        beats.beat("host:1:1", ["live"])  # a live worker runs no backtest
        assert "no backtest worker is running" in idle_reason(pg.settings.database_url)
        beats.beat("host:2:1", ["backtest"])
        assert "no scheduler is" in idle_reason(pg.settings.database_url)
        beats.beat("host:3", [], role=SCHEDULER)
        assert idle_reason(pg.settings.database_url) is None
    finally:
        keys = redis.Redis.from_url(redis_url).keys(f"{namespace}*")
        if keys:
            redis.Redis.from_url(redis_url).delete(*keys)

    monkeypatch.setenv("WEAVER_BROKER", "memory")  # the embedded database: a live standalone runs the work
    embedded = f"sqlite:///{tmp_path / 'weaver.db'}"
    assert idle_reason(embedded) == (f"no backtest worker is running: start `weaver standalone --data-dir {tmp_path}` "
                                     "to run it")
    (tmp_path / "standalone.lock").write_text(str(os.getpid()))
    assert idle_reason(embedded) is None


def test_a_folds_out_of_sample_run_is_redone_on_the_stored_bars_with_start_and_end(
        pg: Container, env: dict[str, str | None], tmp_path: Path) -> None:
    store_walk(pg)
    wf_id = queued_id(weaver(env, *RUN, "--no-wait"))
    execute(pg, wf_id)
    wf = read_model(pg, wf_id)
    for fold in wf.folds:
        with pg.read_session() as session:
            run = session.get(Run, fold.oos_run_id)
            stored = RunRepository(session).metrics([run.id])[run.id]
        out = tmp_path / f"fold-{fold.index}.json"
        params = [arg for name, value in run.params.items() for arg in ("--param", f"{name}={value}")]
        alone = weaver(env, "backtest", "--strategy", "sma_cross", *params, "--symbol", "AAPL", "--timeframe", "1Day",
                       "--cash", "10000", "--start", run.start_at.isoformat(), "--end", run.end_at.date().isoformat(),
                       "--warmup", str(run.options["warmup"]), "--close-at-end", "--json", str(out), "--quiet")
        assert alone.exit_code == 0, alone.output
        metrics = json.loads(out.read_text())["metrics"]
        assert metrics["bars"] == stored["bars"] == 50  # the test window, after its 40 warm-up bars
        assert (metrics["final_equity"], metrics["trades"]) == (stored["final_equity"], stored["trades"]), fold.index


def test_run_takes_the_asset_class_the_symbols_stored_instruments_share_as_the_form_does(
        pg: Container, env: dict[str, str | None]) -> None:
    """Trial 13: the same walk-forward from the UI's form (which pre-fills the stored instrument's class) and
    from here (which sent none: the data's own year) read Sharpe 0.5186 beside 0.5276."""
    store_walk(pg)
    assert read_model(pg, queued_id(weaver(env, *RUN, "--no-wait"))).settings["asset_class"] is None  # none stored
    with pg.uow() as uow:
        uow.instruments.upsert("AAPL", "us_equity", None, None, source="test")
        uow.commit()
    assert read_model(pg, queued_id(weaver(env, *RUN, "--no-wait"))).settings["asset_class"] == "us_equity"
    asked = weaver(env, *RUN, "--no-wait", "--asset-class", "other")  # what the user gives wins
    assert read_model(pg, queued_id(asked)).settings["asset_class"] == "other"


def test_the_list_says_why_a_finished_walk_forward_has_no_efficiency(pg: Container, env: dict[str, str | None]) -> None:
    why = "the mean in-sample return is not positive: a ratio to it would mislead"
    with pg.uow() as uow:
        for efficiency, reason in ((0.42, None), (None, why), (None, why)):
            uow.session.add(Walkforward(strategy="sma_cross", grid={"fast": [5]}, settings={}, fold_spec={},
                                        objective="total_return_pct", direction="max", folds=[], status="completed",
                                        result={"metrics": {"total_return_pct": 1.5}, "efficiency": efficiency,
                                                "efficiency_reason": reason}))
        uow.commit()
    with pg.read_session() as session:
        stored = session.scalars(select(Walkforward)).all()
        with_one = next(wf.id[:8] for wf in stored if wf.result["efficiency"] is not None)
        without = sorted(wf.id[:8] for wf in stored if wf.result["efficiency"] is None)
    listed = weaver(env, "walkforward", "list")
    assert listed.exit_code == 0, listed.output
    assert "0.42" in row(listed.stdout, with_one)
    said = " ".join(listed.stdout.split())  # the line wraps at the console's width
    assert (f"efficiency – ({', '.join(without)}): {why}" in said
            or f"efficiency – ({', '.join(without[::-1])}): {why}" in said)
    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        items = client.get("/api/v1/walkforwards").get_json()["items"]
    finally:
        app.extensions["weaver"].broadcaster.stop()
    assert sorted((w["efficiency"], w["efficiency_reason"]) for w in items if w["efficiency"] is not None) == [
        (0.42, None)]
    assert [w["efficiency_reason"] for w in items if w["efficiency"] is None] == [why, why]
