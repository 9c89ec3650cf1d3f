"""Risk measures and comparisons of helpers.methods.strategy_comparison on outcomes whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import simulation as sim
from helpers.methods import strategies as strat
from helpers.methods import strategy_comparison as cmp


def _series(values: np.ndarray | list[float], start: str = "2020-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="D"))


@pytest.fixture(scope="module")
def cash_holder() -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Historical-style windows of a random walk and a "staged" plan that just keeps 20% in cash throughout.

    Against the full lump sum that plan has 20% less SD, CVaR loss and drawdown; against the lump sum
    with the same mean return (the same plan) it has exactly the same risk.
    """
    prices = _series(np.exp(np.cumsum(np.random.default_rng(7).normal(0.002, 0.03, 900))))
    paths, starts = sim.start_windows(prices, 60)
    final, mdd = strat.strategy_outcomes(paths, {"lump_sum": lambda p: p,
                                                 "cash_holder": lambda p: strat.static_mix_values(p, 0.8)}, starts)
    return paths, final, mdd


def test_compare_to_matched_removes_risk_shed_by_holding_cash(
        cash_holder: tuple[np.ndarray, pd.DataFrame, pd.DataFrame]) -> None:
    paths, final, mdd = cash_holder
    vs_lump = cmp.compare_to_baseline(final, mdd, "lump_sum", block=60, reps=100, seed=1)
    for m in ("sd", "cvar05"):
        assert_allclose(vs_lump.loc[("cash_holder", m), "improvement"], 0.2, rtol=1e-9)
    matched = cmp.compare_to_matched(paths, final, mdd, ["cash_holder"], "lump_sum", block=60, reps=100, seed=1)
    assert_allclose(matched["weight"], 0.8, rtol=1e-12)
    assert_allclose(matched[["diff", "lo", "hi", "improvement"]].to_numpy(), 0.0, atol=1e-9)
    # the same share of losses: holding cash scales gains and losses, it never turns one into the other
    assert_allclose(vs_lump.loc[("cash_holder", "p_loss"), "diff"], 0.0, atol=1e-12)


def test_relative_interval_flips_lower_is_better_measures() -> None:
    idx = pd.MultiIndex.from_tuples([("s", "sd"), ("s", "mean")], names=["strategy", "measure"])
    table = pd.DataFrame({"lo": [-0.2, -0.1], "hi": [0.1, 0.3], "baseline": [2.0, -0.5]}, index=idx)
    out = cmp.relative_interval(table)
    assert_allclose(out.to_numpy(), [[-0.05, 0.1], [-0.2, 0.6]])


def test_cvar_is_exact_when_alpha_n_is_fractional() -> None:
    """Outcomes 1..10 at alpha 0.25: alpha n = 2.5, CVaR (1 + 2 + 0.5 x 3) / 2.5 = 1.8, not 2.0 (mean of the worst 3).

    Both the direct summary and the vectorised measures behind the bootstrap give the exact value.
    """
    final = np.arange(1.0, 11.0)
    mdd = np.zeros(10)
    assert_allclose(cmp.risk_measures(final, mdd, alpha=0.25).cvar05, 1.8)
    assert_allclose(cmp.risk_measures(final, mdd, alpha=0.2).cvar05, 1.5)  # alpha n = 2: mean of 1 and 2
    table = cmp.compare_to_baseline(pd.DataFrame({"a": final, "b": 2 * final}), pd.DataFrame({"a": mdd, "b": mdd}),
                                    "a", block=1, reps=20, alpha=0.25)
    assert_allclose(table.loc[("a", "cvar05"), "value"], 1.8)
    assert_allclose(table.loc[("b", "cvar05"), ["value", "diff"]].to_numpy(float), [3.6, 1.8])


def test_compare_to_baseline_values_match_risk_measures_and_self_difference_is_zero() -> None:
    paths, starts = sim.start_windows(_series(np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.03, 800)))), 61)
    final, mdd = strat.strategy_outcomes(paths, {"a": lambda p: p, "b": lambda p: p,
                                                 "c": lambda p: strat.staged_values(p, [0, 7])}, starts)
    assert (0.05 * len(final)) % 1 != 0  # a fractional tail: the exact CVaR is exercised
    table = cmp.compare_to_baseline(final, mdd, "a", block=60, reps=50, seed=1)
    direct = cmp.risk_measures(final["c"].to_numpy(), mdd["c"].to_numpy())
    for m in cmp.MEASURES:
        assert_allclose(table.loc[("c", m), "value"], direct.value(m), rtol=1e-12)
    assert_allclose(table.xs("b", level="strategy")[["diff", "lo", "hi"]].to_numpy(), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="baseline"):
        cmp.compare_to_baseline(final, mdd, "z", 60)
    with pytest.raises(ValueError, match="measure"):
        direct.value("var")


