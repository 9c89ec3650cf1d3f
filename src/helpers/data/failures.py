"""Why the last fetch of a series failed, kept beside the cache so later steps know what is missing.

``qtlab fetch`` records, for each series it could not fetch, the one-line reason (HTTP 451 from
Binance, a FRED 404, "no live source"); a later successful fetch forgets it. The file lives in the
cache folder (``data/raw/fetch_failures.json``) and is written atomically. Readers:
:func:`helpers.data.load.available` (a series that is not cached and failed to fetch is unavailable,
so a notebook skips the section that needs it instead of failing on it) and
:mod:`helpers.report.missing` (the end-of-run summary of what was missing and what it cost).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from helpers.data.store import atomic_write

FAILURES_FILE = "fetch_failures.json"


def record_fetch(raw: Path, failed: Mapping[str, str], fetched: Iterable[str]) -> None:
    """Keep the reasons of this fetch's failures in ``<raw>/fetch_failures.json``.

    Series fetched now are forgotten, failures of this fetch replace older ones, and series this fetch
    did not try keep what an earlier fetch recorded. The file is removed when nothing is left.
    """
    path = raw / FAILURES_FILE
    done = set(fetched)
    kept = {k: v for k, v in fetch_failures(raw).items() if k not in done} | dict(failed)
    if kept:
        raw.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as handle:
            handle.write(json.dumps(dict(sorted(kept.items())), indent=1) + "\n")
    else:
        path.unlink(missing_ok=True)


def fetch_failures(raw: Path) -> dict[str, str]:
    """Series id -> reason of the last failed fetch (empty when none is recorded or the file is unreadable)."""
    try:
        body = json.loads((raw / FAILURES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
