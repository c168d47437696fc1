"""GET /api/v1/runs/{run_id}/equity?points=N reduces the curve on its values before reading any point as a
record: the same points, with the same drawdowns, as reducing the whole curve's records (trial 26: a
200,000-point curve built every point's record to keep 2,000, and took 6-8 s)."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.downsample import min_max_buckets
from tests.integration.api.test_run_analysis import _completed


def test_a_downsampled_curve_is_the_whole_curves_extremes_and_ends(client: FlaskClient, pg: Container) -> None:
    run_id = _completed(client, pg, days=500)
    whole = client.get(f"/api/v1/runs/{run_id}/equity").get_json()
    assert len(whole) == 500
    for points in (2, 3, 20, 101):
        reduced = client.get(f"/api/v1/runs/{run_id}/equity?points={points}")
        assert reduced.status_code == 200
        expected = min_max_buckets(whole, points, lambda p: float(p["equity"]))
        assert reduced.get_json() == expected, points
        assert len(expected) <= points
    assert client.get(f"/api/v1/runs/{run_id}/equity?points=1000").get_json() == whole
