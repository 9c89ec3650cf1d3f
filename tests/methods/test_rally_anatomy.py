"""Unit tests of helpers.methods.rally_anatomy on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.methods import rally_anatomy as anat

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def _triangle(up: int = 100, down: int = 100, slope: float = 0.01) -> pd.Series:
    """Log price rising by ``slope`` a day for ``up`` days, then falling at the same rate."""
    logp = np.r_[np.arange(up + 1) * slope, up * slope - np.arange(1, down + 1) * slope]
    return _daily(100 * np.exp(logp))


def test_time_to_peak_on_a_triangle() -> None:
    s = _triangle()
    out = anat.time_to_peak(s, s.index[0])
    assert out.peak == s.index[100] and out.days == 100
    assert out.gain == pytest.approx(1.0)
    late = anat.time_to_peak(s, s.index[20], s.index[60])
    assert late.days == 40 and late.gain == pytest.approx(0.4)


def test_half_life_and_rally_metrics_on_a_triangle() -> None:
    s = _triangle()
    assert anat.half_life(s, s.index[0], s.index[100]) == 50.0
    m = anat.rally_metrics(s, (s.index[0], s.index[10]), s.index[-1], after_days=80)
    assert m.trough == s.index[0] and m.peak == s.index[100]
    assert m.gain == pytest.approx(1.0) and m.days_to_peak == 100
    assert m.drawdown_after == pytest.approx(-0.8)
    assert m.after_complete and m.half_within == 1.0
    censored = anat.rally_metrics(_triangle(100, 30), (s.index[0], s.index[10]), s.index[-1], after_days=80)
    assert math.isnan(censored.half_life_days) and math.isnan(censored.half_within)
    assert censored.drawdown_after == pytest.approx(-0.3)


def test_baseline_volatility_ratio_uses_only_non_uptrend_days_before() -> None:
    idx = pd.date_range("2020-01-01", periods=400, freq="D")
    rng = np.random.default_rng(0)
    btc_r = 0.01 * rng.standard_normal(len(idx))
    alt_r = 2.0 * btc_r  # twice as volatile outside uptrends ...
    up = pd.Series(False, index=idx)
    up.iloc[100:200] = True
    alt_r[100:200] = 5.0 * btc_r[100:200]  # ... and five times inside the earlier uptrend, which must not count
    prices = pd.DataFrame({"btc": 100 * np.exp(np.cumsum(btc_r)), "alt": 100 * np.exp(np.cumsum(alt_r))}, index=idx)
    eps = pd.DataFrame({"confirmed": [idx[300]], "ended": [pd.NaT]})
    base = anat.baseline_volatility_ratio(prices, eps, up, ["alt"], lookback=365)
    assert base.loc[idx[300], "alt_base_vol_ratio"] == pytest.approx(2.0)
    assert base.loc[idx[300], "alt_base_days"] == 199  # 300 days before, less the 100 uptrend days, less day 0
    short = anat.baseline_volatility_ratio(prices, eps, up, ["alt"], lookback=365, min_days=250)
    assert math.isnan(short.loc[idx[300], "alt_base_vol_ratio"])


def test_leave_one_episode_out() -> None:
    v = pd.Series([0.3, 0.1, -0.2, 0.4, np.nan])
    loo = anat.leave_one_episode_out(v, lambda s: (float(s.mean()), float(s.min()), float(s.max())))
    assert list(loo.index) == [0, 1, 2, 3] and (loo["n"] == 3).all()
    assert loo.loc[2, "estimate"] == pytest.approx(0.8 / 3) and loo.loc[0, "low"] == -0.2
