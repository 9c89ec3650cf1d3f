"""Unit tests of helpers.rotation on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sps

from helpers import rotation as rot
from helpers import stats

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def _random_walk(n: int, seed: int = SEED, drift: float = 0.0, sd: float = 0.03) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _daily(100 * np.exp(np.cumsum(rng.normal(drift, sd, n))), name="btc")


def _shift_days(s: pd.Series, days: int, name: str) -> pd.Series:
    """The same path ``days`` later: value on D + days = value of ``s`` on D."""
    out = s.copy()
    out.index = out.index + pd.Timedelta(days=days)
    return out.rename(name)


# ---------------------------------------------------------------------------------------------
# prices and baskets
# ---------------------------------------------------------------------------------------------


def test_basket_of_two_series_by_hand() -> None:
    """A: +10%, +10%; B: -10%, +10%: the equal-weight basket returns 0% then +10%."""
    prices = pd.DataFrame({"a": [100.0, 110.0, 121.0], "b": [100.0, 90.0, 99.0]},
                          index=pd.date_range("2021-01-01", periods=3, name="date"))
    b = rot.equal_weight_basket(prices, min_members=2)
    assert_allclose(b.returns.to_numpy()[1:], [0.0, 0.1], atol=1e-12)
    assert_allclose(b.level.to_numpy(), [100.0, 100.0, 110.0], atol=1e-9)
    assert b.members.tolist() == [0, 2, 2]


def test_basket_min_members_and_holes() -> None:
    """A member with a missing day sits out both returns that touch the hole; too few members: no basket return."""
    idx = pd.date_range("2021-01-01", periods=5, name="date")
    prices = pd.DataFrame({"a": [100, 110, 121, 133.1, 146.41], "b": [100, 100, np.nan, 100, 200],
                           "c": [50, 50, 50, 50, 50]}, index=idx, dtype=float)
    b = rot.equal_weight_basket(prices, min_members=3)
    assert b.members.tolist() == [0, 3, 2, 2, 3]
    assert np.isnan(b.returns.iloc[2]) and np.isnan(b.returns.iloc[3])
    assert b.returns.iloc[4] == pytest.approx((0.1 + 1.0 + 0.0) / 3)
    assert b.level.iloc[0] == 100.0 and b.level.iloc[1] == pytest.approx(100 * (1 + 0.1 / 3))
    assert b.level.iloc[2:4].isna().all()
    b2 = rot.equal_weight_basket(prices, min_members=2)
    assert_allclose(b2.returns.to_numpy()[1:], [0.1 / 3, 0.05, 0.05, 1.1 / 3], atol=1e-12)


def test_basket_without_enough_members_raises() -> None:
    prices = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2021-01-01", periods=2))
    with pytest.raises(ValueError, match="min_members"):
        rot.equal_weight_basket(prices, min_members=2)


def test_data_break_drops_earlier_data_and_seasoning_delays_entry() -> None:
    """A x26 one-day jump (BNB 2017-10-29 in the mirror) is a data error: data before it are dropped."""
    s = _daily([0.05, 0.049, 0.046, 1.2, 1.25, 1.3, 1.28, 1.3], start="2017-10-26", name="bnb")
    assert list(rot.data_breaks(s)) == [pd.Timestamp("2017-10-29")]
    assert len(rot.data_breaks(_daily([1.0, 4.4, 4.0]))) == 0  # DOGE-like x4.4 stays
    px = rot.prepare_prices({"bnb": s, "ref": _daily(np.ones(8), start="2017-10-26")}, seasoning_days=2)
    assert px["bnb"].first_valid_index() == pd.Timestamp("2017-10-31")
    assert px["ref"].first_valid_index() == pd.Timestamp("2017-10-28")
    with pytest.raises(ValueError, match="max_jump"):
        rot.data_breaks(s, max_jump=1.0)


def test_relative_strength_is_log_ratio() -> None:
    a, b = _daily([1.0, 2.0, 4.0], name="a"), _daily([1.0, 1.0, 2.0], name="b")
    assert_allclose(rot.relative_strength(a, b).to_numpy(), [0.0, math.log(2), math.log(2)])


def test_trim_after_last_blanks_stale_values() -> None:
    weekly = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]},
                          index=pd.to_datetime(["2021-01-07", "2021-01-14", "2021-01-21"]))
    daily_a = _daily(np.ones(10), start="2021-01-01")  # stops on 2021-01-10
    out = rot.trim_after_last(weekly, {"a": daily_a})
    assert out["a"].isna().tolist() == [False, True, True] and out["b"].notna().all()


def test_size_buckets_rank_by_median_cap() -> None:
    caps = pd.DataFrame({"x": [1e9, 3e9, 2e9], "y": [10e9, 10e9, 10e9], "z": [5e8, 5e8, np.nan],
                         "w": [4e9, 4e9, 4e9]}, index=pd.date_range("2021-01-01", periods=3))
    out = rot.size_buckets(caps, "2021-01-01", "2021-01-03", n_large=1, n_mid=2)
    assert list(out.index) == ["y", "w", "x", "z"]
    assert list(out["bucket"]) == ["large", "mid", "mid", "small"]
    assert out.loc["x", "median_cap_usd_bn"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="no market cap"):
        rot.size_buckets(caps, "2021-01-03", "2021-01-03")


# ---------------------------------------------------------------------------------------------
# uptrends and episodes
# ---------------------------------------------------------------------------------------------


def _step_path() -> pd.Series:
    """100 for 300 days, 200 for 100 days, then 50: above the 200-day average from day 300, below from day 400."""
    return _daily(np.r_[np.full(300, 100.0), np.full(100, 200.0), np.full(200, 50.0)], start="2020-01-01")


def test_uptrend_episode_on_a_step_path() -> None:
    s = _step_path()
    day = s.index
    eps = rot.uptrend_episodes(s, window=200, confirm=30, exit_days=30)
    assert len(eps) == 1
    assert eps.loc[0, "start"] == day[300]
    assert eps.loc[0, "confirmed"] == day[329]
    assert eps.loc[0, "ended"] == day[429]
    state = rot.uptrend_state(s, 200, 30, 30)
    assert not state.iloc[:329].any() and state.iloc[329:429].all() and not state.iloc[429:].any()


def test_state_from_episodes_equals_the_moving_average_state() -> None:
    s = _random_walk(1500, drift=0.001)
    eps = rot.uptrend_episodes(s, 100, 14, 14)
    assert len(eps) >= 2
    pd.testing.assert_series_equal(rot.state_from_episodes(eps, s.index), rot.uptrend_state(s, 100, 14, 14),
                                   check_names=False)


def test_uptrend_running_at_the_end_has_no_end_date() -> None:
    eps = rot.uptrend_episodes(_daily(np.r_[np.full(250, 100.0), np.full(60, 120.0)]), 200, 30, 30)
    assert len(eps) == 1 and pd.isna(eps.loc[0, "ended"])


def test_swing_episode_by_hand() -> None:
    """Trough 80 on day 2; +30% first reached on day 4 (110); peak 150 on day 5; -20% reached on day 7 (119)."""
    s = _daily([100, 90, 80, 100, 110, 150, 140, 119, 100])
    eps = rot.swing_episodes(s, rise=0.3, fall=0.2)
    assert len(eps) == 1
    row = eps.iloc[0]
    assert (row["start"], row["confirmed"], row["peak"], row["ended"]) == (s.index[2], s.index[4], s.index[5],
                                                                          s.index[7])


@pytest.mark.parametrize("rule", [["ma", 200, 30], ["ma", 50, 7], ["swing", 0.5, 0.3]], ids=["ma200", "ma50", "swing"])
def test_shifted_series_lags_by_exactly_thirty_days(rule: list[object]) -> None:
    """An alt series that is BTC 30 days later establishes each uptrend exactly 30 days after BTC."""
    t = np.arange(2500)
    noise = np.random.default_rng(SEED).normal(0, 0.01, t.size)
    btc = _daily(100 * np.exp(np.sin(2 * np.pi * t / 400) + 0.002 * t + noise), name="btc")  # cycles of 400 days
    alt = _shift_days(btc, 30, "alt")
    lead_eps, _ = rot.episodes_by_rule(btc, rule)
    eps, valid = rot.episodes_by_rule(alt, rule)
    lags = rot.onset_lags(lead_eps, eps, 365, valid).dropna()
    assert len(lags) >= 2
    assert_allclose(lags.to_numpy(), 30.0)
    table = rot.onset_lag_table(btc, {"alt": alt}, [rule], str(btc.index[0].date()), 365, (30, 90))
    assert table.loc[0, "median"] == 30.0 and table.loc[0, "share_in_band"] == 1.0
    assert table.loc[0, "share_leader_first"] == 1.0


def test_onset_lags_running_none_and_not_yet_valid() -> None:
    ref = pd.DataFrame({"confirmed": pd.to_datetime(["2020-03-01", "2021-03-01", "2022-03-01", "2023-03-01"]),
                        "ended": pd.to_datetime(["2020-06-01", "2021-06-01", "2022-06-01", None])})
    other = pd.DataFrame({"confirmed": pd.to_datetime(["2021-02-01", "2022-05-01"]),
                          "ended": pd.to_datetime(["2021-04-01", None])})
    lags = rot.onset_lags(ref, other, max_days=90, valid_from="2020-06-01")
    assert math.isnan(lags.iloc[0])  # before the other rule can speak
    assert lags.iloc[1] == -28.0  # other already running: it was first
    assert lags.iloc[2] == 61.0  # other followed 61 days later
    assert lags.iloc[3] == -304.0  # still running since 2022-05-01
    assert math.isnan(rot.onset_lags(ref.iloc[[2]], other.iloc[[0]], max_days=90).iloc[0])  # nothing followed


def test_episodes_by_rule_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError, match="'ma' or 'swing'"):
        rot.episodes_by_rule(_step_path(), ["ema", 10, 3])


# ---------------------------------------------------------------------------------------------
# rally anatomy
# ---------------------------------------------------------------------------------------------


def _triangle(up: int = 100, down: int = 100, slope: float = 0.01) -> pd.Series:
    """Log price rising by ``slope`` a day for ``up`` days, then falling at the same rate."""
    logp = np.r_[np.arange(up + 1) * slope, up * slope - np.arange(1, down + 1) * slope]
    return _daily(100 * np.exp(logp))


def test_time_to_peak_on_a_triangle() -> None:
    s = _triangle()
    out = rot.time_to_peak(s, s.index[0])
    assert out["peak"] == s.index[100] and out["days"] == 100
    assert out["gain"] == pytest.approx(1.0)
    late = rot.time_to_peak(s, s.index[20], s.index[60])
    assert late["days"] == 40 and late["gain"] == pytest.approx(0.4)


def test_half_life_and_rally_metrics_on_a_triangle() -> None:
    s = _triangle()
    assert rot.half_life(s, s.index[0], s.index[100]) == 50.0
    m = rot.rally_metrics(s, (s.index[0], s.index[10]), s.index[-1], after_days=80)
    assert m["trough"] == s.index[0] and m["peak"] == s.index[100]
    assert m["gain"] == pytest.approx(1.0) and m["days_to_peak"] == 100
    assert m["drawdown_after"] == pytest.approx(-0.8)
    assert m["after_complete"] and m["half_within"] == 1.0
    censored = rot.rally_metrics(_triangle(100, 30), (s.index[0], s.index[10]), s.index[-1], after_days=80)
    assert math.isnan(censored["half_life_days"]) and math.isnan(censored["half_within"])
    assert censored["drawdown_after"] == pytest.approx(-0.3)


def test_episode_rallies_and_amplification() -> None:
    """BTC rises 1.0 in log terms, the alt 2.0 over the same days: excess gain 1.0 and volatility ratio 2."""
    btc = _triangle(100, 100, 0.01)
    alt = _daily(100 * np.exp(2 * np.log(btc.to_numpy() / 100)))
    prices = pd.DataFrame({"btc": btc, "alt": alt})
    eps = pd.DataFrame({"confirmed": [btc.index[30]], "ended": [btc.index[120]]})
    rallies = rot.episode_rallies(prices, eps, lookback=60, slack=20, after_days=50)
    assert set(rallies["asset"]) == {"btc", "alt"}
    r = rallies.set_index("asset")
    assert r.loc["btc", "peak"] == btc.index[100] and r.loc["btc", "peak_after_confirm_days"] == 70
    assert r.loc["alt", "gain"] == pytest.approx(2.0)
    assert_allclose(rot.excess_over(rallies, "gain").to_numpy(), [0.0, 1.0], atol=1e-12)
    vol = rot.episode_volatility(prices, eps)
    amp = rot.amplification_table(rallies, vol, ["alt"])
    assert amp["alt_excess_gain"].iloc[0] == pytest.approx(1.0)
    assert amp["alt_vol_ratio"].iloc[0] == pytest.approx(2.0)


def test_bucket_summary_and_profile() -> None:
    rallies = pd.DataFrame({"episode": pd.to_datetime(["2020-01-01"] * 3 + ["2021-01-01"] * 3),
                            "asset": ["btc", "a", "b"] * 2, "gain": [1.0, 2.0, 0.5, 1.0, 1.5, 1.5],
                            "days_to_peak": [100.0, 50, 25, 100, 60, 30], "peak_after_confirm_days": [10.0] * 6,
                            "drawdown_after": [-0.5, -1.0, -0.2, -0.5, -0.9, -0.4],
                            "after_complete": [True] * 6, "half_within": [0.0, 1.0, 0.0, 0.0, 1.0, 1.0],
                            "bucket": ["large", "small", "small"] * 2})
    summary = rot.bucket_summary(rallies, ["large", "small"])
    assert summary.loc["small", "n"] == 4 and summary.loc["small", "gain"] == pytest.approx(1.5)
    assert summary.loc["small", "half_within_share"] == pytest.approx(0.75)
    prof = rot.asset_rally_profile(rallies)
    assert prof.loc["a", "excess_gain"] == pytest.approx(0.75)
    assert prof.loc["a", "excess_drawdown"] == pytest.approx(-0.45)
    assert prof.loc["b", "speed"] == pytest.approx(np.median([30 * 0.5 / 25, 30 * 1.5 / 30]))


# ---------------------------------------------------------------------------------------------
# lead-lag
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", [30, -30, 0], ids=["alt_follows", "alt_leads", "same_day"])
def test_best_lag_of_a_shifted_series(shift: int) -> None:
    """alt = BTC ``shift`` days later: the lead-lag peaks at ``shift`` and so does the outperformance lag."""
    btc = _random_walk(1500)
    alt = _shift_days(btc, shift, "alt")
    rb, ra = np.log(btc).diff(), np.log(alt).diff()
    ll = rot.best_lag(rb, ra, max_lag=40, reps=200, seed=SEED)
    assert ll.lag == shift and ll.lo == shift and ll.hi == shift
    assert ll.r == pytest.approx(1.0)
    assert (ll.asymmetry > 0.5) if shift > 0 else (ll.asymmetry < -0.5) if shift < 0 else abs(ll.asymmetry) < 0.3
    if shift != 0:
        op = rot.outperformance_lag(rb, ra, max_lag=40, reps=200, seed=SEED)
        assert op.lag == shift and op.lo == shift and op.hi == shift
    table = rot.lead_lag_table({"alt": ll})
    assert table.loc["alt", "lag"] == shift and table.loc["alt", "n"] == ll.n


def test_outperformance_lag_of_an_amplifier_is_zero() -> None:
    """An alt with twice BTC's daily log return outperforms in the same period as BTC rises."""
    btc = _random_walk(1500)
    rb = np.log(btc).diff()
    assert rot.outperformance_lag(rb, 2 * rb, max_lag=10, reps=0).lag == 0


