"""Unit tests of helpers.methods.small_sample on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sps

from helpers.methods import small_sample as small

SEED = 4242


def test_sign_test_known_p() -> None:
    out = small.sign_test(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 0.0, np.nan]))
    assert out.n == 5 and out.n_positive == 5 and out.p == pytest.approx(1 / 32)


def test_spearman_table_of_a_monotone_relation() -> None:
    x = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    ys = pd.DataFrame({"up": [1.0, 4, 9, 16, 25], "down": [5.0, 4, 3, 2, 1]}, index=list("abcde"))
    t = small.spearman_table(x, ys)
    assert t.loc["up", "rho"] == pytest.approx(1.0) and t.loc["down", "rho"] == pytest.approx(-1.0)
    assert t.loc["up", "lo"] == pytest.approx(1.0) and t.loc["down", "hi"] == pytest.approx(-1.0)


def test_spearman_interval_by_hand() -> None:
    """Twenty ranks with one swap: rho from the rank formula, interval tanh(atanh(rho) -+ 1.96 se)."""
    x = pd.Series(np.arange(20.0))
    y = pd.Series(np.r_[np.arange(10.0), [19.0], np.arange(10.0, 19.0)])  # rank 19 moved to place 10
    d2 = float(((x.rank() - y.rank()) ** 2).sum())
    rho = 1 - 6 * d2 / (20 * (20**2 - 1))
    se = math.sqrt((1 + rho**2 / 2) / 17)
    t = small.spearman_table(x, pd.DataFrame({"y": y}))
    assert t.loc["y", "rho"] == pytest.approx(rho)
    assert_allclose([t.loc["y", "lo"], t.loc["y", "hi"]],
                    np.tanh(np.arctanh(rho) + np.array([-1, 1]) * 1.959963984540054 * se), rtol=1e-9)
    assert t.loc["y", "lo"] < rho < t.loc["y", "hi"] and t.loc["y", "n"] == 20


def test_band_share_test_by_hand() -> None:
    lags = pd.Series([-14.0, 104, -28, -1, 13, -507, 0, 6, np.nan])
    out = small.band_share_test(lags, (30, 90))
    assert out.n == 8 and out.n_in_band == 0 and out.p == pytest.approx(1 / 256)
    inside = small.band_share_test(pd.Series([30.0, 45, 90, 200]), (30, 90))
    assert inside.n_in_band == 3 and inside.share_in_band == 0.75
    assert inside.p == pytest.approx(15 / 16)  # P(X <= 3 | n=4, 1/2)


def test_t_test_by_hand() -> None:
    """t = mean / (sd / sqrt(n)) with the two-sided Student p; too few values or no spread give NaN."""
    v = pd.Series([0.3, 0.1, -0.2, 0.4, np.nan])
    t = small.t_test(v)
    x = np.array([0.3, 0.1, -0.2, 0.4])
    stat = x.mean() / (x.std(ddof=1) / math.sqrt(4))
    assert t.n == 4 and t.mean == pytest.approx(0.15)
    assert t.p == pytest.approx(2 * sps.t.sf(abs(stat), 3))
    assert math.isnan(small.t_test(pd.Series([1.0])).p) and math.isnan(small.t_test(pd.Series([2.0, 2.0])).p)


def test_sign_test_one_sided_halves_the_two_sided_p() -> None:
    """Six of eight positive: P(X >= 6 | 8, 1/2) = 37/256, and the two-sided p is twice that."""
    v = pd.Series([1.0, 2, 3, 4, 5, 6, -1, -2])
    assert small.sign_test(v, "greater").p == pytest.approx(37 / 256)
    assert small.sign_test(v, "two-sided").p == pytest.approx(2 * 37 / 256)
    assert small.sign_test(v, "less").p == pytest.approx(1 - 9 / 256)
