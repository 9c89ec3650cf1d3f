"""Notebook 05 executed through papermill on the mirror: recorded keys, the five claims, and headline numbers
recomputed independently with plain pandas."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.results import VERDICTS

NAME = "05_seasonality_flows"
START = "2014-01-01"

pytestmark = pytest.mark.slow

KEYS: dict[str, str] = {
    "btc_month_min_p_holm": "p-value",
    "sp500_month_min_p_holm": "p-value",
    "nasdaq_month_min_p_holm": "p-value",
    "btc_dec_minus_rest": "log return",
    "btc_dec_minus_rest_p": "p-value",
    "stable_dec_minus_rest": "log change",
    "stable_dec_minus_rest_p": "p-value",
    "btc_dec_ytd_spearman": "Spearman rho",
    "btc_novdec_minus_rest": "log return",
    "btc_early_jan_mean": "log return",
    "btc_early_jan_p": "p-value",
    "stable_q1_mean_growth": "log change",
    "stable_q1_minus_rest": "log change",
    "stable_q1_minus_rest_p": "p-value",
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
    return run_notebook(NAME, N_PERM=500, BOOTSTRAP_REPS=300, PLACEBO_DRAWS=1000)


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


def test_december_effect_recomputed_with_plain_pandas(executed: tuple[Any, dict[str, Any]]) -> None:
    """Mean December monthly log return minus the mean of all other months, BTC month-end closes from 2014."""
    from helpers import data

    closes = data.closes("btc")
    month_end = closes.resample("ME").last()
    if month_end.index[-1] > closes.index[-1]:  # the unfinished month
        month_end = month_end.iloc[:-1]
    r = np.log(month_end).diff()
    r = r[r.index >= START].dropna()
    expected = r[r.index.month == 12].mean() - r[r.index.month != 12].mean()
    assert executed[1]["figures"]["btc_dec_minus_rest"]["value"] == pytest.approx(expected, abs=1e-12)


def test_setting_numbers_recomputed(executed: tuple[Any, dict[str, Any]]) -> None:
    from helpers import data

    closes = data.closes("btc")
    figures = executed[1]["figures"]
    nov = np.log(closes[pd.Timestamp("2025-11-30")] / closes[pd.Timestamp("2025-10-31")])
    day = np.log(closes[pd.Timestamp("2025-12-01")] / closes[pd.Timestamp("2025-11-30")])
    assert figures["btc_logret_nov_2025"]["value"] == pytest.approx(nov, abs=1e-12)
    assert figures["btc_logret_on_2025_12_01"]["value"] == pytest.approx(day, abs=1e-12)
    funding = data.load("btc_funding_binance")["funding_rate_mean"]
    assert figures["funding_mean_7d_before_2025_12_01"]["value"] == pytest.approx(
        funding.loc["2025-11-24":"2025-11-30"].mean(), abs=1e-15)
