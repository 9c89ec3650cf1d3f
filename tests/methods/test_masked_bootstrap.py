"""Unit tests of helpers.methods.masked_bootstrap on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import masked_bootstrap as mboot

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def test_regime_means_recover_a_known_difference() -> None:
    rng = np.random.default_rng(SEED)
    label = pd.Series(np.repeat(["on", "off"] * 10, 30))
    values = pd.Series(np.where(label == "on", 0.01, 0.0) + rng.normal(0, 0.002, label.size))
    r = mboot.regime_means(values, label, ("on", "off"), reps=300, block=10, seed=SEED)
    assert r.diff == pytest.approx(0.01, abs=0.001)
    assert r.lo > 0.008 and r.hi < 0.012 and r.p_diff < 0.01 and r.p_first < 0.01
    assert r.table.loc["on", "n"] == 300 and r.table.loc["on", "lo"] < r.table.loc["on", "mean"]
    table = mboot.regime_means_table({"x": r})
    assert table.loc["x", "n_on"] == 300 and table.loc["x", "diff"] == pytest.approx(r.diff)
    assert list(mboot.regime_means_long({"x": r}).index) == ["x: on", "x: off"]


def test_worst_drawdown_is_a_positive_fraction_within_one_run() -> None:
    """Log returns 0.1, -0.3, 0.1, -0.2 fall 0.4 in log terms from the peak: 1 - exp(-0.4) of it; runs apart."""
    idx = pd.date_range("2021-01-01", periods=7)
    r = pd.DataFrame({"a": [0.1, -0.3, 0.1, -0.2, -0.5, -0.1, 0.2]}, index=idx)
    mask = pd.Series([True, True, True, True, False, True, True], index=idx)
    t = mboot.return_per_vol_table(r, mask, periods_per_year=1)
    assert t.loc["a", "worst_drawdown"] == pytest.approx(1 - math.exp(-0.4))  # not -0.2 - 0.5 - 0.1 across the gap
    up = mboot.return_per_vol_table(pd.DataFrame({"a": [0.1, 0.2]}, index=idx[:2]))
    assert up.loc["a", "worst_drawdown"] == 0.0


def test_risk_table_and_difference_by_hand() -> None:
    r = pd.DataFrame({"a": [0.01, 0.03, 0.01, 0.03], "b": [0.02, -0.02, 0.02, -0.02]},
                     index=pd.date_range("2021-01-01", periods=4))
    mask = pd.Series([True, True, False, True], index=r.index)
    t = mboot.return_per_vol_table(r, mask, periods_per_year=1)
    assert t.loc["a", "n"] == 3 and t.loc["a", "mean_ann"] == pytest.approx(0.07 / 3)
    assert t.loc["a", "ratio"] == pytest.approx((0.07 / 3) / np.std([0.01, 0.03, 0.03], ddof=1))
    assert t.loc["b", "worst_drawdown"] == pytest.approx(1 - math.exp(-0.02))
    rng = np.random.default_rng(SEED)
    a = _daily(rng.normal(0.002, 0.01, 2000))
    b = _daily(rng.normal(-0.002, 0.01, 2000))
    d = mboot.risk_adjusted_difference(a, b, pd.Series(True, index=a.index), reps=200, block=20, seed=SEED)
    assert d.lo < d.diff < d.hi and d.lo > 0 and d.n == 2000
    assert d.diff == pytest.approx(d.ratio_a - d.ratio_b)
    # the point estimate is the annualised mean / SD of each series (formula check)
    assert d.ratio_a == pytest.approx(a.mean() / a.std() * math.sqrt(365))


def test_regime_means_equal_a_frame_by_frame_bootstrap() -> None:
    rng = np.random.default_rng(SEED)
    idx = pd.date_range("2020-01-02", periods=300, freq="W-THU")
    values = pd.Series(rng.normal(0.0, 0.02, 300), index=idx)
    regime = pd.Series(np.where(rng.random(300) < 0.4, "on", "off"), index=idx)
    res = mboot.regime_means(values, regime, ("on", "off"), reps=200, block=8, seed=SEED)
    frame = pd.DataFrame({"v": values, "g": regime})

    def func(f: pd.DataFrame) -> np.ndarray:
        a, b = f.loc[f["g"] == "on", "v"].mean(), f.loc[f["g"] == "off", "v"].mean()
        return np.array([a, b, a - b])

    draws = mboot.bootstrap_frame(frame, func, 8, 200, SEED)
    lo, hi = np.nanquantile(draws[:, 2], [0.025, 0.975])
    assert res.lo == pytest.approx(lo) and res.hi == pytest.approx(hi)
    assert res.diff == pytest.approx(values[regime == "on"].mean() - values[regime == "off"].mean())
    # p-values: twice the smaller share of draws on either side of zero (floor 1/(reps+1)), by hand
    for got, d in [(res.p_diff, draws[:, 2]), (res.p_first, draws[:, 0])]:
        assert got == pytest.approx(max(2 * min(np.mean(d <= 0), np.mean(d >= 0)), 1 / 201))
    # ``level`` is honoured: the 80% interval is the 10% and 90% quantiles of the same draws
    narrow = mboot.regime_means(values, regime, ("on", "off"), reps=200, block=8, seed=SEED, level=0.8)
    assert_allclose([narrow.lo, narrow.hi], np.nanquantile(draws[:, 2], [0.1, 0.9]))
    assert_allclose(narrow.table.loc["on", ["lo", "hi"]].to_numpy(float), np.nanquantile(draws[:, 0], [0.1, 0.9]))


def test_risk_adjusted_difference_equals_a_frame_by_frame_bootstrap() -> None:
    """The vectorised Sharpe difference, its interval at any level and its p-value, from resampled frames."""
    rng = np.random.default_rng(SEED)
    a, b = _daily(rng.normal(0.001, 0.01, 400)), _daily(rng.normal(0.0, 0.01, 400))
    mask = pd.Series(rng.random(400) < 0.5, index=a.index)
    res = mboot.risk_adjusted_difference(a, b, mask, reps=150, block=10, seed=SEED, level=0.9)
    frame = pd.DataFrame({"a": a, "b": b, "m": mask})

    def sharpe_diff(f: pd.DataFrame) -> np.ndarray:
        on = f[f["m"]]
        return np.array([on["a"].mean() / on["a"].std() * math.sqrt(365) - on["b"].mean() / on["b"].std()
                         * math.sqrt(365)])

    d = mboot.bootstrap_frame(frame, sharpe_diff, 10, 150, SEED)[:, 0]
    assert_allclose([res.lo, res.hi], np.quantile(d, [0.05, 0.95]))
    assert res.p == pytest.approx(max(2 * min(np.mean(d <= 0), np.mean(d >= 0)), 1 / 151))


def test_bootstrap_indices_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="block"):
        mboot.bootstrap_indices(10, 0, 5, SEED)
