"""Unit tests of helpers.methods.seasonal on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import seasonal as se
from helpers.methods.placebo import PlaceboResult

# --------------------------------------------------------------------------------------------
# helpers to build series
# --------------------------------------------------------------------------------------------


def _daily_from_monthly(monthly: pd.Series, start_level: float = 100.0) -> pd.Series:
    """Daily levels whose month-end to month-end log change equals ``monthly`` (PeriodIndex M).

    The level is constant inside each month and jumps on the 1st, so the change of month m is
    exactly ln(level_m / level_{m-1}).
    """
    first = monthly.index[0] - 1
    days = pd.date_range(first.start_time, monthly.index[-1].end_time.normalize(), freq="D")
    log_level = pd.Series(np.log(start_level), index=pd.period_range(first, monthly.index[-1], freq="M"))
    log_level.iloc[1:] = np.log(start_level) + monthly.cumsum().to_numpy()
    return pd.Series(np.exp(log_level.reindex(days.to_period("M")).to_numpy()), index=days)


def _monthly(values: np.ndarray, start: str = "2010-01") -> pd.Series:
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


# --------------------------------------------------------------------------------------------
# period changes and the month-of-year table
# --------------------------------------------------------------------------------------------


def test_period_log_changes_recovers_monthly_returns() -> None:
    truth = _monthly(np.tile([0.1, -0.2, 0.05, 0.0, 0.3, -0.1, 0.02, 0.04, -0.06, 0.08, 0.01, -0.03], 3))
    daily = _daily_from_monthly(truth)
    got = se.period_log_changes(daily, "M", "2010-01-01")
    assert_allclose(got.to_numpy(), truth.to_numpy(), atol=1e-12)
    assert got.index.equals(truth.index)


def test_month_of_year_table_exact_means() -> None:
    """Three years; month m returns m/100 in year 1, 2m/100 in year 2, 3m/100 in year 3: mean 2m/100."""
    values = np.concatenate([np.arange(1, 13) * k / 100 for k in (1, 2, 3)])
    table = se.period_table(_monthly(values), n_perm=200, reps=200, seed=1)
    assert list(table.index) == list(se.MONTHS)
    assert_allclose(table["mean"].to_numpy(), 2 * np.arange(1, 13) / 100, atol=1e-12)
    assert_allclose(table["median"].to_numpy(), 2 * np.arange(1, 13) / 100, atol=1e-12)
    assert (table["n_years"] == 3).all()
    # December minus the mean of the other months: 0.24 - mean(2..22)/100 = 0.24 - 0.12 = 0.12
    assert table.loc["Dec", "minus_rest"] == pytest.approx(0.12, abs=1e-12)
    assert (table["mean_lower"] <= table["mean"]).all() and (table["mean"] <= table["mean_upper"]).all()
    assert (table["p_holm"] >= table["p_value"]).all()


def test_partial_last_month_is_dropped() -> None:
    days = pd.date_range("2020-01-01", "2020-03-15", freq="D")
    level = pd.Series(np.linspace(100, 120, len(days)), index=days)
    got = se.period_log_changes(level, "M")
    assert np.isnan(got[pd.Period("2020-03", "M")])
    assert got[pd.Period("2020-02", "M")] == pytest.approx(np.log(level["2020-02-29"] / level["2020-01-31"]))


def test_business_day_month_end_uses_last_trading_day() -> None:
    days = pd.bdate_range("2021-01-01", "2021-03-31")  # 2021-01-31 is a Sunday
    level = pd.Series(np.arange(len(days), dtype=float) + 100, index=days)
    got = se.period_log_changes(level, "M")
    assert got[pd.Period("2021-02", "M")] == pytest.approx(np.log(level["2021-02-26"] / level["2021-01-29"]))


@pytest.mark.parametrize("effect", [0.15, 0.25])
def test_planted_january_effect_is_detected(effect: float) -> None:
    """Noise of sd 0.03 plus a January premium: January's Holm-adjusted p is small, others are not."""
    rng = np.random.default_rng(7)
    values = rng.normal(0, 0.03, 12 * 12)
    values[::12] += effect
    table = se.period_table(_monthly(values, "2012-01"), n_perm=2000, reps=500, seed=3)
    assert table.loc["Jan", "p_holm"] < 0.05
    assert table.drop(index="Jan")["p_holm"].min() > 0.05
    assert table.loc["Jan", "minus_rest"] == pytest.approx(effect, abs=0.04)
    eff = se.period_effect(se.by_year(_monthly(values, "2012-01")), [1], "greater", 2000, 500, 0)
    assert eff.p_value < 0.01 and eff.lower > 0


def test_no_effect_is_not_detected() -> None:
    rng = np.random.default_rng(11)
    table = se.period_table(_monthly(rng.normal(0, 0.05, 12 * 12), "2012-01"), n_perm=1000, reps=200, seed=0)
    assert table["p_holm"].min() > 0.05


