"""Build the reader site (``reports/``) with Sphinx, MyST-NB and sphinx-book-theme from executed notebooks.

:func:`build_site` reads the notebooks papermill executed (``<executed_dir>/NN_name.ipynb``; no
second execution), ``<out_dir>/results.json`` and ``<out_dir>/runs.json``, writes a temporary
Sphinx source folder (the notebooks transformed by :mod:`helpers.report.nbtransform`, a generated
front page, glossary, teaching guide and data page), builds it, and copies the HTML into
``out_dir``. It replaces only the files it owns (listed in ``site-manifest.txt``): results,
runs, sweeps, benchmarks and the execution cache are never touched. Same inputs, same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import re
import sys
import tempfile
import warnings as warnings_module
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import nbformat

from helpers.report import answer, nbtransform
from helpers.report.glossary import glossary_markdown

MANIFEST = "site-manifest.txt"
#: Files and folders in ``out_dir`` the site never deletes or overwrites.
PROTECTED = frozenset({"results.json", "results", "runs", "runs.json", "sweeps", "benchmarks.json", ".executed"})
_NOTEBOOK = re.compile(r"^\d\d_[a-z0-9_]+$")
#: The article's dated forecasts (CLAIMS.md) and the window each is judged in.
FORECASTS: tuple[tuple[str, str], ...] = (
    ("C23", "12 months from 2025-12-01"),
    ("C26", "Q1 2026"),
    ("C27", "after 2025-12-01 (open-ended)"),
    ("C29", "weeks to months after 2025-12-01"),
)
FORECAST_START = "2025-12-01"
FORECAST_BAND = (90_000.0, 100_000.0)
QUESTION = 'Is the end of the Fed\'s quantitative tightening "extremely bullish" for crypto?'


@dataclass(frozen=True)
class Page:
    """One notebook page of the site."""

    name: str
    title: str
    status: str
    claims: tuple[str, ...]


def build_site(executed_dir: Path, out_dir: Path, *, forecast_figure: bool = True) -> None:
    """Build the static reader site into ``out_dir`` from executed notebooks and the recorded results.

    Parameters
    ----------
    executed_dir : Path
        Folder of executed notebooks ``NN_name.ipynb`` (papermill output).
    out_dir : Path
        The site folder (``reports/``); must hold ``results.json``; ``runs.json`` is optional
        (a notebook whose last run failed is marked on the front page).
    forecast_figure : bool
        Draw the front page's BTC-versus-simulated-fan figure (needs notebook 06 and the BTC
        closes); off in fast tests.

    Raises
    ------
    FileNotFoundError
        If ``results.json`` or every executed notebook is missing.
    RuntimeError
        If Sphinx reports an error (the message names the page).
    """
    executed_dir, out_dir = Path(executed_dir), Path(out_dir)
    results = _read_json(out_dir / "results.json", required=True)
    runs = _read_json(out_dir / "runs.json", required=False)
    notebooks = sorted(p for p in executed_dir.glob("*.ipynb") if _NOTEBOOK.match(p.stem))
    if not notebooks:
        raise FileNotFoundError(f"{executed_dir}: no executed notebooks NN_name.ipynb to build the site from")
    with tempfile.TemporaryDirectory(prefix="qtlab-site-") as tmp:
        src, build = Path(tmp) / "src", Path(tmp) / "build"
        src.mkdir()
        pages = _write_notebooks(notebooks, src, results, out_dir, runs)
        figure = _forecast_figure(executed_dir, src) if forecast_figure else None
        _write_pages(src, pages, results, out_dir, runs, figure)
        _sphinx_build(src, build)
        _publish(build / "html", out_dir)


def site_sources() -> list[Path]:
    """Every file the site's look depends on besides its inputs: this module, its helpers, templates and pages.

    The runner digests these (with the executed notebooks and results) to decide whether to rebuild.
    """
    here = Path(__file__).resolve().parent
    modules = [here / f"{name}.py" for name in ("site", "answer", "nbtransform", "glossary", "sphinx_math")]
    assets = sorted(p for folder in ("templates", "site_pages") for p in (here / folder).rglob("*") if p.is_file())
    return [p for p in modules if p.is_file()] + assets


# ----------------------------------------------------------------------------------------------- notebooks


def _write_notebooks(paths: Sequence[Path], src: Path, results: Mapping[str, Any], out_dir: Path,
                     runs: Mapping[str, Any]) -> list[Page]:
    names = [p.stem for p in paths]
    claims_by_nb: dict[str, list[str]] = {}
    for claim_id, entry in sorted(results.get("claims", {}).items()):
        claims_by_nb.setdefault(str(entry.get("notebook", "")), []).append(claim_id)
    pages = []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        name = path.stem
        nbtransform.clean_outputs(nb)
        nbtransform.hide_code(nb)
        nbtransform.rewrite_links(nb, names)
        nbtransform.add_alt_text(nb)
        own = claims_by_nb.get(name, [])
        if own:
            nbtransform.replace_findings(nb, findings_markdown(name, own, results, out_dir))
        nbtransform.mark_claims(nb, own)
        nbtransform.link_glossary(nb)
        _add_navigation(nb, names, i)
        nb.metadata.pop("papermill", None)
        for cell in nb.cells:
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        nbformat.write(nb, src / f"{name}.ipynb")
        status = str(runs.get(name, {}).get("status", "ok"))
        pages.append(Page(name, nbtransform.notebook_title(nb), status, tuple(own)))
    return pages


def _add_navigation(nb: nbformat.NotebookNode, names: Sequence[str], index: int) -> None:
    """A static "front page · glossary · teaching guide" line under the title, previous/next at the end."""
    top = "[← Front page](index.md) · [Glossary](glossary.md) · [Teaching guide](teaching.md)"
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.get("cell_type") == "markdown" and str(first.source).startswith("# "):
        title, _, rest = str(first.source).partition("\n")
        first.source = f"{title}\n\n{top}\n{rest}"
    else:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(top))
    links = []
    if index > 0:
        links.append(f"[← Previous: {_short(names[index - 1])}]({names[index - 1]}.ipynb)")
    links.append("[Front page](index.md)")
    if index + 1 < len(names):
        links.append(f"[Next: {_short(names[index + 1])} →]({names[index + 1]}.ipynb)")
    nb.cells.append(nbformat.v4.new_markdown_cell("---\n\n" + " · ".join(links)))


def _short(name: str) -> str:
    number, _, rest = name.partition("_")
    return f"{number} · {rest.replace('_', ' ')}"


def findings_markdown(notebook: str, claim_ids: Sequence[str], results: Mapping[str, Any], out_dir: Path) -> str:
    """The curated Findings section of ``notebook``: one small table per claim and the figures, from results.

    Each claim's table gives the verdict, the rule that produced it, one plain sentence of
    evidence with N and the data's last date; all recorded figures follow, collapsed, in plain
    units. Every table links to ``results.json``, which holds the full text and exact values.
    """
    texts = claim_texts()
    last = data_last_date_for(notebook, results, out_dir)
    blocks = ["Each claim this notebook tests, its verdict and the rule that produced it. The exact values and the "
              'full technical evidence are in <a href="results.json">results.json</a>.', ""]
    for claim_id in claim_ids:
        entry = results["claims"][claim_id]
        rule = " ".join(str(entry.get(k, "")).strip() for k in ("rule", "test") if entry.get(k))
        rows = [("Claim", html.escape(texts.get(claim_id, ""))),
                ("Verdict", nbtransform.verdict_badge(str(entry.get("verdict", "")))),
                ("Rule", html.escape(answer.plainer(rule) or "not recorded")),
                ("Evidence", html.escape(answer.plain_evidence(entry, last))),
                ("Full record", f'<a href="results.json">results.json</a>, claims → {claim_id}')]
        body = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in rows)
        blocks += [f"### {claim_id}", "", f"<table class='table findings-table'><tbody>{body}</tbody></table>", ""]
    figures = results.get("notebooks", {}).get(notebook, {})
    if figures:
        rows_html = "".join(
            f"<tr><td>{html.escape(key.replace('_', ' '))}</td><td>{html.escape(plain_value(f))}</td>"
            f"<td>{html.escape(answer.plainer(str(f.get('note', ''))))}</td></tr>"
            for key, f in sorted(figures.items()) if isinstance(f, Mapping))
        blocks += [f"<details class='figures-dump'><summary>All {len(figures)} recorded figures of this notebook"
                   "</summary>",
                   f"<table class='table figures-table'><thead><tr><th>figure</th><th>value</th><th>what it is</th>"
                   f"</tr></thead><tbody>{rows_html}</tbody></table>",
                   '<p>Exact values: <a href="results.json">results.json</a>.</p></details>', ""]
    return "\n".join(blocks)


def plain_value(entry: Mapping[str, Any]) -> str:
    """A recorded value in plain units: shares and probabilities in percent, USD with separators."""
    value, unit = entry.get("value"), str(entry.get("unit", ""))
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    v = float(value)
    if unit in ("share", "probability"):
        return f"{100 * v:.1f}%"
    if unit == "percent":
        return f"{v:.1f}%"
    if unit == "USD":
        return f"USD {v:,.0f}"
    if unit.startswith("USD bn"):
        return f"{v:+,.1f} {unit}" if "per" in unit else f"{v:,.1f} {unit}"
    if unit == "log return":
        return f"{v:+.3f} log ({100 * (pow(2.718281828459045, v) - 1):+.1f}%)"
    if unit == "relative change":
        return f"{100 * v:+.1f}%"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,} {unit}".strip()
    return f"{v:.3g} {unit}".strip()


def data_last_date_for(notebook: str, results: Mapping[str, Any], out_dir: Path) -> str | None:
    """The data's last date for a notebook's claims: the last BTC close if it uses BTC, else the last WALCL week.

    The series a notebook used come from ``<out_dir>/results/<notebook>.json`` (``series_used``);
    without that file, the last BTC close, else the latest date of any series.
    """
    last = results.get("data_last_date", {})
    used = _read_json(out_dir / "results" / f"{notebook}.json", required=False).get("series_used") or list(last)
    for sid in ("btc", "WALCL"):
        if sid in used and sid in last:
            return str(last[sid])
    dates = [str(last[s]) for s in used if s in last]
    return max(dates) if dates else None


# ----------------------------------------------------------------------------------------------- pages


def _write_pages(src: Path, pages: Sequence[Page], results: Mapping[str, Any], out_dir: Path,
                 runs: Mapping[str, Any], figure: Path | None) -> None:
    static = src / "_static"
    static.mkdir()
    for name in ("qtlab.css", "favicon.svg"):
        (static / name).write_bytes(_resource(name).encode())
    (src / "conf.py").write_text(_resource("conf.py.txt"))
    (src / "glossary.md").write_text(glossary_markdown())
    (src / "teaching.md").write_text(teaching_markdown(pages, src))
    (src / "data.md").write_text(data_markdown(results, [p.name for p in pages]))
    (src / "index.md").write_text(front_page(pages, results, out_dir, figure))


def _resource(name: str) -> str:
    return resources.files("helpers.report").joinpath("site_pages", name).read_text(encoding="utf-8")


def _templates() -> jinja2.Environment:
    loader = jinja2.PackageLoader("helpers.report", "templates")
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["badge"] = lambda v: markupsafe.Markup(nbtransform.verdict_badge(str(v)))
    env.filters["code"] = lambda v: markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(v))))
    return env


def front_page(pages: Sequence[Page], results: Mapping[str, Any], out_dir: Path, figure: Path | None) -> str:
    """The front page (``index.md``): question and answer first, forecasts, claims table, links."""
    texts = claim_texts()
    claims = []
    for claim_id, entry in sorted(results.get("claims", {}).items()):
        nb = str(entry.get("notebook", ""))
        known = any(p.name == nb for p in pages)
        claims.append({"id": claim_id, "text": texts.get(claim_id, ""), "verdict": entry.get("verdict", ""),
                       "evidence": answer.plain_evidence(entry, data_last_date_for(nb, results, out_dir)),
                       "href": f"{nb}.html#{nbtransform.claim_anchor(claim_id)}" if known else "",
                       "notebook": nb})
    forecasts = []
    for claim_id, window in FORECASTS:
        entry = results.get("claims", {}).get(claim_id)
        nb = str(entry.get("notebook", "")) if entry else ""
        forecasts.append({"id": claim_id, "text": texts.get(claim_id, ""), "window": window,
                          "verdict": entry.get("verdict", "not yet tested") if entry else "not yet tested",
                          "outcome": answer.plain_evidence(entry, data_last_date_for(nb, results, out_dir))
                          if entry else "No notebook has recorded this forecast yet.",
                          "href": f"{nb}.html#{nbtransform.claim_anchor(claim_id)}"
                          if entry and any(p.name == nb for p in pages) else ""})
    context = {
        "question": QUESTION,
        "answer": answer.front_answer(results, _qt_end()),
        "counts": answer.verdict_counts(results),
        "n_claims": len(results.get("claims", {})),
        "outcome": _post_qt_outcome(results),
        "forecasts": forecasts,
        "figure": figure.name if figure else None,
        "figure_alt": _forecast_alt(results),
        "claims": claims,
        "pages": [{"name": p.name, "title": p.title, "failed": p.status != "ok"} for p in pages],
        "failed": [p.name for p in pages if p.status != "ok"],
        "last_dates": _headline_dates(results),
        "generated_at": results.get("generated_at", ""),
    }
    return _templates().get_template("index.md.j2").render(**context)


def _post_qt_outcome(results: Mapping[str, Any]) -> str:
    nb = "06_risk_scenarios"
    close = answer.figure(results, nb, "btc_close_at_qt_end_usd")
    high = answer.figure(results, nb, "btc_max_close_after_qt_end_usd")
    high_day = answer.figure(results, nb, "btc_max_close_after_qt_end_date")
    low = answer.figure(results, nb, "btc_min_close_after_qt_end_usd")
    low_day = answer.figure(results, nb, "btc_min_close_after_qt_end_date")
    last = answer.figure(results, nb, "btc_last_close_usd")
    last_day = answer.figure(results, nb, "btc_last_date") or results.get("data_last_date", {}).get("btc")
    if close is None:
        return ""
    text = f"BTC closed at USD {close:,.0f} on {FORECAST_START}"
    if high is not None:
        text += f"; its highest close since was USD {high:,.0f}" + (f" on {high_day}" if high_day else "")
    if low is not None:
        text += f" and its lowest USD {low:,.0f}" + (f" on {low_day}" if low_day else "")
    if last is not None:
        text += f"; the last close was USD {last:,.0f}"
    if last_day:
        text += f" (data to {last_day})"
    return text + "."


def _forecast_alt(results: Mapping[str, Any]) -> str:
    last = results.get("data_last_date", {}).get("btc", "the last close")
    return (f"Figure: BTC daily closes from {FORECAST_START} to {last} drawn over the fan of simulated paths of "
            f"notebook 06 (5-95th and 25-75th percentiles and median) and the article's forecast band of USD "
            f"{FORECAST_BAND[0]:,.0f} to {FORECAST_BAND[1]:,.0f}.")


def _headline_dates(results: Mapping[str, Any]) -> list[tuple[str, str]]:
    last = results.get("data_last_date", {})
    labels = (("WALCL", "Fed balance sheet (H.4.1, WALCL)"), ("WDTGAL", "Treasury cash account (TGA)"),
              ("RRPONTSYD", "reverse repo (RRP)"), ("btc", "BTC daily close"), ("eth", "ETH daily close"),
              ("SP500", "S&P 500"))
    return [(label, str(last[sid])) for sid, label in labels if sid in last]


def teaching_markdown(pages: Sequence[Page], src: Path) -> str:
    """The teaching guide: lessons, prerequisites, reading times and each notebook's exercises."""
    info: dict[str, dict[str, Any]] = {}
    for page in pages:
        nb = nbformat.read(src / f"{page.name}.ipynb", as_version=4)
        info[page.name] = {"title": page.title, "minutes": nbtransform.reading_minutes(nb),
                           "exercises": nbtransform.exercises(nb)}
    lessons = json.loads(_resource("lessons.json"))
    for lesson in lessons["lessons"]:
        lesson["notebooks"] = [n for n in lesson["notebooks"] if n in info]
        minutes = [int(info[n]["minutes"]) for n in lesson["notebooks"] if info[n]["minutes"]]
        lesson["minutes"] = sum(minutes) if minutes else None
    covered = {n for lesson in lessons["lessons"] for n in lesson["notebooks"]}
    return _templates().get_template("teaching.md.j2").render(
        lessons=lessons["lessons"], teaches=lessons["teaches"], info=info, prerequisites=lessons["prerequisites"],
        further=[n for n in info if n not in covered])


