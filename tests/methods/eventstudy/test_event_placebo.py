"""Random-date and spacing-kept placebo tests, and the placebo inverted into an effect interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from event_series import DAYS, EVENT
from numpy.testing import assert_allclose

from helpers.methods import eventstudy
from helpers.methods import placebo as ev

# ---------------------------------------------------------------- placebo


def test_placebo_on_a_trend_reproduces_the_unconditional_mean(trend: pd.Series) -> None:
    """Every h-day return equals 0.01 h, so every placebo mean and the event mean equal it exactly."""
    res = ev.placebo_test(trend, ["2019-03-01", "2020-01-01", "2021-06-01"], 180, draws=500, seed=0)
    assert_allclose(res.draws, 1.8, atol=1e-9)
    assert_allclose([res.event_mean, res.placebo_mean, res.placebo_lower, res.placebo_upper], 1.8, atol=1e-9)
    assert res.n_events == 3
    assert res.p_value == 1.0  # every random draw is at least as high


def test_placebo_on_a_random_walk_centres_on_the_unconditional_mean(walk: pd.Series) -> None:
    u = eventstudy.unconditional_changes(walk, 90)
    draws, n = 20000, 3
    res = ev.placebo_test(walk, ["2019-01-01", "2020-01-01", "2021-01-01"], 90, draws=draws, seed=11)
    se = u.std() / np.sqrt(draws * n)
    assert_allclose(res.placebo_mean, u.mean(), atol=5 * se)
    assert res.n_candidates == u.size


def test_placebo_ranks_an_extreme_event_first(jump: pd.Series) -> None:
    """Only windows that contain the jump have a positive return; the event's does, most random ones not."""
    res = ev.placebo_test(jump, [EVENT], 30, draws=2000, seed=0)
    assert_allclose(res.event_mean, np.log(2.0))
    assert res.p_value < 0.05
    assert res.percentile == 100.0


def test_placebo_drops_events_beyond_the_data(trend: pd.Series) -> None:
    res = ev.placebo_test(trend, ["2020-01-01", "2022-12-01"], 90, draws=100)
    assert res.n_events == 1
    with pytest.raises(ValueError, match="reaches"):
        ev.placebo_test(trend, ["2022-12-01"], 90, draws=100)


# ---------------------------------------------------------------- placebo variants and robustness


def test_spaced_placebo_on_a_trend_is_exact(trend: pd.Series) -> None:
    """On a trend every shift gives the same mean, so the events sit exactly at the placebo mean (p = 1)."""
    res = ev.spaced_placebo_test(trend, ["2019-01-01", "2019-06-01", "2020-01-01"], 90)
    assert res.n_events == 3 and res.event_mean == pytest.approx(0.9)
    assert_allclose(res.draws, 0.9)
    assert res.p_value == 1.0
    # every shift that keeps the last event's window inside the data: (days - 90) - span
    assert res.draws.size == DAYS.size - 90 - (pd.Timestamp("2020-01-01") - pd.Timestamp("2019-01-01")).days


def test_spaced_placebo_keeps_clustered_events_together() -> None:
    """A series that jumps once: two events a day apart either both see the jump or both miss it."""
    days = pd.date_range("2018-01-01", periods=1000, freq="D")
    x = pd.Series(np.where(np.arange(1000) >= 500, 200.0, 100.0), index=days)
    events = [days[480], days[481]]  # both windows of 30 days hold the jump
    spaced = ev.spaced_placebo_test(x, events, 30)
    assert spaced.event_mean == pytest.approx(np.log(2))
    # a shifted pair sees the jump in both windows or in neither, except one shift with one window each side
    assert set(np.round(spaced.draws, 6)) <= {0.0, round(np.log(2) / 2, 6), round(np.log(2), 6)}
    assert np.mean(np.isclose(spaced.draws, np.log(2) / 2)) < 0.01
    indep = ev.placebo_test(x, events, 30, draws=4000, seed=1)
    assert np.mean(np.isclose(indep.draws, np.log(2) / 2)) > 0.02  # independent days split pairs far more often


