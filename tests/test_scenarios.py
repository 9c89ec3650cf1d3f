"""Scenarios and strategies on paths built by hand, whose answers are known by construction.

Also checks the curated shock table ``data/crypto_events.csv`` against the mirror's reference table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers import scenarios as sc
from helpers.data import facts

#: A path that rises 60% then falls: rungs at 1.2 (day 2) and 1.5 (day 4), peak 1.6 (day 5),
#: stop level 0.75 x 1.6 = 1.2, first close at or below it 1.15 on day 7.
RISE_FALL = np.array([[1.0, 1.1, 1.2, 1.35, 1.5, 1.6, 1.4, 1.15, 1.0]])


def _series(values: np.ndarray | list[float], start: str = "2020-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="D"))


# ---------------------------------------------------------------- paths


def test_start_windows_are_prices_relative_to_each_start() -> None:
    s = _series([1.0, 2.0, 4.0, 8.0, 16.0])
    paths, starts = sc.start_windows(s, 2, start="2020-01-02")
    assert_allclose(paths, [[1, 2, 4], [1, 2, 4]])
    assert list(starts.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-01-03"]
    with pytest.raises(ValueError, match="no start day"):
        sc.start_windows(s, 5)


@pytest.mark.parametrize("c", [0.0, 0.002, -0.01])
def test_zero_variance_bootstrap_reproduces_the_deterministic_path(c: float) -> None:
    """Constant daily log returns c: every resample is the same, so each path is exp(c k)."""
    paths = sc.bootstrap_paths(np.full(400, c), n_paths=25, horizon=365, block=30, seed=1)
    assert paths.shape == (25, 366)
    assert_allclose(paths, np.tile(np.exp(c * np.arange(366)), (25, 1)), rtol=1e-12)


def test_bootstrap_is_seeded_and_demean_removes_the_drift() -> None:
    r = np.random.default_rng(3).normal(0.01, 0.02, 500)
    a = sc.bootstrap_paths(r, 50, 100, 10, seed=5)
    assert_allclose(a, sc.bootstrap_paths(r, 50, 100, 10, seed=5))
    assert not np.allclose(a, sc.bootstrap_paths(r, 50, 100, 10, seed=6))
    flat = sc.bootstrap_paths(np.full(200, 0.01), 10, 50, 5, seed=0, demean=True)
    assert_allclose(flat, 1.0)
    with pytest.raises(ValueError, match="exceeds"):
        sc.bootstrap_paths(r, 5, 501, 10, seed=0)


def test_touch_probability_of_a_level_already_exceeded_is_one() -> None:
    paths = 100 * sc.bootstrap_paths(np.random.default_rng(0).normal(0, 0.05, 300), 200, 60, 10, seed=2)
    assert_allclose(sc.touch_probability(paths, 95.0, [0, 30, 60]).to_numpy(), 1.0)


def test_touch_probability_known_shares() -> None:
    paths = np.array([[1.0, 2.0, 1.0], [1.0, 0.5, 1.6], [1.0, 1.0, 1.0], [1.0, 1.2, 1.4]])
    out = sc.touch_probability(paths, 1.5, [1, 2])
    assert_allclose(out.to_numpy(), [0.25, 0.5])
    with pytest.raises(ValueError, match="exceed"):
        sc.touch_probability(paths, 1.5, [3])


def test_fan_quantiles_of_identical_paths_are_the_path() -> None:
    path = np.exp(0.01 * np.arange(11))
    q = sc.fan_quantiles(np.tile(path, (7, 1)))
    for col in q.columns:
        assert_allclose(q[col].to_numpy(), path)


def test_sample_and_window_returns_respect_the_dates() -> None:
    s = _series(np.exp(np.arange(10.0)))  # log return 1 every day
    r = sc.sample_log_returns(s, "2020-01-03", "2020-01-05")
    assert_allclose(r, [1.0, 1.0, 1.0])  # returns ending on Jan 3, 4, 5
    w = sc.window_log_returns(s, ["2020-01-02", "2020-01-03"], 2, end="2020-01-04")
    assert w.size == 2  # Jan 3 and 4 (the windows overlap; Jan 5 is after the end)


# ---------------------------------------------------------------- staged entry


@pytest.mark.parametrize(("weeks", "freq", "expected"), [(2, "weekly", [0, 7]), (1, "daily", list(range(7))),
                                                         (4, "weekly", [0, 7, 14, 21])])
def test_entry_offsets(weeks: int, freq: str, expected: list[int]) -> None:
    assert sc.entry_offsets(weeks, freq).tolist() == expected


def test_entry_offsets_reject_unknown_frequency() -> None:
    with pytest.raises(ValueError, match="frequency"):
        sc.entry_offsets(2, "monthly")


def test_staged_entry_on_a_linear_path_has_the_harmonic_average_cost() -> None:
    """Equal cash on days 0, 7, 14, 21 of P_k = 100 + k buys at the harmonic mean of 100, 107, 114, 121."""
    prices = np.arange(100.0, 466.0, dtype=np.float64)
    offs = sc.entry_offsets(4, "weekly")
    expected = 4 / (1 / 100 + 1 / 107 + 1 / 114 + 1 / 121)
    assert_allclose(sc.average_cost(prices, offs), expected, rtol=1e-12)
    values = sc.staged_values((prices / prices[0])[None, :], offs)
    assert_allclose(values[0, -1], prices[-1] / expected, rtol=1e-12)  # final value = P_H / average cost
    assert_allclose(values[0, 3], 0.25 * 103 / 100 + 0.75, rtol=1e-12)  # one tranche in, three in cash
    assert_allclose(values[0, 0], 1.0)


def test_a_single_tranche_on_day_zero_is_the_lump_sum() -> None:
    paths = sc.bootstrap_paths(np.random.default_rng(1).normal(0, 0.03, 300), 20, 100, 10, seed=1)
    assert_allclose(sc.staged_values(paths, [0]), paths, rtol=1e-12)
    with pytest.raises(ValueError, match="offsets"):
        sc.staged_values(paths, [0, 101])


@pytest.mark.parametrize("w", [0.0, 0.3, 0.9, 1.0])
def test_static_mix_scales_the_lump_sum_return_and_shrinks_drawdowns(w: float) -> None:
    """w in the asset, the rest in cash: the final return is w times the lump sum's; the drawdown lies between
    w times the lump sum's and the lump sum's (after a rise the cash is a smaller share of the portfolio)."""
    path = np.array([[1.0, 2.0, 1.0, 1.5]])  # lump sum: +50%, drawdown 50% (2 -> 1)
    v = sc.static_mix_values(path, w)
    assert_allclose(sc.final_returns(v), [0.5 * w], atol=1e-12)
    assert_allclose(sc.max_drawdowns(v), [w / (1 + w)], atol=1e-12)  # (1 + w) -> 1: a fall of w / (1 + w)
    assert w * 0.5 - 1e-12 <= sc.max_drawdowns(v)[0] <= 0.5 + 1e-12
    with pytest.raises(ValueError, match="weight"):
        sc.static_mix_values(path, 1.2)


def test_matched_weight_equalises_the_mean_return() -> None:
    final = pd.DataFrame({"lump_sum": [0.2, 0.6, -0.2], "staged": [0.15, 0.45, -0.15]})  # means 0.2 and 0.15
    assert_allclose(sc.matched_weight(final, "staged"), 0.75)
    with pytest.raises(ValueError, match="zero"):
        sc.matched_weight(pd.DataFrame({"lump_sum": [0.1, -0.1], "s": [0.0, 0.1]}), "s")


@pytest.fixture(scope="module")
def cash_holder() -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Historical-style windows of a random walk and a "staged" plan that just keeps 20% in cash throughout.

    Against the full lump sum that plan has 20% less SD, CVaR loss and drawdown; against the lump sum
    with the same mean return (the same plan) it has exactly the same risk.
    """
    prices = _series(np.exp(np.cumsum(np.random.default_rng(7).normal(0.002, 0.03, 900))))
    paths, starts = sc.start_windows(prices, 60)
    final, mdd = sc.strategy_outcomes(paths, {"lump_sum": lambda p: p,
                                              "cash_holder": lambda p: sc.static_mix_values(p, 0.8)}, starts)
    return paths, final, mdd


