"""Intervals and p-values of helpers.methods.inference on cases whose answer is exact by construction.

Each test pins a formula: a symmetric null gives p = 1, a one-sided p is half the two-sided one, the +1
of a permutation p-value is visible with few draws, ``level`` moves the interval.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.methods import inference as inf


def test_percentile_interval_uses_level() -> None:
    draws = np.arange(0, 101, dtype=float)  # quantile q is exactly 100 q
    assert inf.percentile_interval(draws, 0.95) == pytest.approx((2.5, 97.5))
    assert inf.percentile_interval(draws, 0.90) == pytest.approx((5.0, 95.0))
    assert inf.percentile_interval(draws, 0.50) == pytest.approx((25.0, 75.0))


def test_percentile_interval_drops_non_finite_draws_and_checks_level() -> None:
    draws = np.r_[np.arange(0, 101, dtype=float), np.nan, np.inf]
    assert inf.percentile_interval(draws, 0.9) == pytest.approx((5.0, 95.0))
    assert all(math.isnan(v) for v in inf.percentile_interval(np.array([np.nan]), 0.9))
    with pytest.raises(ValueError, match="level"):
        inf.percentile_interval(draws, 95)


def test_sign_p_value_symmetric_draws_give_one_and_one_sided_tail_doubles() -> None:
    assert inf.sign_p_value(np.array([-2.0, -1.0, 1.0, 2.0])) == 1.0
    # 1 of 10 draws at or below zero: two-sided p = 2 * 0.1
    assert inf.sign_p_value(np.r_[-1.0, np.ones(9)]) == pytest.approx(0.2)
    # no draw below zero: the floor 1 / (n + 1), not 0
    assert inf.sign_p_value(np.ones(9)) == pytest.approx(0.1)
    assert math.isnan(inf.sign_p_value(np.array([np.nan])))


def test_permutation_p_value_counts_the_observed_arrangement() -> None:
    draws = np.array([0.0, 1.0, 2.0, 3.0])
    # greater: draws >= 3 -> 1 hit, (1 + 1) / (4 + 1)
    assert inf.permutation_p_value(3.0, draws, "greater") == pytest.approx(2 / 5)
    # less: draws <= 0 -> 1 hit
    assert inf.permutation_p_value(0.0, draws, "less") == pytest.approx(2 / 5)
    # beyond every draw: 1 / (n + 1), never 0
    assert inf.permutation_p_value(10.0, draws, "greater") == pytest.approx(1 / 5)


def test_permutation_p_value_two_sided_symmetric_null_gives_one() -> None:
    draws = np.array([-3.0, -1.0, 1.0, 3.0])
    assert inf.permutation_p_value(0.0, draws, "two-sided") == 1.0
    # |draws| >= 3: two hits
    assert inf.permutation_p_value(-3.0, draws, "two-sided") == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="alternative"):
        inf.permutation_p_value(0.0, draws, "both")  # type: ignore[arg-type]


def test_permutation_p_value_treats_floating_ties_as_equal() -> None:
    draws = np.array([0.1 + 0.2, 0.0])
    assert inf.permutation_p_value(0.3, draws, "greater") == pytest.approx(2 / 3)


def test_one_sided_p_halves_on_the_tested_side() -> None:
    assert inf.one_sided_p(0.2, -1.0) == pytest.approx(0.1)
    assert inf.one_sided_p(0.2, 1.0) == pytest.approx(0.9)
    assert inf.one_sided_p(0.2, 1.0, "greater") == pytest.approx(0.1)


def test_bootstrap_draws_constant_data_and_reproducibility() -> None:
    const = inf.bootstrap_draws(np.full(50, 2.0), np.mean, block=5, reps=20)
    assert const.shape == (20,) and np.all(const == 2.0)
    x = np.random.default_rng(1).normal(size=200)
    a = inf.bootstrap_draws(x, np.mean, block=10, reps=50, seed=3)
    b = inf.bootstrap_draws(x, np.mean, block=10, reps=50, seed=3, method="stationary")
    assert np.array_equal(a, b)
    c = inf.bootstrap_draws(x, np.mean, block=10, reps=50, seed=3, method="circular")
    assert not np.array_equal(a, c)
    # each draw is the mean of a resample of x: inside the sample's range
    assert np.all((a >= x.min()) & (a <= x.max()))
    with pytest.raises(ValueError, match="method"):
        inf.bootstrap_draws(x, np.mean, block=10, reps=5, method="iid")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        inf.bootstrap_draws(x, np.mean, block=0, reps=5)


def test_adjust_pvalues_holm_by_hand() -> None:
    p = pd.Series([0.01, 0.04, 0.03, np.nan], index=list("abcd"))
    holm = inf.adjust_pvalues(p, "holm")
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1, running max
    assert holm["a"] == pytest.approx(0.03)
    assert holm["c"] == pytest.approx(0.06)
    assert holm["b"] == pytest.approx(0.06)
    assert math.isnan(holm["d"])
    with pytest.raises(ValueError, match="method"):
        inf.adjust_pvalues(p, "sidak")  # type: ignore[arg-type]
    table = inf.with_adjusted(pd.DataFrame({"p": p}))
    assert {"p_holm", "p_fdr_bh"} <= set(table.columns)


def test_default_block_size_longer_for_persistent_series() -> None:
    rng = np.random.default_rng(0)
    noise = rng.normal(size=1000)
    ar = np.zeros(1000)
    for t in range(1, 1000):
        ar[t] = 0.95 * ar[t - 1] + noise[t]
    assert inf.default_block_size(ar) > inf.default_block_size(noise) >= 1
