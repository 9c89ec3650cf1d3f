"""Unit tests of helpers.stats on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers import stats

SEED = 12345


def _weekly(values: np.ndarray, start: str = "2015-01-01", weekday: str = "THU") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=f"W-{weekday}"))


# ---------------------------------------------------------------------------------------------
# changes
# ---------------------------------------------------------------------------------------------


def test_log_returns_known_values() -> None:
    s = pd.Series(np.exp([0.0, 1.0, 3.0, 2.5]))
    assert_allclose(stats.log_returns(s).to_numpy()[1:], [1.0, 2.0, -0.5], atol=1e-12)
    assert_allclose(stats.log_returns(s, periods=2).to_numpy()[2:], [3.0, 1.5], atol=1e-12)


def test_log_returns_refuses_non_positive_values() -> None:
    """A yield that touches zero must go through differences(), not logs."""
    with pytest.raises(ValueError, match="differences"):
        stats.log_returns(pd.Series([1.0, 0.0, 2.0]))


def test_differences_of_a_yield() -> None:
    assert_allclose(stats.differences(pd.Series([1.5, 1.25, 2.0])).to_numpy()[1:], [-0.25, 0.75])


# ---------------------------------------------------------------------------------------------
# monthly alignment
# ---------------------------------------------------------------------------------------------


def _daily(start: str, end: str) -> pd.Series:
    idx = pd.date_range(start, end, freq="D")
    return pd.Series(np.arange(len(idx), dtype=float), index=idx)


def test_month_end_calendar_day_picks_the_last_day_and_leaves_gaps() -> None:
    s = _daily("2014-12-15", "2016-03-30")  # stops one day before 31 March
    out = stats.month_end_values(s, "calendar_day")
    assert out[pd.Period("2014-12", "M")] == s[pd.Timestamp("2014-12-31")]
    assert out[pd.Period("2016-02", "M")] == s[pd.Timestamp("2016-02-29")]  # leap year
    assert math.isnan(out[pd.Period("2016-03", "M")])  # 31 March is missing: no substitute


def test_month_end_last_obs_takes_last_weekly_observation() -> None:
    wed = pd.date_range("2015-01-07", "2015-03-25", freq="W-WED")
    s = pd.Series(np.arange(len(wed), dtype=float), index=wed).drop(pd.Timestamp("2015-02-25"))
    out = stats.month_end_values(s, "last_obs")
    assert out[pd.Period("2015-01", "M")] == s[pd.Timestamp("2015-01-28")]
    assert out[pd.Period("2015-02", "M")] == s[pd.Timestamp("2015-02-18")]  # last one present in February
    assert out[pd.Period("2015-03", "M")] == s[pd.Timestamp("2015-03-25")]


@pytest.mark.parametrize(("month", "last_wednesday"), [("2015-01", "2015-01-28"), ("2015-09", "2015-09-30"),
                                                        ("2024-02", "2024-02-28"), ("2025-11", "2025-11-26")])
def test_month_end_last_weekday_is_the_last_wednesday(month: str, last_wednesday: str) -> None:
    s = _daily("2014-12-01", "2025-12-31")
    out = stats.month_end_values(s, "last_weekday", weekday="WED")
    assert out[pd.Period(month, "M")] == s[pd.Timestamp(last_wednesday)]


def test_month_end_last_weekday_missing_wednesday_is_nan() -> None:
    wed = pd.date_range("2015-01-07", "2015-02-25", freq="W-WED")
    s = pd.Series(1.0, index=wed).drop(pd.Timestamp("2015-01-28"))
    assert math.isnan(stats.month_end_values(s, "last_weekday")[pd.Period("2015-01", "M")])


def test_month_end_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError, match="calendar_day"):
        stats.month_end_values(_daily("2015-01-01", "2015-02-01"), "first")  # type: ignore[arg-type]


def test_monthly_frame_spans_the_months_asked_for() -> None:
    """The 2015-01 change needs the 2014-12 level: the frame must start in 2014-12."""
    daily = _daily("2014-11-01", "2016-01-15")
    frame = stats.monthly_frame({"a": (daily, "calendar_day"), "b": (daily, "last_obs")}, "2014-12", "2015-12")
    assert list(frame.index[[0, -1]].astype(str)) == ["2014-12", "2015-12"]
    assert len(frame) == 13
    assert frame.loc[pd.Period("2014-12", "M"), "a"] == daily[pd.Timestamp("2014-12-31")]


# ---------------------------------------------------------------------------------------------
# publication lag
# ---------------------------------------------------------------------------------------------


def _wednesday_levels(n: int = 60) -> pd.Series:
    wed = pd.date_range("2015-01-07", periods=n, freq="W-WED")
    return pd.Series(np.arange(n, dtype=float) + 100.0, index=wed)


def test_available_asof_never_uses_a_wednesday_value_before_thursday() -> None:
    """With lag 1 a Wednesday level is usable from Thursday; on Wednesday itself the previous week's is used."""
    levels = _wednesday_levels()
    days = pd.date_range("2015-01-08", "2015-12-31", freq="D")
    used = stats.available_asof(levels, days, lag_days=1).dropna()
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
    used = stats.available_asof(levels, wed, lag_days=0)
    assert (used["observed"] == used.index).all()


