"""Unit tests of helpers.methods.hac: the bandwidth rule and HAC means with exact answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.methods import hac


@pytest.mark.parametrize(("n", "lags"), [(100, 4), (50, 3), (500, 5), (1, 1)])
def test_newey_west_lags_rule(n: int, lags: int) -> None:
    assert hac.newey_west_lags(n) == lags == math.floor(4 * (n / 100) ** (2 / 9))


def test_hac_mean_with_zero_lags_is_the_white_interval() -> None:
    """With no lags the HAC variance of a mean is sum(e^2) / n^2, so the interval is exact by hand."""
    values = pd.Series([1.0, 3.0, 2.0, 6.0, 4.0, 8.0])
    out = hac.hac_mean(values, hac_lags=0, level=0.9)
    e = values - values.mean()
    se = math.sqrt(float((e**2).sum())) / len(values)
    assert out["mean"] == pytest.approx(4.0)
    assert out["ci_high"] - out["mean"] == pytest.approx(1.6448536269514722 * se)
    assert out["mean"] - out["ci_low"] == pytest.approx(1.6448536269514722 * se)
    assert out["sd"] == pytest.approx(values.std(ddof=1)) and out["n"] == 6


def test_mean_weekly_change_uses_changes_after_start_up_to_end() -> None:
    idx = pd.date_range("2022-01-05", periods=10, freq="W-WED")
    levels = pd.Series(np.arange(10.0) ** 2, index=idx, name="x")
    out = hac.mean_weekly_change(levels, idx[2], idx[6], hac_lags=0)
    assert out["n"] == 4 and out["mean"] == pytest.approx(np.mean([5.0, 7.0, 9.0, 11.0]))
    with pytest.raises(ValueError, match="x: only 2 weekly changes"):
        hac.mean_weekly_change(levels, idx[2], idx[4])
