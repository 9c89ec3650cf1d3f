"""Best change over a span of event days, rally definitions, base rates and the chance that all events rally."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from event_series import EVENT, rally_path
from numpy.testing import assert_allclose

from helpers.methods import rallies as ev

# ---------------------------------------------------------------- strong rally


@pytest.mark.parametrize(
    ("peak_day", "peak", "spike", "expected"),
    [
        (300, 250.0, None, np.log(2.5)),  # peak inside the span
        (300, 250.0, 1000.0, np.log(2.5)),  # a spike before day 180 does not count
        (100, 180.0, None, None),  # peak before the span: best is on day 180
    ],
)
def test_best_change_between_day_180_and_540(peak_day: int, peak: float, spike: float | None,
                                             expected: float | None) -> None:
    prices = rally_path(peak_day, peak, spike)
    got = ev.best_change(prices, EVENT, (180, 540))
    if expected is None:  # linear fall from 180 (day 100) to 120 (day 600): value on day 180
        expected = float(np.log(np.interp(180, [100, 600], [180.0, 120.0]) / 100.0))
    assert_allclose(got, expected, atol=1e-12)


def test_strong_rally_definitions_on_a_constructed_path() -> None:
    best = pd.Series({"a": ev.best_change(rally_path(300, 250.0), EVENT),  # +150%
                      "b": ev.best_change(rally_path(300, 170.0), EVENT),  # +70%
                      "c": ev.best_change(rally_path(300, 130.0), EVENT)})  # +30%
    defs = ev.rally_definitions(unconditional_median=np.log(1.6), absolute=(0.5, 1.0, 2.0))
    assert [d.name for d in defs] == ["above_median", "plus_50pct", "plus_100pct", "plus_200pct"]
    assert_allclose([d.threshold for d in defs[1:]], np.log([1.5, 2.0, 3.0]))
    hits = ev.classify_rallies(best, defs)
    assert hits.loc["a"].tolist() == [True, True, True, False]
    assert hits.loc["b"].tolist() == [True, True, False, False]
    assert hits.loc["c"].tolist() == [False, False, False, False]


def test_incomplete_span_is_na_unless_partial_is_asked() -> None:
    prices = rally_path(300, 250.0).loc[: EVENT + pd.Timedelta(days=400)]
    assert np.isnan(ev.best_change(prices, EVENT))
    assert_allclose(ev.best_change(prices, EVENT, require_full=False), np.log(2.5))
    hits = ev.classify_rallies(pd.Series({"x": float("nan")}), ev.rally_definitions(0.5))
    assert hits.isna().all().all()


def test_unconditional_best_matches_brute_force(walk: pd.Series) -> None:
    span = (20, 50)
    fast = ev.unconditional_best(walk, span)
    x = np.log(walk.to_numpy())
    brute = np.array([x[t + 20:t + 51].max() - x[t] for t in range(x.size - 50)])
    assert_allclose(fast.to_numpy(), brute, atol=1e-12)
    assert_allclose(ev.best_change(walk, fast.index[100], span), fast.iloc[100], atol=1e-12)


def test_base_rates_and_chance_all(trend: pd.Series) -> None:
    u = ev.unconditional_best(trend, (10, 20))  # every value 0.2
    rates = ev.base_rates(u, [ev.RallyDefinition("low", 0.1, ""), ev.RallyDefinition("high", 0.3, "")], reps=50)
    assert rates.loc["low", ["base_rate", "lower", "upper"]].tolist() == [1.0, 1.0, 1.0]
    assert rates.loc["high", "base_rate"] == 0.0
    assert ev.chance_all(0.5, 3) == 0.125
    with pytest.raises(ValueError):
        ev.chance_all(1.5, 3)


def test_base_rates_interval_honours_level(walk: pd.Series) -> None:
    """The same bootstrap draws at level 0.5 give an interval inside the one at 0.95, around the same share."""
    u = ev.unconditional_best(walk, (20, 50))
    defs = [ev.RallyDefinition("half", float(u.median()), "")]
    wide = ev.base_rates(u, defs, block=50, reps=400, seed=2)
    narrow = ev.base_rates(u, defs, block=50, reps=400, seed=2, level=0.5)
    assert wide.at["half", "base_rate"] == narrow.at["half", "base_rate"] == pytest.approx(0.5, abs=0.01)
    assert wide.at["half", "lower"] < narrow.at["half", "lower"] < narrow.at["half", "upper"] < wide.at["half", "upper"]


# ---------------------------------------------------------------- chance that all events rally


def test_chance_all_spaced_against_independent_days() -> None:
    """An indicator on in one long block: events a day apart are both on whenever one is."""
    u = pd.Series(np.r_[np.ones(300), np.zeros(700)], index=pd.date_range("2018-01-01", periods=1000, freq="D"))
    assert ev.chance_all_spaced(u, 0.5, ["2020-01-01", "2020-01-02"]) == pytest.approx(299 / 999)
    assert ev.chance_all(0.3, 2) == pytest.approx(0.09)
    with pytest.raises(ValueError, match="longer than"):
        ev.chance_all_spaced(u, 0.5, ["2010-01-01", "2015-01-01"])
