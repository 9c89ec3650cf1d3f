"""helpers.proxies: the total-market-cap proxy, its fallback when the mirror's series is missing, and the comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import proxies
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
    from helpers import catalog

    assert "btc" in proxies.PROXY_ASSETS and "usdt" in proxies.PROXY_ASSETS
    assert all(catalog.get(a).coinmetrics_asset for a in proxies.PROXY_ASSETS)
    assert str(len(proxies.PROXY_ASSETS)) in proxies.PROXY_LABEL and not math.isnan(len(proxies.PROXY_ASSETS))
