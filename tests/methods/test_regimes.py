"""Unit tests of helpers.methods.regimes on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import inference as inf
from helpers.methods import regimes as rg

SEED = 12345


def _weekly(values: np.ndarray, start: str = "2015-01-01", weekday: str = "THU") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=f"W-{weekday}"))


def test_regime_from_change_uses_the_sign_of_the_past_change() -> None:
    level = pd.Series([1.0, 2.0, 3.0, 2.0, 1.0, 1.0])
    assert list(rg.regime_from_change(level, 2).iloc[2:]) == ["expanding", "contracting", "contracting",
                                                                 "contracting"]
    assert rg.regime_from_change(level, 2).iloc[:2].isna().all()


def test_regime_returns_on_a_constructed_series() -> None:
    """Forward return +0.10 in every expanding week and -0.05 in every contracting one: difference 0.15."""
    labels = np.repeat(["expanding", "contracting"] * 10, 13)
    fwd = _weekly(np.where(labels == "expanding", 0.10, -0.05))
    out = rg.regime_forward_returns(fwd, _weekly(labels), reps=200, block_size=13, seed=3)
    assert_allclose(out.table["mean"].to_numpy(), [0.10, -0.05])
    assert list(out.table["n"]) == [130, 130]
    assert_allclose([out.diff, out.lo, out.hi], [0.15, 0.15, 0.15], atol=1e-12)
    assert out.n == 260


def test_regime_returns_interval_covers_the_true_difference() -> None:
    rng = np.random.default_rng(SEED)
    labels = np.repeat(["expanding", "contracting"] * 15, 13)
    fwd = _weekly(np.where(labels == "expanding", 0.10, -0.05) + 0.1 * rng.normal(size=len(labels)))
    out = rg.regime_forward_returns(fwd, _weekly(labels), reps=300, block_size=26, seed=4)
    assert out.lo < 0.15 < out.hi
    assert out.lo > 0
    table = rg.regime_table({"x": out})
    assert_allclose(table.loc["x", "diff_sd"], out.diff / out.sd)


def test_liquidity_regime_returns_links_level_and_price() -> None:
    """Price grows 2%/week while the level rose over the last 4 weeks and falls 1%/week otherwise."""
    up = np.tile(np.r_[np.ones(8), -np.ones(8)], 12)
    level = _weekly(100 + np.cumsum(up))
    steps = np.where(level.diff(4).shift(0).to_numpy() > 0, 0.02, -0.01)
    price = _weekly(np.exp(np.cumsum(np.r_[0.0, steps[:-1]])))  # step t applies from t to t+1
    out = rg.liquidity_regime_returns(price, level, "2015-03-01", horizon=1, window=4, reps=200, block_size=8)
    assert_allclose(out.table["mean"].to_numpy(), [0.02, -0.01], atol=1e-12)


def test_liquidity_regime_returns_wider_interval_at_higher_coverage() -> None:
    rng = np.random.default_rng(SEED)
    up = np.tile(np.r_[np.ones(13), -np.ones(13)], 12)
    level = _weekly(100 + np.cumsum(up))
    price = _weekly(np.exp(np.cumsum(0.01 * up + 0.05 * rng.normal(size=len(up)))))
    a = rg.liquidity_regime_returns(price, level, "2015-06-01", horizon=4, window=4, reps=300, block_size=8, seed=1)
    b = rg.liquidity_regime_returns(price, level, "2015-06-01", horizon=4, window=4, reps=300, block_size=8, seed=1,
                                       level_ci=1 - 0.05 / 3)
    assert a.diff == b.diff and a.p_hac == b.p_hac
    assert b.lo <= a.lo and b.hi >= a.hi


def test_liquidity_regime_table_corrects_over_the_family_only() -> None:
    """A price that follows the level (strong effect) and one that ignores it (none), tested as a family of two."""
    rng = np.random.default_rng(SEED)
    up = np.tile(np.r_[np.ones(13), -np.ones(13)], 12)
    level = _weekly(100 + np.cumsum(up))
    steps = np.where(level.diff(4).to_numpy() > 0, 0.03, -0.03)
    follows = _weekly(np.exp(np.cumsum(np.r_[0.0, steps[:-1]] + 0.01 * rng.normal(size=len(up)))))
    ignores = _weekly(np.exp(np.cumsum(0.03 * rng.normal(size=len(up)))))
    specs = {"follows": (follows, level), "ignores": (ignores, level), "outside": (follows, level)}
    table = rg.liquidity_regime_table(specs, "2015-03-01", ["follows", "ignores"], horizon=4, window=4,
                                         reps=300, block_size=8, seed=2)
    fam = table.loc[["follows", "ignores"]]
    assert_allclose(fam["p_holm"].to_numpy(), inf.adjust_pvalues(fam["p_hac"], "holm").to_numpy())
    assert (fam["lo_bonf"] <= fam["lo"]).all() and (fam["hi_bonf"] >= fam["hi"]).all()
    assert bool(table.loc["follows", "shows_effect"]) and not bool(table.loc["ignores", "shows_effect"])
    assert math.isnan(table.loc["outside", "p_holm"]) and pd.isna(table.loc["outside", "shows_effect"])
    # the row outside the family uses seed + 2 and is otherwise the same comparison as "follows"
    assert table.loc["outside", "diff"] == table.loc["follows", "diff"]
    with pytest.raises(ValueError, match="not in specs"):
        rg.liquidity_regime_table(specs, "2015-03-01", ["nope"], reps=10)


def test_regime_spec_curve_matches_the_single_comparison() -> None:
    """One cell of the grid is the difference of :func:`liquidity_regime_returns` with the same HAC lags."""
    rng = np.random.default_rng(SEED)
    price = _weekly(np.exp(np.cumsum(0.02 * rng.standard_normal(300))))
    level = _weekly(np.cumsum(rng.standard_normal(300)))
    curve = rg.regime_spec_curve(price, level, "2015-06-01", [4, 13], [4, 13], hac_lags=26)
    assert list(zip(curve["window"], curve["horizon"], strict=True)) == [(4, 4), (4, 13), (13, 4), (13, 13)]
    one = rg.liquidity_regime_returns(price, level, "2015-06-01", horizon=13, window=13, reps=10, block_size=26)
    row = curve.iloc[3]
    assert row["diff"] == pytest.approx(one.diff) and row["p_hac"] == pytest.approx(one.p_hac)
    assert row["n"] == one.n


def test_period_labels_start_exclusive_end_inclusive_open_end() -> None:
    idx = pd.date_range("2020-01-01", periods=10, freq="D")
    lab = rg.period_labels(idx, [(idx[1], idx[3]), (idx[7], None)], "QE", "no QE")
    assert lab.tolist() == ["no QE", "no QE", "QE", "QE", "no QE", "no QE", "no QE", "no QE", "QE", "QE"]


def test_regime_interval_is_the_percentile_interval_of_the_same_draws_at_level() -> None:
    """The interval comes from methods.inference on the joint (return, regime) resamples, at the level asked for."""
    from helpers.methods.inference import bootstrap_draws, percentile_interval

    rng = np.random.default_rng(8)
    idx = pd.date_range("2016-01-07", periods=200, freq="W-THU")
    fwd = pd.Series(rng.normal(0.01, 0.05, 200), index=idx)
    lab = pd.Series(np.where(np.sin(np.arange(200) / 9) > 0, "expanding", "contracting"), index=idx)
    out = rg.regime_forward_returns(fwd, lab, reps=300, block_size=13, seed=5, level=0.8)
    d = (lab == "expanding").to_numpy(float)
    draws = bootstrap_draws(np.column_stack([fwd.to_numpy(), d]), lambda a: rg.mean_difference(a[:, 0], a[:, 1]),
                            13, 300, 5)
    assert (out.lo, out.hi) == pytest.approx(percentile_interval(draws, 0.8))
    assert out.diff == pytest.approx(fwd[d > 0.5].mean() - fwd[d < 0.5].mean())
