"""The crypto close convention and data access on the mirror."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import UnknownSeriesError
from helpers.sources.base import Fetched


def _crypto_frame(dates: list[str], prices: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame({c: [float("nan")] * len(dates) for c in catalog.CRYPTO_COLUMNS},
                         index=pd.DatetimeIndex(pd.to_datetime(dates), name="date"))
    frame["price_usd"] = prices
    return frame


@pytest.mark.parametrize(("source", "label"), [("mirror", "2024-01-02"), ("coinmetrics", "2024-01-01")],
                         ids=["open-snapshot", "close-label"])
def test_every_source_yields_the_same_close(tmp_path: Path, source: str, label: str) -> None:
    """The 00:00 UTC price of 2024-01-02 is the close of 2024-01-01 whichever way a source labels it.

    The mirror labels it 2024-01-02 (snapshot at the start of that day); Coin Metrics labels
    it 2024-01-01 (the day whose close it is). Both must come out as close(2024-01-01).
    """
    store = Store(tmp_path)
    store.write("btc", Fetched(_crypto_frame([label], [42000.0]), source, "t"))
    closes = data.closes("btc", store=store)
    assert closes.index[0] == pd.Timestamp("2024-01-01")
    assert closes.iloc[0] == 42000.0


def test_mirror_btc_close_matches_next_day_snapshot(mirror_home: Path) -> None:
    """Spot value from the mirror's PROVENANCE: the snapshot of 2025-12-01 is 90,406, the close of 2025-11-30."""
    snap = data.load("btc")["price_usd"]
    close = data.closes("btc")
    assert round(snap.loc["2025-12-01"]) == 90406
    assert close.loc["2025-11-30"] == snap.loc["2025-12-01"]


def test_unknown_series_lists_known_ids() -> None:
    with pytest.raises(UnknownSeriesError, match="unknown series 'WALCLX'; known: .*WALCL"):
        catalog.get("WALCLX")


def test_closes_refuses_fred_and_series_refuses_crypto() -> None:
    with pytest.raises(ValueError, match="use series"):
        data.closes("WALCL")
    with pytest.raises(ValueError, match="use closes"):
        data.series("btc")


def test_mirror_only_series_without_mirror_names_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.errors import MissingDataError

    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    with pytest.raises(MissingDataError, match="'market_total' has no live source yet.*QTLAB_MIRROR"):
        data.load("market_total", store=Store(tmp_path))


def test_funding_rates_keep_their_day_labels(mirror_home: Path) -> None:
    """Funding of day D is paid at 00, 08 and 16 UTC of D: shifting it like a price snapshot would move it 40 h early."""
    raw = data.load("btc_funding_binance")["funding_rate_mean"]
    assert catalog.date_convention("mirror", catalog.get("btc_funding_binance")) == "observation"
    assert data.closes("btc_funding_binance", "funding_rate_mean").index[0] == raw.index[0]