def data_markdown(results: Mapping[str, Any], pages: Sequence[str] = ()) -> str:
    """The data page: each series, its description, units, frequency and source, and its last date."""
    from helpers.data.catalog import CATALOG as catalog

    rows = []
    for sid, last in sorted(results.get("data_last_date", {}).items(), key=lambda kv: kv[0].lower()):
        spec = catalog.get(sid)
        rows.append({"id": sid, "last": last, "description": getattr(spec, "description", ""),
                     "units": getattr(spec, "units", ""), "frequency": getattr(spec, "frequency", ""),
                     "source": ", ".join(getattr(spec, "sources", ()) or ()) or "mirror"})
    return _templates().get_template("data.md.j2").render(rows=rows, generated_at=results.get("generated_at", ""),
                                                          tour="00_data_tour" in pages)


# ----------------------------------------------------------------------------------------------- forecast figure


def _forecast_figure(executed_dir: Path, src: Path) -> Path | None:
    """Draw BTC since the QT end against notebook 06's simulated fan; None when its inputs are missing."""
    nb_path = executed_dir / "06_risk_scenarios.ipynb"
    if not nb_path.exists():
        return None
    params = notebook_parameters(nbformat.read(nb_path, as_version=4))
    try:
        png = forecast_png(params)
    except Exception as exc:  # noqa: BLE001 (the figure is optional: the page says so, the build goes on)
        warnings_module.warn(f"front-page forecast figure skipped ({type(exc).__name__}: {exc})", UserWarning,
                             stacklevel=2)
        return None
    path = src / "forecast_btc.png"
    path.write_bytes(png)
    return path


