"""Notebook 06's study (helpers.studies.scenarios): stress, recessions, shocks, sell the news, the risks of C20.

On series built by hand, whose answers are known by construction. Also checks the curated shock table ``data/crypto_events.csv`` against the mirror's reference table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.data import facts
from helpers.methods import inference
from helpers.studies import scenarios as sc


def _series(values: np.ndarray | list[float], start: str = "2020-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="D"))


# ---------------------------------------------------------------- risks to the thesis


def test_cluster_events_and_episodes() -> None:
    kept = sc.cluster_events(["2023-06-06", "2023-06-05", "2023-11-21", "2023-06-30"], 14)
    assert [f"{d:%Y-%m-%d}" for d in kept] == ["2023-06-05", "2023-06-30", "2023-11-21"]
    assert sc.count_episodes(pd.Series([True, True, False, True, np.nan, True])) == 3
    flag = pd.Series([True, False, False, True, False, False, False, False, True])  # gaps of 2 and 4 calm days
    assert [sc.count_episodes(flag, g) for g in (0, 2, 3, 5)] == [3, 3, 2, 1]
    assert sc.count_episodes(pd.Series([False, np.nan]), 30) == 0
    with pytest.raises(ValueError, match="gap_days"):
        sc.count_episodes(flag, -1)


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
    assert summ.n == 2 and summ.k == 1
    assert 0 < summ.base_rate < 1
    assert summ.n_days == len(sc.runup_after_all_days(s, 90))


# ---------------------------------------------------------------- probabilities over samples and the risks of C20


def _risk_inputs(p_geo: float, p_other: float) -> tuple[pd.DataFrame, pd.DataFrame, sc.SellTheNews]:
    """Inputs of :func:`thesis_risk_table` whose reactions table has eight rows, two of which enter the verdict."""
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
    reactions["p_holm"] = inference.adjust_pvalues(reactions["p_lower"], "holm")
    return stress, reactions, sc.SellTheNews(n=10, k=2, base_rate=0.2, n_days=1000, p_binom=0.6, corr_pivots=0.0,
                                             corr_all_days=0.0)


def test_thesis_risk_table_judges_forward_returns_and_applies_holm_over_the_four_tests() -> None:
    """Credit stress comes from the *after* row (not the during row's -0.30); geopolitical p = 0.01 -> Holm 0.04."""
    stress, reactions, sell = _risk_inputs(0.01, 0.5)
    assert reactions.loc[("geopolitical (adverse)", 30), "p_holm"] > 0.05  # the old table-wide correction
    table = sc.thesis_risk_table(stress, reactions, sell, 30, alpha=0.05, meaningful=0.10)
    assert list(table.index) == list(sc.RISK_ITEMS)
    assert_allclose(table.loc["recession (credit stress)", ["effect", "lo", "hi"]].to_numpy(float), [-0.01, -0.02, 0.0])
    assert_allclose(table.loc["recession (credit stress)", "p"], 0.9 / 2)  # one-sided for harm, effect negative
    assert_allclose(table.loc["geopolitical shock", "p_holm"], 0.04)
    assert_allclose(table.loc["geopolitical shock", ["effect", "lo", "hi"]].to_numpy(float), [-0.2, -0.26, -0.14])
    assert table.attrs["level"] == pytest.approx(1 - 0.05 / 4)
    during = sc.thesis_risk_table(stress, reactions, sell, 30, credit_timing="during")  # the declared alternative
    assert_allclose(during.loc["recession (credit stress)", ["effect", "lo", "hi"]].to_numpy(float), [-0.3, -0.4, -0.2])
    with pytest.raises(ValueError, match="credit_timing"):
        sc.thesis_risk_table(stress, reactions, sell, 30, credit_timing="before")  # type: ignore[arg-type]


def test_thesis_risk_table_sell_the_news_interval() -> None:
    """k = 2 of n = 10 at base rate 0.2: the 95% Clopper-Pearson upper end 0.556 reaches a doubling (0.4)."""
    stress, reactions, sell = _risk_inputs(0.5, 0.5)
    row = sc.thesis_risk_table(stress, reactions, sell, 30, meaningful=0.10, rate_ratio=2.0, level=0.95).loc["sell the news"]
    assert_allclose(row["effect"], 0.0, atol=1e-12)
    assert_allclose(row["lo"], -(0.556095 - 0.2), atol=1e-5)
    assert_allclose(row["meaningful"], 0.2)
    wider = sc.thesis_risk_table(stress, reactions, sell, 30, level=0.99).loc["sell the news"]
    assert wider["lo"] < row["lo"]


def test_event_reactions_effect_interval_holds_the_estimate() -> None:
    s = _series(np.exp(np.cumsum(np.random.default_rng(3).normal(0.0, 0.02, 800))))
    table = sc.event_reactions(s, {"g": ["2020-06-01", "2020-09-01", "2021-01-01"]}, [7], draws=300, seed=1,
                               level=0.9)
    r = table.loc[("g", 7)]
    assert_allclose(r["effect"], r["event_mean"] - r["placebo_mean"])
    assert r["effect_lo"] <= r["effect"] <= r["effect_hi"]
    wide = sc.event_reactions(s, {"g": ["2020-06-01", "2020-09-01", "2021-01-01"]}, [7], draws=300, seed=1,
                              level=0.99).loc[("g", 7)]
    assert wide["effect_lo"] < r["effect_lo"] and wide["effect_hi"] > r["effect_hi"]  # level is honoured


def test_event_reactions_p_lower_counts_the_observed_arrangement() -> None:
    """A crash right after the event and a random-day pool after it: no random-date mean is as low, so
    p = 1 / (draws + 1) (the observed arrangement counted, never 0); a rise instead gives p = 1."""
    values = np.ones(400)
    values[200:] = 0.5  # one halving, on 2020-07-19
    s = _series(values)
    table = sc.event_reactions(s, {"crash": ["2020-07-19"]}, [3], draws=99, seed=0, start="2020-08-01")
    assert_allclose(table.loc[("crash", 3), "p_lower"], 1 / 100)
    rise = sc.event_reactions(_series(np.r_[np.ones(200), 2 * np.ones(200)]), {"up": ["2020-07-19"]}, [3],
                              draws=99, seed=0, start="2020-08-01")
    assert_allclose(rise.loc[("up", 3), "p_lower"], 1.0)  # every random-date mean (0) is at or below +log 2


def test_key_fragment() -> None:
    assert sc.key_fragment("since 2020, zero drift") == "since_2020_zero_drift"
    assert sc.key_fragment("geopolitical (adverse)") == "geopolitical_adverse"


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
