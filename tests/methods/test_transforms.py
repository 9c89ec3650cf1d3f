"""Unit tests of helpers.methods.transforms on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import transforms as tf


def _weekly(values: np.ndarray, start: str = "2015-01-01", weekday: str = "THU") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=f"W-{weekday}"))


def _daily(start: str, end: str) -> pd.Series:
    idx = pd.date_range(start, end, freq="D")
    return pd.Series(np.arange(len(idx), dtype=float), index=idx)


def _wednesday_levels(n: int = 60) -> pd.Series:
    wed = pd.date_range("2015-01-07", periods=n, freq="W-WED")
    return pd.Series(np.arange(n, dtype=float) + 100.0, index=wed)


def test_log_returns_known_values() -> None:
    s = pd.Series(np.exp([0.0, 1.0, 3.0, 2.5]))
    assert_allclose(tf.log_returns(s).to_numpy()[1:], [1.0, 2.0, -0.5], atol=1e-12)
    assert_allclose(tf.log_returns(s, periods=2).to_numpy()[2:], [3.0, 1.5], atol=1e-12)


def test_log_returns_refuses_non_positive_values() -> None:
    """A yield that touches zero must go through differences(), not logs."""
    with pytest.raises(ValueError, match="differences"):
        tf.log_returns(pd.Series([1.0, 0.0, 2.0]))


def test_differences_of_a_yield() -> None:
    assert_allclose(tf.differences(pd.Series([1.5, 1.25, 2.0])).to_numpy()[1:], [-0.25, 0.75])


def test_month_end_calendar_day_picks_the_last_day_and_leaves_gaps() -> None:
    s = _daily("2014-12-15", "2016-03-30")  # stops one day before 31 March
    out = tf.month_end_values(s, "calendar_day")
    assert out[pd.Period("2014-12", "M")] == s[pd.Timestamp("2014-12-31")]
    assert out[pd.Period("2016-02", "M")] == s[pd.Timestamp("2016-02-29")]  # leap year
    assert math.isnan(out[pd.Period("2016-03", "M")])  # 31 March is missing: no substitute


def test_month_end_last_obs_takes_last_weekly_observation() -> None:
    wed = pd.date_range("2015-01-07", "2015-03-25", freq="W-WED")
    s = pd.Series(np.arange(len(wed), dtype=float), index=wed).drop(pd.Timestamp("2015-02-25"))
    out = tf.month_end_values(s, "last_obs")
    assert out[pd.Period("2015-01", "M")] == s[pd.Timestamp("2015-01-28")]
    assert out[pd.Period("2015-02", "M")] == s[pd.Timestamp("2015-02-18")]  # last one present in February
    assert out[pd.Period("2015-03", "M")] == s[pd.Timestamp("2015-03-25")]


@pytest.mark.parametrize(("month", "last_wednesday"), [("2015-01", "2015-01-28"), ("2015-09", "2015-09-30"),
                                                        ("2024-02", "2024-02-28"), ("2025-11", "2025-11-26")])
def test_month_end_last_weekday_is_the_last_wednesday(month: str, last_wednesday: str) -> None:
    s = _daily("2014-12-01", "2025-12-31")
    out = tf.month_end_values(s, "last_weekday", weekday="WED")
    assert out[pd.Period(month, "M")] == s[pd.Timestamp(last_wednesday)]


def test_month_end_last_weekday_missing_wednesday_is_nan() -> None:
    wed = pd.date_range("2015-01-07", "2015-02-25", freq="W-WED")
    s = pd.Series(1.0, index=wed).drop(pd.Timestamp("2015-01-28"))
    assert math.isnan(tf.month_end_values(s, "last_weekday")[pd.Period("2015-01", "M")])


def test_month_end_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError, match="calendar_day"):
        tf.month_end_values(_daily("2015-01-01", "2015-02-01"), "first")  # type: ignore[arg-type]


def test_monthly_frame_spans_the_months_asked_for() -> None:
    """The 2015-01 change needs the 2014-12 level: the frame must start in 2014-12."""
    daily = _daily("2014-11-01", "2016-01-15")
    frame = tf.monthly_frame({"a": (daily, "calendar_day"), "b": (daily, "last_obs")}, "2014-12", "2015-12")
    assert list(frame.index[[0, -1]].astype(str)) == ["2014-12", "2015-12"]
    assert len(frame) == 13
    assert frame.loc[pd.Period("2014-12", "M"), "a"] == daily[pd.Timestamp("2014-12-31")]


def test_available_asof_never_uses_a_wednesday_value_before_thursday() -> None:
    """With lag 1 a Wednesday level is usable from Thursday; on Wednesday itself the previous week's is used."""
    levels = _wednesday_levels()
    days = pd.date_range("2015-01-08", "2015-12-31", freq="D")
    used = tf.available_asof(levels, days, lag_days=1).dropna()
    age = (used.index.to_series() - used["observed"]).dt.days
    assert (age >= 1).all()
    wednesdays = used.index.day_of_week == 2
    assert (age[wednesdays] == 7).all()  # on a Wednesday the newest public value is a week old
    thursdays = used.index.day_of_week == 3
    assert (age[thursdays] == 1).all()  # on Thursday, yesterday's level