def test_available_asof_leaves_stale_values_out() -> None:
    levels = _wednesday_levels(10).drop(pd.date_range("2015-01-28", "2015-02-25", freq="W-WED"))
    used = stats.available_asof(levels, pd.DatetimeIndex(["2015-02-26"]), lag_days=1, tolerance_days=10)
    assert used["value"].isna().all()


@pytest.mark.parametrize(("weekday", "expected_age"), [("THU", 1), ("FRI", 2), ("WED", 7)])
def test_weekly_frame_respects_the_release_day(weekday: str, expected_age: int) -> None:
    levels = _wednesday_levels()
    price = _daily("2014-12-01", "2016-03-01") + 1.0
    frame = stats.weekly_frame({"p": price}, {"l": levels}, "2015-01-15", "2015-12-31", weekday=weekday, lag_days=1)
    expected_obs = frame.index - pd.Timedelta(days=expected_age)
    assert_allclose(frame["l"].to_numpy(), levels.reindex(expected_obs).to_numpy())
    assert_allclose(frame["p"].to_numpy(), price.reindex(frame.index).to_numpy())


# ---------------------------------------------------------------------------------------------
# correlation
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def noise() -> np.ndarray:
    return np.random.default_rng(SEED).normal(size=400)


@pytest.mark.parametrize(("sign", "expected"), [(1.0, 1.0), (-1.0, -1.0)], ids=["itself", "negative"])
def test_rolling_corr_of_a_series_with_itself_and_its_negative(noise: np.ndarray, sign: float,
                                                                expected: float) -> None:
    x = _weekly(noise)
    r = stats.rolling_corr(x, sign * x * 2.0 + 3.0, 26)
    assert r.iloc[:25].isna().all()
    assert_allclose(r.dropna().to_numpy(), expected, atol=1e-10)
    assert len(r.dropna()) == len(x) - 25


def test_rolling_summary_counts_positive_windows() -> None:
    s = pd.Series([np.nan, -0.5, 0.1, 0.2, 0.3])
    out = stats.rolling_summary(s)
    assert out["n"] == 4
    assert_allclose([out["min"], out["max"], out["share_positive"]], [-0.5, 0.3, 0.75])


def test_correlation_matches_pearson_and_covers_the_true_value() -> None:
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=2000)
    y = x + rng.normal(size=2000)  # true correlation 1/sqrt(2)
    c = stats.correlation(_weekly(x), _weekly(y), reps=200, seed=1)
    assert_allclose(c.r, np.corrcoef(x, y)[0, 1], atol=1e-12)
    assert c.n == 2000
    assert c.lo_hac < 1 / math.sqrt(2) < c.hi_hac
    assert c.lo_boot < 1 / math.sqrt(2) < c.hi_boot
    assert c.p_hac < 1e-10


def test_correlation_of_independent_series_is_not_significant() -> None:
    rng = np.random.default_rng(SEED)
    c = stats.correlation(_weekly(rng.normal(size=300)), _weekly(rng.normal(size=300)), reps=200, seed=2)
    assert c.lo_boot < 0 < c.hi_boot
    assert c.p_hac > 0.05


def test_correlation_bootstrap_is_reproducible_with_a_seed(noise: np.ndarray) -> None:
    x, y = _weekly(noise), _weekly(np.roll(noise, 1))
    a = stats.correlation(x, y, reps=200, seed=7)
    b = stats.correlation(x, y, reps=200, seed=7)
    assert (a.lo_boot, a.hi_boot) == (b.lo_boot, b.hi_boot)


