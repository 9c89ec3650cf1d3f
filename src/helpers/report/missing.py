"""What data were missing from a run, and what that cost: notebooks, sections and claims.

On a machine without the mirror some series cannot be fetched (a source refuses, is unreachable, or no
live source serves the series yet). ``qtlab fetch`` and ``qtlab run`` end with a summary built here
from what the project records, nothing hard-coded per notebook:

* **which series** - catalog series absent from the cache (the manifest), with the reason the last
  ``qtlab fetch`` gave (:func:`helpers.data.failures.record_fetch` keeps it in ``data/raw/fetch_failures.json``);
* **which notebooks** - those whose published results list the series in ``series_used`` (what each
  notebook read the last time it ran with it), and those that failed in this run;
* **which claims** - the declared series of each claim's test, ``data/claim_series.csv``, each with the
  notebook that records it (from the published results);
* **which sections** - the headings of the sections whose outputs say they could not run
  (:data:`MARKERS`, e.g. notebook 04's "This section cannot run here"), or where a notebook failed.

The summary is empty (false) when every catalog series is cached, so a run on the full mirror records
nothing and its ``results.json`` keeps its bytes.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.data.failures import fetch_failures

#: Phrases with which a notebook output says that a section could not run for want of data.
MARKERS: tuple[str, ...] = ("cannot run here", "is missing here")
#: Reason given for a series no fetch has tried or recorded.
NOT_CACHED = "not in the cache (run `qtlab fetch`)"
#: Longest note quoted from a notebook output.
NOTE_CHARS = 200

_MARKER = re.compile("|".join(re.escape(m) for m in MARKERS), re.IGNORECASE)


@dataclass(frozen=True)
class SeriesCost:
    """One missing series and what depends on it.

    Attributes
    ----------
    series_id : str
        Catalog id.
    reason : str
        Why it is missing (one line, from the last fetch).
    notebooks : tuple of str
        Notebooks that read it when they last ran with it.
    claims : tuple of str
        Claims whose declared test reads it (``data/claim_series.csv``).
    """

    series_id: str
    reason: str
    notebooks: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionNote:
    """A notebook section that said it could not run, or where a notebook failed."""

    notebook: str
    section: str
    note: str


@dataclass(frozen=True)
class MissingSummary:
    """The missing series, the sections that could not run and the notebooks that failed."""

    series: tuple[SeriesCost, ...] = ()
    sections: tuple[SectionNote, ...] = ()
    failed: tuple[tuple[str, str], ...] = field(default=())
    claim_notebook: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.series)

    @property
    def claims(self) -> tuple[str, ...]:
        """Every claim that depends on a missing series, sorted."""
        return tuple(sorted({c for s in self.series for c in s.claims}))

    def lines(self) -> list[str]:
        """The summary as lines for a terminal (empty when nothing is missing)."""
        if not self:
            return []
        where = dict(self.claim_notebook)
        named = [f"{c} ({where[c]})" if c in where else c for c in self.claims]
        out = [f"missing data: {len(self.series)} series unavailable"
               + (f"; claims depending on them: {', '.join(named)}" if named else "")]
        for s in self.series:
            out.append(f"  {s.series_id}: {s.reason}")
            out.append(f"    read by: {', '.join(s.notebooks) or 'no notebook'}; "
                       f"claims: {', '.join(s.claims) or 'none declared'}")
        if self.sections:
            out.append("  sections that could not run:")
            out += [f"    {n.notebook} / {n.section}: {n.note}" for n in self.sections]
        if self.failed:
            out.append("  notebooks that failed (their published edition is kept):")
            out += [f"    {name}: {error}" for name, error in self.failed]
        return out

    def to_dict(self) -> dict[str, Any]:
        """The summary for ``results.json`` (``missing_data``): plain, sorted, JSON-ready."""
        return {
            "series": {s.series_id: {"reason": s.reason, "notebooks": list(s.notebooks), "claims": list(s.claims)}
                       for s in self.series},
            "claims": {c: dict(self.claim_notebook).get(c, "") for c in self.claims},
            "sections": [{"notebook": n.notebook, "section": n.section, "note": n.note} for n in self.sections],
            "failed_notebooks": dict(self.failed),
        }


def summarize(unavailable: Mapping[str, str], reads: Mapping[str, Iterable[str]],
              claim_series: Mapping[str, Iterable[str]], notes: Iterable[SectionNote] = (),
              failed: Mapping[str, str] | None = None,
              claim_notebook: Mapping[str, str] | None = None) -> MissingSummary:
    """Put together what is missing and what depends on it.

    Parameters
    ----------
    unavailable : mapping
        Missing series id -> reason.
    reads : mapping
        Notebook -> series it read (its results' ``series_used``).
    claim_series : mapping
        Claim id -> series its test reads (declared).
    notes : iterable of SectionNote
        Sections that said they could not run.
    failed : mapping, optional
        Notebook -> error, for the notebooks that failed in this run.
    claim_notebook : mapping, optional
        Claim id -> the notebook that records its verdict.

    Returns
    -------
    MissingSummary
        Series sorted by id; false when ``unavailable`` is empty.
    """
    costs = tuple(
        SeriesCost(sid, reason,
                   tuple(sorted(nb for nb, used in reads.items() if sid in set(used))),
                   tuple(sorted(c for c, used in claim_series.items() if sid in set(used))))
        for sid, reason in sorted(unavailable.items()))
    if not costs:
        return MissingSummary()
    claims = {c for cost in costs for c in cost.claims}
    where = tuple(sorted((c, nb) for c, nb in (claim_notebook or {}).items() if c in claims))
    return MissingSummary(costs, tuple(notes), tuple(sorted((failed or {}).items())), where)


def unavailable(catalog_ids: Iterable[str], cached: Iterable[str], reasons: Mapping[str, str]) -> dict[str, str]:
    """Catalog series absent from the cache, each with its recorded reason (or :data:`NOT_CACHED`)."""
    have = set(cached)
    return {sid: reasons.get(sid, NOT_CACHED) for sid in catalog_ids if sid not in have}


def section_notes(notebook: str, nb: Mapping[str, Any]) -> list[SectionNote]:
    """Sections of an executed notebook whose outputs say they could not run, or hold an error.

    Parameters
    ----------
    notebook : str
        The notebook's name.
    nb : mapping
        The executed notebook (nbformat JSON).

    Returns
    -------
    list of SectionNote
        One per section (the last ``#`` heading above the cell; ``(top)`` before any), with the first
        matching line of its first matching output.
    """
    heading = "(top)"
    found: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in _text(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    heading = line.lstrip("#").strip()
            continue
        for output in cell.get("outputs", []):
            note = _note(output)
            if note and heading not in found:
                found[heading] = note
    return [SectionNote(notebook, h, n) for h, n in found.items()]


def _note(output: Mapping[str, Any]) -> str:
    """The line of one output that says a section could not run, or its error; ``""`` otherwise."""
    if output.get("output_type") == "error":
        return _short(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
    texts = [_text(output.get("text", ""))]
    data = output.get("data", {})
    texts += [_text(data.get(kind, "")) for kind in ("text/markdown", "text/plain") if isinstance(data, dict)]
    for text in texts:
        for line in text.splitlines():
            if _MARKER.search(line):
                return _short(line.lstrip("> ").replace("**", ""))
    return ""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 3] + "..."


# -- files ----------------------------------------------------------------------------------------------------


def declared_claims(path: Path) -> dict[str, list[str]]:
    """Claim id -> series its test reads, from ``data/claim_series.csv`` (empty when the file is missing)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["claim_id"]: (row.get("series") or "").split() for row in csv.DictReader(handle)}


def notebook_reads(results: Path) -> dict[str, list[str]]:
    """Notebook -> ``series_used`` of its result file in ``results`` (the published edition)."""
    out: dict[str, list[str]] = {}
    for path in sorted(results.glob("*.json")):
        used = _json(path).get("series_used")
        out[path.stem] = [str(s) for s in used] if isinstance(used, list) else []
    return out


def claim_notebooks(results: Path) -> dict[str, str]:
    """Claim id -> the notebook whose result file in ``results`` records its verdict."""
    out: dict[str, str] = {}
    for path in sorted(results.glob("*.json")):
        claims = _json(path).get("claims")
        out |= {str(c): path.stem for c in claims} if isinstance(claims, dict) else {}
    return out


def collect(root: Path | None = None, failed: Mapping[str, str] | None = None,
            executed: Mapping[str, Path] | None = None, *, notes: bool = True) -> MissingSummary:
    """The summary for the project at ``root`` (default: the current one).

    Parameters
    ----------
    root : Path, optional
        Project root (``$QTLAB_HOME`` or the checkout).
    failed : mapping, optional
        Notebook -> error for the notebooks that failed in this run.
    executed : mapping, optional
        Notebook -> executed notebook file of a failed run (its staging copy), scanned for where it failed.
    notes : bool, optional
        Scan the executed notebooks for sections that could not run (``qtlab fetch`` does not).

    Returns
    -------
    MissingSummary
        False when every catalog series is cached (nothing else is read then).
    """
    from helpers import paths
    from helpers.data import catalog

    s = paths.Settings(root) if root is not None else paths.settings()
    manifest = _json(s.raw / "manifest.json")
    entries = manifest.get("series", manifest) if isinstance(manifest, dict) else {}
    missing = unavailable(catalog.CATALOG, entries if isinstance(entries, dict) else {}, fetch_failures(s.raw))
    if not missing:
        return MissingSummary()
    notebooks = {p.stem: p for p in sorted(s.executed.glob("*.ipynb"))} | dict(executed or {})
    found = [n for name, path in sorted(notebooks.items()) for n in section_notes(name, _json(path))] if notes else []
    return summarize(missing, notebook_reads(s.published_results), declared_claims(s.curated / "claim_series.csv"),
                     found, failed, claim_notebooks(s.published_results))


def _json(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}