def test_within_year_permutation_ignores_year_levels() -> None:
    """Year levels differ hugely (bull and bear years) but every month is the same within a year."""
    values = np.concatenate([np.full(12, lvl) for lvl in (0.5, -0.4, 0.2, -0.3, 0.1)])
    eff = se.period_effect(se.by_year(_monthly(values)), [12], "two-sided", 500, 200, 0)
    assert eff.estimate == pytest.approx(0.0, abs=1e-12)
    assert eff.p_value == pytest.approx(1.0)


def test_period_effect_alternatives_are_one_sided() -> None:
    values = np.tile(np.r_[np.zeros(10), [-0.1, -0.1]], 6) + np.random.default_rng(2).normal(0, 0.01, 72)
    wide = se.by_year(_monthly(values))
    low = se.period_effect(wide, [11, 12], "less", 2000, 200, 0)
    high = se.period_effect(wide, [11, 12], "greater", 2000, 200, 0)
    assert low.estimate == pytest.approx(-0.1, abs=0.01)
    assert low.p_value < 0.01 < 0.99 < high.p_value
    assert (low.n_target, low.n_other, low.n_years) == (12, 60, 6)
    with pytest.raises(ValueError, match="alternative"):
        se.period_effect(wide, [12], "bigger")  # type: ignore[arg-type]


def test_quarterly_growth_of_a_step_series() -> None:
    """Levels 100 (Q4 2019), 300, 300, 600, 150 at the ends of 2020's quarters: ln 3, 0, ln 2, ln 1/4."""
    days = pd.date_range("2019-10-01", "2020-12-31", freq="D")
    level = pd.Series(100.0, index=days)
    for start, value in (("2020-01-01", 300.0), ("2020-07-01", 600.0), ("2020-10-01", 150.0)):
        level[days >= start] = value
    got = se.period_log_changes(level, "Q")
    assert_allclose(got.to_numpy(), [np.nan, np.log(3), 0.0, np.log(2), np.log(0.25)], atol=1e-12)
    wide = se.by_year(got)
    assert list(wide.index) == [2020] and list(wide.columns) == [1, 2, 3, 4]
    peak = se.peak_share(wide)
    assert peak.attrs["n_years"] == 1
    assert peak.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert se.period_log_changes(level, "Q", start="2020-04-01").index[0] == pd.Period("2020Q2", "Q")


def test_stale_period_end_is_missing() -> None:
    """A quarter whose last observation is more than tolerance_days before its end gives NaN."""
    days = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    level = pd.Series(np.linspace(100, 200, len(days)), index=days).drop(pd.date_range("2020-06-20", "2020-07-10"))
    got = se.period_log_changes(level, "Q", tolerance_days=4)
    assert np.isnan(got[pd.Period("2020Q2", "Q")]) and np.isnan(got[pd.Period("2020Q3", "Q")])
    assert np.isfinite(got[pd.Period("2020Q4", "Q")])


def test_period_log_changes_rejects_bad_input() -> None:
    s = pd.Series([1.0, -1.0], index=pd.date_range("2020-01-01", periods=2))
    with pytest.raises(ValueError, match="positive"):
        se.period_log_changes(s)
    with pytest.raises(ValueError, match="freq"):
        se.period_log_changes(s.abs(), "W")  # type: ignore[arg-type]


def test_turn_of_year_windows() -> None:
    days = pd.date_range("2019-12-01", "2021-01-31", freq="D")
    level = pd.Series(np.exp(np.arange(len(days)) * 0.001), index=days)  # 0.001 log per day
    toy = se.turn_of_year(level, [2020], early_days=14)
    row = toy.loc[2020]
    assert row["december"] == pytest.approx(31 * 0.001)
    assert row["nov_dec"] == pytest.approx(61 * 0.001)
    assert row["jan_nov"] == pytest.approx(335 * 0.001)  # 2020 is a leap year: 31 Dec 2019 to 30 Nov 2020
    assert row["early_jan"] == pytest.approx(14 * 0.001)


def test_permutation_diff_known_groups() -> None:
    values = pd.Series([1.0, 1.1, 0.9, 0.0, 0.1, -0.1, 0.05, -0.05])
    group = pd.Series([True] * 3 + [False] * 5)
    diff, p, n1, n0 = se.permutation_diff(values, group, "greater", 4000, 0)
    assert diff == pytest.approx(1.0)
    assert (n1, n0) == (3, 5)
    assert p == pytest.approx(1 / 56, abs=0.01)  # only 1 of C(8,3)=56 labellings is as extreme


# Each case: (effects, one-sided Holm p, interval upper ends, minimum effects, expected verdict).
def test_claimed_interval_flips_a_claim_of_weakness() -> None:
    e = se.PeriodEffect((11, 12), 0.017, -0.079, 0.110, 0.61, "less", 12, 24, 126)
    assert se.claimed_interval(e, "greater") == (0.017, -0.079, 0.110)
    assert_allclose(se.claimed_interval(e, "less"), (-0.017, -0.110, 0.079))
    with pytest.raises(ValueError):
        se.claimed_interval(e, "two-sided")  # type: ignore[arg-type]


