"""The reader site build (helpers.report.site) on two small executed notebooks: pages, links, determinism.

The notebooks are built here with nbformat, shaped like papermill's output (a title, a short answer,
a claim section, a figure, a raw repr, a data-gap warning, a Findings dump, an exercise with its
solution), so the build test runs in seconds without executing anything.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.report import site

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def _code(source: str, *outputs: Any, tags: list[str] | None = None) -> Any:
    cell = new_code_cell(source, metadata={"tags": tags or []}, execution_count=1)
    cell.outputs = list(outputs)
    return cell


def _notebook(number: str, title: str, claim: str, next_name: str) -> Any:
    figure = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure size 900x500 with 1 Axes>"})
    return new_notebook(cells=[
        new_markdown_cell(f"# {number} · {title}\n\n## Question and short answer\n\n**Short answer:** QT ran off "
                          f"(N = 42 months, data to 2026-09-30)."),
        new_markdown_cell("## Parameters"),
        _code('start = "2015-01-01"', tags=["parameters"]),
        new_markdown_cell(f"## 1. The evidence ({claim})\n\nNet liquidity is WALCL minus TGA minus RRP; see "
                          f"[the next notebook]({next_name}.ipynb) and [a missing one](09_missing.ipynb)."),
        _code('fig = figs.levels(df, "Net liquidity fell less than the balance sheet", SRC)', figure),
        _code("verdict", new_output("execute_result", data={"text/plain": "'partly supported'"}, execution_count=2),
              new_output("stream", name="stderr", text="x.py:1: DataGapWarning: WTREGEN stops on 2025-11-19\n"),
              new_output("stream", name="stderr", text="FutureWarning: noise\n")),
        new_markdown_cell("## Findings\n\nThe next cell reads the results."),
        _code("display(results.figures_table())",
              new_output("display_data", data={"text/plain": "dump", "text/html": "<table><tr><td>RAWDUMP</td></tr></table>"})),
        new_markdown_cell("## Summary\n\nDone.\n\n## Exercises\n\n**Exercise 1.** Recompute the log return."),
        _code("# Exercise 1\nprint(1)", new_output("stream", name="stdout", text="SOLUTION-OUTPUT\n"), tags=["hide-input"]),
        new_markdown_cell("## What's next\n\nMore."),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}})


def make_executed_fixture(executed: Path) -> None:
    """Write two small executed notebooks, ``01_alpha`` and ``02_beta``, into ``executed``."""
    executed.mkdir(parents=True, exist_ok=True)
    nbformat.write(_notebook("01", "Does alpha drain?", "C01", "02_beta"), executed / "01_alpha.ipynb")
    nbformat.write(_notebook("02", "Does beta rally?", "C09", "01_alpha"), executed / "02_beta.ipynb")


def fixture_results() -> dict[str, Any]:
    """A small results.json body matching :func:`make_executed_fixture`."""
    return {
        "generated_at": "2026-11-25T00:00:00Z",
        "data_last_date": {"WALCL": "2026-09-30", "RRPONTSYD": "2026-09-04", "btc": "2026-07-18"},
        "notebooks": {"01_alpha": {"share_x": {"value": 0.25, "unit": "share", "note": "a share"}},
                      "01_qt_mechanism": {"securities_decline_qt2_usd_bn": {"value": 2235.8, "unit": "USD bn",
                                                                            "note": "n"}},
                      "02_beta": {}},
        "claims": {"C01": {"verdict": "supported", "evidence": "Runoff ran at 0.96 of the caps (N=42 months). More.",
                           "test": "H.4.1 accounting", "notebook": "01_alpha"},
                   "C09": {"verdict": "not supported", "evidence": "r = 0.11 [-0.08, 0.33] (N=131 months).",
                           "test": "correlation of changes", "notebook": "02_beta"}},
    }


def build_fixture_site(root: Path, results: dict[str, Any] | None = None, failed: str | None = None) -> Path:
    """Executed fixture notebooks and results under ``root``; build the site into ``root/out``."""
    make_executed_fixture(root / "executed")
    out = root / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results or fixture_results()))
    runs = {"01_alpha": {"status": "ok"}, "02_beta": {"status": "failed" if failed == "02_beta" else "ok"}}
    (out / "runs.json").write_text(json.dumps(runs))
    (out / "results").mkdir(exist_ok=True)
    (out / "results" / "01_alpha.json").write_text("{}")
    site.build_site(root / "executed", out, forecast_figure=False)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("site"), failed="02_beta")


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_written_and_protected_files_kept(built: Path) -> None:
    for page in ("index.html", "01_alpha.html", "02_beta.html", "glossary.html", "teaching.html", "data.html"):
        assert (built / page).is_file(), page
    assert json.loads((built / "results.json").read_text())["claims"]["C01"]["verdict"] == "supported"
    assert (built / "results" / "01_alpha.json").read_text() == "{}"
    assert not (built / ".buildinfo").exists() and not (built / ".doctrees").exists()
    assert not (built / "_sources").exists()


def test_front_page_answer_badges_claims_and_failed_run(built: Path) -> None:
    page = (built / "index.html").read_text()
    assert 'name="viewport"' in page
    start = page.index('id="answer"')
    answer = page[start:page.index("</div>", start)]
    assert "USD 2,236 bn" in answer and "2026-07-18" in answer
    assert "v-supported" in answer and "v-not-supported" in answer
    assert 'href="01_alpha.html#claim-c01"' in page and 'href="02_beta.html#claim-c09"' in page
    assert "Last run failed" in page and 'href="02_beta.html"' in page
    assert "C26" in page and "not yet tested" in page  # forecasts not recorded yet are listed, not dropped


def test_report_transforms_applied(built: Path) -> None:
    page = (built / "01_alpha.html").read_text()
    assert 'id="claim-c01"' in page
    assert "Show solution" in page and "SOLUTION-OUTPUT" in page
    assert "RAWDUMP" not in page and "findings-table" in page and 'href="results.json"' in page
    assert "WTREGEN stops on 2025-11-19" in page and "FutureWarning" not in page
    assert "&#39;partly supported&#39;" not in page and "v-partly-supported" in page
    assert 'alt="Figure in section 1. The evidence (C01): Net liquidity fell less than the balance sheet"' in page
    assert 'href="02_beta.html"' in page and ".ipynb" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert 'href="glossary.html#term-net-liquidity"' in page
    assert 'href="index.html"' in page


def test_glossary_and_teaching_pages(built: Path) -> None:
    glossary = (built / "glossary.html").read_text()
    assert 'id="term-Granger-causality"' in glossary or 'id="term-granger-causality"' in glossary
    teaching = (built / "teaching.html").read_text()
    assert "Lesson 1" in teaching and "Recompute the log return." in teaching


def test_same_inputs_same_bytes(built: Path, tmp_path: Path) -> None:
    again = build_fixture_site(tmp_path, failed="02_beta")
    first, second = _digests(built), _digests(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_rebuild_removes_only_its_own_stale_files(tmp_path: Path) -> None:
    out = build_fixture_site(tmp_path)
    (out / "runs").mkdir()
    (out / "runs" / "keep.html").write_text("user run")
    (out / "benchmarks.json").write_text("{}")
    stale = out / "_static" / "stale.css"
    stale.write_text("old")
    manifest = out / site.MANIFEST
    manifest.write_text(manifest.read_text() + "_static/stale.css\n")
    site.build_site(tmp_path / "executed", out, forecast_figure=False)
    assert not stale.exists()
    assert (out / "runs" / "keep.html").read_text() == "user run" and (out / "benchmarks.json").exists()


def test_missing_results_named(tmp_path: Path) -> None:
    make_executed_fixture(tmp_path / "executed")
    with pytest.raises(FileNotFoundError, match="results.json"):
        site.build_site(tmp_path / "executed", tmp_path / "out", forecast_figure=False)


def test_plain_values() -> None:
    assert site.plain_value({"value": 0.2514, "unit": "share"}) == "25.1%"
    assert site.plain_value({"value": 86281.4952, "unit": "USD"}) == "USD 86,281"
    assert site.plain_value({"value": 0.6931, "unit": "log return"}).endswith("(+100.0%)")
    assert site.plain_value({"value": None, "unit": "date"}) == "none"


def test_site_sources_cover_templates_and_helpers() -> None:
    names = {p.name for p in site.site_sources()}
    assert {"site.py", "answer.py", "nbtransform.py", "glossary.py", "index.md.j2", "conf.py.txt", "qtlab.css"} <= names