def test_compare_to_matched_removes_risk_shed_by_holding_cash(
        cash_holder: tuple[np.ndarray, pd.DataFrame, pd.DataFrame]) -> None:
    paths, final, mdd = cash_holder
    vs_lump = sc.compare_to_baseline(final, mdd, "lump_sum", block=60, reps=100, seed=1)
    for m in ("sd", "cvar05"):
        assert_allclose(vs_lump.loc[("cash_holder", m), "improvement"], 0.2, rtol=1e-9)
    matched = sc.compare_to_matched(paths, final, mdd, ["cash_holder"], "lump_sum", block=60, reps=100, seed=1)
    assert_allclose(matched["weight"], 0.8, rtol=1e-12)
    assert_allclose(matched[["diff", "lo", "hi", "improvement"]].to_numpy(), 0.0, atol=1e-9)
    # the same share of losses: holding cash scales gains and losses, it never turns one into the other
    assert_allclose(vs_lump.loc[("cash_holder", "p_loss"), "diff"], 0.0, atol=1e-12)


def test_relative_interval_flips_lower_is_better_measures() -> None:
    idx = pd.MultiIndex.from_tuples([("s", "sd"), ("s", "mean")], names=["strategy", "measure"])
    table = pd.DataFrame({"lo": [-0.2, -0.1], "hi": [0.1, 0.3], "baseline": [2.0, -0.5]}, index=idx)
    out = sc.relative_interval(table)
    assert_allclose(out.to_numpy(), [[-0.05, 0.1], [-0.2, 0.6]])


