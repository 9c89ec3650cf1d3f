"""Unit tests of helpers.methods.nulls on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from weekly_series import SEED, weekly

from helpers.methods import correlation as cor
from helpers.methods import nulls as nul


def test_circular_shift_null_breaks_a_real_link_and_keeps_noise() -> None:
    """y = x + noise: the observed correlation is far above every shifted one; for independent series it is not."""
    rng = np.random.default_rng(SEED)
    x = weekly(rng.standard_normal(400))
    linked = x + 0.5 * weekly(rng.standard_normal(400))

    def corr(a: pd.Series, b: pd.Series) -> float:
        return float(a.corr(b))

    out = nul.circular_shift_null(x, linked, corr, n_shifts=200, min_shift=20, seed=1)
    assert out.observed > 0.85 and out.null_high < 0.2 and out.p_upper == pytest.approx(1 / 201)
    assert out.n_shifts == 200 and out.n == 400
    indep = nul.circular_shift_null(x, weekly(rng.standard_normal(400)), corr, n_shifts=200, min_shift=20, seed=1)
    assert indep.null_low < indep.observed < indep.null_high


def test_circular_shift_null_uses_every_shift_when_few_and_refuses_short_series() -> None:
    x = weekly(np.arange(30.0))
    out = nul.circular_shift_null(x, x, lambda a, b: float(a.iloc[0] - b.iloc[0]), n_shifts=500, min_shift=10)
    assert out.n_shifts == 11  # shifts 10..20
    with pytest.raises(ValueError, match="too few"):
        nul.circular_shift_null(x, x, lambda a, b: 0.0, min_shift=16)


def test_rolling_corr_sd_is_the_sd_of_the_rolling_correlation() -> None:
    rng = np.random.default_rng(SEED)
    x, y = weekly(rng.standard_normal(120)), weekly(rng.standard_normal(120))
    assert nul.rolling_corr_sd(26)(x, y) == pytest.approx(float(cor.rolling_corr(x, y, 26).std()))


def test_correlation_difference_sees_which_series_follows_the_driver() -> None:
    rng = np.random.default_rng(SEED)
    c = weekly(rng.standard_normal(500))
    a = c + 0.3 * weekly(rng.standard_normal(500))
    b = weekly(rng.standard_normal(500))
    out = nul.correlation_difference(a, b, c, reps=300, seed=2)
    assert out.r_a == pytest.approx(float(a.corr(c))) and out.r_b == pytest.approx(float(b.corr(c)))
    assert out.diff == pytest.approx(out.r_a - out.r_b) and out.lo > 0.7 and out.n == 500
    same = nul.correlation_difference(b, weekly(rng.standard_normal(500)), c, reps=300, seed=2)
    assert same.lo < 0 < same.hi
    with pytest.raises(ValueError, match="at least 10"):
        nul.correlation_difference(a.iloc[:5], b.iloc[:5], c.iloc[:5])


@pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_circular_shift_null_p_and_interval_are_exact_on_a_known_null() -> None:
    """With min_shift = n/2 only one shift exists: p = (1 + hit) / 2 and the interval is that one draw."""
    idx = pd.date_range("2020-01-01", periods=8, freq="W-THU")
    x = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8], index=idx)
    y = x.copy()

    def lag_sum(a: pd.Series, b: pd.Series) -> float:
        return float((a.to_numpy() * b.to_numpy()).sum())

    out = nul.circular_shift_null(x, y, lag_sum, n_shifts=10, min_shift=4)
    rolled = float((x.to_numpy() * np.roll(y.to_numpy(), 4)).sum())
    assert out.n_shifts == 1 and out.observed == pytest.approx(204.0)
    assert out.null_low == out.null_high == pytest.approx(rolled)
    assert out.p_upper == pytest.approx(0.5)  # the one shift is below the observed: (1 + 0) / (1 + 1)


def test_circular_shift_null_honours_level() -> None:
    rng = np.random.default_rng(3)
    idx = pd.date_range("2015-01-01", periods=300, freq="W-THU")
    x, y = pd.Series(rng.normal(size=300), index=idx), pd.Series(rng.normal(size=300), index=idx)
    wide = nul.circular_shift_null(x, y, nul.rolling_corr_sd(26), 100, 26, seed=1, level=0.95)
    narrow = nul.circular_shift_null(x, y, nul.rolling_corr_sd(26), 100, 26, seed=1, level=0.5)
    assert narrow.null_low > wide.null_low and narrow.null_high < wide.null_high
    assert narrow.null_mean == wide.null_mean and narrow.p_upper == wide.p_upper
