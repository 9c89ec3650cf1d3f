"""Notebook 06 executed through papermill on the mirror: headline keys, the four claims, and results recomputed.

The recomputations use plain numpy/pandas on the mirror's CSV (close of day D = the ``price_usd``
snapshot labelled D+1), not :mod:`helpers`: the C23 realised closes and verdict rule, the staged
entry's point estimates against the lump sum and the exposure-matched lump sum (C21), and the
ladder's gain locking and upside capture (C22).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.claims.results import VERDICTS

NAME = "06_risk_scenarios"
QT_END = pd.Timestamp("2025-12-01")
BASELINE_START = pd.Timestamp("2015-01-01")
NEAR_CERTAIN = 0.85  # the notebook's default near_certain

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
    "prob_touch_90k_within_365d_min_over_samples": "probability",
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
    "staged_4w_daily_matched_weight_180d": "share",
    "staged_4w_daily_matched_weight_365d": "share",
    "staged_4w_daily_sd_improvement_vs_matched_365d": "relative change",
    "staged_4w_daily_cvar05_improvement_vs_matched_365d": "relative change",
    "staged_4w_daily_mdd_mean_improvement_vs_matched_365d": "relative change",
    "staged_2w_weekly_sd_improvement_vs_matched_180d": "relative change",
    "ladder_upside_capture_top_decile_365d": "ratio",
    "ladder_share_up20pct_then_loss_365d": "share",
    "buy_and_hold_share_up20pct_then_loss_365d": "share",
    "ladder_mdd_mean_improvement_365d": "relative change",
    "ladder_upside_capture_top_decile_mc": "ratio",
}


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, n_paths=300, boot_reps=50, placebo_draws=500, c21_reps=200)


@pytest.fixture(scope="module")
def closes(mirror_dir: Path) -> pd.Series:
    """BTC closes with plain pandas: the mirror's 00:00 UTC snapshot of D+1 is the close of D."""
    raw = pd.read_csv(mirror_dir / "crypto" / "btc.csv", parse_dates=["date"])
    s = pd.Series(raw["price_usd"].to_numpy(), index=raw["date"] - pd.Timedelta(days=1)).dropna()
    return s.asfreq("D").ffill()


def _windows(closes: pd.Series, horizon: int) -> np.ndarray:
    """Prices relative to the start, one row per start day from 2015-01-01 whose window ends in the data."""
    x = closes.loc[BASELINE_START:].to_numpy(float)
    rows = np.array([x[i:i + horizon + 1] for i in range(x.size - horizon)])
    return rows / rows[:, :1]


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


@pytest.mark.parametrize("claim", ["C20", "C21", "C22", "C23", "C27"])
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"]
    assert entry["notebook"] == NAME
    assert entry["rule"].startswith(claim.lower() + "_")


def _touch_part(p: float, touched: bool, complete: bool) -> str:
    """The declared credit of one forecast level: a near-certain touch earns nothing, a missed long shot costs nothing."""
    if touched:
        return "inconclusive" if p >= NEAR_CERTAIN else "supported"
    if not complete or p <= 1 - NEAR_CERTAIN:
        return "inconclusive"
    return "not supported"


