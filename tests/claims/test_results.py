"""The recorder: where results go (scratch unless the runner says otherwise), what a result file holds."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from helpers import paths
from helpers.claims import results


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("QTLAB_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.delenv("QTLAB_RESULTS_DIR", raising=False)
    monkeypatch.setattr(results, "_current", None)
    return tmp_path


def test_outside_the_runner_results_go_to_scratch_not_reports(home: Path) -> None:
    published = home / "home" / "reports" / "results"
    published.mkdir(parents=True)
    (published / "01_other.json").write_text('{"claims": {}, "figures": {"x": {"value": 1}}}\n')
    (published / "02_mine.json").write_text('{"claims": {}, "figures": {"old": {"value": 1}}}\n')
    before = {p.name: p.read_bytes() for p in published.iterdir()}
    results.start("02_mine")
    results.record("new", 2.0, "ratio")
    assert {p.name: p.read_bytes() for p in published.iterdir()} == before
    scratch = home / "scratch" / "results"
    assert results.results_dir() == scratch
    assert json.loads((scratch / "02_mine.json").read_text())["figures"]["new"]["value"] == 2.0
    assert (scratch / "01_other.json").read_bytes() == before["01_other.json"]  # the ledger can read the others


def test_default_scratch_is_outside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QTLAB_SCRATCH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    scratch = paths.settings().scratch
    assert scratch.is_relative_to(tmp_path / "cache") and not scratch.is_relative_to(tmp_path / "home")


def test_under_the_runner_results_go_where_it_says(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stage = home / "stage"
    monkeypatch.setenv("QTLAB_RESULTS_DIR", str(stage))
    results.start("03_x")
    rec = results.current()
    assert rec.path == stage / "03_x.json"
    results.record("a", 1, "n")
    assert json.loads(rec.path.read_text())["figures"]["a"] == {"value": 1, "unit": "n", "note": ""}
    assert not (home / "scratch").exists()


def test_record_keeps_the_body_in_memory_and_never_rereads(home: Path) -> None:
    results.start("04_y")
    rec = results.current()
    results.record("a", 1.0, "ratio")
    rec.path.write_text("not json")  # a reread would fail here
    results.record("b", float("nan"), "ratio", "no data yet")
    body = json.loads(rec.path.read_text())
    assert body["figures"]["a"]["value"] == 1.0 and body["figures"]["b"]["value"] is None
    assert results.recorded()["figures"].keys() == {"a", "b"}
    assert list(results.figures_table().index) == ["a", "b"]


def test_claim_ids_up_to_c30_and_the_rule(home: Path) -> None:
    results.start("05_z")
    entry = results.claim("C30", "inconclusive", "N=3", test="t", rule="interval_rule")
    assert entry["rule"] == "interval_rule" and entry["notebook"] == "05_z"
    assert "rule" not in results.claim("C26", "supported", "N=3")
    for bad in ("C00", "C31", "C3", "c01"):
        with pytest.raises(ValueError, match="C01..C30"):
            results.claim(bad, "supported", "")
    with pytest.raises(ValueError, match="verdict"):
        results.claim("C01", "true", "")
    assert list(results.claims_table().index) == ["C30", "C26"]


def test_bad_names_and_recording_before_start(home: Path) -> None:
    with pytest.raises(RuntimeError, match="start"):
        results.record("a", 1, "n")
    with pytest.raises(ValueError, match="01_qt_mechanism"):
        results.start("qt")
    results.start("06_w")
    with pytest.raises(ValueError, match="snake_case"):
        results.record("Bad-Key", 1, "n")


def test_series_used_and_data_gaps_come_from_the_data_layer(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Gap:
        def to_dict(self) -> dict[str, object]:
            return {"series": "btc", "start": "2024-01-01", "days": 30}

    read: list[str] = ["from a previous run"]
    gaps: list[Gap] = [Gap()]
    data = types.ModuleType("helpers.data")
    data.series_read = lambda: list(read)  # type: ignore[attr-defined]
    data.clear_series_read = read.clear  # type: ignore[attr-defined]
    quality = types.ModuleType("helpers.data.quality")
    quality.gaps_seen = lambda: list(gaps)  # type: ignore[attr-defined]
    quality.clear_gaps_seen = gaps.clear  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "helpers.data", data)
    monkeypatch.setitem(sys.modules, "helpers.data.quality", quality)
    results.start("07_v")
    rec = results.current()
    assert json.loads(rec.path.read_text())["series_used"] == []  # start forgets earlier reads
    read += ["btc", "WALCL"]
    gaps.append(Gap())
    results.note_series("DFF")
    body = json.loads(rec.path.read_text())
    assert body["series_used"] == ["DFF", "WALCL", "btc"]
    assert body["data_gaps"] == [{"series": "btc", "start": "2024-01-01", "days": 30}]


def test_series_used_from_the_real_data_layer(mirror_home: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import data

    monkeypatch.setenv("QTLAB_HOME", str(mirror_home))  # its cache; results still go to the scratch folder
    results.start("08_u")
    data.primary("WALCL")
    results.record("x", 1, "n")
    assert json.loads(results.current().path.read_text())["series_used"] == ["WALCL"]