def test_correlation_needs_overlap() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        stats.correlation(pd.Series([1.0, 2.0]), pd.Series([1.0, 3.0]))


def test_subperiod_correlations_equal_direct_correlations(noise: np.ndarray) -> None:
    x = _weekly(noise)
    y = x.copy()
    y.loc["2017-01-01":] = -y.loc["2017-01-01":]  # the sign flips in 2017
    periods = {"early": ("2015-01-01", "2016-12-31"), "late": ("2017-01-01", None)}
    out = stats.subperiod_correlations(x, y, periods)
    assert_allclose(out["r"].to_numpy(), [1.0, -1.0], atol=1e-12)
    assert out.loc["early", "n"] + out.loc["late", "n"] == len(x)


# ---------------------------------------------------------------------------------------------
# lead-lag, Granger, local projection
# ---------------------------------------------------------------------------------------------


def test_lead_lag_recovers_a_three_week_lead() -> None:
    rng = np.random.default_rng(SEED)
    x = _weekly(rng.normal(size=600))
    y = x.shift(3) + 0.3 * _weekly(rng.normal(size=600))  # y follows x three weeks later
    ll = stats.lead_lag_corr(x, y, 13)
    assert list(ll.index) == list(range(-13, 14))
    assert int(ll["r"].abs().idxmax()) == 3
    assert ll.loc[3, "r"] > 0.9
    assert (ll["r"].drop(3).abs() < ll["band"].drop(3) + 0.05).all()
    assert int(stats.lead_lag_corr(y, x, 13)["r"].abs().idxmax()) == -3  # the same lag seen from y


def test_granger_finds_the_true_direction_and_lag() -> None:
    rng = np.random.default_rng(SEED)
    n = 1500
    x = rng.normal(size=n)
    y = np.zeros(n)
    y[2:] = 0.4 * x[:-2] + rng.normal(size=n - 2)  # x helps predict y at lag 2 only
    xs, ys = _weekly(x).rename("x"), _weekly(y).rename("y")
    forward = stats.granger_test(ys, xs, max_lag=6)
    backward = stats.granger_test(xs, ys, max_lag=6)
    assert forward.p < 1e-6 and forward.lags >= 2
    assert backward.p > 0.01
    both = stats.granger_both_ways(xs, ys, max_lag=6)
    assert list(zip(both["cause"], both["effect"], strict=True)) == [("x", "y"), ("y", "x")]


def test_granger_rejects_unknown_criterion() -> None:
    s = _weekly(np.arange(50.0))
    with pytest.raises(ValueError, match="aic"):
        stats.granger_test(s, s, ic="hqic")  # type: ignore[arg-type]


def test_local_projection_recovers_a_distributed_lag_response() -> None:
    """r_t = 0.5 s_t + 0.3 s_{t-1} + 0.2 s_{t-2} + e: cumulative response 0.5, 0.8, 1.0, 1.0, ..."""
    rng = np.random.default_rng(SEED)
    n = 4000
    s = rng.normal(size=n)
    r = 0.5 * s + 0.1 * rng.normal(size=n)
    r[1:] += 0.3 * s[:-1]
    r[2:] += 0.2 * s[:-2]
    lp = stats.local_projection(_weekly(r), _weekly(s), horizons=5, n_lags=2)
    assert_allclose(lp["beta"].to_numpy(), [0.5, 0.8, 1.0, 1.0, 1.0, 1.0], atol=0.03)
    assert (lp["lo"] < lp["beta"]).all() and (lp["beta"] < lp["hi"]).all()


def test_local_projection_recovers_an_ar1_impulse_response() -> None:
    """r_t = 0.6 r_{t-1} + s_t + e: response of r_{t+h} to s_t is 0.6**h; scale multiplies it."""
    rng = np.random.default_rng(SEED + 1)
    n = 5000
    s = rng.normal(size=n)
    e = 0.2 * rng.normal(size=n)
    r = np.zeros(n)
    for t in range(1, n):
        r[t] = 0.6 * r[t - 1] + s[t] + e[t]
    lp = stats.local_projection(_weekly(r), _weekly(s), horizons=4, n_lags=2, cumulative=False, scale=2.0)
    assert_allclose(lp["beta"].to_numpy(), 2.0 * 0.6 ** np.arange(5), atol=0.08)


# ---------------------------------------------------------------------------------------------
# levels: unit roots, spurious regression, cointegration
# ---------------------------------------------------------------------------------------------


