"""Strategy value paths of helpers.methods.strategies on paths built by hand, whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import risk
from helpers.methods import strategies as strat
from helpers.methods.simulation import bootstrap_paths

#: A path that rises 60% then falls: rungs at 1.2 (day 2) and 1.5 (day 4), peak 1.6 (day 5),
#: stop level 0.75 x 1.6 = 1.2, first close at or below it 1.15 on day 7.
RISE_FALL = np.array([[1.0, 1.1, 1.2, 1.35, 1.5, 1.6, 1.4, 1.15, 1.0]])


@pytest.mark.parametrize(("weeks", "freq", "expected"), [(2, "weekly", [0, 7]), (1, "daily", list(range(7))),
                                                         (4, "weekly", [0, 7, 14, 21])])
def test_entry_offsets(weeks: int, freq: strat.Frequency, expected: list[int]) -> None:
    assert strat.entry_offsets(weeks, freq).tolist() == expected


def test_entry_offsets_reject_unknown_frequency() -> None:
    with pytest.raises(ValueError, match="frequency"):
        strat.entry_offsets(2, "monthly")  # type: ignore[arg-type]


def test_staged_entry_on_a_linear_path_has_the_harmonic_average_cost() -> None:
    """Equal cash on days 0, 7, 14, 21 of P_k = 100 + k buys at the harmonic mean of 100, 107, 114, 121."""
    prices = np.arange(100.0, 466.0, dtype=np.float64)
    offs = strat.entry_offsets(4, "weekly")
    expected = 4 / (1 / 100 + 1 / 107 + 1 / 114 + 1 / 121)
    assert_allclose(strat.average_cost(prices, offs), expected, rtol=1e-12)
    values = strat.staged_values((prices / prices[0])[None, :], offs)
    assert_allclose(values[0, -1], prices[-1] / expected, rtol=1e-12)  # final value = P_H / average cost
    assert_allclose(values[0, 3], 0.25 * 103 / 100 + 0.75, rtol=1e-12)  # one tranche in, three in cash
    assert_allclose(values[0, 0], 1.0)


def test_a_single_tranche_on_day_zero_is_the_lump_sum() -> None:
    paths = bootstrap_paths(np.random.default_rng(1).normal(0, 0.03, 300), 20, 100, 10, seed=1)
    assert_allclose(strat.staged_values(paths, [0]), paths, rtol=1e-12)
    with pytest.raises(ValueError, match="offsets"):
        strat.staged_values(paths, [0, 101])


@pytest.mark.parametrize("w", [0.0, 0.3, 0.9, 1.0])
def test_static_mix_scales_the_lump_sum_return_and_shrinks_drawdowns(w: float) -> None:
    """w in the asset, the rest in cash: the final return is w times the lump sum's; the drawdown lies between
    w times the lump sum's and the lump sum's (after a rise the cash is a smaller share of the portfolio)."""
    path = np.array([[1.0, 2.0, 1.0, 1.5]])  # lump sum: +50%, drawdown 50% (2 -> 1)
    v = strat.static_mix_values(path, w)
    assert_allclose(strat.final_returns(v), [0.5 * w], atol=1e-12)
    assert_allclose(risk.max_drawdown(v), [w / (1 + w)], atol=1e-12)  # (1 + w) -> 1: a fall of w / (1 + w)
    with pytest.raises(ValueError, match="weight"):
        strat.static_mix_values(path, 1.2)


def test_strategy_outcomes_are_final_returns_and_row_drawdowns() -> None:
    paths = np.array([[1.0, 2.0, 1.0, 1.5], [1.0, 1.1, 1.2, 1.3]])
    final, mdd = strat.strategy_outcomes(paths, {"hold": lambda p: p}, pd.Index(["a", "b"]))
    assert_allclose(final["hold"].to_numpy(), [0.5, 0.3])
    assert_allclose(mdd["hold"].to_numpy(), [0.5, 0.0])
    assert list(final.index) == ["a", "b"]
    assert_allclose(strat.final_returns(np.array([[1.0, 3.0]])), [2.0])


def test_matched_weight_equalises_the_mean_return() -> None:
    final = pd.DataFrame({"lump_sum": [0.2, 0.6, -0.2], "staged": [0.15, 0.45, -0.15]})  # means 0.2 and 0.15
    assert_allclose(strat.matched_weight(final, "staged"), 0.75)
    with pytest.raises(ValueError, match="zero"):
        strat.matched_weight(pd.DataFrame({"lump_sum": [0.1, -0.1], "s": [0.0, 0.1]}), "s")


def test_ladder_on_a_rise_then_fall_gives_the_hand_computed_proceeds() -> None:
    """1/3 at 1.2 + 1/3 at 1.5 + 1/3 stopped at 1.15 = 1.28333."""
    rungs, stop = strat.exit_days(RISE_FALL, strat.ARTICLE_RUNGS, 0.25, "rest")
    assert rungs.tolist() == [[2, 4]] and stop.tolist() == [7]
    values = strat.ladder_values(RISE_FALL)
    assert_allclose(values[0, -1], (1.2 + 1.5 + 1.15) / 3, rtol=1e-12)
    # day 3: one third sold at 1.2, two thirds held at 1.35
    assert_allclose(values[0, 3], 1.2 / 3 + 2 * 1.35 / 3, rtol=1e-12)


def test_ladder_that_never_reaches_a_rung_is_buy_and_hold() -> None:
    """With scope "rest" the stop arms only after the last rung: a path that falls from the start is held."""
    path = np.array([[1.0, 0.9, 0.7, 0.5, 0.6]])
    assert_allclose(strat.ladder_values(path), path)


def test_ladder_with_stop_on_everything_sells_all_at_the_stop() -> None:
    path = np.array([[1.0, 0.9, 0.8, 0.74, 0.5]])
    assert_allclose(strat.ladder_values(path, scope="all")[0, -1], 0.74)


@pytest.mark.parametrize(("path", "day"), [([1.0, 1.2, 1.0, 0.91, 0.89, 0.8], 4), ([1.0, 0.8, 0.76, 0.75, 0.7], 3),
                                           ([1.0, 1.1, 1.2, 1.3], 4)])
def test_trailing_stop_triggers_on_the_right_day(path: list[float], day: int) -> None:
    """Peak 1.2 -> stop 0.9: 0.91 holds, 0.89 sells; peak 1.0 -> 0.75 sells (at or below); never -> H + 1."""
    p = np.array([path])
    _, stop = strat.exit_days(p, (), 0.25, "all")
    assert stop.tolist() == [day]
    final = strat.trailing_stop_values(p)[0, -1]
    assert_allclose(final, path[day] if day < len(path) else path[-1])


def test_ladder_rejects_bad_rungs_and_scopes() -> None:
    with pytest.raises(ValueError, match="sum to at most 1"):
        strat.ladder_values(RISE_FALL, ((0.2, 0.6), (0.5, 0.6)))
    with pytest.raises(ValueError, match="scope"):
        strat.ladder_values(RISE_FALL, scope="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="trail"):
        strat.ladder_values(RISE_FALL, trail=1.5)


def test_cash_share_and_staged_offsets() -> None:
    """28 daily tranches over 180 days: 27/28 + 26/28 + ... + 0 = 13.5 tranche-days of cash, 7.5% on average."""
    assert strat.cash_share(strat.staged_offsets("staged_4w_daily"), 180) == pytest.approx(13.5 / 180)
    assert strat.cash_share([0, 7], 10) == pytest.approx(7 * 0.5 / 10)
    assert strat.cash_share([0], 30) == 0.0
    assert list(strat.staged_offsets("staged_2w_weekly")) == [0, 7]
    for bad in ("lump_sum", "staged_2w_monthly"):
        with pytest.raises(ValueError, match="staged_offsets"):
            strat.staged_offsets(bad)
    with pytest.raises(ValueError, match="cash_share"):
        strat.cash_share([0], 0)


def test_named_strategy_sets() -> None:
    staged = strat.staged_strategies([2], ["daily", "weekly"])
    assert list(staged) == ["lump_sum", "staged_2w_daily", "staged_2w_weekly"]
    assert_allclose(staged["staged_2w_weekly"](RISE_FALL), strat.staged_values(RISE_FALL, [0, 7]))
    exits = strat.exit_strategies()
    assert list(exits) == ["buy_and_hold", "ladder", "trailing_stop"]
    assert_allclose(exits["ladder"](RISE_FALL), strat.ladder_values(RISE_FALL))
