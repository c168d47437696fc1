"""A `next_only_when` signal's values as the hot loop reads them: the same as `tolist()`, value for value
(signs of zero and NaNs included), with the zeros sharing one float."""

from __future__ import annotations

import math

import numpy as np

from app.marvin.runner import mostly_zero_list


def test_it_reads_as_tolist_with_negative_zero_nan_and_infinities_kept() -> None:
    values = np.array([0.0, 1.0, 0.0, -1.0, -0.0, np.nan, 0.0, np.inf, -np.inf, 2.5, 0.0])
    got = mostly_zero_list(values)
    expected = values.tolist()
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    assert all(type(v) is float for v in got)


def test_the_zeros_share_one_float_and_the_rest_are_the_arrays() -> None:
    values = np.zeros(10_000)
    values[[17, 4_000, 9_999]] = [1.0, -1.0, 1.0]
    got = mostly_zero_list(values)
    assert len({id(v) for v in got}) == 4  # one zero, three signals
    assert [i for i, v in enumerate(got) if v] == [17, 4_000, 9_999]


def test_an_empty_signal_is_an_empty_list() -> None:
    assert mostly_zero_list(np.array([], dtype=np.float64)) == []