def test_adf_tells_a_random_walk_from_white_noise() -> None:
    rng = np.random.default_rng(SEED)
    walk = pd.Series(np.cumsum(rng.normal(size=500)))
    assert stats.adf(walk)["p"] > 0.1
    assert stats.adf(walk.diff().dropna())["p"] < 0.01
    table = stats.adf_table(pd.DataFrame({"w": np.exp(walk / 20)}))
    assert table.loc["w", "p_level"] > 0.1 and table.loc["w", "p_change"] < 0.01


def test_spurious_regression_warning_on_independent_trending_walks() -> None:
    """Two random walks with drift and independent steps: high R2, DW near 0, as for BTC and liquidity levels."""
    rng = np.random.default_rng(SEED)
    a, b = (pd.Series(np.cumsum(0.3 + rng.normal(size=300))) for _ in range(2))
    walks = stats.spurious_regression_check(a, b)
    assert walks["warning"] and walks["r2"] > 0.5 and walks["dw"] < 0.2
    noise = stats.spurious_regression_check(a.diff().dropna(), b.diff().dropna())
    assert not noise["warning"] and 1.6 < noise["dw"] < 2.4


def test_engle_granger_finds_a_built_in_long_run_tie() -> None:
    rng = np.random.default_rng(SEED)
    x = pd.Series(np.cumsum(rng.normal(size=400)))
    tied = 2.0 * x + rng.normal(size=400)
    other = pd.Series(np.cumsum(rng.normal(size=400)))
    assert stats.engle_granger(tied, x)["p"] < 0.01
    assert stats.engle_granger(other, x)["p"] > 0.05


# ---------------------------------------------------------------------------------------------
# regimes and direction
# ---------------------------------------------------------------------------------------------


def test_regime_from_change_uses_the_sign_of_the_past_change() -> None:
    level = pd.Series([1.0, 2.0, 3.0, 2.0, 1.0, 1.0])
    assert list(stats.regime_from_change(level, 2).iloc[2:]) == ["expanding", "contracting", "contracting",
                                                                 "contracting"]
    assert stats.regime_from_change(level, 2).iloc[:2].isna().all()


def test_forward_log_return_of_steady_growth() -> None:
    price = _weekly(np.exp(0.01 * np.arange(60)))
    fwd = stats.forward_log_return(price, 13)
    assert_allclose(fwd.dropna().to_numpy(), 0.13, atol=1e-12)
    assert fwd.iloc[-13:].isna().all()


def test_regime_returns_on_a_constructed_series() -> None:
    """Forward return +0.10 in every expanding week and -0.05 in every contracting one: difference 0.15."""
    labels = np.repeat(["expanding", "contracting"] * 10, 13)
    fwd = _weekly(np.where(labels == "expanding", 0.10, -0.05))
    out = stats.regime_forward_returns(fwd, _weekly(labels), reps=200, block_size=13, seed=3)
    assert_allclose(out.table["mean"].to_numpy(), [0.10, -0.05])
    assert list(out.table["n"]) == [130, 130]
    assert_allclose([out.diff, out.lo, out.hi], [0.15, 0.15, 0.15], atol=1e-12)
    assert out.n == 260


def test_regime_returns_interval_covers_the_true_difference() -> None:
    rng = np.random.default_rng(SEED)
    labels = np.repeat(["expanding", "contracting"] * 15, 13)
    fwd = _weekly(np.where(labels == "expanding", 0.10, -0.05) + 0.1 * rng.normal(size=len(labels)))
    out = stats.regime_forward_returns(fwd, _weekly(labels), reps=300, block_size=26, seed=4)
    assert out.lo < 0.15 < out.hi
    assert out.lo > 0
    table = stats.regime_table({"x": out})
    assert_allclose(table.loc["x", "diff_sd"], out.diff / out.sd)


def test_liquidity_regime_returns_links_level_and_price() -> None:
    """Price grows 2%/week while the level rose over the last 4 weeks and falls 1%/week otherwise."""
    up = np.tile(np.r_[np.ones(8), -np.ones(8)], 12)
    level = _weekly(100 + np.cumsum(up))
    steps = np.where(level.diff(4).shift(0).to_numpy() > 0, 0.02, -0.01)
    price = _weekly(np.exp(np.cumsum(np.r_[0.0, steps[:-1]])))  # step t applies from t to t+1
    out = stats.liquidity_regime_returns(price, level, "2015-03-01", horizon=1, window=4, reps=200, block_size=8)
    assert_allclose(out.table["mean"].to_numpy(), [0.02, -0.01], atol=1e-12)