def test_best_lag_needs_enough_data() -> None:
    s = _daily(np.arange(20.0))
    with pytest.raises(ValueError, match="too few"):
        rot.best_lag(s, s, max_lag=10, reps=0)


def test_beta_of_a_constructed_relation() -> None:
    rng = np.random.default_rng(SEED)
    x = _daily(rng.normal(0, 0.02, 3000))
    y = 2 * x + _daily(rng.normal(0, 0.005, 3000))
    out = rot.beta(y, x)
    assert out["beta"] == pytest.approx(2.0, abs=0.02)
    assert out["lo"] < 2 < out["hi"] and out["p_one"] < 1e-6 and out["n"] == 3000


# ---------------------------------------------------------------------------------------------
# breadth and periods
# ---------------------------------------------------------------------------------------------


def test_breadth_by_hand() -> None:
    n = 12
    bench = _daily(np.exp(0.01 * np.arange(n)))
    tokens = pd.DataFrame({"up2": np.exp(0.02 * np.arange(n)), "up3": np.exp(0.03 * np.arange(n)),
                           "flat": np.ones(n), "down": np.exp(-0.01 * np.arange(n))}, index=bench.index)
    br = rot.breadth(tokens, bench, window=5, min_members=4)
    assert br.iloc[:5].isna().all()
    assert_allclose(br.iloc[5:].to_numpy(), 0.5)
    tokens.loc[tokens.index[8]:, "down"] = np.nan
    assert br.iloc[7] == 0.5 and rot.breadth(tokens, bench, 5, 4).iloc[9:].isna().all()


