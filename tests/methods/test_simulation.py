"""Simulated and historical paths of helpers.methods.simulation on paths built by hand, whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import simulation as sim


def _series(values: np.ndarray | list[float], start: str = "2020-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="D"))


def test_start_windows_are_prices_relative_to_each_start() -> None:
    s = _series([1.0, 2.0, 4.0, 8.0, 16.0])
    paths, starts = sim.start_windows(s, 2, start="2020-01-02")
    assert_allclose(paths, [[1, 2, 4], [1, 2, 4]])
    assert list(starts.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-01-03"]
    with pytest.raises(ValueError, match="no start day"):
        sim.start_windows(s, 5)


@pytest.mark.parametrize("c", [0.0, 0.002, -0.01])
def test_zero_variance_bootstrap_reproduces_the_deterministic_path(c: float) -> None:
    """Constant daily log returns c: every resample is the same, so each path is exp(c k)."""
    paths = sim.bootstrap_paths(np.full(400, c), n_paths=25, horizon=365, block=30, seed=1)
    assert paths.shape == (25, 366)
    assert_allclose(paths, np.tile(np.exp(c * np.arange(366)), (25, 1)), rtol=1e-12)


def test_bootstrap_is_seeded_and_demean_removes_the_drift() -> None:
    r = np.random.default_rng(3).normal(0.01, 0.02, 500)
    a = sim.bootstrap_paths(r, 50, 100, 10, seed=5)
    assert_allclose(a, sim.bootstrap_paths(r, 50, 100, 10, seed=5))
    assert not np.allclose(a, sim.bootstrap_paths(r, 50, 100, 10, seed=6))
    flat = sim.bootstrap_paths(np.full(200, 0.01), 10, 50, 5, seed=0, demean=True)
    assert_allclose(flat, 1.0)
    with pytest.raises(ValueError, match="exceeds"):
        sim.bootstrap_paths(r, 5, 501, 10, seed=0)


def test_touch_probability_of_a_level_already_exceeded_is_one() -> None:
    paths = 100 * sim.bootstrap_paths(np.random.default_rng(0).normal(0, 0.05, 300), 200, 60, 10, seed=2)
    assert_allclose(sim.touch_probability(paths, 95.0, [0, 30, 60]).to_numpy(), 1.0)


def test_touch_probability_known_shares() -> None:
    paths = np.array([[1.0, 2.0, 1.0], [1.0, 0.5, 1.6], [1.0, 1.0, 1.0], [1.0, 1.2, 1.4]])
    out = sim.touch_probability(paths, 1.5, [1, 2])
    assert_allclose(out.to_numpy(), [0.25, 0.5])
    with pytest.raises(ValueError, match="exceed"):
        sim.touch_probability(paths, 1.5, [3])


def test_fan_quantiles_of_identical_paths_are_the_path() -> None:
    path = np.exp(0.01 * np.arange(11))
    q = sim.fan_quantiles(np.tile(path, (7, 1)))
    for col in q.columns:
        assert_allclose(q[col].to_numpy(), path)


def test_sample_and_window_returns_respect_the_dates() -> None:
    s = _series(np.exp(np.arange(10.0)))  # log return 1 every day
    r = sim.sample_log_returns(s, "2020-01-03", "2020-01-05")
    assert_allclose(r, [1.0, 1.0, 1.0])  # returns ending on Jan 3, 4, 5
    w = sim.window_log_returns(s, ["2020-01-02", "2020-01-03"], 2, end="2020-01-04")
    assert w.size == 2  # Jan 3 and 4 (the windows overlap; Jan 5 is after the end)


def test_scenario_paths_names_the_samples_and_start_at_the_close() -> None:
    s = _series(np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.02, 400))))
    out = sim.scenario_paths(s, "2020-12-01", 20, 30, 5, 1, ["2020-03-01", None], "2020-06-01", ["2020-02-01"], 60)
    assert list(out) == ["since 2020", "whole history", "since 2020, zero drift", "after earlier easing turns"]
    for paths in out.values():
        assert paths.shape == (20, 31)
        assert_allclose(paths[:, 0], s.loc["2020-12-01"])


def test_min_touch_probability_is_the_smallest_over_samples() -> None:
    up = np.tile([1.0, 1.1, 1.2], (4, 1))
    flat = np.vstack([up[:1], np.ones((3, 3))])  # one path of four reaches 1.1
    touch = sim.touch_table({"a": up, "b": flat}, [1.1], [2])
    assert_allclose(sim.min_touch_probability(touch, 1.1, 2), 0.25)
    assert_allclose(touch[("median close", 2)].to_numpy(), [1.2, 1.0])


def test_level_probabilities_up_and_down() -> None:
    """Four paths from 100: highs 120, 110, 100, 100 and lows 100, 100, 90, 70 over two days."""
    paths = np.array([[100.0, 120.0, 110.0], [100.0, 105.0, 110.0], [100.0, 90.0, 95.0], [100.0, 80.0, 70.0]])
    out = sim.level_probabilities(paths, [70.0, 90.0, 110.0, 120.0], 2)
    assert list(out["side"]) == ["down", "down", "up", "up"]
    assert_allclose(out["probability"].to_numpy(), [0.25, 0.5, 0.5, 0.25])
    assert_allclose(sim.level_probabilities(paths, [110.0], 1)["probability"], [0.25])  # only path 1 by day 1
    with pytest.raises(ValueError, match="exceeds"):
        sim.level_probabilities(paths, [110.0], 3)


def test_realised_after_and_days_in_range() -> None:
    s = _series([86.0, 91.0, 95.0, 97.0, 80.0, 60.0, 70.0])
    real = sim.realised_after(s, "2020-01-01", [90.0, 100.0])
    assert real.close_at_date == 86.0 and real.max == 97.0 and real.min == 60.0
    assert real.max_date == pd.Timestamp("2020-01-04") and real.min_date == pd.Timestamp("2020-01-06")
    assert real.first_touch[90] == pd.Timestamp("2020-01-02") and real.first_touch[100] is None
    assert real.touched(90) and not real.touched(100.0)
    assert real.days_at_or_above == {90.0: 3, 100.0: 0}
    assert real.n_days == 6 and real.last_date == pd.Timestamp("2020-01-07")
    assert sim.realised_after(s, "2020-01-01", [90.0], end="2020-01-03").max == 95.0
    assert sim.days_in_range(s, "2020-01-01", 90.0, 100.0) == 3
    with pytest.raises(ValueError, match="no close after"):
        sim.realised_after(s, "2020-01-07", [90.0])


def test_realised_percentiles() -> None:
    paths = np.array([[1.0, 1.0 + k / 10, 1.0] for k in range(10)])  # maxima 1.0 .. 1.9
    pct = sim.realised_percentiles(paths, _series([1.0, 1.45, 1.0]))
    assert_allclose(pct.max, 50.0)
    assert_allclose(pct.last, 100.0)
    assert_allclose(pct.min, 100.0)  # every simulated minimum (1.0) is at or below the realised one (1.0)
    assert pct.days == 2
    assert pct.to_series()["max"] == pct.max
