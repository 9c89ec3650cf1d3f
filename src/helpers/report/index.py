"""The fallback front page ``reports/index.html``, used until the Sphinx site (``helpers.report.site``) exists.

Rendered from a Jinja2 template with autoescaping: each notebook with its question, status, run
time and data coverage, then every claim of ``data/claims.csv`` with its verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers.report.files import read_json

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>QT Lab reports</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}
.ok{color:#1b7f3b}.failed{color:#b00020;font-weight:bold}
td[class^=v-]{white-space:nowrap}.v-supported{color:#1b7f3b;font-weight:bold}.v-partly-supported{color:#8a6d00;font-weight:bold}
.v-not-supported{color:#b00020;font-weight:bold}.v-inconclusive,.v-untestable-here,.v-not-yet-tested{color:#555}
</style></head><body>
<h1>QT Lab: does the end of quantitative tightening mean a crypto rally?</h1>
<p>Each report is a notebook executed on the data snapshot named in <a href="results.json">results.json</a>.
The claims ledger gathers the verdicts.</p>
<table><tr><th>notebook</th><th>question</th><th>status</th><th>run time</th><th>data coverage</th></tr>
{% for r in rows %}<tr><td>{% if r.html %}<a href="{{ r.html }}">{{ r.name }}</a>{% else %}{{ r.name }}{% endif %}</td>
<td>{{ r.title }}</td><td class="{{ r.status }}">{{ r.status }}{% if r.error %}: {{ r.error }}
(the previous edition is shown){% endif %}</td><td>{{ '%.0f' % r.seconds }} s</td><td>{{ r.coverage }}</td></tr>
{% endfor %}</table>
<h2>The article's claims and our verdicts</h2>
<table><tr><th>id</th><th>claim (paraphrased)</th><th>verdict</th><th>evidence</th><th>notebook</th></tr>
{% for c in claims %}<tr><td>{{ c.id }}</td><td>{{ c.claim }}</td><td class="v-{{ c.verdict | replace(' ', '-') }}">{{ c.verdict }}</td>
<td>{{ c.evidence }}</td><td>{{ c.notebook }}</td></tr>
{% endfor %}</table></body></html>
"""


def _title(notebook: Path) -> str:
    if not notebook.is_file():
        return notebook.stem
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def index_page(out: Path, runs: dict[str, dict[str, Any]]) -> str:
    """The front page for the reports folder ``out`` and the runs of ``runs.json``."""
    import jinja2

    from helpers import paths
    from helpers.data import facts
    from helpers.report.published import coverage

    rows = []
    for name, run in sorted(runs.items()):
        used = (read_json(out / "results" / f"{name}.json", {}) or {}).get("series_used", [])
        rows.append({**run, "title": _title(paths.notebooks_dir() / f"{name}.ipynb"), "coverage": coverage(used)})
    verdicts = (read_json(out / "results.json", {}) or {}).get("claims", {})
    claims = []
    for c in facts.curated("claims", date_columns=()).itertuples():
        v = verdicts.get(c.claim_id, {})
        claims.append({"id": c.claim_id, "claim": c.claim, "verdict": v.get("verdict", "not yet tested"),
                       "evidence": v.get("evidence", ""), "notebook": v.get("notebook", c.notebook)})
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_TEMPLATE).render(rows=rows, claims=claims)
