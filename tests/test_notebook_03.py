"""Notebook 03 executed through papermill on the mirror: required keys, claims, and two keys recomputed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.results import VERDICTS

NAME = "03_pivot_event_studies"
DATES = ["2019_07_31", "2020_03_15", "2023_07_26", "2024_09_18", "2025_12_01"]
HORIZONS = [90, 180, 365, 540]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, PLACEBO_DRAWS=1000, BOOTSTRAP_REPS=200)


def _btc_logret(date: str, h: int) -> float:
    """ln(P1/P0) with plain pandas: P0 the BTC close on the date, P1 the close h calendar days later."""
    from helpers import data

    closes = data.closes("btc")
    t0 = pd.Timestamp(date.replace("_", "-"))
    return float(np.log(closes.loc[t0 + pd.Timedelta(days=h)] / closes.loc[t0]))


def _reached(date: str, h: int) -> bool:
    from helpers import data

    return pd.Timestamp(date.replace("_", "-")) + pd.Timedelta(days=h) <= data.closes("btc").index[-1]


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, _ = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("h", HORIZONS)
def test_required_keys(executed: tuple[Any, dict[str, Any]], date: str, h: int) -> None:
    figures = executed[1]["figures"]
    key = f"btc_logret_{h}d_after_{date}"
    if date == "2025_12_01" and not _reached(date, h):
        assert key not in figures, f"{key} recorded although the data do not reach it"
        return
    assert key in figures
    entry = figures[key]
    assert entry["unit"] == "log return"
    assert isinstance(entry["value"], float) and math.isfinite(entry["value"])
    assert entry["value"] == pytest.approx(_btc_logret(date, h), abs=1e-12)


@pytest.mark.parametrize(("date", "h"), [("2019_07_31", 90), ("2025_12_01", 180)])
def test_two_keys_recomputed_independently(executed: tuple[Any, dict[str, Any]], date: str, h: int) -> None:
    from helpers import data

    closes = data.closes("btc")
    p0 = closes[pd.Timestamp(date.replace("_", "-"))]
    p1 = closes[pd.Timestamp(date.replace("_", "-")) + pd.Timedelta(days=h)]
    assert abs(executed[1]["figures"][f"btc_logret_{h}d_after_{date}"]["value"] - np.log(p1 / p0)) < 1e-12


@pytest.mark.parametrize("claim", ["C07", "C08"])
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"]
    assert entry["notebook"] == NAME


def test_other_headline_figures_are_finite(executed: tuple[Any, dict[str, Any]]) -> None:
    figures = executed[1]["figures"]
    for key in ("btc_uncond_mean_logret_365d", "c07_min_p_holm", "btc_rally_base_rate_plus_100pct",
                "btc_best_180_540d_uncond_median"):
        assert math.isfinite(figures[key]["value"]), key
    assert 0 <= figures["c07_min_p_holm"]["value"] <= 1
