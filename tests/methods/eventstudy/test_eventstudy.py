"""Event paths, horizon changes, the unconditional distribution and bootstrap baselines on series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from event_series import DAYS, EVENT
from numpy.testing import assert_allclose

from helpers.methods import eventstudy as ev
from helpers.methods.inference import bootstrap_draws

# ---------------------------------------------------------------- returns at horizons and paths


@pytest.mark.parametrize("h", [30, 90, 180, 365, 540])
def test_known_jump_gives_exactly_that_return_at_each_horizon(jump: pd.Series, h: int) -> None:
    """Every horizon past the jump sees ln(200/100) exactly; a wrong alignment would give 0."""
    assert_allclose(ev.change_after(jump, EVENT, h), np.log(2.0), rtol=0, atol=1e-15)
    assert_allclose(ev.horizon_changes(jump, [EVENT], [h]).iloc[0, 0], np.log(2.0), atol=1e-15)


@pytest.mark.parametrize(("h", "expected"), [(9, 0.0), (10, np.log(2.0)), (-30, 0.0)])
def test_jump_lands_on_the_right_day(jump: pd.Series, h: int, expected: float) -> None:
    """Off-by-one check: the close on day 9 is still 100, the close on day 10 is 200."""
    assert_allclose(ev.change_after(jump, EVENT, h), expected, atol=1e-15)


def test_event_path_alignment(trend: pd.Series) -> None:
    """On a 0.01-a-day trend the path at event day k is exactly 0.01 k, before and after the event."""
    paths = ev.event_paths(trend, {"e": EVENT, "f": "2021-03-05"}, (-90, 540))
    assert list(paths.index[[0, -1]]) == [-90, 540]
    assert paths.index.name == "day"
    expected = 0.01 * paths.index.to_numpy()
    assert_allclose(paths["e"].to_numpy(), expected, atol=1e-9)
    assert_allclose(paths["f"].to_numpy(), expected, atol=1e-9)
    assert paths.loc[0].eq(0).all()


def test_path_is_nan_where_data_do_not_reach(trend: pd.Series) -> None:
    late = pd.Timestamp("2022-10-01")  # 91 days before the end of the data
    path = ev.event_paths(trend, [late], (-10, 120)).iloc[:, 0]
    assert path.loc[:91].notna().all()
    assert path.loc[92:].isna().all()
    assert np.isnan(ev.change_after(trend, late, 365))
    assert np.isnan(ev.change_after(trend, "2017-06-01", 30))  # event before the data


def test_business_days_use_last_close_on_or_before() -> None:
    """A Sunday event starts from Friday's close; a Saturday horizon lands on Friday's close."""
    bdays = pd.bdate_range("2020-03-02", "2020-03-31")
    prices = pd.Series(np.arange(1.0, bdays.size + 1.0), index=bdays)
    sunday = pd.Timestamp("2020-03-15")
    friday, monday = prices.at[pd.Timestamp("2020-03-13")], prices.at[pd.Timestamp("2020-03-16")]
    assert_allclose(ev.change_after(prices, sunday, -1), 0.0)  # Saturday carries Friday's close too
    assert_allclose(ev.change_after(prices, sunday, 1), np.log(monday / friday))
    cal = ev.calendar_daily(prices)
    assert cal.at[pd.Timestamp("2020-03-14")] == friday
    assert cal.index.freqstr == "D"


def test_business_day_horizon_on_a_weekend() -> None:
    bdays = pd.bdate_range("2020-03-02", "2020-03-31")
    prices = pd.Series(np.arange(1.0, bdays.size + 1.0), index=bdays)
    wednesday = pd.Timestamp("2020-03-04")
    # 10 days after Wednesday 4 March is Saturday 14 March: Friday 13 March's close
    assert_allclose(ev.change_after(prices, wednesday, 10), np.log(prices.at[pd.Timestamp("2020-03-13")] / 3.0))


def test_runup_is_the_change_from_day_minus_h_to_the_event(jump: pd.Series) -> None:
    later = EVENT + pd.Timedelta(days=40)
    assert_allclose(ev.runups(jump, [later], 90).iloc[0], np.log(2.0))
    assert_allclose(ev.runups(jump, [later], 20).iloc[0], 0.0)


def test_diff_transform_for_yields() -> None:
    y = pd.Series([2.0, 2.5, 1.25], index=pd.date_range("2020-01-01", periods=3))
    assert_allclose(ev.change_after(y, "2020-01-01", 2, transform="diff"), -0.75)
    with pytest.raises(ValueError, match="transform"):
        ev.change_after(y, "2020-01-01", 2, transform="pct")  # type: ignore[arg-type]


def test_log_of_non_positive_values_raises() -> None:
    y = pd.Series([1.0, 0.0, 2.0], index=pd.date_range("2020-01-01", periods=3))
    with pytest.raises(ValueError, match="positive"):
        ev.change_after(y, "2020-01-01", 2)


def test_calendar_daily_rejects_unsorted_dates() -> None:
    s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2020-01-02", "2020-01-01"]))
    with pytest.raises(ValueError, match="sorted"):
        ev.calendar_daily(s)


# ---------------------------------------------------------------- unconditional distribution


def test_unconditional_changes_of_a_trend_are_all_equal(trend: pd.Series) -> None:
    u = ev.unconditional_changes(trend, 90, start="2019-01-01")
    assert_allclose(u.to_numpy(), 0.9, atol=1e-9)
    assert u.index[0] == pd.Timestamp("2019-01-01")
    assert u.index[-1] == DAYS[-1] - pd.Timedelta(days=90)


def test_unconditional_band_of_a_trend(trend: pd.Series) -> None:
    band = ev.unconditional_band(trend, (-30, 60), quantiles=(0.1, 0.5, 0.9))
    for q in band.columns:
        assert_allclose(band[q].to_numpy(), 0.01 * band.index.to_numpy(), atol=1e-9)


def test_percentile_of_an_event_that_is_the_max_is_100(walk: pd.Series) -> None:
    u = ev.unconditional_changes(walk, 90)
    best_day = u.idxmax()
    pct = ev.event_percentiles(walk, [best_day], [90])
    assert pct.iloc[0, 0] == 100.0
    assert ev.percentile_in(float(u.min()) - 1, u) == 0.0
    assert np.isnan(ev.percentile_in(float("nan"), u))


def test_percentile_in_counts_ties_as_below() -> None:
    assert ev.percentile_in(2.0, np.array([1.0, 2.0, 3.0, 4.0])) == 50.0
    assert ev.percentile_in(0.3, np.array([0.1 + 0.2, 0.5])) == 50.0  # 0.30000000000000004 is a tie, not above


# ---------------------------------------------------------------- bootstrap


def test_bootstrap_of_a_constant_series_has_no_spread() -> None:
    s = pd.Series(np.full(200, 0.3), name="change_20d")
    res = ev.bootstrap_baseline(s, "mean", reps=50, seed=1)
    assert (res.estimate, res.lower, res.upper, res.block) == pytest.approx((0.3, 0.3, 0.3, 20))


@pytest.mark.parametrize("method", ["stationary", "circular"])
def test_bootstrap_is_seeded_and_covers_the_estimate(walk: pd.Series, method: str) -> None:
    u = ev.unconditional_changes(walk, 30)
    a = ev.bootstrap_baseline(u, "median", reps=200, seed=3, method=method)  # type: ignore[arg-type]
    b = ev.bootstrap_baseline(u, "median", reps=200, seed=3, method=method)  # type: ignore[arg-type]
    assert a == b
    assert a.lower <= a.estimate <= a.upper
    assert a.block == 30 and a.n == u.size


def test_bootstrap_interval_is_the_level_quantiles_of_the_block_draws(walk: pd.Series) -> None:
    """The interval is the central ``level`` range of the stationary-bootstrap draws of the statistic."""
    u = ev.unconditional_changes(walk, 30)
    draws = bootstrap_draws(u.to_numpy(), np.mean, 30, 300, seed=4)
    for level in (0.95, 0.6):
        res = ev.bootstrap_baseline(u, "mean", reps=300, seed=4, level=level)
        tail = (1 - level) / 2
        assert (res.lower, res.upper) == pytest.approx(tuple(np.quantile(draws, [tail, 1 - tail])), rel=1e-12)
        assert res.level == level


def test_bootstrap_rejects_unknown_statistic() -> None:
    with pytest.raises(ValueError, match="statistic"):
        ev.bootstrap_baseline(pd.Series(np.arange(10.0)), "mode")


# ---------------------------------------------------------------- confounders


def test_confounders_within_window() -> None:
    conf = ev.confounders_within(["2020-01-01"], {"halving": "2020-05-11", "later": "2022-01-01"}, (0, 540))
    assert conf.loc["2020-01-01", "halving"] == 131
    assert pd.isna(conf.loc["2020-01-01", "later"])


def test_indicator_periods_from_monthly_flags() -> None:
    flags = pd.Series([0, 1, 1, 0, 1], index=pd.date_range("2020-01-01", periods=5, freq="MS"))
    assert ev.indicator_periods(flags) == [("2020-02-01", "2020-03-31"), ("2020-05-01", "2020-05-31")]