def test_true_periods_and_first_true_after() -> None:
    mask = _daily([0, 1, 1, 0, 1, 0, 0, 1, 1, 1]).astype(bool)
    idx = mask.index
    assert rot.true_periods(mask) == [(idx[1], idx[2]), (idx[4], idx[4]), (idx[7], idx[9])]
    assert rot.true_periods(mask, min_days=2) == [(idx[1], idx[2]), (idx[7], idx[9])]
    out = rot.first_true_after(mask, [idx[0], idx[5], idx[8]], max_days=1)
    assert math.isnan(out.iloc[1]) and out.iloc[0] == 1.0 and out.iloc[2] == 0.0


# ---------------------------------------------------------------------------------------------
# regimes, drawdowns and risk-adjusted returns
# ---------------------------------------------------------------------------------------------


def test_regime_means_recover_a_known_difference() -> None:
    rng = np.random.default_rng(SEED)
    label = pd.Series(np.repeat(["on", "off"] * 10, 30))
    values = pd.Series(np.where(label == "on", 0.01, 0.0) + rng.normal(0, 0.002, label.size))
    r = rot.regime_means(values, label, ("on", "off"), reps=300, block=10, seed=SEED)
    assert r.diff == pytest.approx(0.01, abs=0.001)
    assert r.lo > 0.008 and r.hi < 0.012 and r.p_diff < 0.01 and r.p_first < 0.01
    assert r.table.loc["on", "n"] == 300 and r.table.loc["on", "lo"] < r.table.loc["on", "mean"]
    table = rot.regime_means_table({"x": r})
    assert table.loc["x", "n_on"] == 300 and table.loc["x", "diff"] == pytest.approx(r.diff)
    assert list(rot.regime_means_long({"x": r}).index) == ["x: on", "x: off"]


