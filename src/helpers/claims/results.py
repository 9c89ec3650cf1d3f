"""Headline figures and claim verdicts, recorded by notebooks; only ``qtlab run`` publishes them.

Each notebook calls :func:`start` once, then :func:`record` for every headline figure and
:func:`claim` for every claim it tests. :func:`start` creates the one current :class:`Recorder`,
whose folder is decided here, in one place:

- under ``qtlab run`` the runner sets ``$QTLAB_RESULTS_DIR`` for the kernel it starts (a staging
  folder it publishes from once the notebook succeeded);
- anywhere else (JupyterLab, plain papermill, nbclient) the recorder writes into a scratch folder
  outside ``reports/`` (:attr:`helpers.paths.Settings.scratch`), so exploring never touches the
  published edition.

The recorder keeps its body in memory and rewrites its file atomically after each call (so a
notebook can read back what it recorded), never rereading it.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers import paths

if TYPE_CHECKING:
    import pandas as pd

#: The allowed verdicts, from CLAIMS.md.
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "inconclusive", "untestable here")
_CLAIM_ID = re.compile(r"^C(0[1-9]|[12][0-9]|30)$")
_KEY = re.compile(r"^[a-z0-9_]+$")
_NOTEBOOK = re.compile(r"^\d\d_[a-z0-9_]+$")


class Recorder:
    """Figures and verdicts of one notebook, written to ``<folder>/<notebook>.json``.

    Parameters
    ----------
    notebook : str
        The notebook's stem, e.g. ``"01_qt_mechanism"``.
    folder : Path
        Where the result file goes (decided by :func:`destination`).
    """

    def __init__(self, notebook: str, folder: Path) -> None:
        if not _NOTEBOOK.match(notebook):
            raise ValueError(f"notebook name {notebook!r} must look like '01_qt_mechanism'")
        self.notebook = notebook
        self.folder = folder
        self.figures: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, str]] = {}
        self.series: set[str] = set()

    def __repr__(self) -> str:
        return f"Recorder({self.notebook!r}, {len(self.figures)} figures, {len(self.claims)} claims)"

    @property
    def path(self) -> Path:
        """The result file, ``<folder>/<notebook>.json``."""
        return self.folder / f"{self.notebook}.json"

    def record(self, key: str, value: float | int | str | None, unit: str, note: str = "") -> float | int | str | None:
        """Record one headline figure (see :func:`record`) and save."""
        if not _KEY.match(key):
            raise ValueError(f"result key {key!r} must be snake_case ([a-z0-9_]+)")
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()  # type: ignore[union-attr]
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        self.figures[key] = {"value": value, "unit": unit, "note": note}
        self.save()
        return value

    def claim(self, claim_id: str, verdict: str, evidence: str, test: str = "", rule: str = "") -> dict[str, str]:
        """Record the verdict on a claim (see :func:`claim`) and save."""
        if not _CLAIM_ID.match(claim_id):
            raise ValueError(f"claim id {claim_id!r} must be C01..C30")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict {verdict!r} must be one of {VERDICTS}")
        entry = {"verdict": verdict, "evidence": evidence, "test": test, "notebook": self.notebook}
        if rule:
            entry["rule"] = rule
        self.claims[claim_id] = entry
        self.save()
        return entry

    def body(self) -> dict[str, Any]:
        """The result file's content: figures, claims, the series read and the data gaps seen."""
        return {"claims": self.claims, "data_gaps": _data_gaps(), "figures": self.figures,
                "series_used": sorted(self.series | _series_read())}

    def save(self) -> None:
        """Write the body atomically (a crash leaves the previous file whole)."""
        text = json.dumps(self.body(), indent=1, sort_keys=True, allow_nan=False) + "\n"
        _write_atomic(self.path, text)


_current: Recorder | None = None


def destination() -> Path:
    """Where a recorder started now writes: ``$QTLAB_RESULTS_DIR`` under ``qtlab run``, else scratch."""
    env = os.environ.get(paths.RESULTS_ENV)
    return Path(env) if env else paths.settings().scratch / "results"


