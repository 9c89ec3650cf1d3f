"""Unit tests of helpers.seasonality on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers import events as ev
from helpers import seasonality as se

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


# --------------------------------------------------------------------------------------------
# flush proxy
# --------------------------------------------------------------------------------------------


def _flush_world() -> tuple[pd.Series, pd.Series]:
    """100 days at 100 with three crashes: day 20 (flush), day 25 (same episode), day 60 (no funding fall)."""
    days = pd.date_range("2021-01-01", periods=100, freq="D")
    ret = np.zeros(100)
    ret[20], ret[25], ret[60] = np.log(0.85), np.log(0.9), np.log(0.8)
    ret[61:] = 0.01  # a rally after the last crash
    close = pd.Series(100 * np.exp(np.cumsum(ret)), index=days)
    funding = pd.Series(0.0001, index=days)
    funding.iloc[19], funding.iloc[20] = 0.0005, 0.0001  # crowded longs, then a reset on the crash day
    funding.iloc[59], funding.iloc[60] = -0.0001, -0.0001  # shorts paying: no flush
    return close, funding


def test_flush_detection_on_a_built_series() -> None:
    close, funding = _flush_world()
    drops = se.drop_days(close, funding, -0.07)
    assert [f"{d:%Y-%m-%d}" for d in drops.index] == ["2021-01-21", "2021-01-26", "2021-03-02"]
    assert drops["logret"].iloc[0] == pytest.approx(np.log(0.85))
    assert drops["funding_prev"].iloc[0] == pytest.approx(0.0005)
    assert drops["funding_change"].iloc[0] == pytest.approx(-0.0004)
    flush = se.is_flush(drops, 0.0, 0.00005)
    assert flush.tolist() == [True, False, False]
    eps = se.flush_episodes(drops, flush, 30)
    assert eps["flush"].tolist() == [True, False]
    assert eps["n_drop_days"].tolist() == [2, 1]
    assert eps.index[0] == pd.Timestamp("2021-01-21")
    out = se.episode_returns(close, eps, (10,))
    assert out["ret_10d"].iloc[0] == pytest.approx(np.log(0.9))  # the second crash falls inside 10 days
    assert out["ret_10d"].iloc[1] == pytest.approx(0.1)


def test_flush_episode_day_is_first_flush_day() -> None:
    close, funding = _flush_world()
    funding.iloc[24], funding.iloc[25] = 0.0008, 0.0001  # the second crash is a flush too
    funding.iloc[19], funding.iloc[20] = -0.0001, -0.0001  # and the first is not
    drops = se.drop_days(close, funding, -0.07)
    eps = se.flush_episodes(drops, se.is_flush(drops), 30)
    assert eps.index[0] == pd.Timestamp("2021-01-26") and eps["first_drop"].iloc[0] == "2021-01-21"


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


def test_placebo_interval_inverts_the_placebo_spread() -> None:
    res = ev.PlaceboResult(horizon=14, n_events=13, event_mean=0.012, placebo_mean=0.013, placebo_lower=-0.059,
                           placebo_upper=0.086, p_value=0.51, percentile=49.0, n_candidates=4000, draws=np.array([]))
    assert_allclose(se.placebo_interval(res), (-0.001, 0.012 - 0.086, 0.012 + 0.059), atol=1e-12)


def test_within_year_sd_removes_year_levels() -> None:
    """Two years with the same within-year pattern and very different levels: only the pattern counts."""
    w = pd.DataFrame([[0.1, 0.3, 0.2], [5.1, 5.3, 5.2]], index=[2020, 2021], columns=[1, 2, 3])
    assert se.within_year_sd(w) == pytest.approx(np.std([-0.1, 0.1, 0.0] * 2, ddof=1), abs=1e-12)


# --------------------------------------------------------------------------------------------
# coverage breaks
# --------------------------------------------------------------------------------------------


def _supply_with_jumps() -> pd.Series:
    """Daily supply growing 0.1% a day, with a +0.30 log jump on 2020-01-10 and a -0.20 one on 2020-03-05."""
    days = pd.date_range("2019-12-01", "2020-06-30", freq="D")
    step = np.full(len(days), 0.001)
    step[0] = 0.0
    step[days.get_loc(pd.Timestamp("2020-01-10"))] += 0.30
    step[days.get_loc(pd.Timestamp("2020-03-05"))] -= 0.20
    step[days.get_loc(pd.Timestamp("2019-12-15"))] += 0.50  # before the sample
    return pd.Series(100.0 * np.exp(np.cumsum(step)), index=days)


def test_coverage_breaks_flags_jumps_both_ways_from_start() -> None:
    s = _supply_with_jumps()
    got = se.coverage_breaks(s, 0.15, "2020-01-01")
    assert list(got.index) == [pd.Timestamp("2020-01-10"), pd.Timestamp("2020-03-05")]
    assert_allclose(got["log_change"].to_numpy(), [0.301, -0.199], atol=1e-12)
    assert_allclose(np.log(got["level_after"] / got["level_before"]).to_numpy(), got["log_change"].to_numpy())
    assert list(se.coverage_breaks(s, 0.15).index)[0] == pd.Timestamp("2019-12-15")
    assert list(se.coverage_breaks(s, 0.25, "2020-01-01").index) == [pd.Timestamp("2020-01-10")]
    assert se.coverage_breaks(s, 0.6).empty
    with pytest.raises(ValueError):
        se.coverage_breaks(s, 0.0)


def test_mask_breaks_removes_exactly_the_jump_from_its_period() -> None:
    s = _supply_with_jumps()
    clean = se.mask_breaks(s, se.coverage_breaks(s, 0.15, "2020-01-01").index)
    assert clean.iloc[-1] == pytest.approx(s.iloc[-1])
    raw_m = se.period_log_changes(s, "M", "2020-01-01")
    clean_m = se.period_log_changes(clean, "M", "2020-01-01")
    removed = pd.Series(0.0, index=raw_m.index)
    # the whole change of the masked day goes: the jump and that day's ordinary 0.001
    removed[pd.Period("2020-01", "M")], removed[pd.Period("2020-03", "M")] = 0.301, -0.199
    assert_allclose((raw_m - clean_m).to_numpy(), removed.to_numpy(), atol=1e-12)
    # the masked months keep the ordinary growth of their other days
    assert_allclose(clean_m.to_numpy(), 0.001 * np.array([30, 29, 30, 30, 31, 30]), atol=1e-12)
    assert_allclose(se.mask_breaks(s, []).to_numpy(), s.to_numpy(), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# corporate purchases
# --------------------------------------------------------------------------------------------


def _purchases(months: list[int], companies: list[str] | None = None, amounts: list[float] | None = None) -> pd.DataFrame:
    companies = companies or [f"C{i}" for i in range(len(months))]
    return pd.DataFrame({"date": [pd.Timestamp(2024, m, 15) for m in months], "company": companies,
                         "btc_amount": amounts or [1.0] * len(months)})


def test_purchase_clustering_detects_a_year_end_cluster() -> None:
    res = se.purchase_clustering(_purchases([12, 1, 2] * 5 + [6]), n_perm=2000, seed=0)
    assert res.n_purchases == 16 and res.n_companies == 16
    assert res.share_in_window == pytest.approx(15 / 16)
    assert res.expected_share == pytest.approx(90.25 / 365.25)
    assert res.p_binomial < 1e-6 and res.p_chi2 < 1e-3 and res.p_btc_perm < 0.01
    assert res.monthly["count"].sum() == 16 and res.monthly.loc[12, "count"] == 5


def test_purchase_clustering_uniform_table_shows_nothing() -> None:
    res = se.purchase_clustering(_purchases(list(range(1, 13)) * 2), expected="uniform", n_perm=2000, seed=0)
    assert res.share_in_window == pytest.approx(0.25)
    assert res.expected_share == pytest.approx(0.25)
    assert res.chi2 == pytest.approx(0.0) and res.p_chi2 == pytest.approx(1.0)
    assert res.p_binomial > 0.4


def test_purchase_clustering_btc_weighting_and_dedupe() -> None:
    # one company buys every week of December (4 rows) plus 11 single purchases in other months
    table = pd.concat([
        pd.DataFrame({"date": pd.date_range("2024-12-02", periods=4, freq="7D"), "company": "Serial",
                      "btc_amount": 1000.0}),
        _purchases([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3]),
    ])
    none = se.purchase_clustering(table, dedupe="none", n_perm=1000)
    once = se.purchase_clustering(table, dedupe="company_month", n_perm=1000)
    assert none.n_purchases == 15 and once.n_purchases == 12
    assert once.share_in_window == pytest.approx(2 / 12)  # Serial's December once, plus the January purchase
    assert once.btc_share_in_window == pytest.approx(4001 / 4011)
    assert once.monthly.loc[12, "btc"] == pytest.approx(4000.0)


def test_purchase_clustering_rejects_bad_tables() -> None:
    with pytest.raises(ValueError, match="missing"):
        se.purchase_clustering(pd.DataFrame({"date": [], "company": []}))
    with pytest.raises(ValueError, match="empty"):
        se.purchase_clustering(pd.DataFrame({"date": [], "company": [], "btc_amount": []}))
    with pytest.raises(ValueError, match="window"):
        se.purchase_clustering(_purchases([1]), window=(13,))