def test_effect_interval_inverts_the_placebo() -> None:
    draws = np.linspace(-1.0, 1.0, 2001)
    res = ev.PlaceboResult(30, 3, 0.5, 0.0, -0.95, 0.95, 0.3, 60.0, 100, draws)
    effect, lo, hi = ev.effect_interval(res, 0.9)
    assert effect == pytest.approx(0.5)
    assert lo == pytest.approx(0.5 - 0.9) and hi == pytest.approx(0.5 + 0.9)
    skewed = ev.PlaceboResult(30, 3, 0.5, 0.0, 0.0, 0.0, 0.3, 60.0, 100, np.r_[np.zeros(900), np.ones(100)])
    _, lo2, hi2 = ev.effect_interval(skewed, 0.5)  # quartiles of the placebo means are 0 and 0
    assert lo2 == pytest.approx(0.5 - 0.0) and hi2 == pytest.approx(0.5)
    with pytest.raises(ValueError, match="coverage"):
        ev.effect_interval(res, 1.0)


# ---------------------------------------------------------------- exact p-values and intervals


def _squares(n: int = 100, c: float = 0.001) -> pd.Series:
    """ln P = c t^2: the 1-day log change of day t is c (2t + 1), distinct and increasing in t."""
    t = np.arange(n, dtype=float)
    return pd.Series(np.exp(c * t**2), index=pd.date_range("2020-01-01", periods=n, freq="D"))


def test_spaced_placebo_p_value_counts_the_observed_arrangement() -> None:
    """One event on day 89 of 99 increasing 1-day changes: 10 shifts are at least as high, p = (1 + 10) / (99 + 1)."""
    x = _squares()
    res = ev.spaced_placebo_test(x, [x.index[89]], 1)
    assert res.draws.size == 99 and res.n_candidates == 99
    assert res.p_value == pytest.approx(11 / 100, abs=1e-15)  # not 10 / 99 (no +1) nor 10 / 100 (strict >)
    assert res.percentile == pytest.approx(100 * 90 / 99)  # days 0..89 at or below the event's change


def test_spaced_placebo_p_value_is_one_sided() -> None:
    """ln P = c (t - 50)^2: 1-day changes c (2t - 99) run from -99c to +97c. An event on day 60 (+21c) is beaten or
    matched by the 39 shifts from day 60 on: p = 40 / 100; a two-sided count would add the 40 below -21c."""
    t = np.arange(100, dtype=float)
    x = pd.Series(np.exp(0.001 * (t - 50) ** 2), index=pd.date_range("2020-01-01", periods=100, freq="D"))
    res = ev.spaced_placebo_test(x, [x.index[60]], 1)
    assert res.event_mean == pytest.approx(0.021)
    assert res.p_value == pytest.approx(40 / 100, abs=1e-15)


def test_placebo_interval_honours_level(walk: pd.Series) -> None:
    """The same draws give the 10th-90th percentiles at level 0.8 and the 2.5th-97.5th at 0.95."""
    events = ["2019-03-01", "2020-01-01", "2021-06-01"]
    wide = ev.placebo_test(walk, events, 90, draws=2000, seed=5)
    narrow = ev.placebo_test(walk, events, 90, draws=2000, seed=5, level=0.8)
    assert_allclose(narrow.draws, wide.draws)
    assert (narrow.placebo_lower, narrow.placebo_upper) == pytest.approx(tuple(np.quantile(wide.draws, [0.1, 0.9])))
    assert (wide.placebo_lower, wide.placebo_upper) == pytest.approx(tuple(np.quantile(wide.draws, [0.025, 0.975])))
    assert wide.placebo_lower < narrow.placebo_lower < narrow.placebo_upper < wide.placebo_upper
    assert narrow.level == 0.8 and wide.level == 0.95
    spaced = ev.spaced_placebo_test(walk, events, 90, level=0.5)
    assert (spaced.placebo_lower, spaced.placebo_upper) == pytest.approx(tuple(np.quantile(spaced.draws, [0.25, 0.75])))
