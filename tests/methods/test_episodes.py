"""Unit tests of helpers.methods.episodes on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.methods import episodes as epi

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def _random_walk(n: int, seed: int = SEED, drift: float = 0.0, sd: float = 0.03) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _daily(100 * np.exp(np.cumsum(rng.normal(drift, sd, n))), name="btc")


def _step_path() -> pd.Series:
    """100 for 300 days, 200 for 100 days, then 50: above the 200-day average from day 300, below from day 400."""
    return _daily(np.r_[np.full(300, 100.0), np.full(100, 200.0), np.full(200, 50.0)], start="2020-01-01")


def test_uptrend_episode_on_a_step_path() -> None:
    s = _step_path()
    day = s.index
    eps = epi.uptrend_episodes(s, window=200, confirm=30, exit_days=30)
    assert len(eps) == 1
    assert eps.loc[0, "start"] == day[300]
    assert eps.loc[0, "confirmed"] == day[329]
    assert eps.loc[0, "ended"] == day[429]
    state = epi.uptrend_state(s, 200, 30, 30)
    assert not state.iloc[:329].any() and state.iloc[329:429].all() and not state.iloc[429:].any()


def test_state_from_episodes_equals_the_moving_average_state() -> None:
    s = _random_walk(1500, drift=0.001)
    eps = epi.uptrend_episodes(s, 100, 14, 14)
    assert len(eps) >= 2
    pd.testing.assert_series_equal(epi.state_from_episodes(eps, s.index), epi.uptrend_state(s, 100, 14, 14),
                                   check_names=False)


def test_uptrend_running_at_the_end_has_no_end_date() -> None:
    eps = epi.uptrend_episodes(_daily(np.r_[np.full(250, 100.0), np.full(60, 120.0)]), 200, 30, 30)
    assert len(eps) == 1 and pd.isna(eps.loc[0, "ended"])


def test_swing_episode_by_hand() -> None:
    """Trough 80 on day 2; +30% first reached on day 4 (110); peak 150 on day 5; -20% reached on day 7 (119)."""
    s = _daily([100, 90, 80, 100, 110, 150, 140, 119, 100])
    eps = epi.swing_episodes(s, rise=0.3, fall=0.2)
    assert len(eps) == 1
    row = eps.iloc[0]
    assert (row["start"], row["confirmed"], row["peak"], row["ended"]) == (s.index[2], s.index[4], s.index[5],
                                                                          s.index[7])


def test_onset_lags_running_none_and_not_yet_valid() -> None:
    ref = pd.DataFrame({"confirmed": pd.to_datetime(["2020-03-01", "2021-03-01", "2022-03-01", "2023-03-01"]),
                        "ended": pd.to_datetime(["2020-06-01", "2021-06-01", "2022-06-01", None])})
    other = pd.DataFrame({"confirmed": pd.to_datetime(["2021-02-01", "2022-05-01"]),
                          "ended": pd.to_datetime(["2021-04-01", None])})
    lags = epi.onset_lags(ref, other, max_days=90, valid_from="2020-06-01")
    assert math.isnan(lags.iloc[0])  # before the other rule can speak
    assert lags.iloc[1] == -28.0  # other already running: it was first
    assert lags.iloc[2] == 61.0  # other followed 61 days later
    assert lags.iloc[3] == -304.0  # still running since 2022-05-01
    assert math.isnan(epi.onset_lags(ref.iloc[[2]], other.iloc[[0]], max_days=90).iloc[0])  # nothing followed


def test_episodes_by_rule_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError, match="'ma' or 'swing'"):
        epi.episodes_by_rule(_step_path(), ["ema", 10, 3])
    with pytest.raises(ValueError, match="must be numbers"):
        epi.episodes_by_rule(_step_path(), ["ma", "long", 3])
    assert epi.parse_rule(["swing", 0.5, 0.3]) == ("swing", 0.5, 0.3)
    assert epi.parse_rule(["ma", 200, 30]) == ("ma", 200.0, 30.0)


def test_true_periods_and_first_true_after() -> None:
    mask = _daily([0, 1, 1, 0, 1, 0, 0, 1, 1, 1]).astype(bool)
    idx = mask.index
    assert epi.true_periods(mask) == [(idx[1], idx[2]), (idx[4], idx[4]), (idx[7], idx[9])]
    assert epi.true_periods(mask, min_days=2) == [(idx[1], idx[2]), (idx[7], idx[9])]
    out = epi.first_true_after(mask, [idx[0], idx[5], idx[8]], max_days=1)
    assert math.isnan(out.iloc[1]) and out.iloc[0] == 1.0 and out.iloc[2] == 0.0
