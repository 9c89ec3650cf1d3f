"""Notebook 03's tables (placebo table, leave-one-out, baselines, rally study and grid) on series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.studies import events as st

DAYS = pd.date_range("2018-01-01", "2022-12-31", freq="D")
JUMP_DAY = pd.Timestamp("2020-01-11")  # a doubling, 10 days after the 2020-01-01 event


@pytest.fixture
def series() -> dict[str, pd.Series]:
    """A doubling on one day, a 0.01-a-day log trend and a seeded random walk, all on the same calendar days."""
    walk = 100 * np.exp(np.cumsum(np.random.default_rng(7).normal(0.001, 0.03, DAYS.size)))
    return {"jump": pd.Series(np.where(DAYS >= JUMP_DAY, 200.0, 100.0), index=DAYS),
            "trend": pd.Series(np.exp(0.01 * np.arange(DAYS.size)), index=DAYS), "walk": pd.Series(walk, index=DAYS)}


# ---------------------------------------------------------------- placebo table


def test_placebo_table_holm_is_not_below_raw(series: dict[str, pd.Series]) -> None:
    table = st.placebo_table({k: series[k] for k in ("walk", "trend")}, ["2019-06-01", "2020-06-01"], [30, 90],
                             draws=500)
    assert len(table) == 4
    assert (table["p_holm"] >= table["p_value"] - 1e-12).all()
    # Holm multiplies the smallest of m raw p-values by m
    assert table["p_holm"].min() == pytest.approx(min(1.0, 4 * table["p_value"].min()))


def test_placebo_table_effect_columns_and_spacing(series: dict[str, pd.Series]) -> None:
    walk = series["walk"]
    events = ["2019-03-01", "2019-09-01", "2020-06-01"]
    t = st.placebo_table({"w": walk}, events, [30, 90], draws=500, seed=3, alpha=0.05)
    assert_allclose(t["effect"], t["event_mean"] - t["placebo_mean"])
    assert (t["effect_lo"] <= t["effect"]).all() and (t["effect"] <= t["effect_hi"]).all()
    wider = st.placebo_table({"w": walk}, events, [30, 90], draws=500, seed=3, alpha=0.01)
    assert ((wider["effect_hi"] - wider["effect_lo"]) >= (t["effect_hi"] - t["effect_lo"])).all()
    kept = st.placebo_table({"w": walk}, events, [30, 90], spacing="kept")
    assert_allclose(kept["event_mean"], t["event_mean"])
    with pytest.raises(ValueError, match="spacing"):
        st.placebo_table({"w": walk}, events, [30], spacing="other")  # type: ignore[arg-type]


def test_placebo_table_passes_level_to_each_row(series: dict[str, pd.Series]) -> None:
    events = ["2019-03-01", "2019-09-01", "2020-06-01"]
    wide = st.placebo_table({"w": series["walk"]}, events, [30], draws=1000, seed=3)
    narrow = st.placebo_table({"w": series["walk"]}, events, [30], draws=1000, seed=3, level=0.5)
    assert_allclose(narrow["event_mean"], wide["event_mean"])
    assert (narrow["placebo_lower"] > wide["placebo_lower"]).all() and (narrow["placebo_upper"] < wide["placebo_upper"]).all()


def test_placebo_leave_one_out_drops_each_event(series: dict[str, pd.Series]) -> None:
    loo = st.placebo_leave_one_out({"j": series["jump"]}, ["2019-06-01", "2020-01-01"], [30], draws=200, seed=0)
    assert list(loo.index.get_level_values("dropped")) == ["2019-06-01", "2020-01-01"]
    # without the event before the jump only the flat one is left, and vice versa
    assert loo.loc[("2019-06-01", "j", 30), "event_mean"] == pytest.approx(np.log(2))
    assert loo.loc[("2020-01-01", "j", 30), "event_mean"] == pytest.approx(0.0)
    assert (loo["n_events"] == 1).all()


# ---------------------------------------------------------------- baselines


def test_baseline_table_of_a_trend(series: dict[str, pd.Series]) -> None:
    """Every 90-day change of the trend is 0.9: mean, median and both intervals sit on it."""
    t = st.baseline_table({"trend": series["trend"]}, [90], start="2019-01-01", reps=50, seed=0)
    row = t.loc[("trend", 90)]
    assert_allclose(row[["mean", "mean_lower", "mean_upper", "median", "median_lower", "median_upper"]].to_numpy(float),
                    0.9, atol=1e-9)
    n = (DAYS[-1] - pd.Timestamp("2019-01-01")).days - 90 + 1
    assert row["n_windows"] == n and row["n_independent"] == pytest.approx(round((n + 90) / 90, 1))


# ---------------------------------------------------------------- rally study and grid


def test_rally_study_and_grid(series: dict[str, pd.Series]) -> None:
    study = st.rally_study(series["trend"], ["2019-01-01", "2020-01-01", "2022-06-01"], (180, 540), (0.5, 1.0),
                           reps=50)
    assert_allclose(study.best.loc["2019-01-01"], 5.4)  # 0.01 x 540
    assert not study.complete.loc["2022-06-01"]
    grid = st.rally_grid(study.best, study.definitions, study.rates, [["2019-01-01"], ["2020-01-01"]])
    assert len(grid) == len(study.definitions) and grid["all_rallied"].all()


def test_rally_grid_counts_and_spaced_chance(series: dict[str, pd.Series]) -> None:
    study = st.rally_study(series["trend"], ["2019-01-01", "2020-01-01"], start="2018-01-01", reps=50)
    grid = st.rally_grid(study.best, study.definitions, study.rates, [["2019-01-01"], ["2020-01-01"]],
                         study.unconditional)
    assert (grid["k"] <= grid["n"]).all() and "chance_all_spaced" in grid
    assert grid["chance_all_spaced"].between(0, 1).all()
    rate = study.rates["base_rate"]
    assert_allclose(grid.set_index("definition")["chance_all"], (rate**2).loc[grid["definition"]].to_numpy())


def test_is_crypto_reads_the_catalog() -> None:
    assert st.is_crypto("btc") and not st.is_crypto("SP500")
