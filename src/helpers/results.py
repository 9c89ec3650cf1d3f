"""Headline figures and claim verdicts, recorded by notebooks and merged by the runner.

Each notebook calls :func:`start` once, then :func:`record` for every headline figure and
:func:`claim` for every claim it tests. They land in ``reports/results/<notebook>.json``;
``qtlab run`` merges these into ``reports/results.json`` (schema in DESIGN.md).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers import paths
from helpers.store import atomic_write

if TYPE_CHECKING:
    import pandas as pd

#: The allowed verdicts, from CLAIMS.md.
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "inconclusive", "untestable here")
_CLAIM_ID = re.compile(r"^C(0[1-9]|[12][0-9]|30)$")
_KEY = re.compile(r"^[a-z0-9_]+$")

_current: str | None = None
_series_used: set[str] = set()


def results_dir() -> Path:
    """Folder of the per-notebook result files."""
    return paths.reports_dir() / "results"


def start(notebook: str) -> None:
    """Begin recording for ``notebook`` (e.g. ``"01_qt_mechanism"``), clearing its previous results."""
    global _current
    _series_used.clear()
    if not re.match(r"^\d\d_[a-z0-9_]+$", notebook):
        raise ValueError(f"notebook name {notebook!r} must look like '01_qt_mechanism'")
    _current = notebook
    _save({"figures": {}, "claims": {}})


def record(key: str, value: float | int | str | None, unit: str, note: str = "") -> float | int | str | None:
    """Record one headline figure and return ``value`` so a cell can display it.

    Parameters
    ----------
    key : str
        Stable snake_case name (issues fix the names of required keys).
    value : float, int, str or None
        The figure; ``None`` (with a note) when the data do not reach it yet. NaN is stored as None.
    unit : str
        ``"USD bn"``, ``"ratio"``, ``"log return"``, ...
    note : str
        Definition or caveat in one line (N, sample, source).
    """
    if not _KEY.match(key):
        raise ValueError(f"result key {key!r} must be snake_case ([a-z0-9_]+)")
    if isinstance(value, float) and math.isnan(value):
        value = None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()  # type: ignore[union-attr]
    body = _load()
    body["figures"][key] = {"value": value, "unit": unit, "note": note}
    _save(body)
    return value


def claim(claim_id: str, verdict: str, evidence: str, test: str = "", rule: str = "") -> dict[str, str]:
    """Record the verdict on a claim of CLAIMS.md.

    Parameters
    ----------
    claim_id : str
        ``"C01"`` to ``"C25"``.
    verdict : str
        One of :data:`VERDICTS`.
    evidence : str
        Effect size with interval and N, in one or two sentences.
    test : str
        The test used, in a few words.
    rule : str
        Name of the rule function in ``helpers.claims`` that produced the verdict.
    """
    if not _CLAIM_ID.match(claim_id):
        raise ValueError(f"claim id {claim_id!r} must be C01..C30")
    if verdict not in VERDICTS:
        raise ValueError(f"verdict {verdict!r} must be one of {VERDICTS}")
    body = _load()
    entry = {"verdict": verdict, "evidence": evidence, "test": test, "notebook": _require_current()}
    if rule:
        entry["rule"] = rule
    body["claims"][claim_id] = entry
    _save(body)
    return entry


def note_series(series_id: str) -> None:
    """Remember that the current notebook read ``series_id`` (the index shows its coverage)."""
    if _current is None or series_id in _series_used:
        return
    _series_used.add(series_id)
    body = _load()
    body["series_used"] = sorted(_series_used)
    _save(body)


def recorded() -> dict[str, Any]:
    """What the current notebook has recorded so far: ``{"figures": {...}, "claims": {...}}``."""
    return _load()


def figures_table() -> pd.DataFrame:
    """The current notebook's headline figures as a table (key, value, unit, note)."""
    import pandas as pd

    return pd.DataFrame.from_dict(_load()["figures"], orient="index", columns=["value", "unit", "note"])


def claims_table() -> pd.DataFrame:
    """The current notebook's claim verdicts as a table (claim id, verdict, evidence, test)."""
    import pandas as pd

    return pd.DataFrame.from_dict(_load()["claims"], orient="index", columns=["verdict", "evidence", "test"])


def read_notebook_results(path: Path) -> dict[str, Any]:
    """Read one per-notebook result file."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _require_current() -> str:
    if _current is None:
        raise RuntimeError("call helpers.results.start('<notebook>') before recording results")
    return _current


def _path() -> Path:
    return results_dir() / f"{_require_current()}.json"


def _load() -> dict[str, Any]:
    path = _path()
    return read_notebook_results(path) if path.is_file() else {"figures": {}, "claims": {}}


def _save(body: dict[str, Any]) -> None:
    with atomic_write(_path()) as fh:
        json.dump(body, fh, indent=1, sort_keys=True, allow_nan=False)
        fh.write("\n")
