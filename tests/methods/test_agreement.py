"""Unit tests of helpers.methods.agreement on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import agreement as agr


def test_directional_agreement_against_its_base_rate() -> None:
    months = pd.period_range("2015-01", periods=48, freq="M")
    a = pd.Series(np.arange(48.0), index=months)  # always up
    b = pd.Series(np.tile(np.r_[np.arange(6.0), np.arange(6.0)[::-1]], 4), index=months)  # up half the time
    out = agr.directional_agreement(a, b, 1)
    assert out.a_up == 1.0
    assert_allclose(out.agreement, out.b_up)
    assert_allclose(out.expected, out.b_up)  # a always up: agreement by chance equals b's base rate
    same = agr.directional_agreement(b, b * 2, 3)
    assert same.agreement == 1.0 and same.n == 45


def test_agreement_shift_null_exact_p_and_level() -> None:
    """Alternating directions agree fully aligned; every odd shift disagrees fully, every even one agrees."""
    a = pd.Series([1.0, 0.0] * 6)
    null = agr.agreement_shift_null(a, a.copy(), min_shift=2)
    shifts = list(range(2, 12 - 2 + 1))  # 2..10: 9 shifts, 5 even (agreement 1), 4 odd (agreement 0)
    assert null.n_shifts == len(shifts) and null.observed == 1.0
    assert null.p_value == pytest.approx((1 + 5) / (1 + 9))  # ties count, with the +1
    assert null.null_mean == pytest.approx(5 / 9)
    assert (null.lo, null.hi) == (0.0, 1.0)
    narrow = agr.agreement_shift_null(a, a.copy(), min_shift=2, level=0.1)
    draws = [0.0] * 4 + [1.0] * 5
    assert narrow.lo == pytest.approx(float(np.quantile(draws, 0.45)))  # 0.6: the central 10% of the draws
    assert narrow.hi == pytest.approx(float(np.quantile(draws, 0.55)))


def test_shift_null_of_identical_series_gives_the_smallest_p() -> None:
    rng = np.random.default_rng(0)
    a = pd.Series((rng.random(120) > 0.4).astype(float))
    null = agr.agreement_shift_null(a, a.copy(), 12)
    assert null.observed == 1.0
    assert null.n_shifts == 120 - 24 + 1
    assert null.p_value == pytest.approx(1 / (1 + null.n_shifts))
    by_hand = np.mean([(np.roll(a.to_numpy(), k) == a.to_numpy()).mean() for k in range(12, 109)])
    assert null.null_mean == pytest.approx(by_hand)
    assert null.lo <= null.null_mean <= null.hi < 1.0


def test_shift_null_of_unrelated_series_is_not_significant() -> None:
    rng = np.random.default_rng(5)
    a, b = (pd.Series((rng.random(200) > 0.3).astype(float)) for _ in range(2))
    assert agr.agreement_shift_null(a, b, 6).p_value > 0.05


def test_shift_null_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        agr.agreement_shift_null(pd.Series([1.0, 0.0]), pd.Series([1.0]), 1)
    with pytest.raises(ValueError, match="no circular shift"):
        agr.agreement_shift_null(pd.Series([1.0] * 10), pd.Series([1.0] * 10), 6)
