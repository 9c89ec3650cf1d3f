"""Unit tests of helpers.methods.declines on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import declines as decl


def _bear(idx: pd.DatetimeIndex) -> pd.Series:
    """Peak 200 on day 10, trough 50 on day 30; log price falls linearly from 200 to 50 in between."""
    price = pd.Series(100.0, index=idx)
    price.iloc[10:31] = np.exp(np.linspace(math.log(200.0), math.log(50.0), 21))
    return price


def test_drawdown_split_halves() -> None:
    idx = pd.date_range("2021-01-01", periods=40, freq="D")
    price = pd.Series(100.0, index=idx)
    price.iloc[10] = 200.0  # peak
    price.iloc[11:20] = 100.0  # the day before the split: half the log decline done
    price.iloc[30] = 50.0  # trough
    out = decl.decline_split(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), "2021-01-21")
    assert out.peak == idx[10] and out.trough == idx[30]
    assert_allclose([out.total, out.before, out.share_before], [math.log(0.25), math.log(0.5), 0.5])
    assert out.before + out.after == pytest.approx(out.total) and out.as_dict()["peak"] == idx[10]
    with pytest.raises(ValueError, match="after the peak"):
        decl.decline_split(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), "2021-01-05")


def test_drawdown_splits_at_several_dates_in_date_order() -> None:
    idx = pd.date_range("2021-01-01", periods=40, freq="D")
    price = _bear(idx)
    out = decl.decline_splits(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"),
                                {"late": "2021-01-27", "early": "2021-01-13"})
    assert list(out.index) == ["early", "late"]  # sorted by date, not by the mapping's order
    # the close of the day before the split: day 11 is 1/20 of the way down, day 25 is 15/20
    assert_allclose(out["share_before"].to_numpy(), [1 / 20, 15 / 20], atol=1e-12)
    assert_allclose((out["before"] + out["after"]).to_numpy(), out["total"].to_numpy())
    assert_allclose(out["total"].to_numpy(), math.log(0.25))
    with pytest.raises(ValueError, match="after the peak"):
        decl.decline_splits(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), {"x": "2021-01-02"})


@pytest.mark.parametrize(("shares", "expected"), [([0.5, 0.6, 0.9], "before"), ([0.4, 0.41], "before"),
                                                  ([0.1, 0.39], "after"), ([0.27, 0.3998, 0.516], "mixed")])
def test_timing_consensus(shares: list[float], expected: str) -> None:
    assert decl.timing_consensus(pd.Series(shares), 0.4) == expected


def test_timing_consensus_refuses_missing_shares() -> None:
    with pytest.raises(ValueError, match="NaN"):
        decl.timing_consensus(pd.Series([0.5, np.nan]), 0.4)