def test_max_drawdown_by_hand() -> None:
    assert rot.max_drawdown(pd.Series([0.1, -0.3, 0.1, -0.2])) == pytest.approx(-0.4)
    assert rot.max_drawdown(pd.Series([0.1, 0.2])) == 0.0


def test_risk_table_and_difference_by_hand() -> None:
    r = pd.DataFrame({"a": [0.01, 0.03, 0.01, 0.03], "b": [0.02, -0.02, 0.02, -0.02]},
                     index=pd.date_range("2021-01-01", periods=4))
    mask = pd.Series([True, True, False, True], index=r.index)
    t = rot.risk_table(r, mask, periods_per_year=1)
    assert t.loc["a", "n"] == 3 and t.loc["a", "mean_ann"] == pytest.approx(0.07 / 3)
    assert t.loc["a", "ratio"] == pytest.approx((0.07 / 3) / np.std([0.01, 0.03, 0.03], ddof=1))
    assert t.loc["b", "worst_drawdown"] == pytest.approx(-0.02)
    rng = np.random.default_rng(SEED)
    a = _daily(rng.normal(0.002, 0.01, 2000))
    b = _daily(rng.normal(-0.002, 0.01, 2000))
    d = rot.risk_adjusted_difference(a, b, pd.Series(True, index=a.index), reps=200, block=20, seed=SEED)
    assert d.lo < d.diff < d.hi and d.lo > 0 and d.n == 2000
    assert d.diff == pytest.approx(d.ratio_a - d.ratio_b)
    # the point estimate is the annualised mean / SD of each series (formula check)
    assert d.ratio_a == pytest.approx(a.mean() / a.std() * math.sqrt(365))


