"""Notebook sections without their series: notebook 05's funding helpers and notebook 06's stress without VIX."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import failures
from helpers.report.missing import MARKERS
from helpers.studies import scenarios as sc
from helpers.studies import seasonality as season


@pytest.fixture
def refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with an empty cache whose last fetch of the funding rates got HTTP 451, and no mirror."""
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    failures.record_fetch(tmp_path / "data" / "raw", {season.FUNDING_ID: "binance: HTTP 451"}, [])
    return tmp_path


def test_funding_helpers_say_why_the_flush_proxy_cannot_run(refused: Path) -> None:
    assert not season.funding_available()
    note = season.funding_missing_note("exercise 2")
    assert note.startswith("This section cannot run here: exercise 2") and "HTTP 451" in note
    evidence = season.funding_missing_evidence()
    assert season.FUNDING_ID in evidence and "HTTP 451" in evidence and "liquidation history" in evidence
    # the claim's evidence is quoted in the ledger: it must not read as a section that could not run
    assert not any(m in evidence.lower() for m in MARKERS)


def test_funding_is_available_when_nothing_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    assert season.funding_available()  # Binance can be asked


def _stress_inputs() -> tuple[pd.Series, pd.Series, pd.Series]:
    days = pd.date_range("2016-01-01", periods=900, freq="D")
    rng = np.random.default_rng(3)
    prices = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.02, len(days)))) * 100, index=days)
    vix = pd.Series(np.where((days.day_of_year % 120) < 10, 40.0, 15.0), index=days)
    hy = pd.Series(3.0 + np.where((days.day_of_year % 150) < 20, 2.0, 0.0), index=days)
    return prices, vix, hy


def test_stress_without_vix_keeps_the_spread_rows_unchanged_and_drops_the_vix_rows() -> None:
    prices, vix, hy = _stress_inputs()
    with_vix = sc.stress_flags(vix, hy, 30.0, 1.0, window=30)
    without = sc.stress_flags(None, hy, 30.0, 1.0, window=30)
    assert without["vix"].isna().all() and without["vix_high"].isna().all() and without["vix_high_window"].isna().all()
    pd.testing.assert_series_equal(without["hy_widening"], with_vix["hy_widening"])
    full = sc.stress_returns(prices, with_vix, 30, 60, reps=50, seed=1)
    part = sc.stress_returns(prices, without, 30, 60, reps=50, seed=1)
    hy_rows = [label for label, col, _ in sc.STRESS_SPECS if col == "hy_widening"]
    assert list(full.index) == [label for label, _, _ in sc.STRESS_SPECS]
    assert list(part.index) == hy_rows
    pd.testing.assert_frame_equal(part, full.loc[hy_rows])  # the same seeds: the spread rows do not move
