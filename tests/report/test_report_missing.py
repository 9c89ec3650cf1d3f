"""The missing-data summary (helpers.report.missing) on constructed inputs, and the curated claim-series table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.data import catalog, failures
from helpers.report import missing
from helpers.report.missing import SectionNote

ROOT = Path(__file__).resolve().parents[2]


def _md(text: str) -> dict[str, object]:
    return {"cell_type": "markdown", "source": text}


def _code(*outputs: dict[str, object]) -> dict[str, object]:
    return {"cell_type": "code", "source": "x = 1", "outputs": list(outputs)}


def test_summary_maps_each_missing_series_to_the_notebooks_that_read_it_and_the_claims_that_need_it() -> None:
    reads = {"01_a": ["WALCL", "btc"], "02_b": ["btc"], "03_c": ["SP500"]}
    claims = {"C01": ["WALCL"], "C02": ["btc", "WALCL"], "C03": ["SP500"], "C14": []}
    summary = missing.summarize({"btc": "HTTP 451", "WALCL": "HTTP 404"}, reads, claims,
                                claim_notebook={"C01": "01_a", "C02": "01_a", "C03": "03_c"})
    assert summary
    assert [(s.series_id, s.reason, s.notebooks, s.claims) for s in summary.series] == [
        ("WALCL", "HTTP 404", ("01_a",), ("C01", "C02")),
        ("btc", "HTTP 451", ("01_a", "02_b"), ("C02",)),
    ]
    assert summary.claims == ("C01", "C02")
    assert summary.to_dict()["claims"] == {"C01": "01_a", "C02": "01_a"}  # C03 does not depend on them
    lines = summary.lines()
    assert lines[0] == "missing data: 2 series unavailable; claims depending on them: C01 (01_a), C02 (01_a)"
    assert "  btc: HTTP 451" in lines and "    read by: 01_a, 02_b; claims: C02" in lines


def test_nothing_missing_gives_an_empty_summary_and_no_lines() -> None:
    summary = missing.summarize({}, {"01_a": ["btc"]}, {"C01": ["btc"]},
                                [SectionNote("01_a", "1. X", "cannot run here")], {"01_a": "boom"})
    assert not summary and summary.lines() == [] and summary.series == ()


def test_a_series_nobody_reads_says_so() -> None:
    lines = missing.summarize({"ldo": "no live source"}, {"01_a": ["btc"]}, {"C01": ["btc"]}).lines()
    assert "    read by: no notebook; claims: none declared" in lines


def test_unavailable_is_the_catalog_minus_the_cache_with_recorded_reasons() -> None:
    got = missing.unavailable(["WALCL", "btc", "eth"], ["btc"], {"WALCL": "HTTP 404", "xrp": "old"})
    assert got == {"WALCL": "HTTP 404", "eth": missing.NOT_CACHED}


def test_section_notes_name_the_heading_above_an_output_that_says_it_could_not_run() -> None:
    nb = {"cells": [
        _md("# Title\n\nintro"),
        _code({"output_type": "stream", "name": "stdout", "text": ["all fine\n"]}),
        _md("## 3. Breadth\n\nText that says it cannot run here (markdown source, not an output)."),
        _code({"output_type": "display_data",
               "data": {"text/markdown": "> **Note.** The mirror's total market cap is missing here, so ...",
                        "text/plain": "<IPython.core.display.Markdown object>"}}),
        _code({"output_type": "stream", "name": "stdout", "text": "second note: This section cannot run here\n"}),
        _md("## 4. Funding"),
        _code({"output_type": "error", "ename": "SourceUnavailableError", "evalue": "HTTP 451", "traceback": []}),
    ]}
    notes = missing.section_notes("05_x", nb)
    assert notes == [
        SectionNote("05_x", "3. Breadth", "Note. The mirror's total market cap is missing here, so ..."),
        SectionNote("05_x", "4. Funding", "SourceUnavailableError: HTTP 451"),
    ]


def test_an_output_before_any_heading_and_a_long_note_are_kept_short() -> None:
    long = "This part cannot run here: " + "x" * 500
    notes = missing.section_notes("00_y", {"cells": [_code({"output_type": "stream", "text": long})]})
    assert notes[0].section == "(top)" and len(notes[0].note) == missing.NOTE_CHARS and notes[0].note.endswith("...")


def _home(tmp_path: Path, cached: list[str]) -> Path:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    entry = {"source": "fred", "retrieved_at": "2026-11-25T00:00:00Z", "first_date": "2020-01-01",
             "last_date": "2020-01-02", "rows": 2, "sha256": "0" * 64}
    (raw / "manifest.json").write_text(json.dumps({sid: entry for sid in cached}))
    (tmp_path / "notebooks").mkdir()
    results = tmp_path / "reports" / "results"
    results.mkdir(parents=True)
    (results / "05_x.json").write_text(json.dumps({"series_used": ["btc", "btc_funding_binance"],
                                                   "claims": {"C10": {"verdict": "inconclusive"}}}))
    executed = tmp_path / "reports" / ".executed"
    executed.mkdir()
    (executed / "05_x.ipynb").write_text(json.dumps({"cells": [
        _md("## 7. Flushes"), _code({"output_type": "stream", "text": "This section cannot run here: no funding"})]}))
    return tmp_path


def test_collect_reads_the_manifest_the_reasons_the_results_and_the_executed_notebooks(tmp_path: Path) -> None:
    home = _home(tmp_path, [s for s in catalog.CATALOG if s != "btc_funding_binance"])  # claims: the checkout's table
    failures.record_fetch(home / "data" / "raw", {"btc_funding_binance": "HTTP 451"}, [])
    summary = missing.collect(home, failed={"09_z": "SourceUnavailableError: HTTP 451"})
    assert [(s.series_id, s.reason, s.notebooks, s.claims) for s in summary.series] == [
        ("btc_funding_binance", "HTTP 451", ("05_x",), ("C10",))]
    assert summary.sections == (SectionNote("05_x", "7. Flushes", "This section cannot run here: no funding"),)
    assert summary.failed == (("09_z", "SourceUnavailableError: HTTP 451"),)
    assert summary.claim_notebook == (("C10", "05_x"),)
    assert missing.collect(home, notes=False).sections == ()


def test_collect_on_a_complete_cache_is_empty(tmp_path: Path) -> None:
    home = _home(tmp_path, list(catalog.CATALOG))
    assert not missing.collect(home) and missing.collect(home).to_dict()["series"] == {}


def test_results_json_gets_missing_data_only_when_something_is_missing(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.report import runner

    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    (tmp_path / "reports" / "results").mkdir(parents=True)
    (tmp_path / "reports" / "results" / "01_a.json").write_text(json.dumps({"figures": {}, "claims": {}}))
    assert "missing_data" not in runner.write_results(tmp_path / "reports")
    before = (tmp_path / "reports" / "results.json").read_bytes()
    assert "missing_data" not in runner.write_results(tmp_path / "reports", None)
    assert (tmp_path / "reports" / "results.json").read_bytes() == before
    summary = missing.summarize({"btc": "HTTP 451"}, {"01_a": ["btc"]}, {})
    body = runner.write_results(tmp_path / "reports", summary.to_dict())
    assert body["missing_data"]["series"]["btc"]["notebooks"] == ["01_a"]
    assert json.loads((tmp_path / "reports" / "results.json").read_text())["missing_data"] == summary.to_dict()


def test_the_curated_claim_series_table_covers_every_claim_with_catalog_series() -> None:
    table = missing.declared_claims(ROOT / "data" / "claim_series.csv")
    assert sorted(table) == [f"C{i:02d}" for i in range(1, 31)]
    unknown = {(c, s) for c, ids in table.items() for s in ids if s not in catalog.CATALOG}
    assert not unknown, unknown
    specs = (ROOT / "data" / "claim_specs.csv").read_text()
    funding = {c for c, ids in table.items() if "btc_funding_binance" in ids}
    assert funding == {"C10"} and re.search(r"^C10,.*funding", specs, re.MULTILINE)