def test_placebo_interval_inverts_the_placebo_spread_at_its_level() -> None:
    """Draws evenly spaced on [-0.1, 0.1] (401 of them): the a-quantile is -0.1 + 0.2 a exactly."""
    draws = np.linspace(-0.1, 0.1, 401)
    res = PlaceboResult(horizon=14, n_events=13, event_mean=0.012, placebo_mean=0.013, placebo_lower=-0.095,
                           placebo_upper=0.095, p_value=0.51, percentile=49.0, n_candidates=4000, draws=draws)
    assert_allclose(se.placebo_interval(res), (-0.001, 0.012 - 0.095, 0.012 + 0.095), atol=1e-12)
    assert_allclose(se.placebo_interval(res, 0.5), (-0.001, 0.012 - 0.05, 0.012 + 0.05), atol=1e-12)
    with pytest.raises(ValueError, match="level"):
        se.placebo_interval(res, 1.0)


def _two_years(target_b: float = 1.0) -> pd.DataFrame:
    """Year A flat; year B has ``target_b`` in period 1 and 0 elsewhere (two periods)."""
    return pd.DataFrame([[0.0, 0.0], [target_b, 0.0]], index=[2020, 2021], columns=[1, 2])


def test_period_effect_interval_honours_level_exactly() -> None:
    """Resampling two years gives 0 (AA, p=1/4), 0.5 (AB, 1/2) or 1 (BB, 1/4): the quantiles are known.

    The central 95% interval runs from 0 to 1; the central 20% sits on 0.5 alone. A hard-coded
    2.5/97.5 (the level ignored) fails the second case.
    """
    wide = _two_years()
    e95 = se.period_effect(wide, [1], "greater", n_perm=200, reps=4000, seed=3)
    e20 = se.period_effect(wide, [1], "greater", n_perm=200, reps=4000, seed=3, level=0.2)
    assert e95.estimate == pytest.approx(0.5) and e20.estimate == pytest.approx(0.5)
    assert (e95.lower, e95.upper) == pytest.approx((0.0, 1.0), abs=1e-12)
    assert (e20.lower, e20.upper) == pytest.approx((0.5, 0.5), abs=1e-12)
    with pytest.raises(ValueError, match="level"):
        se.period_effect(wide, [1], level=0.0)


def test_period_table_mean_interval_honours_level_exactly() -> None:
    """Q1 changes 0 and 1 in two years, other quarters 0: the year-bootstrap means are 0, 0.5, 1."""
    q = pd.Series([0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0], index=pd.period_range("2020Q1", periods=8, freq="Q"))
    t95 = se.period_table(q, n_perm=100, reps=4000, seed=1)
    t20 = se.period_table(q, n_perm=100, reps=4000, seed=1, level=0.2)
    assert list(t95.index) == list(se.QUARTERS)
    assert (t95.loc["Q1", "mean_lower"], t95.loc["Q1", "mean_upper"]) == pytest.approx((0.0, 1.0), abs=1e-12)
    assert (t20.loc["Q1", "mean_lower"], t20.loc["Q1", "mean_upper"]) == pytest.approx((0.5, 0.5), abs=1e-12)
    assert (t20.loc["Q2", "mean_lower"], t20.loc["Q2", "mean_upper"]) == (0.0, 0.0)


def test_period_effect_p_value_counts_the_observed_arrangement() -> None:
    """Every cell equal: every permutation ties the observed difference, so p = (1 + n) / (n + 1) = 1 exactly.

    Dropping the +1 of the numerator gives n / (n + 1); dropping it from the denominator gives more than 1.
    """
    flat = pd.DataFrame(0.01, index=[2019, 2020, 2021], columns=[1, 2, 3, 4])
    for alternative in ("greater", "less", "two-sided"):
        assert se.period_effect(flat, [1], alternative, n_perm=99, reps=10).p_value == 1.0  # type: ignore[arg-type]
    one = se.period_effect(_two_years(), [1], "greater", n_perm=999, reps=10).p_value
    assert 0.5 < one < 1.0  # the swapped arrangement (-1) never reaches +1: about half the draws do


def test_permutation_diff_p_is_one_when_every_value_ties() -> None:
    diff, p, n1, n0 = se.permutation_diff(pd.Series([2.0] * 6), pd.Series([True, True, False, False, False, False]),
                                          "greater", 499, 0)
    assert (diff, p, n1, n0) == (0.0, 1.0, 2, 4)
    assert math.isnan(se.permutation_diff(pd.Series([1.0, 2.0]), pd.Series([True, True]))[1])


def test_within_year_sd_removes_year_levels() -> None:
    """Two years with the same within-year pattern and very different levels: only the pattern counts."""
    w = pd.DataFrame([[0.1, 0.3, 0.2], [5.1, 5.3, 5.2]], index=[2020, 2021], columns=[1, 2, 3])
    assert se.within_year_sd(w) == pytest.approx(np.std([-0.1, 0.1, 0.0] * 2, ddof=1), abs=1e-12)