# ---------------------------------------------------------------- ladder and trailing stop


def test_ladder_on_a_rise_then_fall_gives_the_hand_computed_proceeds() -> None:
    """1/3 at 1.2 + 1/3 at 1.5 + 1/3 stopped at 1.15 = 1.28333."""
    rungs, stop = sc.exit_days(RISE_FALL, sc.ARTICLE_RUNGS, 0.25, "rest")
    assert rungs.tolist() == [[2, 4]] and stop.tolist() == [7]
    values = sc.ladder_values(RISE_FALL)
    assert_allclose(values[0, -1], (1.2 + 1.5 + 1.15) / 3, rtol=1e-12)
    # day 3: one third sold at 1.2, two thirds held at 1.35
    assert_allclose(values[0, 3], 1.2 / 3 + 2 * 1.35 / 3, rtol=1e-12)


def test_ladder_that_never_reaches_a_rung_is_buy_and_hold() -> None:
    """With scope "rest" the stop arms only after the last rung: a path that falls from the start is held."""
    path = np.array([[1.0, 0.9, 0.7, 0.5, 0.6]])
    assert_allclose(sc.ladder_values(path), path)


def test_ladder_with_stop_on_everything_sells_all_at_the_stop() -> None:
    path = np.array([[1.0, 0.9, 0.8, 0.74, 0.5]])
    assert_allclose(sc.ladder_values(path, scope="all")[0, -1], 0.74)


@pytest.mark.parametrize(("path", "day"), [([1.0, 1.2, 1.0, 0.91, 0.89, 0.8], 4), ([1.0, 0.8, 0.76, 0.75, 0.7], 3),
                                           ([1.0, 1.1, 1.2, 1.3], 4)])
def test_trailing_stop_triggers_on_the_right_day(path: list[float], day: int) -> None:
    """Peak 1.2 -> stop 0.9: 0.91 holds, 0.89 sells; peak 1.0 -> 0.75 sells (at or below); never -> H + 1."""
    p = np.array([path])
    _, stop = sc.exit_days(p, (), 0.25, "all")
    assert stop.tolist() == [day]
    final = sc.trailing_stop_values(p)[0, -1]
    assert_allclose(final, path[day] if day < len(path) else path[-1])


