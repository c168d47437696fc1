"""`weaver runs drift --param fast=4` (and the API's `?param=fast=4`) replays the run with fast changed and
its other parameters as it ran them: trial 21 saw slow reset to the strategy's default 20 (the run had 8),
and `--param fast=15` accepted against that default slow."""

from __future__ import annotations

import pytest

from app.services.drift import _params
from app.services.errors import ValidationFailed
from app.walle.models import Run

RUN = Run(strategy="sma_cross", params={"fast": 3, "slow": 8, "percent": 10.0, "allow_short": False})


def test_a_parameter_given_as_text_changes_only_itself():
    assert _params(RUN, {}, {"fast": "4"}) == {"fast": 4, "slow": 8, "percent": 10.0, "allow_short": False}
    assert _params(RUN, {}, {}) == RUN.params


def test_the_cross_field_rule_sees_the_runs_other_values():
    with pytest.raises(ValidationFailed) as refused:
        _params(RUN, {}, {"fast": "15"})  # 15 is below the default slow (20), not below the run's 8
    assert refused.value.fields == {"params.fast": "must be less than slow"}


def test_an_unknown_or_malformed_parameter_is_named():
    with pytest.raises(ValidationFailed) as unknown:
        _params(RUN, {}, {"fastt": "4"})
    assert unknown.value.fields == {
        "params.fastt": "unknown parameter; the parameters are fast, slow, percent, allow_short"}
    with pytest.raises(ValidationFailed) as malformed:
        _params(RUN, {}, {"fast": "four"})
    assert list(malformed.value.fields) == ["params.fast"]
