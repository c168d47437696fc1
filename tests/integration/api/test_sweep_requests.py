"""What a sweep refuses up front (a value no cell could take, a fixed parameter the strategy lacks, a sort
key that is neither a metric nor a parameter) and how its results write counts: as integers."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.walle.models import Run
from tests.integration.api.conftest import store_daily_bars

BODY = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}
PARAMETERS = "sma_cross has no parameter 'slwo'; its parameters are fast, slow, percent, allow_short"


def finished_sweep(pg: Container, client: FlaskClient) -> dict:
    """A two-cell sweep on 120 days, its cells run as a worker runs them; the sweep as POST answered it."""
    store_daily_bars(pg, "AAPL", days=120)
    sweep = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10], "slow": [20]}}).get_json()
    services = build_services(pg.settings, container=pg)
    services.sweeps.create_cells(sweep["id"])
    with pg.read_session() as session:
        cells = session.scalars(select(Run.id).where(Run.sweep_id == sweep["id"])).all()
    services.backtests.execute_many(list(cells))
    return sweep


def test_a_grid_value_of_the_wrong_type_or_out_of_bounds_is_refused_naming_the_parameter_and_value(
        pg: Container, client: FlaskClient) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    wrong = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": ["5x", 10], "slow": [30]}})
    assert wrong.status_code == 422, wrong.get_json()
    assert wrong.get_json()["details"]["fields"] == {"grid.fast": '"5x" must be an integer'}
    assert wrong.get_json()["message"] == 'grid.fast: "5x" must be an integer'
    bounds = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [1, 10, 5.5]}, "params": {"slow": "x"}})
    assert bounds.status_code == 422
    assert bounds.get_json()["details"]["fields"] == {"grid.fast": "1 must be >= 2; 5.5 must be an integer",
                                                      "params.slow": '"x" must be an integer'}
    # A rule between two parameters (fast < slow) still only skips the cells that break it.
    mixed = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [10, 40], "slow": [30]}})
    assert mixed.status_code == 201, mixed.get_json()
    assert mixed.get_json()["skipped"] == [{"params": {"fast": 40, "slow": 30},
                                             "reason": "fast: must be less than slow"}]


def test_an_unknown_fixed_parameter_is_refused_on_params_by_name(pg: Container, client: FlaskClient) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    refused = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10]}, "params": {"slwo": 40}})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"] == {"params": PARAMETERS}


def test_results_refuse_an_unknown_sort_key_and_write_counts_as_integers(pg: Container, client: FlaskClient) -> None:
    sweep = finished_sweep(pg, client)

    bogus = client.get(f"/api/v1/sweeps/{sweep['id']}/results?sort=bogus")
    assert bogus.status_code == 422, bogus.get_json()
    why = bogus.get_json()["details"]["fields"]["sort"]
    assert why.startswith("no metric or parameter 'bogus'; choose from allow_short, fast, percent, slow, "
                          "avg_trade_pct, bars, ")
    assert "sharpe" in why and "day_pnl" not in why  # a sweep's cells are backtests
    by_fast = client.get(f"/api/v1/sweeps/{sweep['id']}/results?sort=fast&order=asc")
    assert [row["params"]["fast"] for row in by_fast.get_json()] == [5, 10]
    rows = client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_json()
    for row in rows:
        metrics = row["metrics"]
        assert metrics["bars"] == 120 and type(metrics["bars"]) is int
        assert type(metrics["trades"]) is int and type(metrics["orders_rejected"]) is int
        assert type(metrics["max_drawdown_bars"]) is int
    assert '"bars":120,' in client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_data(as_text=True).replace(" ", "")


def test_a_parameter_both_swept_and_fixed_is_refused_on_params(pg: Container, client: FlaskClient) -> None:
    """Which of the two would a cell use? The grid's, silently, until it was refused."""
    store_daily_bars(pg, "AAPL", days=60)
    refused = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10]}, "params": {"fast": 7}})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"] == {
        "params": "fast is in the grid too: a parameter is either swept or fixed"}
    with pg.read_session() as session:
        assert session.scalars(select(Run.id)).all() == []
    fixed = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10]}, "params": {"slow": 40}})
    assert fixed.status_code == 201, fixed.get_json()
    assert fixed.get_json()["params"] == {"slow": 40}  # what every cell shares, shown with the sweep
    assert client.get(f"/api/v1/sweeps/{fixed.get_json()['id']}").get_json()["params"] == {"slow": 40}


