"""helpers.studies.replications on constructed data: alignment, intervals, agreement nulls, weekday tests, records."""

from __future__ import annotations

import math
import sys
import types

import numpy as np
import pandas as pd
import pytest

import helpers.data
from helpers.errors import QtlabError
from helpers.methods import weekday as wd
from helpers.studies import replications as rp


def _btc_and_spx(n_days: int = 400, rho: float = 0.5, seed: int = 1) -> tuple[pd.Series, pd.Series]:
    """Daily BTC (every calendar day) and an S&P 500 on business days, with correlated business-day returns."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2020-01-01", periods=n_days, freq="D")
    z1, z2 = rng.standard_normal(n_days), rng.standard_normal(n_days)
    btc_ret = 0.03 * z1
    spx_ret = 0.01 * (rho * z1 + math.sqrt(1 - rho**2) * z2)
    btc = pd.Series(100 * np.exp(np.cumsum(btc_ret)), index=days)
    spx = pd.Series(3000 * np.exp(np.cumsum(spx_ret)), index=days)
    return btc, spx[spx.index.day_of_week < 5]


# --- alignment and correlations -------------------------------------------------------------


def test_aligned_returns_put_the_weekend_into_monday() -> None:
    days = pd.date_range("2024-01-05", "2024-01-09", freq="D")  # Fri .. Tue
    btc = pd.Series([100.0, 110.0, 121.0, 133.1, 100.0], index=days)
    spx = pd.Series([10.0, 11.0, 12.0], index=pd.DatetimeIndex(["2024-01-05", "2024-01-08", "2024-01-09"]))
    out = rp.aligned_daily_returns(btc, spx)
    assert list(out.index) == [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-09")]
    assert out.loc["2024-01-08", "btc"] == pytest.approx(math.log(133.1 / 100.0))  # Friday to Monday
    assert out.loc["2024-01-09", "spx"] == pytest.approx(math.log(12.0 / 11.0))


def test_aligned_returns_need_shared_dates() -> None:
    btc = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-06", periods=2))  # a weekend
    spx = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-08", "2024-01-09"]))
    with pytest.raises(ValueError, match="share 0 dates"):
        rp.aligned_daily_returns(btc, spx)


def test_period_label() -> None:
    assert rp.period_label("2017-01-01", "2019-12-31") == "2017_2019"
    assert rp.period_label("2024-01-01", "2024-06-30") == "2024"


def test_period_correlations_recover_the_pearson_r() -> None:
    btc, spx = _btc_and_spx(rho=0.6)
    ret = rp.aligned_daily_returns(btc, spx)
    periods = [["2020-01-01", "2020-06-30"], ["2020-07-01", "2021-01-31"]]
    table = rp.period_correlations(ret, periods, reps=200, seed=3)
    assert list(table.index) == ["2020", "2020_2021"]
    first = ret.loc["2020-01-01":"2020-06-30"]
    assert table.loc["2020", "r"] == pytest.approx(np.corrcoef(first["btc"], first["spx"])[0, 1])
    assert table.loc["2020", "n"] == len(first)
    for _, row in table.iterrows():
        assert row["lo_fisher"] < row["r"] < row["hi_fisher"]
        assert row["lo_boot"] < row["hi_boot"]
    assert 0.3 < table["r"].mean() < 0.85  # the constructed link is found


def test_period_correlations_refuse_a_period_outside_the_data() -> None:
    btc, spx = _btc_and_spx()
    with pytest.raises(ValueError, match="2030-01-01"):
        rp.period_correlations(rp.aligned_daily_returns(btc, spx), [["2030-01-01", "2030-12-31"]], reps=0)


def test_rolling_period_means_average_the_rolling_correlation() -> None:
    btc, spx = _btc_and_spx()
    ret = rp.aligned_daily_returns(btc, spx)
    out = rp.rolling_period_means(ret, [["2020-06-01", "2020-12-31"]], window=20)
    by_hand = ret["btc"].rolling(20).corr(ret["spx"]).loc["2020-06-01":"2020-12-31"].mean()
    assert out["2020"] == pytest.approx(by_hand)
    assert len(rp.rolling_correlation(ret, 20)) == len(ret) - 19


# --- directional agreement ------------------------------------------------------------------


def _monthly(values: list[float], start: str = "2015-01") -> pd.Series:
    months = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(values, index=months.to_timestamp(how="end").normalize())


def test_agreement_table_sets_agreement_beside_base_rates() -> None:
    n = 60
    up = list(np.linspace(1, 2, n))
    wave = list(1 + 0.5 * np.sin(np.arange(n) / 3.0))
    btc = _monthly(wave)
    m2 = pd.Series(up, index=pd.period_range("2015-01", periods=n, freq="M").to_timestamp())  # dated on the 1st
    levels = rp.monthly_levels(btc, m2, "2015-01", "2019-12")
    assert len(levels) == n
    table = rp.agreement_table(levels, [12, 6])
    row = table.loc[12]
    assert row["m2_up"] == 1.0  # M2 always rose: agreement is BTC's own share of rising windows
    assert row["agreement"] == pytest.approx(row["btc_up"])
    assert row["expected"] == pytest.approx(row["btc_up"])
    assert row["n"] == n - 12 and row["last"] == "2019-12"


def test_realtime_m2_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(helpers.data, "vintages", raising=False)
    monkeypatch.setitem(sys.modules, "helpers.data.vintages", None)  # import fails
    values, why = rp.realtime_m2()
    assert values is None and "latest revised" in why


def _fake_vintages(monkeypatch: pytest.MonkeyPatch, realtime: object) -> None:
    fake = types.ModuleType("helpers.data.vintages")
    fake.realtime = realtime  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "helpers.data.vintages", fake)
    monkeypatch.setattr(helpers.data, "vintages", fake, raising=False)


def test_realtime_m2_uses_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    series = pd.Series([1.0, 2.0, None], index=pd.date_range("2020-01-01", periods=3, freq="MS"))
    _fake_vintages(monkeypatch, lambda sid: series.rename(sid))
    values, why = rp.realtime_m2()
    assert why == "" and values is not None and list(values) == [1.0, 2.0]


def test_realtime_m2_failure_says_why_without_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRED_API_KEY", "abcdef0123456789")

    def boom(sid: str) -> pd.Series:
        raise RuntimeError("no network for api_key=abcdef0123456789")

    _fake_vintages(monkeypatch, boom)
    values, why = rp.realtime_m2()
    assert values is None and "RuntimeError" in why and "abcdef" not in why

    def unavailable(sid: str) -> pd.Series:
        raise QtlabError("ALFRED vintages of M2SL need FRED_API_KEY (abcdef0123456789 rejected); latest values used")

    _fake_vintages(monkeypatch, unavailable)
    values, why = rp.realtime_m2()
    assert values is None and "need FRED_API_KEY" in why and "abcdef" not in why and "***" in why
    assert why.startswith("ALFRED vintages of M2SL")


# --- day of the week ------------------------------------------------------------------------


def _weekday_close(n: int = 700, monday_bump: float = 0.0, seed: int = 2) -> pd.Series:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2016-01-04", periods=n, freq="D")  # a Monday
    ret = 0.01 * rng.standard_normal(n) + np.where(days.day_of_week == 0, monday_bump, 0.0)
    return pd.Series(100 * np.exp(np.cumsum(ret)), index=days)


# --- records and text -----------------------------------------------------------------------


def test_records_carry_published_values_and_n() -> None:
    btc, spx = _btc_and_spx(n_days=800)
    ret = rp.aligned_daily_returns(btc, spx)
    table = rp.period_correlations(ret, [["2020-01-01", "2020-12-31"], ["2021-01-01", "2021-12-31"]], reps=100)
    recs = {k: (v, u, n) for k, v, u, n in rp.correlation_records(table, "x_", {"x_2020": 0.2})}
    assert recs["x_2020"][0] == pytest.approx(table.loc["2020", "r"])
    assert recs["x_2020_n"][0] == table.loc["2020", "n"]
    assert recs["x_2020_published"][0] == 0.2 and "x_2021_published" not in recs
    assert all("N=" in note for _, _, note in recs.values())
    text = rp.describe_correlations(table, {"x_2020": 0.2}, "x_")
    assert f"r = {table.loc['2020', 'r']:.2f}" in text and "0.20 published" in text


def test_agreement_and_weekday_records() -> None:
    btc = _monthly(list(1 + 0.5 * np.sin(np.arange(60) / 3.0)))
    m2 = pd.Series(np.linspace(1, 2, 60), index=pd.period_range("2015-01", periods=60, freq="M").to_timestamp())
    table = rp.agreement_table(rp.monthly_levels(btc, m2, "2015-01", "2019-12"), [12])
    keys = {r[0]: r[1] for r in rp.agreement_records(table)}
    assert keys["ca_btc_m2_agree_12m"] == pytest.approx(table.loc[12, "agreement"])
    assert keys["ca_btc_m2_agree_12m_published"] == rp.PUBLISHED["ca_btc_m2_agree_12m"]
    later = {r[0] for r in rp.agreement_records(table, "_to_latest")}
    assert "ca_btc_m2_agree_12m_to_latest" in later and not any(k.endswith("_published") for k in later)
    assert "83%" in rp.describe_agreement(table, rp.PUBLISHED, "ca_btc_m2_agree_")
    frame = wd.weekday_frame(_weekday_close(monday_bump=0.01), "2016-01-01")
    effects = wd.weekday_effects(frame)
    wk = {r[0]: r[1] for r in rp.weekday_records(effects, wd.weekday_anova(frame), "monday", "after")}
    assert wk["cp_monday_minus_rest_after"] == pytest.approx(effects.loc["monday", "diff"])
    assert wk["cp_min_p_holm_after"] == pytest.approx(effects["p_holm"].min())
