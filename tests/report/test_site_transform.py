"""Build-time notebook transforms of the reader site (helpers.report.nbtransform)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.report import nbtransform as t
from helpers.report.glossary import TERMS, glossary_markdown

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def _code(source: str, *outputs: nbformat.NotebookNode, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = new_code_cell(source, metadata={"tags": tags or []})
    cell.outputs = list(outputs)
    return cell


def _result(text: str) -> nbformat.NotebookNode:
    return new_output("execute_result", data={"text/plain": text}, execution_count=1)


def test_stderr_dropped_but_data_gaps_kept_and_styled() -> None:
    nb = new_notebook(cells=[_code("x", new_output("stream", name="stderr", text="RuntimeWarning: noise\n"),
                                   new_output("stream", name="stderr",
                                              text="f.py:3: DataGapWarning: WTREGEN ends 2025-11-19\n"))])
    t.clean_outputs(nb)
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1
    body = outputs[0]["data"]["text/html"]
    assert "data-gap" in body and "WTREGEN ends 2025-11-19" in body and "noise" not in body and "f.py" not in body


def test_progress_text_removed_prints_kept() -> None:
    nb = new_notebook(cells=[_code("x", new_output("stream", name="stdout",
                                                   text="50%|#####     | 5/10 [00:01<00:01]\rresult: 3\n"),
                                   new_output("stream", name="stdout", text="100%|##########| 10/10\n"))])
    t.clean_outputs(nb)
    assert [o["text"] for o in nb.cells[0].outputs] == [""] or nb.cells[0].outputs == [] or all(
        "%|" not in o["text"] for o in nb.cells[0].outputs)
    nb = new_notebook(cells=[_code("x", new_output("stream", name="stdout", text="right: 6169.46\n"))])
    t.clean_outputs(nb)
    assert nb.cells[0].outputs[0]["text"].strip() == "right: 6169.46"


def test_raw_reprs_become_readable_html() -> None:
    verdict = _result("'partly supported'")
    mapping = _result("{'verdict': 'not supported', 'evidence': 'r = 0.11 (N=131)'}")
    series = _result("max     11.3\nlast    15.4\ndays   229.0\ndtype: float64")
    figure = _result("<Figure size 900x500 with 1 Axes>")
    table = new_output("execute_result", data={"text/plain": "   a\n0  1", "text/html": "<table><tr><td>1</td></tr></table>"},
                       execution_count=1)
    nb = new_notebook(cells=[_code("x", verdict, mapping, series, figure, table)])
    t.clean_outputs(nb)
    html = [o["data"].get("text/html", "") for o in nb.cells[0].outputs]
    assert len(html) == 4  # the figure repr is dropped
    assert "v-partly-supported" in html[0] and "'" not in html[0]
    assert "v-not-supported" in html[1] and "r = 0.11 (N=131)" in html[1] and "{" not in html[1]
    assert "dtype" not in html[2] and "<th scope='row'>last</th><td>15.4</td>" in html[2]
    assert html[3] == "<table><tr><td>1</td></tr></table>"  # a real table is left alone


def test_code_hidden_and_solutions_collapsed() -> None:
    nb = new_notebook(cells=[new_markdown_cell("## 1. Body"), _code("a = 1"),
                             new_markdown_cell("## Exercises\n\n**Exercise 1.** Do it."),
                             _code("# Exercise 1\nprint(a)", tags=["hide-input"]),
                             new_markdown_cell("## What's next"), _code("b = 2")])
    t.hide_code(nb)
    assert nb.cells[1].metadata.tags == ["hide-input"]
    assert nb.cells[3].metadata.tags == ["hide-cell"]
    assert nb.cells[3].metadata.mystnb["code_prompt_show"] == "Show solution"
    assert nb.cells[5].metadata.tags == ["hide-input"]


def test_ipynb_links_resolve_or_become_text() -> None:
    html = new_output("display_data", data={"text/html": "<a href='02_b.ipynb#s'>x</a>"})
    nb = new_notebook(cells=[new_markdown_cell("See [02 · B](02_b.ipynb#sec) and [09 · Gone](09_gone.ipynb)."),
                             _code("x", html)])
    t.rewrite_links(nb, ["01_a", "02_b"])
    assert nb.cells[0].source == "See [02 · B](02_b.ipynb#sec) and 09 · Gone."
    assert nb.cells[1].outputs[0]["data"]["text/html"] == "<a href='02_b.html#s'>x</a>"


def test_glossary_links_first_use_only_outside_code_headings_and_links() -> None:
    nb = new_notebook(cells=[
        new_markdown_cell("# 01 · How QT drains\n\n## Question\n\nThe `QT` code and [QT link](x.md) first."),
        new_markdown_cell("## QT in a heading\n\nThen QT itself, and QT again; the net liquidity too."),
    ])
    t.link_glossary(nb)
    assert "# 01 · How QT drains" in nb.cells[0].source and "{term}" not in nb.cells[0].source
    second = nb.cells[1].source
    assert second.startswith("## QT in a heading")
    assert second.count("{term}`QT <QT>`") == 1 and "and QT again" in second
    assert "{term}`net liquidity <net liquidity>`" in second


def test_every_issue_term_is_in_the_glossary() -> None:
    names = {term.name for term in TERMS}
    required = {"QT", "runoff", "TGA", "RRP", "net liquidity", "log return", "HAC (Newey-West)", "stationary bootstrap",
                "placebo", "event study", "Holm", "Benjamini-Hochberg", "Granger causality", "ADF", "cointegration",
                "local projection", "CVaR", "drawdown", "base rate", "survivorship"}
    assert required <= names
    page = glossary_markdown()
    assert all(f"\n{name}\n" in page for name in required)


def test_alt_text_from_figure_title_or_announcing_sentence() -> None:
    image = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    nb = new_notebook(cells=[
        new_markdown_cell("# 01 · T"),
        _code("from helpers.figures import rotation as figs, qt as qtfig"),
        new_markdown_cell("## 2. Levels"),
        _code('results.record("k", 1, "u", "a long note about the recorded key value")\n'
              'fig = figs.levels(df, "BTC and the baskets rise "\n    "together", SRC)', image),
        new_markdown_cell("The next figure draws each month's runoff against the cap."),
        _code('fig = qtfig.runoff(df, f"Runoff at {r:.0%} of the caps over the years")', image),
        _code('fig = qtfig.other(df, f"Ratio {r:.2f} (max {m:.1f})")', image),
    ])
    t.add_alt_text(nb)
    alts = [c.metadata.mystnb["image"]["alt"] for c in nb.cells if c.get("outputs")]
    assert alts[0] == "Figure in section 2. Levels: BTC and the baskets rise together"
    assert alts[1] == "Figure in section 2. Levels: The next figure draws each month's runoff against the cap."
    assert alts[2] == "Figure in section 2. Levels: Ratio …"  # no announcing sentence: the title with its gap


def test_claim_targets_go_before_the_evidence_heading() -> None:
    nb = new_notebook(cells=[
        new_markdown_cell("## Question and short answer\n\nC01 and C02 hold."),
        new_markdown_cell("## 5. How much did QT2 withdraw? (C01, C02)"),
        new_markdown_cell("## 12. Verdicts\n\n**C15** rule text."),
        new_markdown_cell("## Findings"),
    ])
    anchors = t.mark_claims(nb, ["C01", "C02", "C15", "C99"])
    assert nb.cells[1].source.startswith("(claim-c01)=\n(claim-c02)=\n## 5.")
    assert nb.cells[2].source.startswith("(claim-c15)=\n## 12.")
    assert "(claim-c99)=" in nb.cells[3].source  # not found in the body: the Findings section
    assert anchors["C15"] == "claim-c15"


def test_findings_dump_replaced() -> None:
    nb = new_notebook(cells=[new_markdown_cell("## Findings\n\nThe next cell reads the results."),
                             _code("display(results.figures_table())"), _code("more()"),
                             new_markdown_cell("## Summary")])
    t.replace_findings(nb, "GENERATED")
    assert len(nb.cells) == 2
    assert nb.cells[0].source.startswith("## Findings\n\nGENERATED") and "next cell" not in nb.cells[0].source


def test_exercises_and_reading_time_extracted() -> None:
    nb = new_notebook(cells=[new_markdown_cell("Reading time: about 25 minutes."),
                             new_markdown_cell("## Exercises\n\n**Exercise 1.** First\ntask.\n\n**Exercise 2.** Second.")])
    assert t.reading_minutes(nb) == 25
    assert t.exercises(nb) == [(1, "First task."), (2, "Second.")]


def test_glossary_holds_the_verdict_vocabulary_written_once() -> None:
    from helpers.claims import vocabulary
    from helpers.report.glossary import glossary_markdown

    page = glossary_markdown()
    for verdict in vocabulary.VERDICTS:
        assert f"\n{verdict}\n  " in page
    assert "minimum meaningful effect" in page.split("## The verdicts")[1]
