"""Unit tests of helpers.studies.qt_mechanism on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.data import liquidity as liq
from helpers.methods import hac
from helpers.methods import transforms as tf
from helpers.studies import qt_mechanism as qtm


def _wednesdays(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="W-WED")


def _holdings(redemptions: dict[str, float], start: str = "2022-05-01", end: str = "2022-09-30",
              level: float = 1000.0) -> pd.Series:
    """Daily holdings that step down by each redemption on its settlement date, sampled on Wednesdays."""
    days = pd.date_range(start, end, freq="D")
    steps = pd.Series(0.0, index=days)
    for date, amount in redemptions.items():
        if pd.Timestamp(date) in steps.index:
            steps[pd.Timestamp(date)] += amount
    daily = level - steps.cumsum()
    return daily.reindex(_wednesdays(start, end)).rename("TREAST")


# Coupons redeemed on the 15th and at month-end. 2022-07-31 is a Sunday, so July's month-end
# redemption settles on Monday 2022-08-01 and still belongs to July's cap.
REDEMPTIONS = {"2022-06-15": 10.0, "2022-06-30": 15.0, "2022-07-15": 20.0, "2022-08-01": 20.0,
               "2022-08-15": 5.0, "2022-08-31": 10.0}
CAPS = pd.DataFrame({"effective_date": pd.to_datetime(["2022-06-01", "2022-07-01", "2022-09-01"]),
                     "treasury_cap_bn": [30.0, 40.0, 0.0], "mbs_cap_bn": [20.0, 20.0, 0.0],
                     "source": ["hand-built"] * 3})


def test_monthly_caps_step_function() -> None:
    """A cap stays in force until the next effective date; a zero cap ends runoff."""
    caps = qtm.monthly_caps(CAPS, "2022-06", "2022-10")
    assert_allclose(caps["treasury_cap_bn"].to_numpy(), [30, 40, 40, 0, 0])
    assert_allclose(caps["mbs_cap_bn"].to_numpy(), [20, 20, 20, 0, 0])
    assert list(caps.index.astype(str)) == ["2022-06", "2022-07", "2022-08", "2022-09", "2022-10"]


@pytest.mark.parametrize("first, last", [("2022-05", "2022-06"), ("2022-07", "2022-06")], ids=["before-first-cap", "reversed"])
def test_monthly_caps_rejects_bad_months(first: str, last: str) -> None:
    with pytest.raises(ValueError):
        qtm.monthly_caps(CAPS, first, last)


def test_start_of_month_levels_uses_first_wednesday_on_or_after_day_one() -> None:
    """2022-06-01 is a Wednesday (taken itself); July's level is 2022-07-06's; past the end is NaN."""
    s = _holdings(REDEMPTIONS)
    levels = qtm.start_of_month_levels(s, pd.period_range("2022-06", "2022-10", freq="M"))
    assert_allclose(levels.to_numpy()[:4], [1000.0, 975.0, 935.0, 920.0])
    assert np.isnan(levels.iloc[4])


def test_monthly_runoff_known_answer() -> None:
    """Each month's runoff equals the redemptions settled in it, month-end included (July: 20 + 20)."""
    runoff = qtm.monthly_runoff(_holdings(REDEMPTIONS), "2022-06", "2022-08")
    assert_allclose(runoff.to_numpy(), [25.0, 40.0, 15.0])


def test_runoff_vs_caps_ratio_known_answer() -> None:
    """Ratios are runoff / cap month by month: 25/30, 40/40, 15/40."""
    mbs = _holdings({"2022-06-25": 10.0, "2022-07-25": 12.0, "2022-08-25": 8.0}).rename("WSHOMCB")
    table = qtm.runoff_vs_caps(_holdings(REDEMPTIONS), mbs, CAPS, "2022-06", "2022-08")
    assert_allclose(table["treasury_ratio"].to_numpy(), [25 / 30, 1.0, 15 / 40])
    assert_allclose(table["mbs_runoff"].to_numpy(), [10.0, 12.0, 8.0])
    assert_allclose(table["mbs_ratio"].to_numpy(), [0.5, 0.6, 0.4])


def test_runoff_to_cap_total_known_answer() -> None:
    """Total ratio = (1000 - 920) / (30 + 40 + 40): the fall over the months over the summed caps."""
    ratio = qtm.runoff_to_cap(_holdings(REDEMPTIONS), CAPS, "treasury_cap_bn", "2022-06", "2022-08")
    assert_allclose(ratio, 80.0 / 110.0, rtol=1e-12)


