"""helpers.data.proxies: the total-market-cap proxy, its fallback when the mirror's series is missing, and the comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.data import proxies
from helpers.errors import MissingDataError

IDX = pd.date_range("2024-01-01", periods=30, freq="D")


def _fake(monkeypatch: pytest.MonkeyPatch, mirror: bool) -> None:
    btc_px = pd.Series(np.linspace(100, 130, 30), index=IDX)
    caps = {"btc": btc_px * 10.0, "eth": pd.Series(50.0, index=IDX)}
    caps["eth"].iloc[10:15] = np.nan  # a hole: filled from the last known supply
    prices = {"btc": btc_px, "eth": pd.Series(5.0, index=IDX)}
    total = (caps["btc"] + 50.0) / 0.8  # the listed pair is 80% of the market
    dominance = 100 * caps["btc"] / total

    def closes(symbol: str, column: str = "price_usd", store: object = None) -> pd.Series:
        if symbol == "market_total":
            if not mirror:
                raise MissingDataError("series 'market_total' has no live source yet")
            return {"total_market_cap_usd": total, "btc_dominance_pct": dominance}[column]
        if symbol not in caps:
            raise MissingDataError(symbol)
        return (caps if column == "market_cap_usd" else prices)[symbol]

    monkeypatch.setattr(proxies.data, "closes", closes)
    monkeypatch.setattr(proxies.data, "available", lambda sid, store=None: mirror)


def test_proxy_sums_listed_caps_and_fills_holes(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, mirror=True)
    total = proxies.proxy_total_market_cap()
    expected = np.linspace(100, 130, 30) * 10 + 50
    np.testing.assert_allclose(total.to_numpy(), expected)  # eth's hole counts at its last supply x price


def test_total_market_cap_prefers_the_mirror_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, mirror=True)
    s, label = proxies.total_market_cap("mirror")
    assert label == proxies.MIRROR_LABEL and s.iloc[0] == pytest.approx((1000 + 50) / 0.8)
    assert proxies.total_market_cap("proxy")[1] == proxies.PROXY_LABEL
    _fake(monkeypatch, mirror=False)
    s, label = proxies.total_market_cap("mirror")
    assert label == proxies.PROXY_LABEL and s.iloc[0] == pytest.approx(1050)
    dom, label = proxies.btc_dominance("mirror")
    assert label == proxies.PROXY_LABEL and dom.iloc[0] == pytest.approx(100 * 1000 / 1050)
    assert proxies.compare_with_mirror() is None
    with pytest.raises(ValueError, match="prefer"):
        proxies.total_market_cap("coingecko")  # type: ignore[arg-type]


def test_compare_with_mirror_measures_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, mirror=True)
    c = proxies.compare_with_mirror()
    assert c is not None and c.n_days == 30
    assert c.median_ratio == pytest.approx(0.8) and c.ratio_p05 == pytest.approx(0.8)
    btc = np.linspace(100, 130, 30) * 10
    expected_pp = np.median(100 * btc / (btc + 50) - 100 * btc / ((btc + 50) / 0.8))
    assert c.dominance_diff_pp_median == pytest.approx(expected_pp)
    assert c.log_change_corr == pytest.approx(1.0)
    assert "median 80%" in c.text() and "N=30 days" in c.text()


def test_asset_caps_without_any_asset_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, mirror=False)
    with pytest.raises(MissingDataError, match="no market caps"):
        proxies.asset_caps(("sol",))


def test_proxy_asset_list_is_documented_and_live_fetchable() -> None:
    from helpers.data import catalog

    assert "btc" in proxies.PROXY_ASSETS and "usdt" in proxies.PROXY_ASSETS
    assert all(catalog.get(a).coinmetrics_asset for a in proxies.PROXY_ASSETS)
    assert str(len(proxies.PROXY_ASSETS)) in proxies.PROXY_LABEL and not math.isnan(len(proxies.PROXY_ASSETS))


# --- coverage rule: the proxy never shows a missing constituent as a fall of the total -------------------------------

DAYS = pd.date_range("2026-01-01", periods=10, freq="D")


def _caps(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({k: [np.nan if v is None else v for v in vals] for k, vals in columns.items()}, index=DAYS)


def test_coverage_ends_the_proxy_when_a_large_constituent_stops() -> None:
    btc = [100.0 + i for i in range(10)]
    alt = [40.0] * 5 + [None] * 5  # 40 of ~140: its end would be a 28% fall
    cov = proxies.proxy_coverage(_caps(btc=btc, alt=alt))
    assert cov["valid"].iloc[:5].all() and not cov["valid"].iloc[5:].any()
    assert cov["coverage"].iloc[5] == pytest.approx(104 / 144)
    # once it has failed, later days are judged against the last valid day, so BTC alone never comes back
    assert cov["coverage"].iloc[-1] == pytest.approx(104 / 144)


def test_coverage_lets_a_small_constituent_leave_and_bounds_the_fall() -> None:
    btc, small = [100.0] * 10, [3.0] * 4 + [None] * 6  # 3 of 103 < 5%: MKR-like exit
    cov = proxies.proxy_coverage(_caps(btc=btc, small=small))
    assert cov["valid"].all()
    assert cov["coverage"].iloc[4] == pytest.approx(100 / 103) and cov["coverage"].iloc[5] == 1.0
    assert proxies.proxy_coverage(_caps(btc=btc, small=small), min_coverage=0.99)["valid"].sum() == 4
    with pytest.raises(ValueError, match="min_coverage"):
        proxies.proxy_coverage(_caps(btc=btc), min_coverage=0)


def test_interior_holes_keep_the_last_cap_and_large_gaps_drop_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    btc = [100.0 * (1 + 0.01 * i) for i in range(10)]
    stable = [4.0, 4.0, None, None, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]  # a stablecoin's price gap
    eth = [30.0, 30.0, 30.0, 30.0, 30.0, 30.0, None, 30.0, 30.0, 30.0]  # a one-day gap in a large asset
    caps = _caps(btc=btc, stable=stable, eth=eth)
    filled = proxies.fill_interior_holes(caps)
    assert filled["stable"].iloc[2] == 4.0 and filled["eth"].iloc[6] == 30.0
    assert pd.isna(proxies.fill_interior_holes(_caps(btc=btc, alt=[1.0] * 5 + [None] * 5))["alt"].iloc[-1])
    cov = proxies.proxy_coverage(caps)
    assert list(cov["valid"]) == [True] * 6 + [False] + [True] * 3
    assert cov["stale"].iloc[2] == pytest.approx(4 / (102 + 34))

    monkeypatch.setattr(proxies, "asset_caps", lambda assets=(), store=None: caps)
    total = proxies.proxy_total_market_cap()
    assert DAYS[6] not in total.index
    expected = pd.Series(btc, index=DAYS) + 34.0
    np.testing.assert_allclose(total.to_numpy(), expected.drop(DAYS[6]).to_numpy())  # no dip in the stable gap


@pytest.mark.usefixtures("mirror_home")
def test_mirror_proxy_has_no_fall_from_coverage_loss() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        caps = proxies.asset_caps()
        total = proxies.proxy_total_market_cap()
        dom, label = proxies.btc_dominance("proxy")
    assert label == proxies.PROXY_LABEL
    assert float(dom.max()) < 99.0  # never BTC alone because the other assets' data are missing
    alts_last = caps.drop(columns=["btc"]).apply(lambda s: s.last_valid_index()).max()
    assert total.index[-1] <= alts_last  # the proxy ends with the alt data instead of going on as BTC alone
    # day to day, the total moves with its constituents: the part not explained by the assets present on both
    # days (a lost constituent) is never a fall of more than the declared 5%
    filled = proxies.fill_interior_holes(caps.loc[total.index])
    prev, cur = filled.shift(1).iloc[1:], filled.iloc[1:]
    both = prev.notna() & cur.notna()
    common = np.log(cur.where(both).sum(axis=1) / prev.where(both).sum(axis=1))
    step = np.log(total / total.shift(1)).iloc[1:]
    consecutive = (total.index[1:] - total.index[:-1]) == pd.Timedelta(days=1)
    residual = (step - common)[consecutive]
    assert len(residual) > 4000
    assert float(residual.min()) >= math.log(proxies.MIN_COVERAGE) - 1e-9


def test_implied_caps_fill_holes_from_the_last_known_supply_only() -> None:
    """A hole takes the last supply (cap / price) times that day's price, never a later supply, and only so long."""
    idx = pd.date_range("2021-01-01", periods=6, freq="D")
    prices = pd.DataFrame({"a": [1.0, 2.0, 4.0, 4.0, 8.0, 8.0], "b": [1.0] * 6}, index=idx)
    caps = pd.DataFrame({"a": [10.0, 20.0, np.nan, np.nan, np.nan, 160.0],  # supply 10, then 20 on the last day
                         "c": [1.0] * 6}, index=idx)  # c has no price: dropped
    out = proxies.implied_caps(caps, prices, max_age_days=2)
    assert list(out.columns) == ["a"]
    np.testing.assert_allclose(out["a"].to_numpy(), [10.0, 20.0, 40.0, 40.0, np.nan, 160.0])  # 3rd hole too old


def test_implied_caps_ignore_a_zero_price_and_span_a_daily_grid() -> None:
    """A zero price implies no supply; the output covers every calendar day of either frame."""
    prices = pd.DataFrame({"a": [2.0, 0.0, 3.0]}, index=pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-04"]))
    caps = pd.DataFrame({"a": [6.0, 5.0, np.nan]}, index=pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-04"]))
    out = proxies.implied_caps(caps, prices)
    assert list(out.index) == list(pd.date_range("2021-01-01", "2021-01-04", freq="D"))
    np.testing.assert_allclose(out["a"].to_numpy(), [6.0, 5.0, np.nan, 9.0])  # supply 3 from day 1, not 5/0