def test_gains_given_back_and_upside_capture() -> None:
    paths = np.array([[1.0, 1.3, 0.9], [1.0, 1.25, 1.1], [1.0, 1.05, 0.8]])
    assert_allclose(cmp.gains_given_back(paths, paths[:, -1] - 1, 0.2), 0.5)  # 2 reached +20%, 1 ended down
    final = pd.DataFrame({"bh": [0.0, 1.0, 2.0, 4.0], "s": [0.0, 0.5, 0.5, 1.0]})
    assert_allclose(cmp.upside_capture(final, "s", "bh", 0.75), 1.0 / 4.0)  # top quarter: the 4.0 row
    assert_allclose(cmp.share_beating(final, "s", "bh"), 0.0)


def test_compare_row_level_is_narrower_from_the_same_draws() -> None:
    rng = np.random.default_rng(3)
    final = pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(0.1, 0.8, 300)})
    mdd = final.abs()
    t = cmp.compare_to_baseline(final, mdd, "a", 5, 200, 1, level=0.99, row_level=0.9)
    same = cmp.compare_to_baseline(final, mdd, "a", 5, 200, 1, level=0.9)
    assert_allclose(t["lo_row"], same["lo"]) and assert_allclose(t["hi_row"], same["hi"])
    b = t.loc["b"]
    assert (b["lo_row"] >= b["lo"]).all() and (b["hi_row"] <= b["hi"]).all()
    assert (b["lo_row"] > b["lo"]).any()  # level is honoured: 90% and 99% differ
    rel = cmp.relative_interval(t)
    assert list(rel.columns) == ["imp_lo", "imp_hi", "imp_lo_row", "imp_hi_row"]
    assert "lo_row" not in cmp.compare_to_baseline(final, mdd, "a", 5, 20, 1).columns


def test_risk_measures_probability_of_loss() -> None:
    final, mdd = np.array([-0.1, 0.0, 0.2, -0.3]), np.zeros(4)
    assert cmp.risk_measures(final, mdd).p_loss == 0.5
    table = cmp.compare_to_baseline(pd.DataFrame({"a": final, "b": final + 0.15}), pd.DataFrame({"a": mdd, "b": mdd}),
                                    "a", block=1, reps=20)
    assert_allclose(table.loc[("b", "p_loss"), ["value", "baseline", "diff"]].to_numpy(float), [0.25, 0.5, -0.25])
    assert_allclose(table.loc[("b", "p_loss"), "improvement"], 0.5)  # half as many losses = 50% less risk


def test_lock_and_capture_estimates_and_level() -> None:
    """Hand-made outcomes: the ladder ends in a loss on none of the two paths that were up 20%, hold on one."""
    paths = np.array([[1.0, 1.3, 0.9], [1.0, 1.25, 1.1], [1.0, 1.05, 0.8], [1.0, 1.1, 1.4]])
    final = pd.DataFrame({"hold": paths[:, -1] - 1, "ladder": [0.2, 0.2, -0.2, 0.3]})
    table = cmp.lock_and_capture(paths, final, "hold", gain=0.2, q=0.75, block=1, reps=200, seed=0, level=0.9)
    r = table.loc["ladder"]
    assert_allclose(r[["up_then_loss", "diff"]].to_numpy(float), [0.0, -1 / 3])  # 0 of 3 vs 1 of 3 reached
    assert_allclose(r["capture"], 0.3 / 0.4)  # the top quarter of hold: the 1.4 path
    assert int(r["n_reached"]) == 3 and int(r["n"]) == 4
    assert r["lo"] <= r["diff"] <= r["hi"]
    wide = cmp.lock_and_capture(paths, final, "hold", gain=0.2, q=0.75, block=1, reps=200, seed=0, level=0.99)
    assert wide.loc["ladder", "lo"] <= r["lo"] and wide.loc["ladder", "hi"] >= r["hi"]


def test_conditional_difference_splits_by_the_start_day_flag() -> None:
    idx = pd.date_range("2020-01-01", periods=4)
    final = pd.DataFrame({"base": [0.0, 0.0, 0.0, 0.0], "s": [0.1, 0.3, -0.2, -0.4]}, index=idx)
    cond = pd.Series([True, True, False, np.nan], index=idx)
    out = cmp.conditional_difference(final, ["s"], "base", cond)
    assert_allclose(out.loc[("s", "up-trend"), ["mean_diff", "share_beating", "n"]].to_numpy(float), [0.2, 1.0, 2])
    assert_allclose(out.loc[("s", "down-trend"), ["mean_diff", "n"]].to_numpy(float), [-0.2, 1])
    flag = cmp.trend_flag(_series(np.r_[np.ones(5), 2 * np.ones(3)]), 3)
    assert flag.iloc[:2].isna().all() and bool(flag.iloc[5]) and not bool(flag.iloc[4])