def test_last_wednesday_boundaries_would_misplace_month_end_redemptions() -> None:
    """Why the month boundary is the first Wednesday: June's and July's last Wednesdays (06-29, 07-27)
    come before their month-end redemptions, so last-Wednesday boundaries would credit July with
    June's month-end 15 plus July's mid-month 20 = 35, instead of July's own 20 + 20 = 40."""
    s = _holdings(REDEMPTIONS)
    last_wed = s.groupby(s.index.to_period("M")).last()
    assert_allclose(last_wed[pd.Period("2022-06", "M")] - last_wed[pd.Period("2022-07", "M")], 35.0)
    assert_allclose(qtm.monthly_runoff(s, "2022-07", "2022-07").iloc[0], 40.0)


@pytest.mark.parametrize("cap_column, months", [("bogus_cap", ("2022-06", "2022-08")),
                                                ("treasury_cap_bn", ("2022-09", "2022-09"))],
                         ids=["unknown-column", "zero-caps"])
def test_runoff_to_cap_rejects(cap_column: str, months: tuple[str, str]) -> None:
    with pytest.raises(ValueError):
        qtm.runoff_to_cap(_holdings(REDEMPTIONS), CAPS, cap_column, *months)


def test_runoff_to_cap_rejects_months_past_the_data() -> None:
    with pytest.raises(ValueError, match="no observation"):
        qtm.runoff_to_cap(_holdings(REDEMPTIONS, end="2022-08-20"), CAPS, "treasury_cap_bn", "2022-06", "2022-08")


