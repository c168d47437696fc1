"""GET /api/v1/ids/{kind}/{text}: a short id from `weaver runs list` (its first 8 characters) in an address
opens the page: the API gives the whole id of the one run, sweep or walk-forward it starts; several or
none is a 409 or 404 with the error body, saying what to type instead."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.walle.models import Run, Sweep, Walkforward

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
ONE = "1a2b3c4d-0000-4000-8000-000000000001"
TWINS = ("99887766-0000-4000-8000-000000000001", "99887766-0000-4000-8000-000000000002")


def store(db: Container) -> tuple[str, str]:
    with db.uow() as uow:
        for run_id in (ONE, *TWINS):
            uow.session.add(Run(id=run_id, mode="backtest", strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                                cash=Decimal("10000"), status="completed", created_at=AT))
        sweep = Sweep(name="grid", strategy="sma_cross", grid={"fast": [5]}, settings={}, status="completed", total=1)
        walk = Walkforward(strategy="sma_cross", grid={"fast": [5]}, settings={}, fold_spec={}, objective="sharpe",
                           direction="max", folds=[])
        uow.session.add_all([sweep, walk])
        uow.commit()
        return sweep.id, walk.id


def test_a_short_id_gives_the_whole_id_of_the_run_sweep_or_walk_forward_it_starts(
        api: FlaskClient, any_db: Container) -> None:
    sweep_id, walk_id = store(any_db)
    for kind, whole in (("runs", ONE), ("sweeps", sweep_id), ("walkforwards", walk_id)):
        for text in (whole[:8], whole[:6], whole, whole[:8].upper()):
            answer = api.get(f"/api/v1/ids/{kind}/{text}")
            assert answer.status_code == 200, answer.get_json()
            assert answer.get_json() == {"kind": kind, "id": whole}


def test_none_several_or_too_short_is_an_error_body_saying_what_to_type(api: FlaskClient, any_db: Container) -> None:
    sweep_id, _ = store(any_db)
    twins = api.get("/api/v1/ids/runs/99887766")
    assert twins.status_code == 409
    body = twins.get_json()
    assert body["code"] == "conflict" and "give more of the id" in body["message"]
    assert sorted(body["details"]["ids"]) == sorted(TWINS)
    none = api.get("/api/v1/ids/runs/ffffffff")
    assert none.status_code == 404 and none.get_json()["message"] == (
        "no run with id 'ffffffff' or an id starting with it")
    short = api.get("/api/v1/ids/sweeps/1a2b")
    assert short.status_code == 404 and "at least 6 of its first characters" in short.get_json()["message"]
    assert api.get(f"/api/v1/ids/runs/{sweep_id[:8]}").status_code == 404  # a sweep's id is no run's
    unknown = api.get(f"/api/v1/ids/orders/{ONE[:8]}")
    assert unknown.status_code == 404 and "runs, sweeps or walkforwards" in unknown.get_json()["message"]


def test_a_short_id_given_to_the_run_itself_says_where_the_whole_id_is(api: FlaskClient, any_db: Container) -> None:
    store(any_db)
    short = api.get(f"/api/v1/runs/{ONE[:8]}")
    assert short.status_code == 404
    assert short.get_json()["message"] == (
        f"no run with id '{ONE[:8]}' (a short id: GET /api/v1/ids/runs/{ONE[:8]} gives the whole id)")
    whole = "ffffffff-0000-4000-8000-000000000001"
    assert api.get(f"/api/v1/runs/{whole}").get_json()["message"] == f"no run with id '{whole}'"


def test_a_short_id_given_to_a_sweep_or_walk_forward_says_where_the_whole_id_is(
        api: FlaskClient, any_db: Container) -> None:
    sweep_id, walk_id = store(any_db)
    for noun, kind, whole in (("sweep", "sweeps", sweep_id), ("walk-forward", "walkforwards", walk_id)):
        short = api.get(f"/api/v1/{kind}/{whole[:8]}")
        assert short.status_code == 404, short.get_json()
        assert short.get_json()["message"] == (
            f"no {noun} with id '{whole[:8]}' (a short id: GET /api/v1/ids/{kind}/{whole[:8]} gives the whole id)")
        other = "ffffffff-0000-4000-8000-000000000001"
        assert api.get(f"/api/v1/{kind}/{other}").get_json()["message"] == f"no {noun} with id '{other}'"


def test_text_that_cannot_start_an_id_gets_no_hint(api: FlaskClient, any_db: Container) -> None:
    for path, noun in (("sweeps/zzzz", "sweep"), ("sweeps/zzzzzzzz", "sweep"), ("runs/1a2b", "run")):
        answer = api.get(f"/api/v1/{path}")
        assert answer.status_code == 404
        assert answer.get_json()["message"] == f"no {noun} with id '{path.split('/')[1]}'"
