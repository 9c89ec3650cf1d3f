"""A local directory laid out like ``../shared/data`` (``fred/<ID>.csv``, ``crypto/<symbol>.csv``).

The mirror stands in for FRED and CoinGecko-style snapshots on machines without internet.
It is read in place and never copied into the repository; :mod:`helpers.data.store` caches what
is read under ``data/raw/`` like any other source.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers.data.catalog import SeriesSpec, SourceName
from helpers.data.validation import parse_csv_frame
from helpers.errors import MissingDataError
from helpers.sources.base import Fetched

MIRROR_ENV = "QTLAB_MIRROR"
_COLLECTED = re.compile(r"Collected\s+(\d{4}-\d{2}-\d{2})")


def mirror_root(path: str | Path | None = None) -> Path | None:
    """The mirror directory from ``path`` or ``$QTLAB_MIRROR``; ``None`` when neither is set."""
    chosen = path if path is not None else os.environ.get(MIRROR_ENV)
    return Path(chosen).expanduser().resolve() if chosen else None


class MirrorSource:
    """Read series from a mirror directory.

    Parameters
    ----------
    root : str or Path
        Directory with ``fred/`` and ``crypto/`` subfolders, each with a ``PROVENANCE.md``.
    """

    name: SourceName = "mirror"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise MissingDataError(f"mirror directory {self.root} does not exist (set {MIRROR_ENV} or --mirror)")

    def fetch(self, spec: SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        """Read ``spec`` from the mirror, from ``start`` on."""
        path = self.root / spec.mirror_path
        if not path.is_file():
            raise MissingDataError(f"series {spec.id!r}: the mirror has no file {path}")
        frame = parse_csv_frame(path, spec.value_columns)
        if start is not None:
            frame = frame.loc[frame.index >= start]
        return Fetched(frame=frame, source=self.name, as_of=self._as_of(path))

    @staticmethod
    def _as_of(path: Path) -> str:
        """Collection date stated in the folder's PROVENANCE.md, else the file's mtime (UTC).

        Using the stated date keeps reports byte-identical across machines that hold the same
        mirror, whatever the files' mtimes.
        """
        root = path.parent
        while root != root.parent and not (root / "fred").is_dir():
            root = root.parent
        candidates = [path.parent / "PROVENANCE.md", *sorted(root.glob("*/PROVENANCE.md"))]
        for provenance in candidates:
            if provenance.is_file():
                found = _COLLECTED.search(provenance.read_text(encoding="utf-8"))
                if found:
                    return f"{found.group(1)}T00:00:00Z"
        stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