def test_net_liquidity_from_hand_built_example() -> None:
    """WALCL - TGA - RRP on Wednesdays, with the WTREGEN fill and RRP as of the last business day before.

    2024-01-03: WDTGAL present (10), RRP that day (6) -> 100 - 10 - 6 = 84.
    2024-01-10: WDTGAL missing -> WTREGEN 11; no RRP on the Wednesday -> Tuesday's 7 -> 110 - 11 - 7 = 92.
    2024-01-17: the newest RRP is 8 days old (over the 7-day tolerance) -> the row is dropped.
    Without the fill the middle row would be lost; without the as-of it would be NaN.
    """
    walcl = pd.Series([100.0, 110.0, 120.0], index=pd.to_datetime(["2024-01-03", "2024-01-10", "2024-01-17"]))
    wdtgal = pd.Series([10.0, 12.0], index=pd.to_datetime(["2024-01-03", "2024-01-17"]))
    wtregen = pd.Series([99.0, 11.0, 99.0], index=walcl.index)
    rrp = pd.Series([5.0, 6.0, 7.0], index=pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-09"]))
    out = liq.net_liquidity_from(walcl, wdtgal, wtregen, rrp)
    assert list(out.index) == list(pd.to_datetime(["2024-01-03", "2024-01-10"]))
    assert_allclose(out["net_liquidity"].to_numpy(), [84.0, 92.0])
    assert_allclose(out["tga"].to_numpy(), [10.0, 11.0])
    assert_allclose(out["rrp"].to_numpy(), [6.0, 7.0])
    assert list(out["tga_source"]) == ["WDTGAL", "WTREGEN"]


def test_level_on_or_before() -> None:
    s = pd.Series([1.0, 2.0, np.nan], index=pd.to_datetime(["2025-11-19", "2025-11-26", "2025-12-03"]))
    date, value = tf.level_on_or_before(s, "2025-12-01")
    assert date == pd.Timestamp("2025-11-26") and value == 2.0
    assert tf.level_on_or_before(s, "2025-12-10") == (pd.Timestamp("2025-11-26"), 2.0)  # NaN skipped
    with pytest.raises(ValueError):
        tf.level_on_or_before(s, "2025-01-01")


def test_align_on_start_and_cumulative_caps() -> None:
    """Row k is the change after k months; the line stops at the regime's end; caps accumulate."""
    s = _holdings(REDEMPTIONS)
    aligned = qtm.align_on_start(s, {"A": "2022-06-01"}, 3, ends={"A": "2022-08-01"})
    assert_allclose(aligned["A"].to_numpy()[:3], [0.0, -25.0, -65.0])
    assert np.isnan(aligned["A"].iloc[3])  # month 3 = 2022-09, past the end
    rel = qtm.align_on_start(s, {"A": "2022-06-01"}, 2, relative=True)
    assert_allclose(rel["A"].to_numpy(), [0.0, -2.5, -6.5])
    cum = qtm.cumulative_caps(CAPS, {"A": "2022-06-01"}, {"A": "2022-09-01"}, 4)
    assert_allclose(cum["A"].to_numpy()[:4], [0.0, 50.0, 110.0, 170.0])
    assert np.isnan(cum["A"].iloc[4])


def test_balance_sheet_identity_and_month_change() -> None:
    """Other assets and other liabilities close both sides; month_change uses first-Wednesday boundaries."""
    idx = _wednesdays("2024-01-03", "2024-02-28")
    n = len(idx)
    walcl = pd.Series(np.linspace(100, 90, n), index=idx)
    tre = pd.Series(np.linspace(60, 52, n), index=idx)
    mbs = pd.Series(np.full(n, 30.0), index=idx)
    res = pd.Series(np.full(n, 40.0), index=idx)
    tga = pd.Series(np.full(n, 5.0), index=idx)
    rrp = pd.Series(np.linspace(20, 10, n), index=idx - pd.Timedelta(days=1))  # reported the day before
    bs = liq.balance_sheet(walcl, tre, mbs, res, tga, rrp)
    assert_allclose((bs["treasuries"] + bs["mbs"] + bs["other_assets"]).to_numpy(), walcl.to_numpy())
    assert_allclose((bs[["reserves", "rrp", "tga", "other_liabilities"]].sum(axis=1)).to_numpy(), walcl.to_numpy())
    change = qtm.month_change(bs, "2024-01")  # 2024-01-03 to 2024-02-07: 5 weekly steps
    step = 10 / (n - 1)
    assert_allclose(change["total"], -5 * step)
    assert_allclose(change["total"], change[["treasuries", "mbs", "other_assets"]].sum())


def test_changes_between_and_since() -> None:
    idx = _wednesdays("2024-01-03", "2024-01-31")
    frame = pd.DataFrame({"a": [1.0, 2.0, 4.0, 8.0, 16.0]}, index=idx)
    assert_allclose(tf.change_from_to(frame, "2024-01-12", "2024-01-30")["a"], 8.0 - 2.0)
    since = tf.changes_since(frame, "2024-01-17")
    assert_allclose(since["a"].to_numpy(), [0.0, 4.0, 12.0])


def test_mean_weekly_change_known_mean() -> None:
    """Weekly changes alternating +1 and +3 have mean 2; the interval covers it; N counts changes after start."""
    idx = _wednesdays("2024-01-03", "2024-06-26")
    steps = np.tile([1.0, 3.0], len(idx) // 2 + 1)[: len(idx)]
    series = pd.Series(np.cumsum(steps), index=idx)
    out = hac.mean_weekly_change(series, idx[0], idx[-1], hac_lags=2)
    assert_allclose(out["mean"], 2.0, atol=0.1)
    assert out["ci_low"] < 2.0 < out["ci_high"]
    assert out["n"] == len(idx) - 1
    with pytest.raises(ValueError):
        hac.mean_weekly_change(series, idx[-2], idx[-1])


def test_change_window_range_linear_series() -> None:
    """A series rising 1 a week: start dates 2 weeks either side, end dates up to 2 weeks before ->
    changes from (w_end - 2) - (w_start + 2) to w_end - (w_start - 2)."""
    idx = _wednesdays("2024-01-03", "2024-12-25")
    s = pd.Series(np.arange(len(idx), dtype=float), index=idx)
    start, end = idx[10], idx[40]
    out = tf.change_window_range(s, start, end, weeks=2)
    assert_allclose([out["min"], out["max"], out["median"]], [30 - 4, 30 + 2, 30 - 1])
    assert out["n"] == 5 * 3


def test_periods_and_qt_months() -> None:
    table = pd.DataFrame({"kind": ["qt", "rmp"], "start": pd.to_datetime(["2022-06-01", "2025-12-12"]),
                          "end": pd.to_datetime(["2025-12-01", None])}, index=pd.Index(["QT2", "RMP2025"], name="regime"))
    assert qtm.regime_periods(table, "rmp") == [(pd.Timestamp("2025-12-12"), None)]
    assert qtm.qt_months(table, "QT2") == (pd.Period("2022-06", "M"), pd.Period("2025-11", "M"))
    with pytest.raises(ValueError):
        qtm.qt_months(table, "RMP2025")
    with pytest.raises(ValueError):
        qtm.regime_periods(table, "taper")


def test_mean_of_changes_interval_covers_the_mean_and_refuses_short_series() -> None:
    changes = pd.Series([10.0, 30.0, 20.0, 40.0], name="purchases")
    out = hac.hac_mean(changes, hac_lags=0)
    assert out["mean"] == 25.0 and out["n"] == 4 and out["ci_low"] < 25.0 < out["ci_high"]
    assert out["sd"] == pytest.approx(changes.std())
    half = 1.959963984540054 * math.sqrt(((changes - 25.0) ** 2).mean() / 4)  # HAC with 0 lags = White's se
    assert out["ci_high"] - 25.0 == pytest.approx(half)
    with pytest.raises(ValueError, match="purchases: only 2 changes"):
        hac.hac_mean(changes.iloc[:2])


def test_reference_qt_ends_from_the_mirror_or_none(tmp_path: Path, mirror_dir: Path) -> None:
    assert pd.Timestamp("2025-12-01") in (qtm.reference_qt_ends(str(mirror_dir)) or [])
    assert qtm.reference_qt_ends(str(tmp_path)) is None  # a folder without events/: no reference here