def published_dir() -> Path:
    """The published edition's result files, ``reports/results/`` (read-only for notebooks)."""
    return paths.settings().published_results


def results_dir() -> Path:
    """The folder the current notebook's results (and the other notebooks' it may read) are in."""
    return _current.folder if _current is not None else destination()


def start(notebook: str) -> None:
    """Begin recording for ``notebook`` (e.g. ``"01_qt_mechanism"``) with an empty body.

    Returns None, so a cell ending in ``results.start(...)`` displays nothing (no object address in the
    report); :func:`current` gives the recorder.

    Outside ``qtlab run`` the scratch folder is first filled with the published results of the
    other notebooks, so a notebook that reads them (the claims ledger) sees the published edition.
    """
    global _current
    folder = destination()
    recorder = Recorder(notebook, folder)
    if paths.RESULTS_ENV not in os.environ:
        _seed_scratch(folder, exclude=notebook)
    _forget_reads()
    _current = recorder
    recorder.save()


def current() -> Recorder:
    """The current recorder; raises if :func:`start` was not called."""
    if _current is None:
        raise RuntimeError("call helpers.claims.results.start('<notebook>') before recording results")
    return _current


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
    return current().record(key, value, unit, note)


def claim(claim_id: str, verdict: str, evidence: str, test: str = "", rule: str = "") -> dict[str, str]:
    """Record the verdict on a claim of CLAIMS.md.

    Parameters
    ----------
    claim_id : str
        ``"C01"`` to ``"C30"``.
    verdict : str
        One of :data:`VERDICTS`.
    evidence : str
        Effect size with interval and N, in one or two sentences.
    test : str
        The test used, in a few words.
    rule : str
        Name of the verdict rule that produced the verdict (kept in the result file when given).
    """
    return current().claim(claim_id, verdict, evidence, test, rule)


def note_series(series_id: str) -> None:
    """Remember that the current notebook read ``series_id`` (kept until the data layer's registry lands)."""
    if _current is not None and series_id not in _current.series:
        _current.series.add(series_id)
        _current.save()


def recorded() -> dict[str, Any]:
    """What the current notebook has recorded so far: ``{"figures": {...}, "claims": {...}, ...}``."""
    return current().body()


def figures_table() -> pd.DataFrame:
    """The current notebook's headline figures as a table (key, value, unit, note)."""
    import pandas as pd

    return pd.DataFrame.from_dict(current().figures, orient="index", columns=["value", "unit", "note"])


def claims_table() -> pd.DataFrame:
    """The current notebook's claim verdicts as a table (claim id, verdict, evidence, test)."""
    import pandas as pd

    return pd.DataFrame.from_dict(current().claims, orient="index", columns=["verdict", "evidence", "test"])


def read_notebook_results(path: Path) -> dict[str, Any]:
    """Read one per-notebook result file."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _loaded(name: str) -> Any:
    """The module ``name`` if this process imported it (a notebook that never loaded data read no series)."""
    return sys.modules.get(name)


def _series_read() -> set[str]:
    """Series ids :func:`helpers.data.series_read` reports as read since :func:`start`."""
    data = _loaded("helpers.data")
    return {str(s) for s in data.series_read()} if data is not None else set()


def _data_gaps() -> list[dict[str, Any]]:
    """Data gaps :func:`helpers.data.quality.gaps_seen` reports since :func:`start`, as dicts."""
    quality = _loaded("helpers.data.quality")
    return [g.to_dict() for g in quality.gaps_seen()] if quality is not None else []


def _forget_reads() -> None:
    """Start afresh: clear the data layer's registries of series read and gaps seen."""
    for name, clear in (("helpers.data", "clear_series_read"), ("helpers.data.quality", "clear_gaps_seen")):
        module = _loaded(name)
        if module is not None:
            getattr(module, clear)()


def _seed_scratch(folder: Path, exclude: str) -> None:
    """Copy the published result files of the other notebooks into the scratch ``folder``."""
    source = published_dir()
    if not source.is_dir() or source.resolve() == folder.resolve():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.json"):
        if path.stem != exclude:
            shutil.copyfile(path, folder / path.name)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
