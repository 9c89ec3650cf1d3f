"""Fetch failures kept beside the cache (helpers.data.failures) and what data.available makes of them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.data import catalog, failures
from helpers.data.store import Store
from helpers.sources.base import Fetched


def test_record_fetch_keeps_failures_forgets_what_was_fetched_and_removes_an_empty_file(tmp_path: Path) -> None:
    failures.record_fetch(tmp_path, {"btc_funding_binance": "HTTP 451", "VIXCLS": "HTTP 404"}, ["WALCL"])
    assert failures.fetch_failures(tmp_path) == {"VIXCLS": "HTTP 404", "btc_funding_binance": "HTTP 451"}
    failures.record_fetch(tmp_path, {"VIXCLS": "HTTP 500"}, [])  # a partial fetch: the other reason stays
    assert failures.fetch_failures(tmp_path) == {"VIXCLS": "HTTP 500", "btc_funding_binance": "HTTP 451"}
    failures.record_fetch(tmp_path, {}, ["VIXCLS", "btc_funding_binance"])
    assert not (tmp_path / failures.FAILURES_FILE).exists() and failures.fetch_failures(tmp_path) == {}


def test_unreadable_failures_file_reads_as_none_recorded(tmp_path: Path) -> None:
    (tmp_path / failures.FAILURES_FILE).write_text("{not json")
    assert failures.fetch_failures(tmp_path) == {}
    (tmp_path / failures.FAILURES_FILE).write_text(json.dumps(["VIXCLS"]))
    assert failures.fetch_failures(tmp_path) == {}


def test_a_series_whose_last_fetch_failed_is_unavailable_until_cached(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    store = Store(tmp_path)
    assert data.available("VIXCLS", store=store)  # FRED can be asked
    failures.record_fetch(tmp_path, {"VIXCLS": "HTTP 404"}, [])
    assert not data.available("VIXCLS", store=store)
    assert data.available("WALCL", store=store)  # other series are not affected
    frame = pd.DataFrame({"VIXCLS": [20.0]}, index=pd.DatetimeIndex([pd.Timestamp("2024-01-02")], name="date"))
    store.write("VIXCLS", Fetched(frame, "fred", "t"))
    assert data.available("VIXCLS", store=store)  # a cached copy is used whatever the last fetch said
    assert catalog.get("VIXCLS").id == "VIXCLS"
