"""Notebook 06 executed through papermill on the mirror: headline keys, the four claims, and C23 recomputed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from helpers.results import VERDICTS

NAME = "06_risk_scenarios"
QT_END = pd.Timestamp("2025-12-01")

pytestmark = pytest.mark.slow

#: Numeric headline keys and their units.
NUMERIC = {
    "btc_close_at_qt_end_usd": "USD",
    "btc_max_close_after_qt_end_usd": "USD",
    "btc_min_close_after_qt_end_usd": "USD",
    "btc_days_in_90k_100k_after_qt_end": "days",
    "prob_touch_90k_within_182d": "probability",
    "prob_touch_90k_within_365d": "probability",
    "prob_touch_100k_within_182d": "probability",
    "prob_touch_100k_within_365d": "probability",
    "prob_touch_100k_within_365d_since_2020": "probability",
    "prob_touch_100k_within_365d_since_2020_zero_drift": "probability",
    "btc_realised_max_percentile_in_simulation": "percent",
    "btc_recession_months_n": "months",
    "nasdaq_recession_minus_expansion_monthly_logret": "log return",
    "btc_logret_diff_hy_during": "log return",
    "btc_mean_logret_30d_after_geopolitical_adverse": "log return",
    "sell_the_news_count": "count",
    "sell_the_news_base_rate": "share",
    "staged_4w_daily_sd_improvement_365d": "relative change",
    "staged_4w_daily_mean_improvement_365d": "relative change",
    "staged_4w_daily_share_beating_lump_sum_365d": "share",
    "ladder_upside_capture_top_decile_365d": "ratio",
    "ladder_share_up20pct_then_loss_365d": "share",
    "buy_and_hold_share_up20pct_then_loss_365d": "share",
    "ladder_mdd_mean_improvement_365d": "relative change",
    "ladder_upside_capture_top_decile_mc": "ratio",
}


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, N_PATHS=300, BOOT_REPS=50, PLACEBO_DRAWS=500)


@pytest.fixture(scope="module")
def closes(mirror_dir: Path) -> pd.Series:
    """BTC closes with plain pandas: the mirror's 00:00 UTC snapshot of D+1 is the close of D."""
    raw = pd.read_csv(mirror_dir / "crypto" / "btc.csv", parse_dates=["date"])
    return pd.Series(raw["price_usd"].to_numpy(), index=raw["date"] - pd.Timedelta(days=1)).dropna()


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, _ = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()


@pytest.mark.parametrize(("key", "unit"), NUMERIC.items())
def test_numeric_keys(executed: tuple[Any, dict[str, Any]], key: str, unit: str) -> None:
    entry = executed[1]["figures"][key]
    assert entry["unit"] == unit
    assert isinstance(entry["value"], int | float) and math.isfinite(entry["value"])
    assert "N=" in entry["note"] or key in ("btc_close_at_qt_end_usd", "btc_days_in_90k_100k_after_qt_end")
    if unit in ("probability", "share"):
        assert 0 <= entry["value"] <= 1


def test_touch_probabilities_are_ordered(executed: tuple[Any, dict[str, Any]]) -> None:
    """A lower level and a longer window can only be touched more often."""
    f = {k: v["value"] for k, v in executed[1]["figures"].items()}
    assert f["prob_touch_90k_within_182d"] <= f["prob_touch_90k_within_365d"]
    assert f["prob_touch_100k_within_182d"] <= f["prob_touch_100k_within_365d"]
    assert f["prob_touch_100k_within_365d"] <= f["prob_touch_90k_within_365d"]


def test_realised_keys_recomputed_with_plain_pandas(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    f = executed[1]["figures"]
    after = closes[closes.index > QT_END]
    assert f["btc_close_at_qt_end_usd"]["value"] == pytest.approx(closes[QT_END], rel=1e-12)
    assert f["btc_max_close_after_qt_end_usd"]["value"] == pytest.approx(after.max(), rel=1e-12)
    assert f["btc_max_close_after_qt_end_date"]["value"] == f"{after.idxmax():%Y-%m-%d}"
    assert f["btc_min_close_after_qt_end_usd"]["value"] == pytest.approx(after.min(), rel=1e-12)
    first90 = after[after >= 90000]
    assert f["btc_first_close_above_90k_after_qt_end"]["value"] == (f"{first90.index[0]:%Y-%m-%d}" if len(first90)
                                                                   else None)


@pytest.mark.parametrize("claim", ["C20", "C21", "C22", "C23"])
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"]
    assert entry["notebook"] == NAME


def test_c23_verdict_follows_the_stated_rule(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    """Supported if a close after the QT end reached 100k, partly if 90k only (recomputed independently)."""
    after = closes[(closes.index > QT_END) & (closes.index <= QT_END + pd.Timedelta(days=365))]
    complete = closes.index[-1] >= QT_END + pd.Timedelta(days=365)
    expected = ("supported" if after.max() >= 100000 else "partly supported" if after.max() >= 90000
                else "not supported" if complete else "inconclusive")
    assert executed[1]["claims"]["C23"]["verdict"] == expected
