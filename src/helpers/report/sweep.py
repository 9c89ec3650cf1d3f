"""Sweeps of whole notebooks: run a parameter grid through papermill and tabulate what each run recorded.

``qtlab sweep 06 -p asset=btc,eth,sol -p n_paths=1000,5000`` runs the six combinations on one
executor (a local process pool, or a Dask cluster with ``--scheduler``), each into
``reports/sweeps/<notebook>/<parameter slug>/`` (the rendered HTML, its results JSON and the
parameters used), never into the published edition. It then writes
``reports/sweeps/<notebook>/summary.csv`` and ``summary.html``: one row per combination, its
parameters, status, every recorded figure and every claim's verdict.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.methods import speccurve
from helpers.report import files, params
from helpers.report.executor import Executor, get_executor


@dataclass(frozen=True)
class SweepJob:
    """One combination of a sweep: what to run and where (picklable, for process pools and Dask)."""

    notebook: str
    parameters: dict[str, Any]
    folder: str
    home: str
    kernel: str


@dataclass(frozen=True)
class SweepRun:
    """Outcome of one combination: its parameters, status, error and where its files are."""

    parameters: dict[str, Any]
    status: str
    error: str | None
    folder: str


def split_values(text: str) -> list[Any]:
    """Split ``"btc,eth"`` or ``"[1,2],[3]"`` at top-level commas and parse each part as a Python literal.

    A part that is not a literal stays a string (``btc``), as in ``qtlab run -p``.
    """
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "[({":
            depth += 1
        elif ch in "])}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    values: list[Any] = []
    for part in (p.strip() for p in parts):
        if not part:
            raise ValueError(f"empty value in {text!r}; separate values with single commas")
        try:
            values.append(ast.literal_eval(part))
        except (ValueError, SyntaxError):
            values.append(part)
    return values


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """Turn ``["asset=btc,eth", "horizon=90,365"]`` into ``{"asset": ["btc", "eth"], "horizon": [90, 365]}``."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.isidentifier():
            raise ValueError(f"sweep parameter {item!r} must look like key=value1,value2")
        if key in grid:
            raise ValueError(f"sweep parameter {key!r} is given twice; list all its values once")
        grid[key] = split_values(value)
    return grid


def plan(notebook: str, grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of ``grid``, each checked against the notebook's parameters cell.

    Raises
    ------
    params.ParameterError
        Naming the notebook and the parameter, before anything runs.
    """
    from helpers.report import runner

    source = runner.notebooks_dir() / f"{notebook}.ipynb"
    combos = speccurve.grid(grid)
    return [params.check(source, combo) for combo in combos]


def _run_one(job: SweepJob) -> SweepRun:
    """Execute one combination into its folder (in a worker process, a Dask worker or this process)."""
    from helpers.report import runner

    os.environ[paths.HOME_ENV] = job.home
    folder = Path(job.folder)
    files.remove_tree(folder)
    run = runner.execute(job.notebook, job.parameters, folder, kernel=job.kernel)
    files.write_json(folder / "parameters.json", job.parameters)
    return SweepRun(job.parameters, run.status, run.error, job.folder)


def run_sweep(notebook: str, grid: Mapping[str, Sequence[Any]], *, executor: Executor | None = None,
              progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Run every combination of ``grid`` for ``notebook`` and write the summary table.

    Parameters
    ----------
    notebook : str
        A notebook name or prefix (``"06"``).
    grid : mapping
        Parameter name to its values; the sweep runs their cartesian product.
    executor : Executor, optional
        Where the runs go; default :func:`helpers.report.executor.get_executor` (local pool, or
        the Dask scheduler of ``$QTLAB_DASK_SCHEDULER``).
    progress : callable, optional
        Receives one line per finished combination.

    Notes
    -----
    Each run sets the process's ``QTLAB_HOME`` and results folder for the kernel it starts, so a
    Dask worker must run one task at a time (``dask worker --nthreads 1``; processes, not threads).

    Returns
    -------
    pandas.DataFrame
        The summary: parameters, ``status``, ``error``, ``folder``, one column per recorded figure
        and one ``verdict <claim>`` column per recorded claim.
    """
    from helpers.report import runner

    name = runner.resolve([notebook])[0]
    combos = plan(name, grid)
    base = paths.settings().reports / "sweeps" / name
    kernel = runner.kernel_name()
    jobs = [SweepJob(name, combo, str(base / params.slug(combo)), str(paths.project_root()), kernel)
            for combo in combos]
    ex = executor or get_executor()
    if progress:
        progress(f"sweep {name}: {len(jobs)} runs on {ex.name}")
    done = ex.map(_run_one, jobs)
    if progress:
        for r in done:
            progress(f"  {params.slug(r.parameters)}: {r.status}" + (f" ({r.error})" if r.error else ""))
    table = summary(name, done)
    base.mkdir(parents=True, exist_ok=True)
    files.write_text(base / "summary.csv", table.to_csv(index=False, lineterminator="\n"))
    files.write_text(base / "summary.html", _summary_page(name, table))
    return table


def summary(notebook: str, runs: Sequence[SweepRun]) -> pd.DataFrame:
    """One row per run: its parameters, status and what its notebook recorded (figures and verdicts)."""
    rows = []
    for r in runs:
        row: dict[str, Any] = {**{k: _cell(v) for k, v in r.parameters.items()}, "status": r.status,
                               "error": r.error or "", "folder": Path(r.folder).name}
        path = Path(r.folder) / "results" / f"{notebook}.json"
        body = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for key, entry in body.get("figures", {}).items():
            row[key] = entry.get("value")
        for claim, entry in body.get("claims", {}).items():
            row[f"verdict {claim}"] = entry.get("verdict")
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(value: Any) -> Any:
    """Lists become their JSON text so that a parameter column stays one value per row."""
    return json.dumps(value) if isinstance(value, list | tuple | dict) else value


def _summary_page(notebook: str, table: pd.DataFrame) -> str:
    """A static page with the summary table, links to each run's report."""
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True))
    template = env.from_string(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Sweep of {{ nb }}</title><style>body{font-family:sans-serif;margin:1em}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left}"
        ".wrap{overflow-x:auto}</style></head><body><h1>Sweep of {{ nb }}</h1>"
        "<p>{{ n }} runs; each row links to its report. Not the published edition: "
        "<a href=\"../../index.html\">back to the front page</a>.</p><div class=\"wrap\"><table><tr>"
        "{% for c in cols %}<th>{{ c }}</th>{% endfor %}</tr>"
        "{% for row in rows %}<tr>{% for c in cols %}<td>{% if c == 'folder' %}"
        "<a href=\"{{ row[c] }}/{{ nb }}.html\">{{ row[c] }}</a>{% else %}{{ row[c] }}{% endif %}</td>"
        "{% endfor %}</tr>{% endfor %}</table></div></body></html>\n"
    )
    rows = table.astype(object).where(table.notna(), "").to_dict("records")
    return template.render(nb=notebook, n=len(table), cols=list(table.columns), rows=rows)
