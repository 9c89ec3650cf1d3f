"""Unit tests of helpers.methods.baskets on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import baskets as bk

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def test_basket_of_two_series_by_hand() -> None:
    """A: +10%, +10%; B: -10%, +10%: the equal-weight basket returns 0% then +10%."""
    prices = pd.DataFrame({"a": [100.0, 110.0, 121.0], "b": [100.0, 90.0, 99.0]},
                          index=pd.date_range("2021-01-01", periods=3, name="date"))
    b = bk.equal_weight_basket(prices, min_members=2)
    assert_allclose(b.returns.to_numpy()[1:], [0.0, 0.1], atol=1e-12)
    assert_allclose(b.level.to_numpy(), [100.0, 100.0, 110.0], atol=1e-9)
    assert b.members.tolist() == [0, 2, 2]


def test_basket_min_members_and_holes() -> None:
    """A member with a missing day sits out both returns that touch the hole; too few members: no basket return."""
    idx = pd.date_range("2021-01-01", periods=5, name="date")
    prices = pd.DataFrame({"a": [100, 110, 121, 133.1, 146.41], "b": [100, 100, np.nan, 100, 200],
                           "c": [50, 50, 50, 50, 50]}, index=idx, dtype=float)
    b = bk.equal_weight_basket(prices, min_members=3)
    assert b.members.tolist() == [0, 3, 2, 2, 3]
    assert np.isnan(b.returns.iloc[2]) and np.isnan(b.returns.iloc[3])
    assert b.returns.iloc[4] == pytest.approx((0.1 + 1.0 + 0.0) / 3)
    assert b.level.iloc[0] == 100.0 and b.level.iloc[1] == pytest.approx(100 * (1 + 0.1 / 3))
    assert b.level.iloc[2:4].isna().all()
    b2 = bk.equal_weight_basket(prices, min_members=2)
    assert_allclose(b2.returns.to_numpy()[1:], [0.1 / 3, 0.05, 0.05, 1.1 / 3], atol=1e-12)


def test_basket_without_enough_members_raises() -> None:
    prices = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2021-01-01", periods=2))
    with pytest.raises(ValueError, match="min_members"):
        bk.equal_weight_basket(prices, min_members=2)


def test_data_break_drops_earlier_data_and_seasoning_delays_entry() -> None:
    """A x26 one-day jump (BNB 2017-10-29 in the mirror) is a data error: data before it are dropped."""
    s = _daily([0.05, 0.049, 0.046, 1.2, 1.25, 1.3, 1.28, 1.3], start="2017-10-26", name="bnb")
    assert list(bk.data_breaks(s)) == [pd.Timestamp("2017-10-29")]
    assert len(bk.data_breaks(_daily([1.0, 4.4, 4.0]))) == 0  # DOGE-like x4.4 stays
    px = bk.prepare_prices({"bnb": s, "ref": _daily(np.ones(8), start="2017-10-26")}, seasoning_days=2)
    assert px["bnb"].first_valid_index() == pd.Timestamp("2017-10-31")
    assert px["ref"].first_valid_index() == pd.Timestamp("2017-10-28")
    with pytest.raises(ValueError, match="max_jump"):
        bk.data_breaks(s, max_jump=1.0)


def test_relative_strength_is_log_ratio() -> None:
    a, b = _daily([1.0, 2.0, 4.0], name="a"), _daily([1.0, 1.0, 2.0], name="b")
    assert_allclose(bk.relative_strength(a, b).to_numpy(), [0.0, math.log(2), math.log(2)])


def test_trim_after_last_blanks_stale_values() -> None:
    weekly = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]},
                          index=pd.to_datetime(["2021-01-07", "2021-01-14", "2021-01-21"]))
    daily_a = _daily(np.ones(10), start="2021-01-01")  # stops on 2021-01-10
    out = bk.trim_after_last(weekly, {"a": daily_a})
    assert out["a"].isna().tolist() == [False, True, True] and out["b"].notna().all()


def test_breadth_by_hand() -> None:
    n = 12
    bench = _daily(np.exp(0.01 * np.arange(n)))
    tokens = pd.DataFrame({"up2": np.exp(0.02 * np.arange(n)), "up3": np.exp(0.03 * np.arange(n)),
                           "flat": np.ones(n), "down": np.exp(-0.01 * np.arange(n))}, index=bench.index)
    br = bk.breadth(tokens, bench, window=5, min_members=4)
    assert br.iloc[:5].isna().all()
    assert_allclose(br.iloc[5:].to_numpy(), 0.5)
    tokens.loc[tokens.index[8]:, "down"] = np.nan
    assert br.iloc[7] == 0.5 and bk.breadth(tokens, bench, 5, 4).iloc[9:].isna().all()