def test_sign_test_known_p() -> None:
    out = rot.sign_test(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 0.0, np.nan]))
    assert out["n"] == 5 and out["n_positive"] == 5 and out["p"] == pytest.approx(1 / 32)


def test_spearman_table_of_a_monotone_relation() -> None:
    x = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    ys = pd.DataFrame({"up": [1.0, 4, 9, 16, 25], "down": [5.0, 4, 3, 2, 1]}, index=list("abcde"))
    t = rot.spearman_table(x, ys)
    assert t.loc["up", "rho"] == pytest.approx(1.0) and t.loc["down", "rho"] == pytest.approx(-1.0)
    assert t.loc["up", "lo"] == pytest.approx(1.0) and t.loc["down", "hi"] == pytest.approx(-1.0)


def test_spearman_interval_by_hand() -> None:
    """Twenty ranks with one swap: rho from the rank formula, interval tanh(atanh(rho) -+ 1.96 se)."""
    x = pd.Series(np.arange(20.0))
    y = pd.Series(np.r_[np.arange(10.0), [19.0], np.arange(10.0, 19.0)])  # rank 19 moved to place 10
    d2 = float(((x.rank() - y.rank()) ** 2).sum())
    rho = 1 - 6 * d2 / (20 * (20**2 - 1))
    se = math.sqrt((1 + rho**2 / 2) / 17)
    t = rot.spearman_table(x, pd.DataFrame({"y": y}))
    assert t.loc["y", "rho"] == pytest.approx(rho)
    assert_allclose([t.loc["y", "lo"], t.loc["y", "hi"]],
                    np.tanh(np.arctanh(rho) + np.array([-1, 1]) * 1.959963984540054 * se), rtol=1e-9)
    assert t.loc["y", "lo"] < rho < t.loc["y", "hi"] and t.loc["y", "n"] == 20


def test_band_share_test_by_hand() -> None:
    lags = pd.Series([-14.0, 104, -28, -1, 13, -507, 0, 6, np.nan])
    out = rot.band_share_test(lags, (30, 90))
    assert out["n"] == 8 and out["n_in_band"] == 0 and out["p"] == pytest.approx(1 / 256)
    inside = rot.band_share_test(pd.Series([30.0, 45, 90, 200]), (30, 90))
    assert inside["n_in_band"] == 3 and inside["share_in_band"] == 0.75
    assert inside["p"] == pytest.approx(15 / 16)  # P(X <= 3 | n=4, 1/2)


def test_window_placebo_table_on_a_linear_path() -> None:
    """A log level rising 0.01 a day changes by 0.6 between days 30 and 90 after any date."""
    s = _daily(np.exp(0.01 * np.arange(600)))
    events = [s.index[100], s.index[300]]
    t = rot.window_placebo_table({"x": s}, events, [[30, 90]], draws=200, seed=SEED)
    row = t.loc[("x", "30-90")]
    assert row["n_events"] == 2 and row["event_mean"] == pytest.approx(0.6)
    assert row["placebo_mean"] == pytest.approx(0.6) and row["share_positive"] == 1.0


def test_adjust_by_group_matches_holm_within_groups() -> None:
    tests = pd.DataFrame({"claim": ["C15", "C15", "C16"], "p": [0.01, 0.04, 0.03]})
    out = rot.adjust_by_group(tests)
    assert_allclose(out["p_holm"].to_numpy(), [0.02, 0.04, 0.03])
    assert_allclose(out["p_bh_all"].to_numpy(), stats.adjust_pvalues(tests["p"], "fdr_bh").to_numpy())


# ---------------------------------------------------------------------------------------------
# the vectorised bootstrap equals the frame-by-frame one
# ---------------------------------------------------------------------------------------------