def test_ladder_rejects_bad_rungs_and_scopes() -> None:
    with pytest.raises(ValueError, match="sum to at most 1"):
        sc.ladder_values(RISE_FALL, ((0.2, 0.6), (0.5, 0.6)))
    with pytest.raises(ValueError, match="scope"):
        sc.ladder_values(RISE_FALL, scope="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="trail"):
        sc.ladder_values(RISE_FALL, trail=1.5)


# ---------------------------------------------------------------- outcomes and comparisons


def test_max_drawdown_and_cvar_known_values() -> None:
    assert_allclose(sc.max_drawdowns(np.array([[1.0, 2.0, 1.0, 1.5], [1.0, 1.1, 1.2, 1.3]])), [0.5, 0.0])
    assert_allclose(sc.cvar(np.arange(1, 101) / 100, 0.05), 0.03)
    assert_allclose(sc.final_returns(np.array([[1.0, 3.0]])), [2.0])


def test_compare_to_baseline_values_match_risk_measures_and_self_difference_is_zero() -> None:
    paths, starts = sc.start_windows(_series(np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.03, 800)))), 60)
    final, mdd = sc.strategy_outcomes(paths, {"a": lambda p: p, "b": lambda p: p,
                                              "c": lambda p: sc.staged_values(p, [0, 7])}, starts)
    table = sc.compare_to_baseline(final, mdd, "a", block=60, reps=50, seed=1)
    direct = sc.risk_measures(final["c"].to_numpy(), mdd["c"].to_numpy())
    for m, v in direct.items():
        assert_allclose(table.loc[("c", m), "value"], v, rtol=1e-12)
    assert_allclose(table.xs("b", level="strategy")[["diff", "lo", "hi"]].to_numpy(), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="baseline"):
        sc.compare_to_baseline(final, mdd, "z", 60)


def test_gains_given_back_and_upside_capture() -> None:
    paths = np.array([[1.0, 1.3, 0.9], [1.0, 1.25, 1.1], [1.0, 1.05, 0.8]])
    assert_allclose(sc.gains_given_back(paths, paths[:, -1] - 1, 0.2), 0.5)  # 2 reached +20%, 1 ended down
    final = pd.DataFrame({"bh": [0.0, 1.0, 2.0, 4.0], "s": [0.0, 0.5, 0.5, 1.0]})
    assert_allclose(sc.upside_capture(final, "s", "bh", 0.75), 1.0 / 4.0)  # top quarter: the 4.0 row
    assert_allclose(sc.share_beating(final, "s", "bh"), 0.0)


# ---------------------------------------------------------------- realised outcome


def test_realised_after_and_days_in_range() -> None:
    s = _series([86.0, 91.0, 95.0, 97.0, 80.0, 60.0, 70.0])
    real = sc.realised_after(s, "2020-01-01", [90.0, 100.0])
    assert real["close_at_date"] == 86.0 and real["max"] == 97.0 and real["min"] == 60.0
    assert real["max_date"] == pd.Timestamp("2020-01-04") and real["min_date"] == pd.Timestamp("2020-01-06")
    assert real["first_touch_90"] == pd.Timestamp("2020-01-02") and real["first_touch_100"] is None
    assert sc.days_in_range(s, "2020-01-01", 90.0, 100.0) == 3


def test_realised_percentiles() -> None:
    paths = np.array([[1.0, 1.0 + k / 10, 1.0] for k in range(10)])  # maxima 1.0 .. 1.9
    pct = sc.realised_percentiles(paths, _series([1.0, 1.45, 1.0]))
    assert_allclose(pct["max"], 50.0)
    assert_allclose(pct["last"], 100.0)


# ---------------------------------------------------------------- risks to the thesis


def test_cluster_events_and_episodes() -> None:
    kept = sc.cluster_events(["2023-06-06", "2023-06-05", "2023-11-21", "2023-06-30"], 14)
    assert [f"{d:%Y-%m-%d}" for d in kept] == ["2023-06-05", "2023-06-30", "2023-11-21"]
    assert sc.episodes(pd.Series([True, True, False, True, np.nan, True])) == 3
    flag = pd.Series([True, False, False, True, False, False, False, False, True])  # gaps of 2 and 4 calm days
    assert [sc.episodes(flag, g) for g in (0, 2, 3, 5)] == [3, 3, 2, 1]
    assert sc.episodes(pd.Series([False, np.nan]), 30) == 0
    with pytest.raises(ValueError, match="gap_days"):
        sc.episodes(flag, -1)