def test_directional_agreement_against_its_base_rate() -> None:
    months = pd.period_range("2015-01", periods=48, freq="M")
    a = pd.Series(np.arange(48.0), index=months)  # always up
    b = pd.Series(np.tile(np.r_[np.arange(6.0), np.arange(6.0)[::-1]], 4), index=months)  # up half the time
    out = stats.directional_agreement(a, b, 1)
    assert out.a_up == 1.0
    assert_allclose(out.agreement, out.b_up)
    assert_allclose(out.expected, out.b_up)  # a always up: agreement by chance equals b's base rate
    same = stats.directional_agreement(b, b * 2, 3)
    assert same.agreement == 1.0 and same.n == 45


# ---------------------------------------------------------------------------------------------
# multiple testing, drawdown split
# ---------------------------------------------------------------------------------------------


def test_adjust_pvalues_holm_and_bh_known_values() -> None:
    p = pd.Series([0.01, 0.04, 0.03, np.nan], index=list("abcd"))
    assert_allclose(stats.adjust_pvalues(p, "holm").to_numpy()[:3], [0.03, 0.06, 0.06])
    assert_allclose(stats.adjust_pvalues(p, "fdr_bh").to_numpy()[:3], [0.03, 0.04, 0.04])
    assert math.isnan(stats.adjust_pvalues(p, "holm")["d"])
    table = stats.with_adjusted(pd.DataFrame({"p": p}))
    assert {"p_holm", "p_fdr_bh"} <= set(table.columns)


def test_adjust_pvalues_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="holm"):
        stats.adjust_pvalues(pd.Series([0.1]), "sidak-ish")


def test_drawdown_split_halves() -> None:
    idx = pd.date_range("2021-01-01", periods=40, freq="D")
    price = pd.Series(100.0, index=idx)
    price.iloc[10] = 200.0  # peak
    price.iloc[11:20] = 100.0  # the day before the split: half the log decline done
    price.iloc[30] = 50.0  # trough
    out = stats.drawdown_split(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), "2021-01-21")
    assert out["peak"] == idx[10] and out["trough"] == idx[30]
    assert_allclose([out["total"], out["before"], out["share_before"]], [math.log(0.25), math.log(0.5), 0.5])
    with pytest.raises(ValueError, match="after the peak"):
        stats.drawdown_split(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), "2021-01-05")


def _bear(idx: pd.DatetimeIndex) -> pd.Series:
    """Peak 200 on day 10, trough 50 on day 30; log price falls linearly from 200 to 50 in between."""
    price = pd.Series(100.0, index=idx)
    price.iloc[10:31] = np.exp(np.linspace(math.log(200.0), math.log(50.0), 21))
    return price


def test_drawdown_splits_at_several_dates_in_date_order() -> None:
    idx = pd.date_range("2021-01-01", periods=40, freq="D")
    price = _bear(idx)
    out = stats.drawdown_splits(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"),
                                {"late": "2021-01-27", "early": "2021-01-13"})
    assert list(out.index) == ["early", "late"]  # sorted by date, not by the mapping's order
    # the close of the day before the split: day 11 is 1/20 of the way down, day 25 is 15/20
    assert_allclose(out["share_before"].to_numpy(), [1 / 20, 15 / 20], atol=1e-12)
    assert_allclose((out["before"] + out["after"]).to_numpy(), out["total"].to_numpy())
    assert_allclose(out["total"].to_numpy(), math.log(0.25))
    with pytest.raises(ValueError, match="after the peak"):
        stats.drawdown_splits(price, ("2021-01-01", "2021-01-15"), ("2021-01-25", "2021-02-09"), {"x": "2021-01-02"})


@pytest.mark.parametrize(("shares", "expected"), [([0.5, 0.6, 0.9], "before"), ([0.4, 0.41], "before"),
                                                  ([0.1, 0.39], "after"), ([0.27, 0.3998, 0.516], "mixed")])
def test_timing_consensus(shares: list[float], expected: str) -> None:
    assert stats.timing_consensus(pd.Series(shares), 0.4) == expected


def test_timing_consensus_refuses_missing_shares() -> None:
    with pytest.raises(ValueError, match="NaN"):
        stats.timing_consensus(pd.Series([0.5, np.nan]), 0.4)


