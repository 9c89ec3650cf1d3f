"""Visible data gaps: a hole longer than the catalog frequency allows, inside the window read, is said out loud."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.data import catalog, quality
from helpers.data.store import Store
from helpers.errors import DataGapWarning
from helpers.sources.mirror import MirrorSource


@pytest.fixture(autouse=True)
def _fresh_registries() -> Iterator[None]:
    quality.clear_gaps_seen()
    data.clear_series_read()
    yield
    quality.clear_gaps_seen()
    data.clear_series_read()


@pytest.fixture()
def holed_btc(tmp_path: Path, mirror_dir: Path) -> Store:
    """A cache filled from a mirror copy whose btc.csv lacks 30 days of 2024 (2024-05-01 .. 2024-05-30)."""
    root = tmp_path / "mirror" / "crypto"
    root.mkdir(parents=True)
    shutil.copy(mirror_dir / "crypto" / "PROVENANCE.md", root)
    lines = (mirror_dir / "crypto" / "btc.csv").read_text().splitlines()
    kept = [ln for ln in lines if not ("2024-05-01" <= ln[:10] <= "2024-05-30")]
    assert len(lines) - len(kept) == 30
    (root / "btc.csv").write_text("\n".join(kept) + "\n")
    store = Store(tmp_path / "raw")
    store.update("btc", MirrorSource(tmp_path / "mirror"))
    return store


def test_a_30_day_hole_in_btc_warns_and_is_recorded(holed_btc: Store) -> None:
    with pytest.warns(DataGapWarning) as caught:
        closes = data.closes("btc", store=holed_btc)
    # the mirror labels the 00:00 UTC snapshot of D+1; as closes the hole runs 2024-04-30 .. 2024-05-29
    record = quality.GapRecord("btc", "2024-04-30", "2024-05-29", 30, "daily")
    assert quality.gaps_seen() == [record]
    assert record.to_dict() == {"series_id": "btc", "start": "2024-04-30", "end": "2024-05-29", "days": 30,
                                "frequency": "daily"}
    message = str(caught[0].message)
    assert "btc" in message and "2024-04-30" in message and "2024-05-29" in message and "30 days" in message
    assert "daily" in message and "\n" not in message
    assert (caught[0].filename, caught[0].lineno) == ("qtlab", 1)  # no kernel-specific path in a rendered report
    assert len(closes) == 5845 - 30


def test_the_hole_is_reported_once_and_only_inside_the_window(holed_btc: Store) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataGapWarning)
        data.closes("btc", store=holed_btc, start="2024-06-01")  # window after the hole: silent
        data.closes("btc", store=holed_btc, end="2024-04-01")
    with pytest.warns(DataGapWarning):
        part = data.closes("btc", store=holed_btc, start="2024-05-10", end="2024-12-31")
    assert part.index[0] == pd.Timestamp("2024-05-30") and part.index[-1] == pd.Timestamp("2024-12-31")
    assert quality.gaps_seen() == [quality.GapRecord("btc", "2024-05-10", "2024-05-29", 20, "daily")]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataGapWarning)
        data.closes("btc", store=holed_btc, start="2024-05-10", end="2024-12-31")  # seen already: no repeat
    assert len(quality.gaps_seen()) == 1


@pytest.mark.parametrize(
    ("frequency_of", "dates", "expected"),
    [("WALCL", ["2024-01-03", "2024-01-10", "2024-01-17"], []),  # weekly, regular
     ("WALCL", ["2024-01-03", "2024-01-17"], [("2024-01-04", "2024-01-16", 13)]),  # a missing week
     ("M2SL", ["2024-01-01", "2024-02-01", "2024-03-01"], []),  # monthly, regular
     ("M2SL", ["2024-01-01", "2024-03-01"], [("2024-01-02", "2024-02-29", 59)]),  # a missing month
     ("SP500", ["2024-03-28", "2024-04-01"], []),  # Good Friday long weekend
     ("SP500", ["2001-09-10", "2001-09-17"], []),  # the 9/11 closure: a closure, not a gap
     ("SP500", ["2024-03-01", "2024-03-15"], [("2024-03-02", "2024-03-14", 13)]),
     ("btc", ["2024-01-01", "2024-01-03"], []),  # a lone missing day
     ("btc", ["2024-01-01", "2024-01-05"], [("2024-01-02", "2024-01-04", 3)]),
     ("RRPONTSYD", ["2008-01-02", "2009-01-02", "2013-09-23", "2013-09-24"], [])],  # sparse before 2013-09-23
    ids=["weekly", "weekly-hole", "monthly", "monthly-hole", "holiday", "closure", "business-hole", "daily-1",
         "daily-3", "rrp-before-regular"],
)
def test_gap_thresholds_follow_the_catalog_frequency(frequency_of: str, dates: list[str],
                                                     expected: list[tuple[str, str, int]]) -> None:
    found = quality.window_gaps(catalog.get(frequency_of), pd.DatetimeIndex(pd.to_datetime(dates)))
    assert [(g.start, g.end, g.days) for g in found] == expected


def test_real_mirror_loads_of_the_analysis_series_raise_no_gap(mirror_home: Path) -> None:
    """The series notebooks 01-03 and 06 read, over their whole history, have no hole: no warning.

    (Notebooks 04 and 05 do warn, truly: the mirror's PROVENANCE lists the holes of mkr, snx, sushi
    in 2021-22, usdt in 2015-16 and market_total from 2025-08 to 2026-07.)
    """
    from helpers.data import liquidity as liquidity_data

    with warnings.catch_warnings():
        warnings.simplefilter("error", DataGapWarning)
        liquidity_data.net_liquidity()
        for sid in ("WALCL", "TREAST", "WSHOMCB", "WRESBAL", "WDTGAL", "M2SL", "SP500", "NASDAQCOM", "VIXCLS",
                    "BAMLH0A0HYM2", "USREC", "DGS10", "DGS2", "DFF", "DTWEXBGS"):
            data.series(sid)
        for asset in ("btc", "eth", "sol"):
            data.closes(asset)
        data.load("btc_funding_binance")
        data.closes("avax", "market_cap_usd")  # caps empty on exchange-candle rows by construction: not a gap
    assert quality.gaps_seen() == []


def test_real_mirror_market_total_hole_is_reported(mirror_home: Path) -> None:
    """The mirror's total market cap has no values from 2025-08 to 2026-07: notebooks 04 and 05 must say so."""
    with pytest.warns(DataGapWarning, match="market_total has no values from 2025-08-14 to 2026-07-23"):
        data.closes("market_total", column="total_market_cap_usd", start="2025-01-01")


def test_series_read_registry_replaces_the_upward_call(mirror_home: Path) -> None:
    data.series("WALCL")
    data.closes("btc")
    data.series("WALCL")
    assert data.series_read() == ["WALCL", "btc"]
    data.clear_series_read()
    assert data.series_read() == []


def test_every_catalog_frequency_has_a_gap_rule() -> None:
    assert {s.frequency for s in catalog.CATALOG.values()} <= set(quality.GAP_STEP_DAYS)
