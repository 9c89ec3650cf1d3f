"""The runner: publishing only what succeeded, parameter runs apart, the execution cache, parallel jobs, the site hook.

Small notebooks built from ``tests/notebooks/90_tiny.ipynb`` keep these fast; one test runs the real notebook 00.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import nbformat
import pytest

from helpers import cli
from helpers.report import runner

pytestmark = pytest.mark.slow
TINY = Path(__file__).resolve().parents[1] / "notebooks" / "90_tiny.ipynb"
LEDGER = """from helpers.claims import results
results.start("95_claims_ledger")
seen = sorted(p.stem for p in results.results_dir().glob("*.json") if p.stem != "95_claims_ledger")
results.record("seen", len(seen), "notebooks", ",".join(seen))
import json
total = sum(json.loads((results.results_dir() / f"{s}.json").read_text())["figures"]["reps_times_scale"]["value"]
            for s in seen)
results.record("total", total, "ratio")"""


def _tiny(folder: Path, name: str, reps: int = 10, series: str | None = None) -> Path:
    nb = nbformat.read(TINY, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("reps = 10", f"reps = {reps}")
    nb.cells[2].source = nb.cells[2].source.replace("90_tiny", name)
    if series:
        nb.cells[2].source += f"\nresults.note_series({series!r})"
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _manifest(home: Path, btc: str) -> None:
    raw = home / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    entry = {"source": "mirror", "retrieved_at": "2026-11-25T00:00:00Z", "first_date": "2020-01-01",
             "last_date": "2026-09-30", "rows": 1, "sha256": btc}
    (raw / "manifest.json").write_text(json.dumps({"btc": entry}))


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project home with two small notebooks and a ledger; the nbconvert pages (no Sphinx site)."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _tiny(nbdir, "90_tiny")
    _tiny(nbdir, "91_tiny", series="btc")
    ledger = nbformat.v4.new_notebook()
    ledger.cells = [nbformat.v4.new_markdown_cell("# Ledger"), nbformat.v4.new_code_cell(LEDGER)]
    nbformat.write(ledger, nbdir / "95_claims_ledger.ipynb")
    _manifest(tmp_path, "a" * 64)
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    monkeypatch.setenv("QTLAB_SITE", "0")
    monkeypatch.setenv("QTLAB_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.delenv("QTLAB_RESULTS_DIR", raising=False)
    return tmp_path


def _snapshot(reports: Path) -> dict[str, bytes]:
    return {str(p.relative_to(reports)): p.read_bytes() for p in sorted(reports.rglob("*"))
            if p.is_file() and ".executed" not in p.parts}


def _ran(lines: list[str]) -> list[str]:
    return sorted(ln.split()[1] for ln in lines if ln.startswith("ok ") or ln.startswith("failed "))


def test_run_publish_skip_and_rerun_only_what_changed(home: Path) -> None:
    lines: list[str] = []
    reports = home / "reports"
    runs = runner.run_all(jobs=2, echo=lines.append)
    assert sorted((r.name, r.status) for r in runs) == [("90_tiny", "ok"), ("91_tiny", "ok"),
                                                        ("95_claims_ledger", "ok")]
    assert lines.index(next(ln for ln in lines if "start 95_claims_ledger" in ln)) > max(
        i for i, ln in enumerate(lines) if ln.startswith("ok ") and "tiny" in ln)  # the ledger runs last
    ledger = json.loads((reports / "results" / "95_claims_ledger.json").read_text())["figures"]
    assert ledger["seen"]["value"] == 2 and ledger["total"]["value"] == 30.0
    assert json.loads((reports / "results" / "91_tiny.json").read_text())["series_used"] == ["btc"]
    body = json.loads((reports / "results.json").read_text())
    assert body["claims"]["C30"]["rule"] == "test_rule"
    assert body["generated_at"] == "2026-11-25T00:00:00Z"
    assert (reports / "90_tiny.html").is_file() and b"90_tiny.html" in (reports / "index.html").read_bytes()
    first = _snapshot(reports)

    lines.clear()
    assert runner.run_all(echo=lines.append) == []  # nothing changed: nothing runs
    assert sorted(ln.split()[1].rstrip(":") for ln in lines if ln.startswith("skip")) == [
        "90_tiny", "91_tiny", "95_claims_ledger"]
    assert _snapshot(reports) == first

    lines.clear()
    _manifest(home, "b" * 64)  # the series 91 read changed
    runner.run_all(echo=lines.append)
    assert _ran(lines) == ["91_tiny"]  # its results did not change, so the ledger's inputs did not either
    assert any("series changed: btc" in ln for ln in lines)

    lines.clear()
    _tiny(home / "notebooks", "90_tiny", reps=12)  # a new default changes 90's results, hence the ledger's inputs
    runner.run_all(["90"], echo=lines.append)  # the ledger follows the notebooks named
    assert _ran(lines) == ["90_tiny", "95_claims_ledger"]
    assert any("source changed" in ln for ln in lines) and any("results changed: 90_tiny" in ln for ln in lines)
    assert json.loads((reports / "results" / "95_claims_ledger.json").read_text())["figures"]["total"]["value"] == 33.0

    lines.clear()
    runner.run_all(["91"], {"reps": 3}, dry_run=True, echo=lines.append)
    assert lines[0].startswith("run    91_tiny (reps=3): never run")


def test_forced_reruns_give_the_same_bytes(home: Path) -> None:
    runner.run_all(["90"])
    first = _snapshot(home / "reports")
    executed = (home / "reports" / ".executed" / "90_tiny.ipynb").read_bytes()
    runner.run_all(["90"], force=True)
    assert _snapshot(home / "reports") == first
    assert (home / "reports" / ".executed" / "90_tiny.ipynb").read_bytes() == executed
    nb = nbformat.reads(executed.decode(), as_version=4)
    streams = [o for o in nb.cells[3].outputs if o.output_type == "stream"]
    assert [o.name for o in streams] == ["stdout", "stderr"]  # coalesced: one block per stream
    assert streams[0].text == "line 0\nline 1\nline 2\n"
    assert "papermill" not in nb.metadata and all("execution" not in c.metadata for c in nb.cells)


def test_a_failing_run_keeps_the_published_edition(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "90"]) == 0
    reports = home / "reports"
    published = (reports / "results" / "90_tiny.json").read_bytes()
    page = (reports / "90_tiny.html").read_bytes()
    path = home / "notebooks" / "90_tiny.ipynb"
    path.write_text(path.read_text().replace("fail = False", "fail = True"))
    assert cli.main(["run", "90"]) == 1
    assert (reports / "results" / "90_tiny.json").read_bytes() == published
    assert (reports / "90_tiny.html").read_bytes() == page
    status = json.loads((reports / "runs.json").read_text())["90_tiny"]
    assert status["status"] == "failed" and "broken on purpose" in status["error"]
    assert "failed" in (reports / "index.html").read_text()
    assert "kept the published edition" in capsys.readouterr().out


def test_a_cell_that_runs_too_long_times_out(home: Path) -> None:
    slow = nbformat.v4.new_notebook()
    slow.cells = [nbformat.v4.new_code_cell("from helpers.claims import results\nresults.start('92_slow')"),
                  nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    nbformat.write(slow, home / "notebooks" / "92_slow.ipynb")
    runs = [r for r in runner.run_all(["92"], timeout=2) if r.name == "92_slow"]
    assert [r.status for r in runs] == ["failed"]
    assert "CellTimeoutError" in (runs[0].error or "") and "\n" not in (runs[0].error or "")
    assert runs[0].seconds < 60


def test_parameter_runs_go_to_runs_and_leave_the_edition_alone(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "90"]) == 0
    before = _snapshot(home / "reports")
    assert cli.main(["run", "90", "-p", "reps=3", "-p", "label=other"]) == 0
    after = _snapshot(home / "reports")
    new = sorted(set(after) - set(before))
    assert {k: after[k] for k in before} == before
    folder = Path(new[0]).parent
    assert folder.parts[:2] == ("runs", "90_tiny")
    assert sorted(Path(k).name for k in new) == ["90_tiny.html", "90_tiny.json", "parameters.json"]
    assert json.loads(after[str(folder / "parameters.json")]) == {"label": "other", "reps": 3}
    assert json.loads(after[str(folder / "90_tiny.json")])["figures"]["reps_times_scale"]["value"] == 4.5
    capsys.readouterr()
    assert cli.main(["run", "90", "-p", "rep=3"]) == 2
    assert "unknown parameter 'rep'; valid: fail, label, reps, scale" in capsys.readouterr().err
    assert cli.main(["run", "90", "-p", "reps=2.5"]) == 2
    assert "parameter 'reps' must be int" in capsys.readouterr().err
    assert cli.main(["run", "90", "-p", "reps=10"]) == 0  # the default value: the published edition, unchanged
    assert _snapshot(home / "reports") == after


def test_the_site_hook_gets_the_executed_notebooks_and_results(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Path, Path, bool]] = []
    site = types.ModuleType("helpers.report.site")
    site.build_site = lambda executed, out: calls.append(  # type: ignore[attr-defined]
        (executed, out, (out / "results.json").is_file() and (executed / "90_tiny.ipynb").is_file()))
    monkeypatch.setitem(sys.modules, "helpers.report.site", site)
    import helpers.report

    # `from helpers.report import site` reads the package attribute first, set once the real module was imported
    monkeypatch.setattr(helpers.report, "site", site, raising=False)
    monkeypatch.setattr(runner, "site_available", lambda: True)
    (home / "reports").mkdir()
    (home / "reports" / "index.html").write_text("site")
    runner.run_all(["90"])
    assert calls == [(home / "reports" / ".executed", home / "reports", True)]
    runner.run_all(["90"])
    assert len(calls) == 1  # nothing changed: no rebuild
    assert not (home / "reports" / "90_tiny.html").exists()  # the site renders pages, not nbconvert


def test_notebook_00_through_the_runner(mirror_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTLAB_SITE", "0")
    runs = runner.run_all(["00"], force=True)
    assert [r.status for r in runs if r.name == "00_data_tour"] == ["ok"]
    out = mirror_home / "reports"
    body = json.loads((out / "results.json").read_text())
    assert body["data_last_date"]["WALCL"] == "2026-09-30"
    assert "00_data_tour" in body["notebooks"] and body["generated_at"] is not None
    first = _snapshot(out)
    assert runner.run_all(["00"]) == []
    assert _snapshot(out) == first


def test_resolve_matches_prefixes_and_rejects_unknown() -> None:
    assert runner.resolve(["00"]) == ["00_data_tour"]
    with pytest.raises(ValueError, match="no notebook matches 'zz'"):
        runner.resolve(["zz"])


def test_a_fresh_clone_keeps_the_run_times_of_unchanged_results(home: Path) -> None:
    runner.run_all(["90"])
    runs = home / "reports" / "runs.json"
    body = json.loads(runs.read_text())
    body["90_tiny"]["seconds"] = 123.4  # the committed run time
    runs.write_text(json.dumps(body))
    import shutil

    shutil.rmtree(home / "reports" / ".executed")  # a fresh clone has no execution cache
    runner.run_all(["90"])
    assert json.loads(runs.read_text())["90_tiny"]["seconds"] == 123.4