def test_cash_share_and_staged_offsets() -> None:
    """28 daily tranches over 180 days: 27/28 + 26/28 + ... + 0 = 13.5 tranche-days of cash, 7.5% on average."""
    assert sc.cash_share(sc.staged_offsets("staged_4w_daily"), 180) == pytest.approx(13.5 / 180)
    assert sc.cash_share([0, 7], 10) == pytest.approx(7 * 0.5 / 10)
    assert sc.cash_share([0], 30) == 0.0
    assert list(sc.staged_offsets("staged_2w_weekly")) == [0, 7]
    with pytest.raises(ValueError, match="staged_offsets"):
        sc.staged_offsets("lump_sum")
    with pytest.raises(ValueError, match="cash_share"):
        sc.cash_share([0], 0)


def test_compare_row_level_is_narrower_from_the_same_draws() -> None:
    rng = np.random.default_rng(3)
    final = pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(0.1, 0.8, 300)})
    mdd = final.abs()
    t = sc.compare_to_baseline(final, mdd, "a", 5, 200, 1, level=0.99, row_level=0.9)
    same = sc.compare_to_baseline(final, mdd, "a", 5, 200, 1, level=0.9)
    assert_allclose(t["lo_row"], same["lo"]) and assert_allclose(t["hi_row"], same["hi"])
    b = t.loc["b"]
    assert (b["lo_row"] >= b["lo"]).all() and (b["hi_row"] <= b["hi"]).all()
    rel = sc.relative_interval(t)
    assert list(rel.columns) == ["imp_lo", "imp_hi", "imp_lo_row", "imp_hi_row"]
    assert "lo_row" not in sc.compare_to_baseline(final, mdd, "a", 5, 20, 1).columns


def test_stress_flags_lag_and_window() -> None:
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    vix = pd.Series(np.where(days == pd.Timestamp("2020-01-20"), 40.0, 20.0), index=days)
    hy = pd.Series(np.where(days >= pd.Timestamp("2020-02-10"), 5.0, 3.0), index=days)
    f = sc.stress_flags(vix, hy, 30.0, 1.0, window=30, lag_days=1)
    assert f["vix_high"].fillna(False).astype(bool).sum() == 1
    assert bool(f.loc["2020-02-18", "vix_high_window"]) and not bool(f.loc["2020-02-19", "vix_high_window"])
    assert not bool(f.loc["2020-02-10", "hy_widening"])  # published the next day
    assert bool(f.loc["2020-02-11", "hy_widening"])


def test_recession_comparison_known_difference() -> None:
    """Month-end prices rising 0.1 a month in expansions and falling 0.2 in recession months: diff -0.3."""
    months = pd.date_range("2010-01-31", periods=48, freq="ME")
    rec = np.zeros(48)
    rec[[10, 11, 30, 31, 32]] = 1
    r = np.where(rec == 1, -0.2, 0.1)
    r[0] = 0.0
    prices = pd.Series(np.exp(np.cumsum(r)), index=months)
    usrec = pd.Series(rec, index=months.to_period("M").to_timestamp())
    comp = sc.recession_comparison(prices, usrec, reps=50, block=3, seed=0)
    assert_allclose(comp.diff, -0.3, atol=1e-12)
    assert int(comp.table.loc["recession", "n"]) == 5


def test_event_returns_start_at_the_close_before_the_event() -> None:
    s = _series([100.0, 100.0, 100.0, 200.0, 200.0, 200.0, 200.0, 200.0, 200.0, 200.0])
    out = sc.event_returns(s, ["2020-01-04"], [0, 3])  # the jump is on the event day itself
    assert_allclose(out.to_numpy(), [[np.log(2.0), np.log(2.0)]])


def test_runup_reversal_counts_the_pattern() -> None:
    """Triangle: up 0.01 a day for 200 days, then down: the peak day rose before and fell after."""
    lp = np.r_[0.01 * np.arange(200), 0.01 * (200 - np.arange(1, 201))]
    s = _series(np.exp(lp), "2018-01-01")
    peak, early = pd.Timestamp("2018-01-01") + pd.Timedelta(days=199), pd.Timestamp("2018-04-11")
    table, summ = sc.runup_reversal(s, [early, peak], days=90)
    assert table["sell_the_news"].tolist() == [False, True]
    assert summ["n"] == 2 and summ["k"] == 1
    assert 0 < summ["base_rate"] < 1