def test_changes_between_adds_up_and_uses_values_as_of_each_boundary() -> None:
    weds = pd.date_range("2022-01-05", periods=10, freq="W-WED")
    a = np.arange(10.0) * 10  # +10 a week
    b = np.r_[np.zeros(5), np.ones(5) * 7]  # a step of 7 between the 5th and 6th Wednesday
    frame = pd.DataFrame({"a": a, "b": b, "net": a - b}, index=weds)
    out = stats.changes_between(frame, {"start": weds[0], "mid": weds[4] + pd.Timedelta(days=3),
                                        "end": weds[9] + pd.Timedelta(days=1)})
    assert list(out.index) == ["start -> mid", "mid -> end"]
    assert out.loc["start -> mid", "to"] == weds[4]  # the last Wednesday on or before the boundary
    assert_allclose(out.loc["start -> mid", ["a", "b", "net"]].astype(float).to_numpy(), [40.0, 0.0, 40.0])
    assert_allclose(out.loc["mid -> end", ["a", "b", "net"]].astype(float).to_numpy(), [50.0, 7.0, 43.0])
    assert_allclose(out[["a", "b", "net"]].sum().to_numpy(), (frame.iloc[-1] - frame.iloc[0]).to_numpy())


def test_changes_between_refuses_unordered_or_uncovered_boundaries() -> None:
    frame = pd.DataFrame({"a": np.arange(5.0)}, index=pd.date_range("2022-01-05", periods=5, freq="W-WED"))
    with pytest.raises(ValueError, match="time order"):
        stats.changes_between(frame, {"x": "2022-01-20", "y": "2022-01-10"})
    with pytest.raises(ValueError, match="within"):
        stats.changes_between(frame, {"x": "2021-12-01", "y": "2022-01-20"})


def test_liquidity_regime_returns_wider_interval_at_higher_coverage() -> None:
    rng = np.random.default_rng(SEED)
    up = np.tile(np.r_[np.ones(13), -np.ones(13)], 12)
    level = _weekly(100 + np.cumsum(up))
    price = _weekly(np.exp(np.cumsum(0.01 * up + 0.05 * rng.normal(size=len(up)))))
    a = stats.liquidity_regime_returns(price, level, "2015-06-01", horizon=4, window=4, reps=300, block_size=8, seed=1)
    b = stats.liquidity_regime_returns(price, level, "2015-06-01", horizon=4, window=4, reps=300, block_size=8, seed=1,
                                       level_ci=1 - 0.05 / 3)
    assert a.diff == b.diff and a.p_hac == b.p_hac
    assert b.lo <= a.lo and b.hi >= a.hi


def test_liquidity_regime_table_corrects_over_the_family_only() -> None:
    """A price that follows the level (strong effect) and one that ignores it (none), tested as a family of two."""
    rng = np.random.default_rng(SEED)
    up = np.tile(np.r_[np.ones(13), -np.ones(13)], 12)
    level = _weekly(100 + np.cumsum(up))
    steps = np.where(level.diff(4).to_numpy() > 0, 0.03, -0.03)
    follows = _weekly(np.exp(np.cumsum(np.r_[0.0, steps[:-1]] + 0.01 * rng.normal(size=len(up)))))
    ignores = _weekly(np.exp(np.cumsum(0.03 * rng.normal(size=len(up)))))
    specs = {"follows": (follows, level), "ignores": (ignores, level), "outside": (follows, level)}
    table = stats.liquidity_regime_table(specs, "2015-03-01", ["follows", "ignores"], horizon=4, window=4,
                                         reps=300, block_size=8, seed=2)
    fam = table.loc[["follows", "ignores"]]
    assert_allclose(fam["p_holm"].to_numpy(), stats.adjust_pvalues(fam["p_hac"], "holm").to_numpy())
    assert (fam["lo_bonf"] <= fam["lo"]).all() and (fam["hi_bonf"] >= fam["hi"]).all()
    assert bool(table.loc["follows", "shows_effect"]) and not bool(table.loc["ignores", "shows_effect"])
    assert math.isnan(table.loc["outside", "p_holm"]) and pd.isna(table.loc["outside", "shows_effect"])
    # the row outside the family uses seed + 2 and is otherwise the same comparison as "follows"
    assert table.loc["outside", "diff"] == table.loc["follows", "diff"]
    with pytest.raises(ValueError, match="not in specs"):
        stats.liquidity_regime_table(specs, "2015-03-01", ["nope"], reps=10)


