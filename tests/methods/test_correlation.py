"""Unit tests of helpers.methods.correlation on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sps
from weekly_series import SEED, weekly

from helpers.methods import correlation as cor


@pytest.mark.parametrize(("sign", "expected"), [(1.0, 1.0), (-1.0, -1.0)], ids=["itself", "negative"])
def test_rolling_corr_of_a_series_with_itself_and_its_negative(noise: np.ndarray, sign: float,
                                                                expected: float) -> None:
    x = weekly(noise)
    r = cor.rolling_corr(x, sign * x * 2.0 + 3.0, 26)
    assert r.iloc[:25].isna().all()
    assert_allclose(r.dropna().to_numpy(), expected, atol=1e-10)
    assert len(r.dropna()) == len(x) - 25


def test_rolling_summary_counts_positive_windows() -> None:
    s = pd.Series([np.nan, -0.5, 0.1, 0.2, 0.3])
    out = cor.rolling_summary(s)
    assert out.n == 4
    assert_allclose([out.min, out.max, out.share_positive], [-0.5, 0.3, 0.75])
    assert out.sd == pytest.approx(float(s.std()))
    assert out.as_dict()["n"] == 4


def test_correlation_matches_pearson_and_covers_the_true_value() -> None:
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=2000)
    y = x + rng.normal(size=2000)  # true correlation 1/sqrt(2)
    c = cor.correlation(weekly(x), weekly(y), reps=200, seed=1)
    assert_allclose(c.r, np.corrcoef(x, y)[0, 1], atol=1e-12)
    assert c.n == 2000
    assert c.lo_hac < 1 / math.sqrt(2) < c.hi_hac
    assert c.lo_boot < 1 / math.sqrt(2) < c.hi_boot
    assert c.p_hac < 1e-10


def test_correlation_of_independent_series_is_not_significant() -> None:
    rng = np.random.default_rng(SEED)
    c = cor.correlation(weekly(rng.normal(size=300)), weekly(rng.normal(size=300)), reps=200, seed=2)
    assert c.lo_boot < 0 < c.hi_boot
    assert c.p_hac > 0.05


def test_correlation_bootstrap_is_reproducible_with_a_seed(noise: np.ndarray) -> None:
    x, y = weekly(noise), weekly(np.roll(noise, 1))
    a = cor.correlation(x, y, reps=200, seed=7)
    b = cor.correlation(x, y, reps=200, seed=7)
    assert (a.lo_boot, a.hi_boot) == (b.lo_boot, b.hi_boot)


def test_correlation_needs_overlap() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        cor.correlation(pd.Series([1.0, 2.0]), pd.Series([1.0, 3.0]))


def test_subperiod_correlations_equal_direct_correlations(noise: np.ndarray) -> None:
    x = weekly(noise)
    y = x.copy()
    y.loc["2017-01-01":] = -y.loc["2017-01-01":]  # the sign flips in 2017
    periods = {"early": ("2015-01-01", "2016-12-31"), "late": ("2017-01-01", None)}
    out = cor.subperiod_correlations(x, y, periods)
    assert_allclose(out["r"].to_numpy(), [1.0, -1.0], atol=1e-12)
    assert out.loc["early", "n"] + out.loc["late", "n"] == len(x)


def test_lead_lag_recovers_a_three_week_lead() -> None:
    rng = np.random.default_rng(SEED)
    x = weekly(rng.normal(size=600))
    y = x.shift(3) + 0.3 * weekly(rng.normal(size=600))  # y follows x three weeks later
    ll = cor.lead_lag_corr(x, y, 13)
    assert list(ll.index) == list(range(-13, 14))
    assert int(ll["r"].abs().idxmax()) == 3
    assert ll.loc[3, "r"] > 0.9
    assert (ll["r"].drop(3).abs() < ll["band"].drop(3) + 0.05).all()
    assert int(cor.lead_lag_corr(y, x, 13)["r"].abs().idxmax()) == -3  # the same lag seen from y


def test_fisher_interval_exact() -> None:
    lo, hi = cor.fisher_interval(0.0, 103, 0.95)
    z = 1.959963984540054
    assert (lo, hi) == (pytest.approx(math.tanh(-z / 10)), pytest.approx(math.tanh(z / 10)))
    lo, hi = cor.fisher_interval(0.5, 28, 0.9)
    assert lo == pytest.approx(math.tanh(math.atanh(0.5) - 1.6448536269514722 / 5))
    assert all(math.isnan(v) for v in cor.fisher_interval(0.3, 3))


def test_correlation_intervals_honour_level_exactly() -> None:
    rng = np.random.default_rng(5)
    x = pd.Series(rng.normal(size=300))
    y = 0.3 * x + pd.Series(rng.normal(size=300))
    c95 = cor.correlation(x, y, reps=200, seed=2, level=0.95)
    c50 = cor.correlation(x, y, reps=200, seed=2, level=0.5)
    assert c95.hi_hac - c95.r == pytest.approx(1.959963984540054 * c95.se_hac)
    assert c50.hi_hac - c50.r == pytest.approx(0.6744897501960817 * c50.se_hac)
    assert c50.lo_boot > c95.lo_boot and c50.hi_boot < c95.hi_boot  # same resamples, narrower coverage


def test_fisher_interval_matches_the_formula() -> None:
    lo, hi = cor.fisher_interval(0.5, 103)
    half = sps.norm.ppf(0.975) / 10.0
    assert lo == pytest.approx(np.tanh(np.arctanh(0.5) - half))
    assert hi == pytest.approx(np.tanh(np.arctanh(0.5) + half))
    assert lo < 0.5 < hi
    assert cor.fisher_interval(0.0, 1003)[0] == pytest.approx(-cor.fisher_interval(0.0, 1003)[1])
    assert all(math.isnan(v) for v in cor.fisher_interval(0.3, 3))
