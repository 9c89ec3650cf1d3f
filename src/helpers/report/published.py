"""The merged results of the published edition, ``reports/results.json`` (schema in DESIGN.md).

Stamps come from the data snapshot (the newest retrieval time in the cache manifest), not the
clock, so a rerun on the same data writes the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.report.files import read_json


def _manifest() -> dict[str, Any]:
    from helpers.data import store

    return dict(store.Store().manifest())


def last_close_date(series_id: str, entry: Any) -> str:
    """Last date in the project's convention: for crypto open snapshots, the day whose close it is."""
    import pandas as pd

    from helpers.data import catalog

    spec = catalog.CATALOG.get(series_id)
    if spec is not None and catalog.date_convention(entry.source, spec) == "open_snapshot":
        return (pd.Timestamp(entry.last_date) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return str(entry.last_date)


def results_body(results_folder: Path) -> dict[str, Any]:
    """Merge the per-notebook files in ``results_folder`` with the data snapshot's dates."""
    manifest = _manifest()
    body: dict[str, Any] = {
        "generated_at": max((e.retrieved_at for e in manifest.values()), default=None),
        "data_last_date": {k: last_close_date(k, e) for k, e in sorted(manifest.items())},
        "notebooks": {},
        "claims": {},
    }
    for path in sorted(results_folder.glob("*.json")):
        nb = read_json(path, {}) or {}
        body["notebooks"][path.stem] = nb.get("figures", {})
        body["claims"].update(nb.get("claims", {}))
    body["claims"] = dict(sorted(body["claims"].items()))
    return body


def coverage(used: list[str]) -> str:
    """'N series, to <latest>; earliest end <date> (<series>)' for the series a notebook read."""
    manifest = _manifest()
    last = {s: last_close_date(s, manifest[s]) for s in used if s in manifest}
    if not last:
        return "n/a"
    oldest = min(last, key=lambda s: last[s])
    return f"{len(last)} series, to {max(last.values())}; earliest end {last[oldest]} ({oldest})"