def test_cancelling_a_finished_sweep_is_a_409_and_it_stays_completed(pg: Container, client: FlaskClient) -> None:
    sweep = finished_sweep(pg, client)
    refused = client.post(f"/api/v1/sweeps/{sweep['id']}/cancel")
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["message"] == f"sweep {sweep['id']} is completed: nothing to cancel"
    after = client.get(f"/api/v1/sweeps/{sweep['id']}").get_json()
    assert after["status"] == "completed" and after["done"] == after["total"] == 2


REPEATED = "fast lists 5 more than once: a repeated value only makes cells identical to others; list each value once"


def test_a_grid_value_listed_twice_is_refused_on_grid_naming_the_parameter_and_value(
        pg: Container, client: FlaskClient) -> None:
    """Identical cells would run the same backtest again and tie in the ranking."""
    store_daily_bars(pg, "AAPL", days=60)
    refused = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 5, 10], "slow": [30]}})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"] == {"grid": REPEATED}
    as_number = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10, 5.0], "slow": [30]}})
    assert as_number.status_code == 422  # the same cell as 5, shown as the request wrote it
    assert as_number.get_json()["details"]["fields"] == {"grid": REPEATED.replace("5 more", "5.0 more")}
    with pg.read_session() as session:
        assert session.scalars(select(Run.id)).all() == []
    distinct = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 10], "slow": [30]}})
    assert distinct.status_code == 201, distinct.get_json()


def test_a_cancelled_sweeps_progress_is_the_share_of_its_cells_that_ran(pg: Container, client: FlaskClient) -> None:
    """Not 100 %: the cells cancelled before they ran are not progress. A completed sweep stays at 1.0."""
    store_daily_bars(pg, "AAPL", days=120)
    sweep = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 8, 10, 12], "slow": [20]}}).get_json()
    services = build_services(pg.settings, container=pg)
    services.sweeps.create_cells(sweep["id"])
    with pg.read_session() as session:
        first = session.scalars(select(Run.id).where(Run.sweep_id == sweep["id"]).order_by(Run.name)).first()
    services.backtests.execute_many([first])

    cancelled = client.post(f"/api/v1/sweeps/{sweep['id']}/cancel")

    assert cancelled.status_code == 202, cancelled.get_json()
    assert cancelled.get_json()["progress"] == 0.25
    shown = client.get(f"/api/v1/sweeps/{sweep['id']}").get_json()
    assert (shown["status"], shown["total"], shown["done"], shown["cancelled"]) == ("cancelled", 4, 1, 3)
    assert shown["progress"] == 0.25
    listed = next(s for s in client.get("/api/v1/sweeps").get_json()["items"] if s["id"] == sweep["id"])
    assert listed["progress"] == 0.25
    done = finished_sweep(pg, client)
    assert client.get(f"/api/v1/sweeps/{done['id']}").get_json()["progress"] == 1.0


def test_results_say_why_a_cell_failed_and_why_a_figure_is_withheld(pg: Container, client: FlaskClient) -> None:
    """Trial 34: the page had only a red badge for a failed cell, and blamed the window for every missing Sharpe."""
    store_daily_bars(pg, "AAPL", days=20)
    services = build_services(pg.settings, container=pg)
    sweeps = {}
    for name, body in (("short", {**BODY, "grid": {"fast": [3, 4], "slow": [8]}}),
                       ("raising", {**BODY, "strategy": "tests.fixtures.strategies:RestThenRaise",
                                    "grid": {"size": [5, 6]}})):
        sweep = client.post("/api/v1/sweeps", json=body).get_json()
        services.sweeps.create_cells(sweep["id"])
        with pg.read_session() as session:
            services.backtests.execute_many(list(session.scalars(select(Run.id).where(Run.sweep_id == sweep["id"]))))
        sweeps[name] = client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_json()
    for row in sweeps["short"]:
        assert row["status"] == "completed" and row["error"] is None
        assert row["metrics"]["sharpe"] is None
        assert row["metrics_unavailable"]["sharpe"].startswith("not enough data: 19 returns")
    for row in sweeps["raising"]:
        assert row["status"] == "failed" and row["metrics_unavailable"] == {}
        assert "ValueError: my bug" in row["error"], row["error"]
