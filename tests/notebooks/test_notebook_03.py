"""Notebook 03 executed through papermill on the mirror: required keys recomputed from the raw CSV, claims."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest

from helpers.claims.results import VERDICTS

NAME = "03_pivot_event_studies"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"
DATES = ["2019_07_31", "2020_03_15", "2023_07_26", "2024_09_18", "2025_12_01"]
HORIZONS = [90, 180, 365, 540]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, placebo_draws=1000, bootstrap_reps=200)


@pytest.fixture(scope="module")
def btc_close(mirror_dir: Path) -> pd.Series:
    """BTC daily closes read from the mirror's CSV with plain pandas, independently of ``helpers``.

    The mirror's ``price_usd`` on day D is the price at 00:00 UTC at the start of D, i.e. the close of
    D-1: close(D) = price_usd labelled D+1.
    """
    raw = pd.read_csv(mirror_dir / "crypto" / "btc.csv", usecols=["date", "price_usd"], parse_dates=["date"])
    raw = raw.dropna(subset=["price_usd"]).set_index("date")["price_usd"]
    close = raw.copy()
    close.index = raw.index - pd.Timedelta(days=1)
    return close


def _btc_logret(close: pd.Series, date: str, h: int) -> float:
    """ln(close(date + h) / close(date)), h calendar days."""
    t0 = pd.Timestamp(date.replace("_", "-"))
    return float(np.log(close.loc[t0 + pd.Timedelta(days=h)] / close.loc[t0]))


def _reached(close: pd.Series, date: str, h: int) -> bool:
    return pd.Timestamp(date.replace("_", "-")) + pd.Timedelta(days=h) <= close.index[-1]


def test_close_convention_is_the_next_days_open_snapshot(mirror_dir: Path, btc_close: pd.Series) -> None:
    """A spot check of the shift on the raw file: close(2020-03-15) is the row labelled 2020-03-16."""
    raw = pd.read_csv(mirror_dir / "crypto" / "btc.csv", usecols=["date", "price_usd"], index_col="date")
    assert btc_close[pd.Timestamp("2020-03-15")] == raw.loc["2020-03-16", "price_usd"]


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, _ = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("h", HORIZONS)
def test_required_keys(executed: tuple[Any, dict[str, Any]], btc_close: pd.Series, date: str, h: int) -> None:
    """Every reached key is recorded with its unit and equals ln(close(date+h)/close(date)) from the raw CSV."""
    figures = executed[1]["figures"]
    key = f"btc_logret_{h}d_after_{date}"
    if not _reached(btc_close, date, h):
        assert key not in figures, f"{key} recorded although the data do not reach it"
        return
    assert key in figures
    entry = figures[key]
    assert entry["unit"] == "log return"
    assert isinstance(entry["value"], float) and math.isfinite(entry["value"])
    assert entry["value"] == pytest.approx(_btc_logret(btc_close, date, h), abs=1e-12)


def test_the_newest_event_is_partly_unreached(btc_close: pd.Series) -> None:
    """The data end before 2025-12-01 + 540 days, so the skip branch above is exercised."""
    assert not _reached(btc_close, "2025_12_01", 540)


@pytest.mark.parametrize("claim", ["C07", "C08", "C28"])
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"]
    assert entry["notebook"] == NAME
    assert entry["rule"] == f"{claim.lower()}_" + {"C07": "pivot_rule", "C08": "rally_rule",
                                                   "C28": "tightening_rule"}[claim]


def test_c07_evidence_compares_with_the_random_day_mean(executed: tuple[Any, dict[str, Any]]) -> None:
    evidence = executed[1]["claims"]["C07"]["evidence"]
    assert "vs random-day mean" in evidence
    assert re.search(r"beat the random-day mean in \d of \d tests", evidence)
    assert "without 2020-03-15" in evidence and "cuts combined with QT end" in evidence


def test_leave_one_out_recomputed_from_the_raw_csv(executed: tuple[Any, dict[str, Any]], btc_close: pd.Series) -> None:
    """Without the COVID turn, the 365-day mean over the remaining C07 events that reach a year."""
    figures = executed[1]["figures"]
    rest = [d for d in ("2019_07_31", "2024_09_18", "2025_12_01") if _reached(btc_close, d, 365)]
    expected = np.mean([_btc_logret(btc_close, d, 365) for d in rest])
    assert figures["btc_c07_mean_logret_365d_without_2020_03_15"]["value"] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("first", "last"), [("2015-12-16", "2018-12-19"), ("2022-03-16", "2023-07-26")])
def test_hiking_cycle_drawdowns_recomputed_from_the_raw_csv(executed: tuple[Any, dict[str, Any]],
                                                            btc_close: pd.Series, first: str, last: str) -> None:
    close = btc_close.asfreq("D").ffill().loc[first:last].to_numpy()
    expected = 1 - np.min(close / np.maximum.accumulate(close))
    key = f"btc_max_drawdown_in_hiking_cycle_{first[:4]}_{last[:4]}"
    assert executed[1]["figures"][key]["value"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("claim", ["C07", "C08", "C28"])
def test_short_answer_states_the_recorded_verdict(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    """The qualitative short answer at the top is typed by hand: it must name the verdict the code recorded."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    short = " ".join(next(c.source for c in nb.cells if c.source.startswith("## Question and short answer")).split())
    stated = re.search(claim + r" is \*\*([a-z ]+)\*\*", short)
    assert stated is not None, f"short answer names no verdict for {claim}"
    assert stated.group(1) == executed[1]["claims"][claim]["verdict"]


def test_other_headline_figures_are_finite(executed: tuple[Any, dict[str, Any]]) -> None:
    figures = executed[1]["figures"]
    for key in ("btc_uncond_mean_logret_365d", "c07_min_p_holm", "btc_rally_base_rate_plus_100pct",
                "btc_best_180_540d_uncond_median", "c07_min_p_holm_spaced", "c08_chance_all_spaced_above_median",
                "btc_logret_per_year_gap_in_hiking_cycles"):
        assert math.isfinite(figures[key]["value"]), key
    assert 0 <= figures["c07_min_p_holm"]["value"] <= 1
    # keeping the pivots' spacing makes "all three rallied" more common than independent days (0.5 ** 3)
    assert figures["c08_chance_all_spaced_above_median"]["value"] > 0.5 ** 3


def test_an_eth_run_records_no_btc_keys(mirror_home: Path) -> None:
    """With ether as the first asset the single-asset keys are named after it (a list parameter: run directly)."""
    from helpers.claims.results import read_notebook_results
    from helpers.report import runner

    out = mirror_home / "reports_eth"
    run = runner.execute(NAME, {"assets": ["eth", "btc", "SP500", "NASDAQCOM"], "placebo_draws": 300,
                                "bootstrap_reps": 50}, out)
    assert run.status == "ok", run.error
    body = read_notebook_results(out / "results" / f"{NAME}.json")
    assert not [k for k in body["figures"] if k.startswith("btc_")]
    assert "eth_uncond_mean_logret_365d" in body["figures"]