# ---------------------------------------------------------------------------------------------
# null distributions, differences of correlations, specification curves
# ---------------------------------------------------------------------------------------------


def test_circular_shift_null_breaks_a_real_link_and_keeps_noise() -> None:
    """y = x + noise: the observed correlation is far above every shifted one; for independent series it is not."""
    rng = np.random.default_rng(SEED)
    x = _weekly(rng.standard_normal(400))
    linked = x + 0.5 * _weekly(rng.standard_normal(400))

    def corr(a: pd.Series, b: pd.Series) -> float:
        return float(a.corr(b))

    out = stats.circular_shift_null(x, linked, corr, n_shifts=200, min_shift=20, seed=1)
    assert out["observed"] > 0.85 and out["null_high"] < 0.2 and out["p_upper"] == pytest.approx(1 / 201)
    assert out["n_shifts"] == 200 and out["n"] == 400
    indep = stats.circular_shift_null(x, _weekly(rng.standard_normal(400)), corr, n_shifts=200, min_shift=20, seed=1)
    assert indep["null_low"] < indep["observed"] < indep["null_high"]


def test_circular_shift_null_uses_every_shift_when_few_and_refuses_short_series() -> None:
    x = _weekly(np.arange(30.0))
    out = stats.circular_shift_null(x, x, lambda a, b: float(a.iloc[0] - b.iloc[0]), n_shifts=500, min_shift=10)
    assert out["n_shifts"] == 11  # shifts 10..20
    with pytest.raises(ValueError, match="too few"):
        stats.circular_shift_null(x, x, lambda a, b: 0.0, min_shift=16)


def test_rolling_corr_sd_is_the_sd_of_the_rolling_correlation() -> None:
    rng = np.random.default_rng(SEED)
    x, y = _weekly(rng.standard_normal(120)), _weekly(rng.standard_normal(120))
    assert stats.rolling_corr_sd(26)(x, y) == pytest.approx(float(stats.rolling_corr(x, y, 26).std()))


def test_correlation_difference_sees_which_series_follows_the_driver() -> None:
    rng = np.random.default_rng(SEED)
    c = _weekly(rng.standard_normal(500))
    a = c + 0.3 * _weekly(rng.standard_normal(500))
    b = _weekly(rng.standard_normal(500))
    out = stats.correlation_difference(a, b, c, reps=300, seed=2)
    assert out["r_a"] == pytest.approx(float(a.corr(c))) and out["r_b"] == pytest.approx(float(b.corr(c)))
    assert out["diff"] == pytest.approx(out["r_a"] - out["r_b"]) and out["lo"] > 0.7 and out["n"] == 500
    same = stats.correlation_difference(b, _weekly(rng.standard_normal(500)), c, reps=300, seed=2)
    assert same["lo"] < 0 < same["hi"]
    with pytest.raises(ValueError, match="at least 10"):
        stats.correlation_difference(a.iloc[:5], b.iloc[:5], c.iloc[:5])


def test_regime_spec_curve_matches_the_single_comparison() -> None:
    """One cell of the grid is the difference of :func:`liquidity_regime_returns` with the same HAC lags."""
    rng = np.random.default_rng(SEED)
    price = _weekly(np.exp(np.cumsum(0.02 * rng.standard_normal(300))))
    level = _weekly(np.cumsum(rng.standard_normal(300)))
    curve = stats.regime_spec_curve(price, level, "2015-06-01", [4, 13], [4, 13], hac_lags=26)
    assert list(zip(curve["window"], curve["horizon"], strict=True)) == [(4, 4), (4, 13), (13, 4), (13, 13)]
    one = stats.liquidity_regime_returns(price, level, "2015-06-01", horizon=13, window=13, reps=10, block_size=26)
    row = curve.iloc[3]
    assert row["diff"] == pytest.approx(one.diff) and row["p_hac"] == pytest.approx(one.p_hac)
    assert row["n"] == one.n


def test_period_labels_start_exclusive_end_inclusive_open_end() -> None:
    idx = pd.date_range("2020-01-01", periods=10, freq="D")
    lab = stats.period_labels(idx, [(idx[1], idx[3]), (idx[7], None)], "QE", "no QE")
    assert lab.tolist() == ["no QE", "no QE", "QE", "QE", "no QE", "no QE", "no QE", "no QE", "QE", "QE"]
