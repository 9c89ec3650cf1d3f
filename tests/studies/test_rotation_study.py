"""Unit tests of helpers.studies.rotation (notebook 04) on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import episodes as epi
from helpers.methods import masked_bootstrap as mboot
from helpers.methods import rally_anatomy as anat
from helpers.methods import sizeranks as size
from helpers.methods.inference import adjust_pvalues
from helpers.studies import rotation as study

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def _shift_days(s: pd.Series, days: int, name: str) -> pd.Series:
    """The same path ``days`` later: value on D + days = value of ``s`` on D."""
    out = s.copy()
    out.index = out.index + pd.Timedelta(days=days)
    return out.rename(name)


@pytest.mark.parametrize("rule", [["ma", 200, 30], ["ma", 50, 7], ["swing", 0.5, 0.3]], ids=["ma200", "ma50", "swing"])
def test_shifted_series_lags_by_exactly_thirty_days(rule: list[object]) -> None:
    """An alt series that is BTC 30 days later establishes each uptrend exactly 30 days after BTC."""
    t = np.arange(2500)
    noise = np.random.default_rng(SEED).normal(0, 0.01, t.size)
    btc = _daily(100 * np.exp(np.sin(2 * np.pi * t / 400) + 0.002 * t + noise), name="btc")  # cycles of 400 days
    alt = _shift_days(btc, 30, "alt")
    lead_eps, _ = epi.episodes_by_rule(btc, rule)
    eps, valid = epi.episodes_by_rule(alt, rule)
    lags = epi.onset_lags(lead_eps, eps, 365, valid).dropna()
    assert len(lags) >= 2
    assert_allclose(lags.to_numpy(), 30.0)
    table = study.onset_lag_table(btc, {"alt": alt}, [rule], str(btc.index[0].date()), 365, (30, 90))
    assert table.loc[0, "median"] == 30.0 and table.loc[0, "share_in_band"] == 1.0
    assert table.loc[0, "share_leader_first"] == 1.0


def _triangle(up: int = 100, down: int = 100, slope: float = 0.01) -> pd.Series:
    """Log price rising by ``slope`` a day for ``up`` days, then falling at the same rate."""
    logp = np.r_[np.arange(up + 1) * slope, up * slope - np.arange(1, down + 1) * slope]
    return _daily(100 * np.exp(logp))


def test_episode_rallies_and_amplification() -> None:
    """BTC rises 1.0 in log terms, the alt 2.0 over the same days: excess gain 1.0 and volatility ratio 2."""
    btc = _triangle(100, 100, 0.01)
    alt = _daily(100 * np.exp(2 * np.log(btc.to_numpy() / 100)))
    prices = pd.DataFrame({"btc": btc, "alt": alt})
    eps = pd.DataFrame({"confirmed": [btc.index[30]], "ended": [btc.index[120]]})
    rallies = anat.episode_rallies(prices, eps, lookback=60, slack=20, after_days=50)
    assert set(rallies["asset"]) == {"btc", "alt"}
    r = rallies.set_index("asset")
    assert r.loc["btc", "peak"] == btc.index[100] and r.loc["btc", "peak_after_confirm_days"] == 70
    assert r.loc["alt", "gain"] == pytest.approx(2.0)
    assert_allclose(anat.excess_over(rallies, "gain").to_numpy(), [0.0, 1.0], atol=1e-12)
    vol = anat.episode_volatility(prices, eps)
    amp = study.amplification_table(rallies, vol, ["alt"])
    assert amp["alt_excess_gain"].iloc[0] == pytest.approx(1.0)
    assert amp["alt_vol_ratio"].iloc[0] == pytest.approx(2.0)


def test_bucket_summary_and_profile() -> None:
    rallies = pd.DataFrame({"episode": pd.to_datetime(["2020-01-01"] * 3 + ["2021-01-01"] * 3),
                            "asset": ["btc", "a", "b"] * 2, "gain": [1.0, 2.0, 0.5, 1.0, 1.5, 1.5],
                            "days_to_peak": [100.0, 50, 25, 100, 60, 30], "peak_after_confirm_days": [10.0] * 6,
                            "drawdown_after": [-0.5, -1.0, -0.2, -0.5, -0.9, -0.4],
                            "after_complete": [True] * 6, "half_within": [0.0, 1.0, 0.0, 0.0, 1.0, 1.0],
                            "bucket": ["large", "small", "small"] * 2})
    summary = study.bucket_summary(rallies, ["large", "small"])
    assert summary.loc["small", "n"] == 4 and summary.loc["small", "gain"] == pytest.approx(1.5)
    assert summary.loc["small", "half_within_share"] == pytest.approx(0.75)
    prof = study.asset_rally_profile(rallies)
    assert prof.loc["a", "excess_gain"] == pytest.approx(0.75)
    assert prof.loc["a", "excess_drawdown"] == pytest.approx(-0.45)
    assert prof.loc["b", "speed"] == pytest.approx(np.median([30 * 0.5 / 25, 30 * 1.5 / 30]))


def test_window_placebo_table_on_a_linear_path() -> None:
    """A log level rising 0.01 a day changes by 0.6 between days 30 and 90 after any date."""
    s = _daily(np.exp(0.01 * np.arange(600)))
    events = [s.index[100], s.index[300]]
    t = study.window_placebo_table({"x": s}, events, [[30, 90]], draws=200, seed=SEED)
    row = t.loc[("x", "30-90")]
    assert row["n_events"] == 2 and row["event_mean"] == pytest.approx(0.6)
    assert row["placebo_mean"] == pytest.approx(0.6) and row["share_positive"] == 1.0


def test_adjust_by_group_matches_holm_within_groups() -> None:
    tests = pd.DataFrame({"claim": ["C15", "C15", "C16"], "p": [0.01, 0.04, 0.03]})
    out = study.adjust_by_claim(tests)
    assert_allclose(out["p_holm"].to_numpy(), [0.02, 0.04, 0.03])
    assert_allclose(out["p_bh_all"].to_numpy(), adjust_pvalues(tests["p"], "fdr_bh").to_numpy())


def test_survivorship_table_by_hand() -> None:
    idx = pd.date_range("2021-01-01", periods=5, freq="D")
    listed = pd.DataFrame({"btc": [50.0] * 5, "alt": [10.0, 12, 14, 16, 20]}, index=idx)
    total = pd.Series([100.0, 100, 100, 100, 110], index=idx)  # rest: 40 -> 40
    eps = pd.DataFrame({"confirmed": [idx[0]], "ended": [pd.NaT]})
    out = study.survivorship_table(total, listed, ["alt"], eps)
    r = out.iloc[0]
    assert r["coverage_start"] == pytest.approx(0.6) and r["coverage_end"] == pytest.approx(70 / 110)
    assert r["alts_log_change"] == pytest.approx(math.log(2)) and r["rest_log_change"] == pytest.approx(0.0)
    assert r["gap"] == pytest.approx(math.log(2))


def test_window_return_table_by_hand() -> None:
    idx = pd.date_range("2024-01-01", "2026-03-29", freq="D")
    p = pd.Series(np.exp(np.arange(len(idx)) * 0.001), index=idx)
    out = study.window_return_table(pd.DataFrame({"x": p}), {"x": "DeFi", "y": "payments"}, "2026-01-01", "2026-03-31")
    days = (pd.Timestamp("2026-03-29") - pd.Timestamp("2025-12-31")).days
    assert out.loc["x", "log_return"] == pytest.approx(0.001 * days)
    assert out.loc["x", "last_close"] == pd.Timestamp("2026-03-29") and out.loc["x", "category"] == "DeFi"
    assert out.loc["x", "typical_quarter"] == pytest.approx(0.001 * 91, abs=0.0015)
    assert np.isnan(out.loc["y", "log_return"])


def test_extreme_moves_of_the_mean_by_hand() -> None:
    idx = pd.date_range("2025-01-01", periods=6, freq="D")
    a = pd.Series(np.exp([0.0, 0.1, 0.4, 0.3, 0.3, -0.2]), index=idx)
    b = pd.Series(np.exp([0.0, 0.0, 0.0, 0.1, np.nan, 0.0]), index=idx)
    m = study.extreme_moves(pd.DataFrame({"a": a, "b": b}), 2, "2025-01-06")
    # 2-day changes with both ends present: day 3 (0.4, 0.0) -> 0.2, day 4 (0.2, 0.1) -> 0.15, day 6 (-0.5, -0.1)
    # -> -0.3; day 5 misses b
    assert m.rise == pytest.approx(0.2) and m.rise_end == "2025-01-03"
    assert m.fall == pytest.approx(-0.3) and m.fall_end == "2025-01-06" and m.n == 3
    assert study.extreme_moves(pd.DataFrame({"a": a}), 1, "2025-01-06").fall == pytest.approx(-0.5)
    assert study.extreme_moves(pd.DataFrame({"a": a}), 1, "2025-01-03").rise == pytest.approx(0.3)  # not after end
    with pytest.raises(ValueError, match="days"):
        study.extreme_moves(pd.DataFrame({"a": a}), 0, "2025-01-06")


def test_large_small_curve_varies_one_choice_at_a_time(size_case: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]) -> None:
    px, ranks, eps, rally = size_case
    curve = study.large_small_curve(px, ranks, eps, rally, n_large=2, primary_small="rank 6",
                                  small_rules=["rank 6", "rank 8", "bottom 0.5"], min_members=3, small_minimums=[3, 1],
                                  start="2021-01-01", reps=200, block=5, seed=1)
    assert list(curve["dimension"]) == ["primary", "small bucket", "small bucket", "small minimum", "left out",
                                        "left out"]
    assert math.isnan(curve.iloc[1]["estimate"]) and curve.iloc[1]["n"] == 0  # "rank 8": one small token, never 3
    p = curve.iloc[0]
    assert p["estimate"] > 0 and bool(p["clear_of_zero"])  # large caps drift up, small ones down
    daily = size.size_basket_returns(px, size.rank_buckets_rule(ranks, 2, "rank 6"), eps,
                                    {"large": 2, "mid": 3, "small": 3}, "2021-01-01")
    direct = mboot.risk_adjusted_difference(daily["large"], daily["small"], rally.reindex(daily.index), 200, 5, 1)
    assert p["estimate"] == pytest.approx(direct.diff) and p["n"] == direct.n
    left = curve[curve["dimension"] == "left out"]
    assert set(left["left out"]) == {"2021-01-10", "2021-03-01"} and (left["n"] < p["n"]).all()
    assert (left["n"].sum() == p["n"])  # the two episodes split the primary days
    agreement = study.dimension_agreement(curve)
    assert set(agreement.index) == {"small bucket", "small minimum", "left out"}
    assert agreement.loc["left out", "n"] == 2 and 0 <= agreement["share"].min() <= 1