def test_regime_means_equal_a_frame_by_frame_bootstrap() -> None:
    rng = np.random.default_rng(SEED)
    idx = pd.date_range("2020-01-02", periods=300, freq="W-THU")
    values = pd.Series(rng.normal(0.0, 0.02, 300), index=idx)
    regime = pd.Series(np.where(rng.random(300) < 0.4, "on", "off"), index=idx)
    res = rot.regime_means(values, regime, ("on", "off"), reps=200, block=8, seed=SEED)
    frame = pd.DataFrame({"v": values, "g": regime})

    def func(f: pd.DataFrame) -> np.ndarray:
        a, b = f.loc[f["g"] == "on", "v"].mean(), f.loc[f["g"] == "off", "v"].mean()
        return np.array([a, b, a - b])

    draws = rot.bootstrap_frame(frame, func, 8, 200, SEED)
    lo, hi = np.nanquantile(draws[:, 2], [0.025, 0.975])
    assert res.lo == pytest.approx(lo) and res.hi == pytest.approx(hi)
    assert res.diff == pytest.approx(values[regime == "on"].mean() - values[regime == "off"].mean())


def test_bootstrap_indices_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="block"):
        rot.bootstrap_indices(10, 0, 5, SEED)


# ---------------------------------------------------------------------------------------------
# point-in-time size, survivorship, window returns
# ---------------------------------------------------------------------------------------------


def test_implied_caps_fill_holes_from_the_last_known_supply_only() -> None:
    idx = pd.date_range("2021-01-01", periods=6, freq="D")
    prices = pd.DataFrame({"a": [1.0, 2.0, 4.0, 4.0, 8.0, 8.0]}, index=idx)
    caps = pd.DataFrame({"a": [10.0, 20.0, np.nan, np.nan, np.nan, 80.0]}, index=idx)  # supply 10
    out = rot.implied_caps(caps, prices, max_age_days=2)
    assert_allclose(out["a"].to_numpy(), [10.0, 20.0, 40.0, 40.0, np.nan, 80.0])  # the third hole is too old


def test_point_in_time_ranks_use_only_days_before_each_date() -> None:
    idx = pd.date_range("2021-01-01", periods=10, freq="D")
    caps = pd.DataFrame({"a": [1.0] * 5 + [100.0] * 5, "b": [50.0] * 10, "c": [np.nan] * 10}, index=idx)
    ranks = rot.point_in_time_ranks(caps, [pd.Timestamp("2021-01-06"), pd.Timestamp("2021-01-10")], trailing_days=3)
    assert ranks.loc["2021-01-06", "a"] == 2 and ranks.loc["2021-01-06", "b"] == 1  # a's jump on 01-06 not yet seen
    assert ranks.loc["2021-01-10", "a"] == 1 and np.isnan(ranks.loc["2021-01-10", "c"])
    buckets = rot.rank_buckets(ranks, n_large=1, n_mid=0)
    assert buckets.loc["2021-01-06", "a"] == "small" and buckets.loc["2021-01-10", "a"] == "large"
    assert pd.isna(buckets.loc["2021-01-10", "c"])


def test_bucket_membership_follows_each_episode() -> None:
    idx = pd.date_range("2021-01-01", periods=20, freq="D")
    buckets = pd.DataFrame({"a": ["large", "small"], "b": ["small", "large"]},
                           index=pd.DatetimeIndex(["2021-01-03", "2021-01-12"]))
    episodes = pd.DataFrame({"confirmed": pd.to_datetime(["2021-01-03", "2021-01-12"]),
                             "ended": pd.to_datetime(["2021-01-08", None])})
    large = rot.bucket_membership(buckets, episodes, idx, "large")
    assert large.loc["2021-01-03":"2021-01-08", "a"].all() and not large.loc["2021-01-09":, "a"].any()
    assert large.loc["2021-01-12":, "b"].all() and not large.loc[:"2021-01-11", "b"].any()


def test_with_point_in_time_size_percentiles() -> None:
    e = pd.Timestamp("2021-01-03")
    ranks = pd.DataFrame({"a": [1.0], "b": [3.0], "c": [2.0], "d": [np.nan]}, index=[e])
    buckets = rot.rank_buckets(ranks, 1, 1)
    rallies = pd.DataFrame({"episode": [e] * 4, "asset": ["a", "b", "c", "d"]})
    out = rot.with_point_in_time_size(rallies, ranks, buckets)
    assert_allclose(out["size_pct"].to_numpy(float), [0.0, 1.0, 0.5, np.nan])
    assert list(out["bucket"].iloc[:3]) == ["large", "small", "mid"]


