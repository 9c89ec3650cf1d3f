"""What a notebook section says when its series is missing here (helpers.data.load.cannot_run and friends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import data
from helpers.data import catalog, failures
from helpers.data.store import Store
from helpers.report import missing


def test_cannot_run_names_the_series_and_the_last_fetchs_reason_with_the_summarys_marker(tmp_path: Path) -> None:
    failures.record_fetch(tmp_path, {"btc_funding_binance": "binance: HTTP 451 restricted location"}, [])
    line = data.cannot_run("btc_funding_binance", "the flush proxy", Store(tmp_path))
    assert "btc_funding_binance" in line and "HTTP 451 restricted location" in line and "the flush proxy" in line
    assert "\n" not in line
    note = missing.section_notes("nb", {"cells": [{"cell_type": "markdown", "source": "## Flushes"},
                                                  {"cell_type": "code", "outputs": [{"output_type": "stream",
                                                                                     "text": line + "\n"}]}]})
    assert [(n.section, n.note) for n in note] == [("Flushes", line)]  # the end-of-run summary quotes it whole


def test_a_series_no_fetch_recorded_is_said_to_be_missing_for_want_of_a_source(tmp_path: Path) -> None:
    line = data.cannot_run("VIXCLS", "the VIX rows", Store(tmp_path))
    assert "VIXCLS" in line and data.missing_reason("VIXCLS", Store(tmp_path)) in line
    assert "no source" in data.missing_reason("VIXCLS", Store(tmp_path))
    with pytest.raises(KeyError):
        data.cannot_run("NOT_A_SERIES", "x", Store(tmp_path))


def test_missing_table_lists_each_missing_series_with_its_catalog_entry_and_reason(tmp_path: Path) -> None:
    failures.record_fetch(tmp_path, {"VIXCLS": "fred: HTTP 404"}, [])
    table = data.missing_table(["VIXCLS", "btc_funding_binance"], Store(tmp_path))
    assert list(table.index) == ["VIXCLS", "btc_funding_binance"] and set(table["source"]) == {"missing"}
    assert table.loc["VIXCLS", "reason"] == "fred: HTTP 404"
    assert table.loc["btc_funding_binance", "description"] == catalog.get("btc_funding_binance").description
    assert table.loc["VIXCLS", "units"] == catalog.get("VIXCLS").units
    assert data.missing_table([], Store(tmp_path)).empty