def test_c23_and_c27_verdicts_follow_the_stated_rules(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    """C23: supported if the 100k level decides so, partly if only 90k does, not supported if 100k was missed, else
    inconclusive; C27 the same for the record close before the QT end; probabilities of the main (2015) sample."""
    f = executed[1]["figures"]
    window_end = QT_END + pd.Timedelta(days=365)
    after = closes[(closes.index > QT_END) & (closes.index <= window_end)]
    complete = closes.index[-1] >= window_end
    samples = [k for k in f if k.startswith("prob_touch_90k_within_365d") and not k.endswith("min_over_samples")]
    assert len(samples) == 5 and "prob_touch_90k_within_365d_whole_history" in samples
    p_low = min(f[k]["value"] for k in samples)
    assert f["prob_touch_90k_within_365d_min_over_samples"]["value"] == pytest.approx(p_low, abs=1e-12)
    top = _touch_part(f["prob_touch_100k_within_365d"]["value"], after.max() >= 100000, complete)
    bottom = _touch_part(f["prob_touch_90k_within_365d"]["value"], after.max() >= 90000, complete)
    expected = ("supported" if top == "supported" else "partly supported" if bottom == "supported"
                else "not supported" if top == "not supported" else "inconclusive")
    assert executed[1]["claims"]["C23"]["verdict"] == expected
    record = closes[closes.index <= QT_END].max()
    assert f["btc_record_close_before_qt_end_usd"]["value"] == pytest.approx(record, rel=1e-12)
    expected27 = _touch_part(f["prob_new_record_close_within_365d"]["value"], after.max() >= record, complete)
    if complete and after.max() < record and after.iloc[-1] < closes[QT_END]:
        expected27 = "untestable here"  # declared conditional reading: "if momentum holds" failed, no record
    assert executed[1]["claims"]["C27"]["verdict"] == expected27


def test_post_qt_outcome_keys(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    """The front page's forecast section: last close and date, and the simulated fan, ordered by quantile."""
    f = executed[1]["figures"]
    assert f["btc_last_close_usd"]["value"] == pytest.approx(closes.iloc[-1], rel=1e-12)
    assert f["btc_last_date"]["value"] == f"{closes.index[-1]:%Y-%m-%d}"
    for d in (30, 90, 182, 365):
        fan = [f[f"btc_fan_q{q:02d}_d{d:03d}_usd"]["value"] for q in (5, 25, 50, 75, 95)]
        assert fan == sorted(fan) and fan[0] > 0


def test_staged_entry_recomputed_with_numpy(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    """28 daily tranches of 1/28 on days 0..27: final value = mean over tranches of P_365 / P_d (C21 point estimates)."""
    f = executed[1]["figures"]
    p = _windows(closes, 365)
    lump = p[:, -1] - 1
    staged = np.mean(p[:, -1:] / p[:, :28], axis=1) - 1
    assert f["staged_4w_daily_share_beating_lump_sum_365d"]["value"] == pytest.approx(np.mean(staged > lump), abs=1e-12)
    assert f["staged_4w_daily_mean_improvement_365d"]["value"] == pytest.approx(
        (staged.mean() - lump.mean()) / abs(lump.mean()), rel=1e-9)
    sd_s, sd_l = staged.std(ddof=1), lump.std(ddof=1)
    assert f["staged_4w_daily_sd_improvement_365d"]["value"] == pytest.approx(-(sd_s - sd_l) / sd_l, rel=1e-9)
    # the exposure-matched lump sum: w in BTC, the rest in cash, w = mean(staged) / mean(lump); its SD is w * sd_l
    w = staged.mean() / lump.mean()
    assert f["staged_4w_daily_matched_weight_365d"]["value"] == pytest.approx(w, rel=1e-9)
    assert f["staged_4w_daily_sd_improvement_vs_matched_365d"]["value"] == pytest.approx(
        -(sd_s - w * sd_l) / (w * sd_l), rel=1e-9)
    mix = w * p + (1 - w)
    mdd_mix = np.mean(1 - np.min(mix / np.maximum.accumulate(mix, axis=1), axis=1))
    cash = np.clip(28 - np.arange(1, 366 + 1), 0, None) / 28  # tranches not yet bought after each day
    units = np.cumsum(np.where(np.arange(366) < 28, 1 / (28 * p), 0.0), axis=1)
    value = p * units + cash
    mdd_staged = np.mean(1 - np.min(value / np.maximum.accumulate(value, axis=1), axis=1))
    assert f["staged_4w_daily_mdd_mean_improvement_vs_matched_365d"]["value"] == pytest.approx(
        -(mdd_staged - mdd_mix) / mdd_mix, rel=1e-9)
    assert executed[1]["claims"]["C21"]["verdict"] in ("not supported", "inconclusive")  # staging has more risk here
    assert f["staged_4w_daily_mean_cash_share_180d"]["value"] == pytest.approx(np.arange(28).sum() / 28 / 180)


def _ladder_final(path: np.ndarray) -> float:
    """1/3 sold at the first close >= 1.2, 1/3 at >= 1.5, the rest at the first close <= 0.75 x the running high
    on or after the day both rungs are sold; anything unsold is valued at the last close."""
    last = len(path) - 1
    r1 = int(np.argmax(path >= 1.2)) if (path >= 1.2).any() else None
    r2 = int(np.argmax(path >= 1.5)) if (path >= 1.5).any() else None
    stop = None
    if r1 is not None and r2 is not None:
        high = np.maximum.accumulate(path)
        for k in range(max(r1, r2), last + 1):
            if path[k] <= 0.75 * high[k]:
                stop = k
                break
    parts = [path[r1 if r1 is not None else last], path[r2 if r2 is not None else last],
             path[stop if stop is not None else last]]
    return float(sum(parts) / 3 - 1)


def test_ladder_recomputed_with_numpy(executed: tuple[Any, dict[str, Any]], closes: pd.Series) -> None:
    """C22 point estimates over every 365-day window from 2015: up 20% then a loss, and the best decile's capture."""
    f = executed[1]["figures"]
    p = _windows(closes, 365)
    hold = p[:, -1] - 1
    ladder = np.array([_ladder_final(row) for row in p])
    reached = p.max(axis=1) >= 1.2
    assert f["ladder_share_up20pct_then_loss_365d"]["value"] == pytest.approx(np.mean(ladder[reached] < 0), abs=1e-12)
    assert f["buy_and_hold_share_up20pct_then_loss_365d"]["value"] == pytest.approx(np.mean(hold[reached] < 0),
                                                                                     abs=1e-12)
    top = hold >= np.quantile(hold, 0.9)
    assert f["ladder_upside_capture_top_decile_365d"]["value"] == pytest.approx(ladder[top].sum() / hold[top].sum(),
                                                                                rel=1e-9)
