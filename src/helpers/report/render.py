"""Byte-stable executed notebooks and their standalone HTML.

The same data give the same bytes: consecutive stream outputs are merged (nbconvert's
``CoalesceStreamsPreprocessor``: how prints are split into blocks varies from run to run), and
run-dependent metadata (papermill's timings, execution stamps, the interpreter's patch version,
the project's absolute path in warnings and tracebacks) is removed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.report.files import write_text


def clean(nb: Any) -> Any:
    """Return ``nb`` (a NotebookNode) with streams coalesced and run-dependent metadata removed."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    replacements = [(str(paths.project_root()), "<project>"), (sys.prefix, "<env>")]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = _replace(output["text"], replacements)
            elif output.get("output_type") == "error":
                output["traceback"] = [_replace(line, replacements) for line in output.get("traceback", [])]
    return nb


def _replace(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        if old and old != "/":
            text = text.replace(old, new)
    return text


def clean_file(path: Path) -> Any:
    """Clean the executed notebook at ``path`` in place (atomically); return the cleaned node."""
    import nbformat

    nb = clean(nbformat.read(path, as_version=4))
    write_text(path, nbformat.writes(nb) + "\n")
    return nb


def render_html(nb: Any, html_path: Path) -> None:
    """Render a cleaned notebook node to standalone HTML (JupyterLab's template)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    write_text(html_path, body)
