"""Notebook 05 executed through papermill on the mirror: recorded keys, the five claims, and headline numbers
recomputed independently with plain pandas."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.claims.results import VERDICTS

NAME = "05_seasonality_flows"
START = "2014-01-01"
STABLE_START = "2020-01-01"

pytestmark = pytest.mark.slow

KEYS: dict[str, str] = {
    "btc_month_min_p_holm": "p-value",
    "sp500_month_min_p_holm": "p-value",
    "nasdaq_month_min_p_holm": "p-value",
    "btc_dec_minus_rest": "log return",
    "btc_dec_minus_rest_p": "p-value",
    "stable_dec_minus_rest": "log change",
    "stable_dec_minus_rest_p": "p-value",
    "stable_coverage_breaks": "count",
    "btc_dec_ytd_spearman": "Spearman rho",
    "btc_novdec_minus_rest": "log return",
    "btc_early_jan_mean": "log return",
    "btc_early_jan_p": "p-value",
    "stable_q1_mean_growth": "log change",
    "stable_q1_minus_rest": "log change",
    "stable_q1_minus_rest_p": "p-value",
    "stable_q1_minus_rest_unmasked": "log change",
    "stable_q1_peak_share": "share",
    "flush_mean_logret_30d": "log return",
    "flush_mean_logret_90d": "log return",
    "flush_n_episodes": "count",
    "flush_min_p_holm": "p-value",
    "btc_logret_on_2025_12_01": "log return",
    "btc_logret_nov_2025": "log return",
    "btc_logret_on_2025_10_10": "log return",
    "btc_logret_30d_after_2025_12_01": "log return",
    "btc_logret_90d_after_2025_12_01": "log return",
    "funding_mean_7d_before_2025_12_01": "fraction per 8 h",
}


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, n_perm=500, bootstrap_reps=300, placebo_draws=1000)


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, _ = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()


@pytest.mark.parametrize("key", sorted(KEYS))
def test_recorded_keys(executed: tuple[Any, dict[str, Any]], key: str) -> None:
    entry = executed[1]["figures"][key]
    assert entry["unit"] == KEYS[key]
    assert isinstance(entry["value"], int | float) and math.isfinite(entry["value"])
    assert "N=" in entry["note"] or "ln(P1/P0)" in entry["note"], entry["note"]
    if KEYS[key] == "p-value" or KEYS[key] == "share":
        assert 0 <= entry["value"] <= 1


@pytest.mark.parametrize("claim", ["C10", "C11", "C12", "C13", "C14"])
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"]
    assert entry["notebook"] == NAME
    if claim in ("C10", "C14"):
        assert entry["verdict"] in ("untestable here", "partly supported")
        assert "Would decide it" in entry["evidence"]
    if claim in ("C11", "C12", "C13"):  # the interval-based rule: the evidence names the minimum effect
        assert "minimum meaningful effect" in entry["evidence"]
        assert "CI" in entry["evidence"]


def _mirror_closes(mirror_dir: Path, name: str, column: str) -> pd.Series:
    """Daily closes read straight from the mirror's CSV: close(D) = the value labelled D + 1 (00:00 UTC)."""
    raw = pd.read_csv(mirror_dir / "crypto" / f"{name}.csv", parse_dates=["date"]).set_index("date")[column].dropna()
    raw.index = raw.index - pd.Timedelta(days=1)
    return raw


def test_december_effect_recomputed_with_plain_pandas(executed: tuple[Any, dict[str, Any]], mirror_dir: Path) -> None:
    """Mean December monthly log return minus the mean of all other months, BTC month-end closes from 2014."""
    closes = _mirror_closes(mirror_dir, "btc", "price_usd")
    month_end = closes.resample("ME").last()
    if month_end.index[-1] > closes.index[-1]:  # the unfinished month
        month_end = month_end.iloc[:-1]
    r = np.log(month_end).diff()
    r = r[r.index >= START].dropna()
    expected = r[r.index.month == 12].mean() - r[r.index.month != 12].mean()
    assert executed[1]["figures"]["btc_dec_minus_rest"]["value"] == pytest.approx(expected, abs=1e-12)


def test_stablecoin_coverage_breaks_and_q1_recomputed(executed: tuple[Any, dict[str, Any]], mirror_dir: Path) -> None:
    """One-day jumps above 0.15 in log since 2020 are the recorded breaks; Q1 minus other quarters without them."""
    supply = _mirror_closes(mirror_dir, "stablecoins_total_supply", "total_stablecoin_supply_usd")
    assert (supply.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()  # daily, no gaps
    daily = np.log(supply).diff()
    jumps = daily[(daily.abs() > 0.15) & (daily.index >= STABLE_START)]
    figures = executed[1]["figures"]
    assert figures["stable_coverage_breaks"]["value"] == len(jumps) == 2
    for day in jumps.index:
        assert f"{day:%Y-%m-%d}" in figures["stable_coverage_breaks"]["note"]

    def q1_minus_rest(changes: pd.Series) -> float:
        quarters = changes[changes.index >= STABLE_START].groupby(changes.index[changes.index >= STABLE_START]
                                                                  .to_period("Q")).sum()
        quarters = quarters[quarters.index.end_time.normalize() <= supply.index[-1]]  # complete quarters
        q1 = quarters.index.quarter == 1
        return float(quarters[q1].mean() - quarters[~q1].mean())

    masked = daily.copy()
    masked[jumps.index] = 0.0
    assert figures["stable_q1_minus_rest"]["value"] == pytest.approx(q1_minus_rest(masked), abs=1e-9)
    assert figures["stable_q1_minus_rest_unmasked"]["value"] == pytest.approx(q1_minus_rest(daily), abs=1e-9)


def test_setting_numbers_recomputed(executed: tuple[Any, dict[str, Any]], mirror_dir: Path) -> None:
    """The late-2025 numbers from the mirror's CSVs: BTC closes shifted by hand, funding on its own labels."""
    closes = _mirror_closes(mirror_dir, "btc", "price_usd")
    figures = executed[1]["figures"]
    nov = np.log(closes[pd.Timestamp("2025-11-30")] / closes[pd.Timestamp("2025-10-31")])
    day = np.log(closes[pd.Timestamp("2025-12-01")] / closes[pd.Timestamp("2025-11-30")])
    assert figures["btc_logret_nov_2025"]["value"] == pytest.approx(nov, abs=1e-12)
    assert figures["btc_logret_on_2025_12_01"]["value"] == pytest.approx(day, abs=1e-12)
    funding = pd.read_csv(mirror_dir / "crypto" / "derivatives" / "btc_funding_rate_binance_daily.csv",
                          parse_dates=["date"]).set_index("date")["funding_rate_mean"]
    assert figures["funding_mean_7d_before_2025_12_01"]["value"] == pytest.approx(
        funding.loc["2025-11-24":"2025-11-30"].mean(), abs=1e-15)
