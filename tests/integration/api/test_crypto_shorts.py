"""Alpaca does not sell crypto short: a run, sweep or walk-forward on a pair with short selling on is refused
at its allow_short field before anything runs (trial 41: the backtest ended short 1.75 BTC while the paper
run's every short sale was refused by the broker), unless its asset class says the pair trades elsewhere."""

from __future__ import annotations

from flask.testing import FlaskClient

REFUSAL = ("Alpaca does not sell crypto short (BTC/USD): the backtest's short sales could not be traded, paper or "
           "live. Turn short selling off (allow_short false; no --allow-short), or, for a pair traded somewhere that "
           "allows it, set the asset class to other")
RUN = {"strategy": "sma_cross", "params": {"fast": 3, "slow": 8, "allow_short": True}, "symbols": ["BTC/USD"],
       "timeframe": "1Min", "allow_short": True}
GRID = {"fast": [3, 5], "slow": [8, 13]}


def fields(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.get_json()
    return response.get_json()["details"]["fields"]


def test_a_run_sweep_or_walk_forward_selling_a_pair_short_is_refused_at_allow_short(client: FlaskClient) -> None:
    assert fields(client.post("/api/v1/runs", json=RUN)) == {"allow_short": REFUSAL}
    named = client.post("/api/v1/runs", json={**RUN, "asset_class": "crypto", "symbols": ["BTCUSD"]})
    assert fields(named) == {"allow_short": REFUSAL.replace("(BTC/USD)", "(BTCUSD)")}  # crypto by its class
    assert fields(client.post("/api/v1/sweeps", json={**RUN, "params": {}, "grid": GRID})) == {"allow_short": REFUSAL}
    walk = {**RUN, "params": {}, "grid": GRID, "folds": {"kind": "rolling", "train": 100, "test": 50}}
    assert fields(client.post("/api/v1/walkforwards", json=walk)) == {"allow_short": REFUSAL}
    assert client.get("/api/v1/runs").get_json()["total"] == 0  # nothing was stored


def test_a_paper_run_on_a_pair_is_refused_whatever_its_asset_class(client: FlaskClient) -> None:
    """Trial 43: `other`, the way round for a backtest of a pair traded elsewhere, let a paper run through, and
    its every short sale was refused by the broker."""
    for asset_class in ("other", None):
        answer = client.post("/api/v1/runs", json={**RUN, "mode": "paper", "timeframe": "1Sec",
                                                   "asset_class": asset_class})
        assert fields(answer)["allow_short"] == (
            "Alpaca does not sell crypto short (BTC/USD): every short sale would be refused by the broker. Turn "
            "short selling off for the run (allow_short false)")


def test_long_only_or_a_pair_said_to_trade_elsewhere_is_not_refused_for_it(client: FlaskClient) -> None:
    long_only = client.post("/api/v1/runs", json={**RUN, "params": {"fast": 3, "slow": 8}, "allow_short": False})
    elsewhere = client.post("/api/v1/runs", json={**RUN, "asset_class": "other"})
    for answer in (long_only, elsewhere):  # refused only for the bars this database lacks
        assert "allow_short" not in fields(answer), answer.get_json()