# ---------------------------------------------------------------- probabilities over samples and the risks of C20


def test_min_touch_probability_is_the_smallest_over_samples() -> None:
    up = np.tile([1.0, 1.1, 1.2], (4, 1))
    flat = np.vstack([up[:1], np.ones((3, 3))])  # one path of four reaches 1.1
    touch = sc.touch_table({"a": up, "b": flat}, [1.1], [2])
    assert_allclose(sc.min_touch_probability(touch, 1.1, 2), 0.25)


def test_level_probabilities_up_and_down() -> None:
    """Four paths from 100: highs 120, 110, 100, 100 and lows 100, 100, 90, 70 over two days."""
    paths = np.array([[100.0, 120.0, 110.0], [100.0, 105.0, 110.0], [100.0, 90.0, 95.0], [100.0, 80.0, 70.0]])
    out = sc.level_probabilities(paths, [70.0, 90.0, 110.0, 120.0], 2)
    assert list(out["side"]) == ["down", "down", "up", "up"]
    assert_allclose(out["probability"].to_numpy(), [0.25, 0.5, 0.5, 0.25])
    assert_allclose(sc.level_probabilities(paths, [110.0], 1)["probability"], [0.25])  # only path 1 by day 1
    with pytest.raises(ValueError, match="exceeds"):
        sc.level_probabilities(paths, [110.0], 3)


def test_risk_measures_probability_of_loss() -> None:
    final, mdd = np.array([-0.1, 0.0, 0.2, -0.3]), np.zeros(4)
    assert sc.risk_measures(final, mdd)["p_loss"] == 0.5
    table = sc.compare_to_baseline(pd.DataFrame({"a": final, "b": final + 0.15}), pd.DataFrame({"a": mdd, "b": mdd}),
                                   "a", block=1, reps=20)
    assert_allclose(table.loc[("b", "p_loss"), ["value", "baseline", "diff"]].to_numpy(float), [0.25, 0.5, -0.25])
    assert_allclose(table.loc[("b", "p_loss"), "improvement"], 0.5)  # half as many losses = 50% less risk