def notebook_parameters(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The parameters a notebook ran with: its ``parameters`` cell, then papermill's injected cell."""
    params: dict[str, Any] = {}
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and ("parameters" in tags or "injected-parameters" in tags):
            for node in _assignments(str(cell.source)):
                params.update(node)
    return params


def _assignments(source: str) -> list[dict[str, Any]]:
    import ast

    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value  # annotated parameters: `seed: int = 1`
        else:
            continue
        try:
            out.append({target: ast.literal_eval(value)})
        except ValueError:
            continue
    return out


def forecast_png(params: Mapping[str, Any]) -> bytes:
    """PNG bytes of the forecast figure, with notebook 06's simulation (same function, parameters and seed).

    The fan is :func:`helpers.methods.simulation.scenario_paths` on notebook 06's main return sample (from
    ``main_sample_start``; sample 0, seed ``seed``) from the close on ``qt_end``, as notebook 06
    draws it; PNG metadata carry no date.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import data
    from helpers.figures import scenarios as fig_sc
    from helpers.figures import style as plots
    from helpers.methods import simulation as sc
    plots.setup()
    qt_end = str(params.get("qt_end", FORECAST_START))
    btc = data.closes("btc")
    horizon = max(params.get("touch_horizons", [365]))
    n_paths, block, seed = int(params.get("n_paths", 5000)), int(params.get("mc_block", 30)), int(params["seed"])
    # notebook 06's main simulation is its first sample (seed + 0): the return sample from main_sample_start
    sample = params.get("main_sample_start")
    main = next(iter(sc.scenario_paths(btc, qt_end, n_paths, horizon, block, seed, [sample]).values()))
    p0 = float(btc.loc[qt_end])
    fan = sc.fan_quantiles(main / p0)
    last = btc.index[-1]
    fig = fig_sc.fan_chart(fan, qt_end, p0, btc.loc[qt_end:], list(params.get("targets", FORECAST_BAND)),
                           "BTC since the end of QT against the simulated paths and the article's 90k-100k band",
                           f"CoinGecko via mirror (BTC closes); stationary bootstrap of daily log returns "
                           f"{'from ' + str(sample) + ' ' if sample else ''}to {qt_end}, "
                           f"N={n_paths} paths (notebook 06)", last)
    band = sorted(params.get("targets", FORECAST_BAND))
    fig.axes[0].axhspan(band[0], band[-1], color=plots.QT_COLOR, alpha=0.18, lw=0,
                        label=f"article's forecast band {band[0]:,.0f}-{band[-1]:,.0f}")
    fig.axes[0].legend(fontsize=8, loc="upper left", ncol=2)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------- build


def _sphinx_build(src: Path, build: Path) -> None:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    with patch_docutils(src), docutils_namespace(), _python_warnings_ignored():
        app = Sphinx(str(src), str(src), str(build / "html"), str(build / "doctrees"), "html",
                     status=io.StringIO(), warning=warnings, freshenv=True, parallel=0)
        app.build(force_all=True)
    errors = [line for line in warnings.getvalue().splitlines() if "ERROR" in line or "CRITICAL" in line]
    if app.statuscode or errors:
        raise RuntimeError("site build failed: " + ("; ".join(errors[:5]) or warnings.getvalue()[-2000:]))
    _last_warnings[:] = [_ANSI.sub("", line) for line in warnings.getvalue().splitlines()]
    for line in _last_warnings:  # a broken cross-reference or a bad directive: shown, not fatal
        print(f"site build: {line}", file=sys.stderr)


_last_warnings: list[str] = []
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@contextlib.contextmanager
def _python_warnings_ignored() -> Iterator[None]:
    """Sphinx extensions' own deprecation warnings (library internals) are not the reader's concern."""
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", DeprecationWarning)
        warnings_module.simplefilter("ignore", PendingDeprecationWarning)
        yield


def last_build_warnings() -> list[str]:
    """Sphinx's warnings of the last build in this process (for tests and debugging)."""
    return list(_last_warnings)


def _publish(html_dir: Path, out_dir: Path) -> None:
    """Copy the built site into ``out_dir``, removing only files a previous build listed in the manifest."""
    files = sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*")
                   if p.is_file() and _owned(p.relative_to(html_dir)))
    clash = [f for f in files if f.split("/")[0] in PROTECTED]
    if clash:
        raise RuntimeError(f"site build would overwrite protected files in {out_dir}: {clash[:3]}")
    old = out_dir / MANIFEST
    if old.exists():
        for rel in old.read_text().split():
            path = out_dir / rel
            if rel not in files and rel.split("/")[0] not in PROTECTED and path.is_file():
                path.unlink()
    for rel in files:
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (html_dir / rel).read_bytes()
        if not target.exists() or _digest(target.read_bytes()) != _digest(data):
            target.write_bytes(data)
    (out_dir / MANIFEST).write_text("\n".join(files) + "\n")
    _prune_empty_dirs(out_dir, {f.split("/")[0] for f in files})