def test_available_asof_lag_zero_is_the_naive_same_day_alignment() -> None:
    """The check above can fail: without the lag, Wednesday uses Wednesday's own value."""
    levels = _wednesday_levels()
    wed = pd.date_range("2015-02-04", periods=10, freq="W-WED")
    used = tf.available_asof(levels, wed, lag_days=0)
    assert (used["observed"] == used.index).all()


def test_available_asof_leaves_stale_values_out() -> None:
    levels = _wednesday_levels(10).drop(pd.date_range("2015-01-28", "2015-02-25", freq="W-WED"))
    used = tf.available_asof(levels, pd.DatetimeIndex(["2015-02-26"]), lag_days=1, tolerance_days=10)
    assert used["value"].isna().all()


@pytest.mark.parametrize(("weekday", "expected_age"), [("THU", 1), ("FRI", 2), ("WED", 7)])
def test_weekly_frame_respects_the_release_day(weekday: str, expected_age: int) -> None:
    levels = _wednesday_levels()
    price = _daily("2014-12-01", "2016-03-01") + 1.0
    frame = tf.weekly_frame({"p": price}, {"l": levels}, "2015-01-15", "2015-12-31", weekday=weekday, lag_days=1)
    expected_obs = frame.index - pd.Timedelta(days=expected_age)
    assert_allclose(frame["l"].to_numpy(), levels.reindex(expected_obs).to_numpy())
    assert_allclose(frame["p"].to_numpy(), price.reindex(frame.index).to_numpy())


def test_forward_log_return_of_steady_growth() -> None:
    price = _weekly(np.exp(0.01 * np.arange(60)))
    fwd = tf.forward_log_return(price, 13)
    assert_allclose(fwd.dropna().to_numpy(), 0.13, atol=1e-12)
    assert fwd.iloc[-13:].isna().all()


def test_changes_between_adds_up_and_uses_values_as_of_each_boundary() -> None:
    weds = pd.date_range("2022-01-05", periods=10, freq="W-WED")
    a = np.arange(10.0) * 10  # +10 a week
    b = np.r_[np.zeros(5), np.ones(5) * 7]  # a step of 7 between the 5th and 6th Wednesday
    frame = pd.DataFrame({"a": a, "b": b, "net": a - b}, index=weds)
    out = tf.changes_between_dates(frame, {"start": weds[0], "mid": weds[4] + pd.Timedelta(days=3),
                                        "end": weds[9] + pd.Timedelta(days=1)})
    assert list(out.index) == ["start -> mid", "mid -> end"]
    assert out.loc["start -> mid", "to"] == weds[4]  # the last Wednesday on or before the boundary
    assert_allclose(out.loc["start -> mid", ["a", "b", "net"]].astype(float).to_numpy(), [40.0, 0.0, 40.0])
    assert_allclose(out.loc["mid -> end", ["a", "b", "net"]].astype(float).to_numpy(), [50.0, 7.0, 43.0])
    assert_allclose(out[["a", "b", "net"]].sum().to_numpy(), (frame.iloc[-1] - frame.iloc[0]).to_numpy())


def test_changes_between_refuses_unordered_or_uncovered_boundaries() -> None:
    frame = pd.DataFrame({"a": np.arange(5.0)}, index=pd.date_range("2022-01-05", periods=5, freq="W-WED"))
    with pytest.raises(ValueError, match="time order"):
        tf.changes_between_dates(frame, {"x": "2022-01-20", "y": "2022-01-10"})
    with pytest.raises(ValueError, match="within"):
        tf.changes_between_dates(frame, {"x": "2021-12-01", "y": "2022-01-20"})
