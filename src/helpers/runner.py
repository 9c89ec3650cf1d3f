"""Run notebooks through papermill, render them to HTML, merge results and write the index.

Rendering is deterministic: the same data give the same bytes. A notebook's run time is
kept from the previous run when its rendered HTML did not change, so re-running
``make reports`` on the same data leaves ``git status`` clean.
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import papermill as pm
from nbconvert import HTMLExporter

from helpers import catalog, paths, store
from helpers.results import read_notebook_results, results_dir


@dataclass
class NotebookRun:
    """Outcome of one notebook: status ``ok`` or ``failed``, run time, error, output paths."""

    name: str
    status: str
    seconds: float
    error: str | None
    html: str


def notebooks_dir() -> Path:
    """Folder of the numbered notebooks."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def discover() -> list[str]:
    """Names (stems) of the numbered notebooks, in order."""
    return sorted(p.stem for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


def resolve(names: list[str] | None) -> list[str]:
    """Match user-given names or prefixes (``01``, ``01_qt_mechanism``) to notebooks."""
    available = discover()
    if not names:
        return available
    chosen: list[str] = []
    for name in names:
        stem = Path(name).stem
        hits = [n for n in available if n == stem or n.startswith(stem + "_") or n.startswith(stem)]
        if not hits:
            raise ValueError(f"no notebook matches {name!r}; available: {', '.join(available)}")
        chosen.extend(h for h in hits[:1] if h not in chosen)
    return chosen


def kernel_name() -> str:
    """A kernelspec for the running interpreter, installed into its environment if missing.

    The name is derived from the environment's path, so it never points at another Python.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = "qtlab-" + hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if spec.argv and spec.argv[0] == sys.executable:
            return name
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=f"Python (qtlab, {sys.prefix})", prefix=sys.prefix)
    return name


def execute(name: str, parameters: dict[str, Any] | None = None, out_dir: Path | None = None) -> NotebookRun:
    """Execute one notebook with papermill and render it to ``<out_dir>/<name>.html``.

    A failing notebook is rendered too (papermill marks the failing cell); its status is
    ``failed`` and ``error`` holds the exception's last line.
    """
    out_dir = out_dir or paths.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    source = notebooks_dir() / f"{name}.ipynb"
    if not source.is_file():
        raise ValueError(f"notebook {source} does not exist; available: {', '.join(discover())}")
    executed = out_dir / ".executed" / f"{name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    error: str | None = None
    began = time.perf_counter()
    try:
        pm.execute_notebook(
            str(source), str(executed), parameters=parameters or {}, kernel_name=kernel_name(),
            cwd=str(notebooks_dir()), progress_bar=False, log_output=False,
        )
    except pm.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    seconds = time.perf_counter() - began
    html_path = out_dir / f"{name}.html"
    render_html(executed, html_path)
    return NotebookRun(name, "failed" if error else "ok", round(seconds, 1), error, html_path.name)


def render_html(executed: Path, html_path: Path) -> None:
    """Render an executed notebook to standalone HTML, without run-dependent metadata."""
    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    with store.atomic_write(html_path) as fh:
        fh.write(body)


def run_all(names: list[str] | None = None, parameters: dict[str, Any] | None = None) -> list[NotebookRun]:
    """Run notebooks in order, each even if an earlier one failed; then merge results and index."""
    from tqdm import tqdm

    out = paths.reports_dir()
    previous = _previous_runs(out)
    runs = []
    for name in tqdm(resolve(names), desc="notebooks", unit="nb"):
        before = _digest(out / f"{name}.html")
        run = execute(name, parameters, out)
        if before is not None and before == _digest(out / f"{name}.html") and name in previous:
            run.seconds = previous[name].seconds  # same bytes: keep the run time that made them
        runs.append(run)
        tqdm.write(f"{name}: {run.status} in {run.seconds:.0f}s" + (f" ({run.error})" if run.error else ""))
    merged = {**previous, **{r.name: r for r in runs}}
    merged = {k: v for k, v in merged.items() if k in discover()}
    _write_json(out / "runs.json", {k: asdict(v) for k, v in sorted(merged.items())})
    write_results(out)
    write_index(out, merged)
    return runs


def write_results(out: Path) -> dict[str, Any]:
    """Merge ``reports/results/*.json`` into ``reports/results.json`` (schema in DESIGN.md)."""
    manifest = store.Store().manifest()
    body: dict[str, Any] = {
        "generated_at": max((e.retrieved_at for e in manifest.values()), default=None),
        "data_last_date": {k: _last_close_date(k, e) for k, e in sorted(manifest.items())},
        "notebooks": {},
        "claims": {},
    }
    for path in sorted(results_dir().glob("*.json")):
        nb = read_notebook_results(path)
        body["notebooks"][path.stem] = nb.get("figures", {})
        body["claims"].update(nb.get("claims", {}))
    body["claims"] = dict(sorted(body["claims"].items()))
    _write_json(out / "results.json", body)
    return body


def _last_close_date(series_id: str, entry: store.ManifestEntry) -> str:
    """Last date in the project's convention: for crypto open snapshots, the day whose close it is."""
    spec = catalog.CATALOG.get(series_id)
    if spec is not None and catalog.date_convention(entry.source, spec) == "open_snapshot":
        return (pd.Timestamp(entry.last_date) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return entry.last_date


def write_index(out: Path, runs: dict[str, NotebookRun]) -> None:
    """Write ``reports/index.html``: each notebook, its question, status, run time and data coverage."""
    manifest = store.Store().manifest()
    rows = []
    for name, run in sorted(runs.items()):
        title = _title(notebooks_dir() / f"{name}.ipynb")
        used_path = results_dir() / f"{name}.json"
        used = read_notebook_results(used_path).get("series_used", []) if used_path.is_file() else []
        coverage = _coverage(used, manifest)
        status = run.status if run.error is None else f"{run.status}: {run.error}"
        rows.append(
            f"<tr><td><a href='{html.escape(run.html)}'>{html.escape(name)}</a></td><td>{html.escape(title)}</td>"
            f"<td class='{run.status}'>{html.escape(status)}</td><td>{run.seconds:.0f} s</td><td>{coverage}</td></tr>"
        )
    page = _INDEX.format(rows="\n".join(rows), claims=_claims_rows(out))
    with store.atomic_write(out / "index.html") as fh:
        fh.write(page)


def _coverage(used: list[str], manifest: dict[str, store.ManifestEntry]) -> str:
    """'N series; data to <latest>; shortest runs to <earliest last date> (<series>)'."""
    last = {s: _last_close_date(s, manifest[s]) for s in used if s in manifest}
    if not last:
        return "n/a"
    oldest = min(last, key=lambda s: last[s])
    return f"{len(last)} series, to {max(last.values())}; earliest end {last[oldest]} ({html.escape(oldest)})"


def _claims_rows(out: Path) -> str:
    """Rows of the claims table: id, claim, verdict, evidence, notebook (untested claims included)."""
    from helpers import facts

    path = out / "results.json"
    verdicts = json.loads(path.read_text(encoding="utf-8")).get("claims", {}) if path.is_file() else {}
    rows = []
    for claim in facts.curated("claims", date_columns=()).itertuples():
        v = verdicts.get(claim.claim_id, {})
        verdict = v.get("verdict", "not yet tested")
        rows.append(
            f"<tr><td>{claim.claim_id}</td><td>{html.escape(claim.claim)}</td>"
            f"<td class='v-{verdict.replace(' ', '-')}'>{html.escape(verdict)}</td>"
            f"<td>{html.escape(v.get('evidence', ''))}</td><td>{html.escape(v.get('notebook', claim.notebook))}</td></tr>"
        )
    return "\n".join(rows)


def _title(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def _previous_runs(out: Path) -> dict[str, NotebookRun]:
    path = out / "runs.json"
    if not path.is_file():
        return {}
    return {k: NotebookRun(**v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _write_json(path: Path, body: dict[str, Any]) -> None:
    with store.atomic_write(path) as fh:
        json.dump(body, fh, indent=1, sort_keys=False, allow_nan=False)
        fh.write("\n")


_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>QT Lab reports</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}}
.ok{{color:#1b7f3b}}.failed{{color:#b00020;font-weight:bold}}
td[class^=v-]{{white-space:nowrap}}.v-supported{{color:#1b7f3b;font-weight:bold}}.v-partly-supported{{color:#8a6d00;font-weight:bold}}
.v-not-supported{{color:#b00020;font-weight:bold}}.v-inconclusive,.v-untestable-here,.v-not-yet-tested{{color:#555}}
</style></head><body>
<h1>QT Lab: does the end of quantitative tightening mean a crypto rally?</h1>
<p>Each report is a notebook executed on the data snapshot named in <a href="results.json">results.json</a>.
The claims ledger (notebook 07) gathers the verdicts.</p>
<table><tr><th>notebook</th><th>question</th><th>status</th><th>run time</th><th>data coverage</th></tr>
{rows}
</table>
<h2>The article's claims and our verdicts</h2>
<table><tr><th>id</th><th>claim (paraphrased)</th><th>verdict</th><th>evidence</th><th>notebook</th></tr>
{claims}
</table></body></html>
"""
