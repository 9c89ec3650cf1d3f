"""Unit tests of helpers.methods.timeseries on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from weekly_series import SEED, weekly

from helpers.methods import timeseries as tsa


def test_granger_finds_the_true_direction_and_lag() -> None:
    rng = np.random.default_rng(SEED)
    n = 1500
    x = rng.normal(size=n)
    y = np.zeros(n)
    y[2:] = 0.4 * x[:-2] + rng.normal(size=n - 2)  # x helps predict y at lag 2 only
    xs, ys = weekly(x).rename("x"), weekly(y).rename("y")
    forward = tsa.granger_test(ys, xs, max_lag=6)
    backward = tsa.granger_test(xs, ys, max_lag=6)
    assert forward.p < 1e-6 and forward.lags >= 2
    assert backward.p > 0.01
    both = tsa.granger_both_ways(xs, ys, max_lag=6)
    assert list(zip(both["cause"], both["effect"], strict=True)) == [("x", "y"), ("y", "x")]


def test_granger_rejects_unknown_criterion() -> None:
    s = weekly(np.arange(50.0))
    with pytest.raises(ValueError, match="aic"):
        tsa.granger_test(s, s, ic="hqic")  # type: ignore[arg-type]


def test_local_projection_recovers_a_distributed_lag_response() -> None:
    """r_t = 0.5 s_t + 0.3 s_{t-1} + 0.2 s_{t-2} + e: cumulative response 0.5, 0.8, 1.0, 1.0, ..."""
    rng = np.random.default_rng(SEED)
    n = 4000
    s = rng.normal(size=n)
    r = 0.5 * s + 0.1 * rng.normal(size=n)
    r[1:] += 0.3 * s[:-1]
    r[2:] += 0.2 * s[:-2]
    lp = tsa.local_projection(weekly(r), weekly(s), horizons=5, n_lags=2)
    assert_allclose(lp["beta"].to_numpy(), [0.5, 0.8, 1.0, 1.0, 1.0, 1.0], atol=0.03)
    assert (lp["lo"] < lp["beta"]).all() and (lp["beta"] < lp["hi"]).all()


def test_local_projection_recovers_an_ar1_impulse_response() -> None:
    """r_t = 0.6 r_{t-1} + s_t + e: response of r_{t+h} to s_t is 0.6**h; scale multiplies it."""
    rng = np.random.default_rng(SEED + 1)
    n = 5000
    s = rng.normal(size=n)
    e = 0.2 * rng.normal(size=n)
    r = np.zeros(n)
    for t in range(1, n):
        r[t] = 0.6 * r[t - 1] + s[t] + e[t]
    lp = tsa.local_projection(weekly(r), weekly(s), horizons=4, n_lags=2, cumulative=False, scale=2.0)
    assert_allclose(lp["beta"].to_numpy(), 2.0 * 0.6 ** np.arange(5), atol=0.08)


def test_adf_tells_a_random_walk_from_white_noise() -> None:
    rng = np.random.default_rng(SEED)
    walk = pd.Series(np.cumsum(rng.normal(size=500)))
    assert tsa.adf(walk).p > 0.1
    assert tsa.adf(walk.diff().dropna()).p < 0.01
    table = tsa.adf_table(pd.DataFrame({"w": np.exp(walk / 20)}))
    assert table.loc["w", "p_level"] > 0.1 and table.loc["w", "p_change"] < 0.01


def test_spurious_regression_warning_on_independent_trending_walks() -> None:
    """Two random walks with drift and independent steps: high R2, DW near 0, as for BTC and liquidity levels."""
    rng = np.random.default_rng(SEED)
    a, b = (pd.Series(np.cumsum(0.3 + rng.normal(size=300))) for _ in range(2))
    walks = tsa.spurious_regression_check(a, b)
    assert walks.warning and walks.r2 > 0.5 and walks.dw < 0.2
    noise = tsa.spurious_regression_check(a.diff().dropna(), b.diff().dropna())
    assert not noise.warning and 1.6 < noise.dw < 2.4


def test_engle_granger_finds_a_built_in_long_run_tie() -> None:
    rng = np.random.default_rng(SEED)
    x = pd.Series(np.cumsum(rng.normal(size=400)))
    tied = 2.0 * x + rng.normal(size=400)
    other = pd.Series(np.cumsum(rng.normal(size=400)))
    assert tsa.engle_granger(tied, x).p < 0.01
    assert tsa.engle_granger(other, x).p > 0.05
