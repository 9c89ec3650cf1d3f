"""A series id is resolved to its catalog spec once, where it enters; the spec travels down.

``catalog.get`` is counted while a loader runs: the loader's own lookup is the only one, whether the
series is cached or fetched first (store, validation, the source and the gap check take the spec).
Before this rule, one ``data.series("WALCL")`` looked WALCL up three times when cached, six when fetched.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.data import catalog
from helpers.data.store import Store
from helpers.sources.base import Fetched

WEDNESDAYS = ["2024-01-03", "2024-01-10", "2024-01-17", "2024-01-24"]


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count every ``catalog.get`` by series id (``catalog.resolve`` goes through it too)."""
    counts: Counter[str] = Counter()
    real = catalog.get

    def counting(series_id: str) -> catalog.SeriesSpec:
        counts[series_id] += 1
        return real(series_id)

    monkeypatch.setattr(catalog, "get", counting)
    return counts


def _walcl() -> pd.DataFrame:
    return pd.DataFrame({"WALCL": [7.0e6, 7.1e6, 7.2e6, 7.3e6]},
                        index=pd.DatetimeIndex(pd.to_datetime(WEDNESDAYS), name="date"))


def test_series_of_a_cached_id_looks_it_up_once(tmp_path: Path, lookups: Counter[str]) -> None:
    store = Store(tmp_path)
    store.write(catalog.CATALOG["WALCL"], Fetched(_walcl(), "fred", "2024-02-01T00:00:00Z"))
    assert sum(lookups.values()) == 0  # a spec handed in is not looked up again
    values = data.series("WALCL", store=store)
    assert len(values) == 4
    assert lookups == Counter({"WALCL": 1})


def test_series_fetched_on_first_use_looks_it_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      lookups: Counter[str]) -> None:
    """Not cached: the fetch (store.update, mirror source, validation, store.read, gap check) adds no lookup."""
    mirror = tmp_path / "mirror"
    (mirror / "fred").mkdir(parents=True)
    (mirror / "fred" / "WALCL.csv").write_text(_walcl().to_csv(), encoding="utf-8")
    monkeypatch.setenv("QTLAB_MIRROR", str(mirror))
    store = Store(tmp_path / "raw")
    values = data.series("WALCL", store=store, start="2024-01-10")
    assert list(values.index.strftime("%Y-%m-%d")) == WEDNESDAYS[1:]
    assert store.manifest()["WALCL"].source == "mirror"
    assert lookups == Counter({"WALCL": 1})


@pytest.mark.parametrize("call", ["load", "primary", "closes"])
def test_every_loader_looks_its_series_up_once(tmp_path: Path, lookups: Counter[str], call: str) -> None:
    store = Store(tmp_path)
    prices = pd.DataFrame({c: [1.0, 2.0, 3.0] for c in catalog.CRYPTO_COLUMNS},
                          index=pd.DatetimeIndex(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]), name="date"))
    store.write("btc", Fetched(prices, "coinmetrics", "2024-02-01T00:00:00Z"))
    lookups.clear()
    getattr(data, call)("btc", store=store)
    assert lookups == Counter({"btc": 1})


def test_store_update_resolves_an_id_once_and_a_spec_not_at_all(tmp_path: Path, lookups: Counter[str]) -> None:
    class Answer:
        name = "fred"

        def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
            return Fetched(_walcl(), "fred", "2024-02-01T00:00:00Z")

    store = Store(tmp_path)
    assert store.update("WALCL", Answer()).status == "new"
    assert lookups == Counter({"WALCL": 1})
    assert store.update(catalog.CATALOG["WALCL"], Answer(), refresh=True).status == "unchanged"  # fetch, merge, read
    assert lookups == Counter({"WALCL": 1})
