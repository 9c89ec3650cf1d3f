"""Return gap and drawdowns in tightening cycles on constructed regimes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.methods import cycles as ev

# ---------------------------------------------------------------- tightening cycles


def test_cycle_return_gap_on_two_regimes() -> None:
    """Log price rises 0.001 a day outside the cycle and falls 0.001 a day inside: gap -0.002 x 365."""
    days = pd.date_range("2018-01-01", periods=1500, freq="D")
    inside = (days >= "2019-01-01") & (days <= "2019-12-31")
    lv = np.cumsum(np.where(inside, -0.001, 0.001))
    gap = ev.cycle_return_gap(pd.Series(np.exp(lv), index=days), [("2019-01-01", "2019-12-31")], reps=50, block=30)
    assert gap.diff == pytest.approx(-0.002 * 365, rel=1e-6)
    assert gap.mean_in == pytest.approx(-0.365, rel=1e-6) and gap.cycles == 1
    assert gap.days_in == 365 and gap.days_out == 1500 - 1 - 365  # the first day has no return
    assert gap.lo <= gap.diff <= gap.hi
    assert gap.as_series()["diff"] == gap.diff


def test_window_drawdowns_and_cycle_placebo() -> None:
    days = pd.date_range("2018-01-01", periods=400, freq="D")
    x = pd.Series(np.r_[np.full(200, 100.0), np.full(200, 40.0)], index=days)  # one 60% fall on day 200
    dd = ev.window_drawdowns(x, 10)
    assert dd.max() == pytest.approx(0.6) and dd.min() == 0.0 and len(dd) == 391
    assert (dd > 0).sum() == 9  # windows that contain days 199 and 200
    falls = ev.cycle_drawdown_placebo(x, [(days[195], days[204])], draws=500, seed=0)
    row = falls.table.iloc[0]
    assert row["mdd"] == pytest.approx(0.6) and row["days"] == 10
    assert row["random_mean"] == pytest.approx(0.6 * 9 / 391)
    assert falls.effect == pytest.approx(0.6 - 0.6 * 9 / 391) and falls.n == 1
    assert falls.lo <= falls.effect <= falls.hi
    with pytest.raises(ValueError, match="at least 2"):
        ev.window_drawdowns(x, 1)




def test_cycle_placebo_interval_and_p_value_are_exact_on_a_two_valued_pool() -> None:
    """Windows of 10 days: 9 of 391 hold the 60% fall, so a placebo draw is ``0.6 - base`` (share 9/391 = 2.3%)
    or ``-base``. At level 0.99 the tails (0.5%) reach both values: the interval is [0, 0.6]; at 0.95 or 0.5
    the upper tail (2.5%, 25%) sees only ``-base``: the interval shrinks to the point 0.6."""
    days = pd.date_range("2018-01-01", periods=400, freq="D")
    x = pd.Series(np.r_[np.full(200, 100.0), np.full(200, 40.0)], index=days)
    cycle = [(days[195], days[204])]
    wide = ev.cycle_drawdown_placebo(x, cycle, draws=20000, seed=1, level=0.99)
    base = 0.6 * 9 / 391  # mean drawdown of the same-length windows
    assert wide.effect == pytest.approx(0.6 - base) and wide.level == 0.99
    assert (wide.lo, wide.hi) == pytest.approx((0.0, 0.6))
    for level in (0.95, 0.5):
        narrow = ev.cycle_drawdown_placebo(x, cycle, draws=20000, seed=1, level=level)
        assert (narrow.lo, narrow.hi) == pytest.approx((0.6, 0.6))
    hits = round(wide.p_value * 20001) - 1  # (1 + draws at least as deep as the cycle) / (draws + 1)
    assert wide.p_value == pytest.approx((1 + hits) / 20001, abs=1e-15)
    assert hits / 20000 == pytest.approx(9 / 391, abs=0.005)  # the draws whose window holds the fall