def test_survivorship_table_by_hand() -> None:
    idx = pd.date_range("2021-01-01", periods=5, freq="D")
    listed = pd.DataFrame({"btc": [50.0] * 5, "alt": [10.0, 12, 14, 16, 20]}, index=idx)
    total = pd.Series([100.0, 100, 100, 100, 110], index=idx)  # rest: 40 -> 40
    eps = pd.DataFrame({"confirmed": [idx[0]], "ended": [pd.NaT]})
    out = rot.survivorship_table(total, listed, ["alt"], eps)
    r = out.iloc[0]
    assert r["coverage_start"] == pytest.approx(0.6) and r["coverage_end"] == pytest.approx(70 / 110)
    assert r["alts_log_change"] == pytest.approx(math.log(2)) and r["rest_log_change"] == pytest.approx(0.0)
    assert r["gap"] == pytest.approx(math.log(2))


def test_window_return_table_by_hand() -> None:
    idx = pd.date_range("2024-01-01", "2026-03-29", freq="D")
    p = pd.Series(np.exp(np.arange(len(idx)) * 0.001), index=idx)
    out = rot.window_return_table(pd.DataFrame({"x": p}), {"x": "DeFi", "y": "payments"}, "2026-01-01", "2026-03-31")
    days = (pd.Timestamp("2026-03-29") - pd.Timestamp("2025-12-31")).days
    assert out.loc["x", "log_return"] == pytest.approx(0.001 * days)
    assert out.loc["x", "last_close"] == pd.Timestamp("2026-03-29") and out.loc["x", "category"] == "DeFi"
    assert out.loc["x", "typical_quarter"] == pytest.approx(0.001 * 91, abs=0.0015)
    assert np.isnan(out.loc["y", "log_return"])


def test_extreme_moves_of_the_mean_by_hand() -> None:
    idx = pd.date_range("2025-01-01", periods=6, freq="D")
    a = pd.Series(np.exp([0.0, 0.1, 0.4, 0.3, 0.3, -0.2]), index=idx)
    b = pd.Series(np.exp([0.0, 0.0, 0.0, 0.1, np.nan, 0.0]), index=idx)
    m = rot.extreme_moves(pd.DataFrame({"a": a, "b": b}), 2, "2025-01-06")
    # 2-day changes with both ends present: day 3 (0.4, 0.0) -> 0.2, day 4 (0.2, 0.1) -> 0.15, day 6 (-0.5, -0.1)
    # -> -0.3; day 5 misses b
    assert m.rise == pytest.approx(0.2) and m.rise_end == "2025-01-03"
    assert m.fall == pytest.approx(-0.3) and m.fall_end == "2025-01-06" and m.n == 3
    assert rot.extreme_moves(pd.DataFrame({"a": a}), 1, "2025-01-06").fall == pytest.approx(-0.5)
    assert rot.extreme_moves(pd.DataFrame({"a": a}), 1, "2025-01-03").rise == pytest.approx(0.3)  # not after end
    with pytest.raises(ValueError, match="days"):
        rot.extreme_moves(pd.DataFrame({"a": a}), 0, "2025-01-06")


def test_rank_buckets_rule_by_rank_and_by_share() -> None:
    ranks = pd.DataFrame({"a": [1.0, 1], "b": [2.0, 2], "c": [3.0, 3], "d": [4.0, np.nan], "e": [5.0, np.nan],
                          "f": [6.0, np.nan]}, index=pd.to_datetime(["2021-01-01", "2019-01-01"]))
    by_rank = rot.rank_buckets_rule(ranks, 2, "rank 5")
    assert list(by_rank.iloc[0]) == ["large", "large", "mid", "mid", "small", "small"]
    pd.testing.assert_frame_equal(by_rank, rot.rank_buckets(ranks, 2, 2))  # "rank K" is rank_buckets with n_mid=K-3
    by_share = rot.rank_buckets_rule(ranks, 2, "bottom 0.5")
    assert list(by_share.iloc[0]) == ["large", "large", "mid", "small", "small", "small"]  # bottom 3 of 6
    assert list(by_share.iloc[1, :3]) == ["large", "large", "small"] and by_share.iloc[1, 3:].isna().all()
    with pytest.raises(ValueError, match="small-bucket rule"):
        rot.rank_buckets_rule(ranks, 2, "rank 2")
    with pytest.raises(ValueError, match="small-bucket rule"):
        rot.rank_buckets_rule(ranks, 2, "top 0.3")


def _size_case() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    idx = pd.date_range("2021-01-01", periods=120, freq="D")
    rng = np.random.default_rng(3)
    drift = {"big1": 0.004, "big2": 0.004, "s1": -0.004, "s2": -0.004, "s3": -0.004, "m1": 0.0, "m2": 0.0, "m3": 0.0}
    px = pd.DataFrame({k: 100 * np.exp(np.cumsum(d + 0.01 * rng.standard_normal(len(idx)))) for k, d in drift.items()},
                      index=idx)
    eps = pd.DataFrame({"confirmed": pd.to_datetime(["2021-01-10", "2021-03-01"]),
                        "ended": pd.to_datetime(["2021-02-20", pd.NaT])})
    ranks = pd.DataFrame([[1, 2, 6, 7, 8, 3, 4, 5]] * 2, index=eps["confirmed"], columns=list(drift), dtype=float)
    rally = pd.Series(True, index=idx)
    return px, ranks, eps, rally