def _owned(rel: Path) -> bool:
    parts = rel.parts
    return not (parts[0] in (".buildinfo", ".doctrees", "_sources", ".nojekyll") or rel.name == ".buildinfo")


def _prune_empty_dirs(out_dir: Path, tops: set[str]) -> None:
    for top in sorted(tops):
        root = out_dir / top
        if root.is_dir() and top not in PROTECTED:
            for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                if not any(d.iterdir()):
                    d.rmdir()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------------------------- inputs


def claim_texts() -> dict[str, str]:
    """Claim id -> the paraphrased claim, from the curated ``claims.csv`` (empty when it cannot be read)."""
    from helpers.data import facts

    try:
        table = facts.curated("claims", date_columns=())
    except (OSError, KeyError, ValueError, TypeError):
        table = None
    if table is None:
        return {}
    return {str(r["claim_id"]): str(r["claim"]) for _, r in table.iterrows()}


def _qt_end() -> str | None:
    from helpers.studies import qt_mechanism

    try:
        end = qt_mechanism.regimes().loc["QT2", "end"]
    except (OSError, KeyError, ValueError, AttributeError):
        return None
    return None if end is None or str(end) == "NaT" else f"{end:%Y-%m-%d}"


def _read_json(path: Path, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise FileNotFoundError(f"{path}: results file missing; run the notebooks (qtlab run) first")
        return {}
    try:
        body = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return body if isinstance(body, dict) else {}