def _risk_inputs(p_geo: float, p_other: float) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Inputs of :func:`risk_table` whose reactions table has eight rows, two of which enter the verdict."""
    stress = pd.DataFrame({"diff": [-0.30, -0.01], "lo": [-0.40, -0.02], "hi": [-0.20, 0.0], "p_hac": [0.001, 0.9],
                           "episodes": [20, 20]}, index=[sc.STRESS_SPECS[1][0], sc.STRESS_SPECS[3][0]])
    rows = []
    for g in ("crypto_failure (adverse)", "regulation (adverse)", "geopolitical (adverse)", "regulation (favourable)"):
        for h in (7, 30):
            p = p_geo if (g, h) == ("geopolitical (adverse)", 30) else p_other
            rows.append({"group": g, "horizon": h, "n_events": 12, "event_mean": -0.2, "placebo_mean": 0.0,
                         "placebo_lower": -0.05, "placebo_upper": 0.05, "p_lower": p, "effect": -0.2,
                         "effect_lo": -0.26, "effect_hi": -0.14})
    reactions = pd.DataFrame(rows).set_index(["group", "horizon"])
    reactions["p_holm"] = sc.st.adjust_pvalues(reactions["p_lower"], "holm")
    return stress, reactions, {"n": 10, "k": 2, "base_rate": 0.2, "p_binom": 0.6}


def test_risk_table_judges_forward_returns_and_applies_holm_over_the_four_tests() -> None:
    """Credit stress comes from the *after* row (not the during row's -0.30); geopolitical p = 0.01 -> Holm 0.04."""
    stress, reactions, sell = _risk_inputs(0.01, 0.5)
    assert reactions.loc[("geopolitical (adverse)", 30), "p_holm"] > 0.05  # the old table-wide correction
    table = sc.risk_table(stress, reactions, sell, 30, alpha=0.05, meaningful=0.10)
    assert list(table.index) == list(sc.RISK_ITEMS)
    assert_allclose(table.loc["recession (credit stress)", ["effect", "lo", "hi"]].to_numpy(float), [-0.01, -0.02, 0.0])
    assert_allclose(table.loc["recession (credit stress)", "p"], 0.9 / 2)  # one-sided for harm, effect negative
    assert_allclose(table.loc["geopolitical shock", "p_holm"], 0.04)
    assert_allclose(table.loc["geopolitical shock", ["effect", "lo", "hi"]].to_numpy(float), [-0.2, -0.26, -0.14])
    assert table.attrs["level"] == pytest.approx(1 - 0.05 / 4)
    during = sc.risk_table(stress, reactions, sell, 30, credit_timing="during")  # the declared alternative
    assert_allclose(during.loc["recession (credit stress)", ["effect", "lo", "hi"]].to_numpy(float), [-0.3, -0.4, -0.2])
    with pytest.raises(ValueError, match="credit_timing"):
        sc.risk_table(stress, reactions, sell, 30, credit_timing="before")


def test_risk_table_sell_the_news_interval() -> None:
    """k = 2 of n = 10 at base rate 0.2: the 95% Clopper-Pearson upper end 0.556 reaches a doubling (0.4)."""
    stress, reactions, sell = _risk_inputs(0.5, 0.5)
    row = sc.risk_table(stress, reactions, sell, 30, meaningful=0.10, rate_ratio=2.0, level=0.95).loc["sell the news"]
    assert_allclose(row["effect"], 0.0, atol=1e-12)
    assert_allclose(row["lo"], -(0.556095 - 0.2), atol=1e-5)
    assert_allclose(row["meaningful"], 0.2)
    wider = sc.risk_table(stress, reactions, sell, 30, level=0.99).loc["sell the news"]
    assert wider["lo"] < row["lo"]


def test_event_reactions_effect_interval_holds_the_estimate() -> None:
    s = _series(np.exp(np.cumsum(np.random.default_rng(3).normal(0.0, 0.02, 800))))
    table = sc.event_reactions(s, {"g": ["2020-06-01", "2020-09-01", "2021-01-01"]}, [7], draws=300, seed=1,
                               level=0.9)
    r = table.loc[("g", 7)]
    assert_allclose(r["effect"], r["event_mean"] - r["placebo_mean"])
    assert r["effect_lo"] <= r["effect"] <= r["effect_hi"]


def test_one_sided_p() -> None:
    assert_allclose(sc.one_sided_p(0.04, -1.0), 0.02)
    assert_allclose(sc.one_sided_p(0.04, 1.0), 0.98)


def test_slug() -> None:
    assert sc.slug("since 2020, zero drift") == "since_2020_zero_drift"
    assert sc.slug("geopolitical (adverse)") == "geopolitical_adverse"


# ---------------------------------------------------------------- curated shock table


@pytest.fixture(scope="module")
def shocks() -> pd.DataFrame:
    return facts.curated("crypto_events")


def test_crypto_events_columns_and_labels(shocks: pd.DataFrame) -> None:
    assert list(shocks.columns) == ["date", "event_type", "risk", "direction", "description", "source"]
    assert set(shocks["risk"]) <= {"regulation", "geopolitical", "crypto_failure"}
    assert set(shocks["direction"]) <= {"adverse", "favourable"}
    assert shocks["date"].is_unique and shocks["date"].is_monotonic_increasing
    assert shocks["source"].str.len().min() > 20


def test_crypto_events_match_the_reference_table(shocks: pd.DataFrame, mirror_dir: Path) -> None:
    """Rows taken from the reference keep its date and type (a typo in a date breaks this); new rows cite URLs."""
    ref = facts.reference("crypto_events", mirror=mirror_dir)
    known = set(zip(ref["date"], ref["event_type"], strict=True))
    for _, row in shocks.iterrows():
        if row["event_type"] == "geopolitical":
            assert (row["date"], row["event_type"]) not in known
            assert "https://" in row["source"] and "not in the mirror" in row["source"]
        else:
            assert (row["date"], row["event_type"]) in known, f"{row['date']:%Y-%m-%d} {row['event_type']}"
            assert "checked against mirror events/crypto_events.csv" in row["source"]