def test_size_basket_returns_and_episode_days() -> None:
    px, ranks, eps, _ = _size_case()
    daily = rot.size_basket_returns(px, rot.rank_buckets_rule(ranks, 2, "rank 6"), eps,
                                    {"large": 2, "mid": 3, "small": 3}, "2021-01-01")
    expected = np.log1p(px[["s1", "s2", "s3"]].pct_change().mean(axis=1))
    pd.testing.assert_series_equal(daily["small"], expected.loc[daily.index], check_names=False)
    assert daily.index.min() > pd.Timestamp("2021-01-10") and pd.Timestamp("2021-02-25") not in daily.index
    days = rot.episode_days(eps, px.index, pd.Timestamp("2021-03-01"))
    assert days.sum() == (px.index >= "2021-03-01").sum()
    with pytest.raises(ValueError, match="no episode"):
        rot.episode_days(eps, px.index, pd.Timestamp("2021-05-01"))


def test_large_small_curve_varies_one_choice_at_a_time() -> None:
    px, ranks, eps, rally = _size_case()
    curve = rot.large_small_curve(px, ranks, eps, rally, n_large=2, primary_small="rank 6",
                                  small_rules=["rank 6", "rank 8", "bottom 0.5"], min_members=3, small_minimums=[3, 1],
                                  start="2021-01-01", reps=200, block=5, seed=1)
    assert list(curve["dimension"]) == ["primary", "small bucket", "small bucket", "small minimum", "left out",
                                        "left out"]
    assert math.isnan(curve.iloc[1]["estimate"]) and curve.iloc[1]["n"] == 0  # "rank 8": one small token, never 3
    p = curve.iloc[0]
    assert p["estimate"] > 0 and bool(p["clear_of_zero"])  # large caps drift up, small ones down
    daily = rot.size_basket_returns(px, rot.rank_buckets_rule(ranks, 2, "rank 6"), eps,
                                    {"large": 2, "mid": 3, "small": 3}, "2021-01-01")
    direct = rot.risk_adjusted_difference(daily["large"], daily["small"], rally.reindex(daily.index), 200, 5, 1)
    assert p["estimate"] == pytest.approx(direct.diff) and p["n"] == direct.n
    left = curve[curve["dimension"] == "left out"]
    assert set(left["left out"]) == {"2021-01-10", "2021-03-01"} and (left["n"] < p["n"]).all()
    assert (left["n"].sum() == p["n"])  # the two episodes split the primary days
    agreement = rot.dimension_agreement(curve)
    assert set(agreement.index) == {"small bucket", "small minimum", "left out"}
    assert agreement.loc["left out", "n"] == 2 and 0 <= agreement["share"].min() <= 1


def test_t_test_and_leave_one_out() -> None:
    v = pd.Series([0.3, 0.1, -0.2, 0.4, np.nan])
    t = rot.t_test(v)
    assert t["n"] == 4 and t["p"] == pytest.approx(sps.ttest_1samp([0.3, 0.1, -0.2, 0.4], 0).pvalue)
    assert math.isnan(rot.t_test(pd.Series([1.0]))["p"])
    loo = rot.leave_one_out(v, lambda s: (float(s.mean()), float(s.min()), float(s.max())))
    assert list(loo.index) == [0, 1, 2, 3] and (loo["n"] == 3).all()
    assert loo.loc[2, "estimate"] == pytest.approx(0.8 / 3) and loo.loc[0, "low"] == -0.2


def test_baseline_volatility_ratio_uses_only_non_uptrend_days_before() -> None:
    idx = pd.date_range("2020-01-01", periods=400, freq="D")
    rng = np.random.default_rng(0)
    btc_r = 0.01 * rng.standard_normal(len(idx))
    alt_r = 2.0 * btc_r  # twice as volatile outside uptrends ...
    up = pd.Series(False, index=idx)
    up.iloc[100:200] = True
    alt_r[100:200] = 5.0 * btc_r[100:200]  # ... and five times inside the earlier uptrend, which must not count
    prices = pd.DataFrame({"btc": 100 * np.exp(np.cumsum(btc_r)), "alt": 100 * np.exp(np.cumsum(alt_r))}, index=idx)
    eps = pd.DataFrame({"confirmed": [idx[300]], "ended": [pd.NaT]})
    base = rot.baseline_volatility_ratio(prices, eps, up, ["alt"], lookback=365)
    assert base.loc[idx[300], "alt_base_vol_ratio"] == pytest.approx(2.0)
    assert base.loc[idx[300], "alt_base_days"] == 199  # 300 days before, less the 100 uptrend days, less day 0
    short = rot.baseline_volatility_ratio(prices, eps, up, ["alt"], lookback=365, min_days=250)
    assert math.isnan(short.loc[idx[300], "alt_base_vol_ratio"])
