"""Event-study engine on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers import events as ev

DAYS = pd.date_range("2018-01-01", "2022-12-31", freq="D")
EVENT = pd.Timestamp("2020-01-01")


@pytest.fixture
def jump() -> pd.Series:
    """Flat at 100, doubling to 200 on 2020-01-11 (day 10 after the event) and flat after."""
    return pd.Series(np.where(DAYS >= EVENT + pd.Timedelta(days=10), 200.0, 100.0), index=DAYS)


@pytest.fixture
def trend() -> pd.Series:
    """A deterministic log-linear trend: ln P rises by 0.01 a day, so every h-day log return is 0.01 h."""
    return pd.Series(np.exp(0.01 * np.arange(DAYS.size)), index=DAYS)


@pytest.fixture
def walk() -> pd.Series:
    """A seeded Gaussian random walk in logs (drift 0.001, sd 0.03 a day)."""
    rng = np.random.default_rng(7)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0.001, 0.03, DAYS.size))), index=DAYS)


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


def test_bootstrap_rejects_unknown_statistic() -> None:
    with pytest.raises(ValueError, match="statistic"):
        ev.bootstrap_baseline(pd.Series(np.arange(10.0)), "mode")


# ---------------------------------------------------------------- placebo


def test_placebo_on_a_trend_reproduces_the_unconditional_mean(trend: pd.Series) -> None:
    """Every h-day return equals 0.01 h, so every placebo mean and the event mean equal it exactly."""
    res = ev.placebo_test(trend, ["2019-03-01", "2020-01-01", "2021-06-01"], 180, draws=500, seed=0)
    assert_allclose(res.draws, 1.8, atol=1e-9)
    assert_allclose([res.event_mean, res.placebo_mean, res.placebo_lower, res.placebo_upper], 1.8, atol=1e-9)
    assert res.n_events == 3
    assert res.p_value == 1.0  # every random draw is at least as high


def test_placebo_on_a_random_walk_centres_on_the_unconditional_mean(walk: pd.Series) -> None:
    u = ev.unconditional_changes(walk, 90)
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


def test_placebo_table_holm_is_not_below_raw(walk: pd.Series, trend: pd.Series) -> None:
    table = ev.placebo_table({"walk": walk, "trend": trend}, ["2019-06-01", "2020-06-01"], [30, 90], draws=500)
    assert len(table) == 4
    assert (table["p_holm"] >= table["p_value"] - 1e-12).all()


# ---------------------------------------------------------------- strong rally


def _rally_path(peak_day: int, peak: float, early_spike: float | None = None) -> pd.Series:
    """100 on the event day, a linear rise to ``peak`` on ``peak_day``, then back to 120 by day 600."""
    k = np.arange(-100, 601)
    up = np.interp(k, [0, peak_day, 600], [100.0, peak, 120.0])
    up[k < 0] = 100.0
    if early_spike is not None:
        up[(k >= 100) & (k <= 110)] = early_spike
    return pd.Series(up, index=EVENT + pd.to_timedelta(k, unit="D"))


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
    prices = _rally_path(peak_day, peak, spike)
    got = ev.best_change(prices, EVENT, (180, 540))
    if expected is None:  # linear fall from 180 (day 100) to 120 (day 600): value on day 180
        expected = float(np.log(np.interp(180, [100, 600], [180.0, 120.0]) / 100.0))
    assert_allclose(got, expected, atol=1e-12)


def test_strong_rally_definitions_on_a_constructed_path() -> None:
    best = pd.Series({"a": ev.best_change(_rally_path(300, 250.0), EVENT),  # +150%
                      "b": ev.best_change(_rally_path(300, 170.0), EVENT),  # +70%
                      "c": ev.best_change(_rally_path(300, 130.0), EVENT)})  # +30%
    defs = ev.rally_definitions(unconditional_median=np.log(1.6), absolute=(0.5, 1.0, 2.0))
    assert [d.name for d in defs] == ["above_median", "plus_50pct", "plus_100pct", "plus_200pct"]
    assert_allclose([d.threshold for d in defs[1:]], np.log([1.5, 2.0, 3.0]))
    hits = ev.classify_rallies(best, defs)
    assert hits.loc["a"].tolist() == [True, True, True, False]
    assert hits.loc["b"].tolist() == [True, True, False, False]
    assert hits.loc["c"].tolist() == [False, False, False, False]


def test_incomplete_span_is_na_unless_partial_is_asked() -> None:
    prices = _rally_path(300, 250.0).loc[: EVENT + pd.Timedelta(days=400)]
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


def test_rally_study_and_grid(trend: pd.Series) -> None:
    study = ev.rally_study(trend, ["2019-01-01", "2020-01-01", "2022-06-01"], (180, 540), (0.5, 1.0), reps=50)
    assert_allclose(study.best.loc["2019-01-01"], 5.4)  # 0.01 x 540
    assert not study.complete.loc["2022-06-01"]
    grid = ev.rally_grid(study.best, study.definitions, study.rates, [["2019-01-01"], ["2020-01-01"]])
    assert len(grid) == len(study.definitions) and grid["all_rallied"].all()


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


def test_placebo_table_effect_columns_and_spacing(walk: pd.Series) -> None:
    events = ["2019-03-01", "2019-09-01", "2020-06-01"]
    t = ev.placebo_table({"w": walk}, events, [30, 90], draws=500, seed=3, alpha=0.05)
    assert_allclose(t["effect"], t["event_mean"] - t["placebo_mean"])
    assert (t["effect_lo"] <= t["effect"]).all() and (t["effect"] <= t["effect_hi"]).all()
    wider = ev.placebo_table({"w": walk}, events, [30, 90], draws=500, seed=3, alpha=0.01)
    assert ((wider["effect_hi"] - wider["effect_lo"]) >= (t["effect_hi"] - t["effect_lo"])).all()
    kept = ev.placebo_table({"w": walk}, events, [30, 90], spacing="kept")
    assert_allclose(kept["event_mean"], t["event_mean"])
    with pytest.raises(ValueError, match="spacing"):
        ev.placebo_table({"w": walk}, events, [30], spacing="other")  # type: ignore[arg-type]


def test_leave_one_out_drops_each_event(jump: pd.Series) -> None:
    loo = ev.leave_one_out({"j": jump}, ["2019-06-01", "2020-01-01"], [30], draws=200, seed=0)
    assert list(loo.index.get_level_values("dropped")) == ["2019-06-01", "2020-01-01"]
    # without the event before the jump only the flat one is left, and vice versa
    assert loo.loc[("2019-06-01", "j", 30), "event_mean"] == pytest.approx(np.log(2))
    assert loo.loc[("2020-01-01", "j", 30), "event_mean"] == pytest.approx(0.0)
    assert (loo["n_events"] == 1).all()


def test_chance_all_spaced_against_independent_days() -> None:
    """An indicator on in one long block: events a day apart are both on whenever one is."""
    u = pd.Series(np.r_[np.ones(300), np.zeros(700)], index=pd.date_range("2018-01-01", periods=1000, freq="D"))
    assert ev.chance_all_spaced(u, 0.5, ["2020-01-01", "2020-01-02"]) == pytest.approx(299 / 999)
    assert ev.chance_all(0.3, 2) == pytest.approx(0.09)
    with pytest.raises(ValueError, match="longer than"):
        ev.chance_all_spaced(u, 0.5, ["2010-01-01", "2015-01-01"])


def test_rally_grid_counts_and_spaced_chance(trend: pd.Series) -> None:
    study = ev.rally_study(trend, ["2019-01-01", "2020-01-01"], start="2018-01-01", reps=50)
    grid = ev.rally_grid(study.best, study.definitions, study.rates, [["2019-01-01"], ["2020-01-01"]],
                         study.unconditional)
    assert (grid["k"] <= grid["n"]).all() and "chance_all_spaced" in grid
    assert grid["chance_all_spaced"].between(0, 1).all()


# ---------------------------------------------------------------- tightening cycles


def test_cycle_return_gap_on_two_regimes() -> None:
    """Log price rises 0.001 a day outside the cycle and falls 0.001 a day inside: gap -0.002 x 365."""
    days = pd.date_range("2018-01-01", periods=1500, freq="D")
    inside = (days >= "2019-01-01") & (days <= "2019-12-31")
    lv = np.cumsum(np.where(inside, -0.001, 0.001))
    gap = ev.cycle_return_gap(pd.Series(np.exp(lv), index=days), [("2019-01-01", "2019-12-31")], reps=50, block=30)
    assert gap["diff"] == pytest.approx(-0.002 * 365, rel=1e-6)
    assert gap["mean_in"] == pytest.approx(-0.365, rel=1e-6) and gap["cycles"] == 1
    assert gap["days_in"] == 365


def test_window_drawdowns_and_cycle_placebo() -> None:
    days = pd.date_range("2018-01-01", periods=400, freq="D")
    x = pd.Series(np.r_[np.full(200, 100.0), np.full(200, 40.0)], index=days)  # one 60% fall on day 200
    dd = ev.window_drawdowns(x, 10)
    assert dd.max() == pytest.approx(0.6) and dd.min() == 0.0 and len(dd) == 391
    assert (dd > 0).sum() == 9  # windows that contain days 199 and 200
    falls = ev.cycle_drawdown_placebo(x, [(days[195], days[204])], draws=500, seed=0)
    row = falls.iloc[0]
    assert row["mdd"] == pytest.approx(0.6) and row["days"] == 10
    assert row["random_mean"] == pytest.approx(0.6 * 9 / 391)
    assert falls.attrs["effect"] == pytest.approx(0.6 - 0.6 * 9 / 391) and falls.attrs["n"] == 1
    assert falls.attrs["lo"] <= falls.attrs["effect"] <= falls.attrs["hi"]
    with pytest.raises(ValueError, match="at least 2"):
        ev.window_drawdowns(x, 1)


# ---------------------------------------------------------------- confounders


def test_confounders_within_window() -> None:
    conf = ev.confounders_within(["2020-01-01"], {"halving": "2020-05-11", "later": "2022-01-01"}, (0, 540))
    assert conf.loc["2020-01-01", "halving"] == 131
    assert pd.isna(conf.loc["2020-01-01", "later"])


def test_indicator_periods_from_monthly_flags() -> None:
    flags = pd.Series([0, 1, 1, 0, 1], index=pd.date_range("2020-01-01", periods=5, freq="MS"))
    assert ev.indicator_periods(flags) == [("2020-02-01", "2020-03-31"), ("2020-05-01", "2020-05-31")]
