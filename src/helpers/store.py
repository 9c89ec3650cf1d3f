"""The on-disk cache of fetched series: atomic writes, a manifest, validation on read, refresh.

Layout under ``data/raw/``: one ``<series>.csv`` per series (first column ``date``) and a
``manifest.json`` mapping each series to its source, retrieval time (UTC), first and last
date, row count and the file's sha256. Every write goes to a temporary file in the same
directory and is then renamed over the target, so a crash leaves the previous file intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from helpers import catalog, paths
from helpers.errors import DataValidationError, MissingDataError
from helpers.sources.base import Fetched, Source
from helpers.validation import parse_csv_frame

#: Days refetched before the last cached date, to pick up revisions.
REFRESH_OVERLAP_DAYS = 14


@dataclass(frozen=True)
class ManifestEntry:
    """Provenance of one cached series."""

    source: str
    retrieved_at: str
    first_date: str
    last_date: str
    rows: int
    sha256: str


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """Cache of series under ``root`` (default ``data/raw/``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.raw_dir()

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def path(self, series_id: str) -> Path:
        """File that caches ``series_id``."""
        return self.root / f"{series_id}.csv"

    def manifest(self) -> dict[str, ManifestEntry]:
        """All manifest entries; an unreadable manifest is an error naming the file."""
        if not self.manifest_path.is_file():
            return {}
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return {k: ManifestEntry(**v) for k, v in raw.items()}
        except (json.JSONDecodeError, TypeError) as exc:
            raise DataValidationError(f"{self.manifest_path}: corrupt manifest ({exc}); delete it and refetch") from exc

    def has(self, series_id: str) -> bool:
        return series_id in self.manifest() and self.path(series_id).is_file()

    def read(self, series_id: str) -> pd.DataFrame:
        """The cached frame of ``series_id``, validated; raises naming the file and bad row."""
        spec = catalog.get(series_id)
        path = self.path(series_id)
        if not path.is_file():
            raise MissingDataError(f"series {series_id!r} is not cached at {path}; run `qtlab fetch --series {series_id}`")
        return parse_csv_frame(path, spec.value_columns)

    def write(self, series_id: str, fetched: Fetched) -> ManifestEntry:
        """Write a whole frame atomically and record it in the manifest; skip if unchanged."""
        frame = fetched.frame.sort_index()
        if frame.empty:
            raise DataValidationError(f"series {series_id!r}: {fetched.source} returned no rows; nothing written")
        text = frame.to_csv(index_label="date", date_format="%Y-%m-%d", float_format="%.10g", lineterminator="\n")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        manifest = self.manifest()
        old = manifest.get(series_id)
        if old is not None and old.sha256 == digest and old.source == fetched.source and self.path(series_id).is_file():
            return old
        with atomic_write(self.path(series_id)) as fh:
            fh.write(text)
        entry = ManifestEntry(
            source=fetched.source,
            retrieved_at=fetched.as_of,
            first_date=frame.index[0].strftime("%Y-%m-%d"),
            last_date=frame.index[-1].strftime("%Y-%m-%d"),
            rows=len(frame),
            sha256=digest,
        )
        manifest[series_id] = entry
        self._write_manifest(manifest)
        return entry

    def update(self, series_id: str, source: Source, refresh: bool = False) -> ManifestEntry:
        """Fetch ``series_id`` into the cache.

        Without ``refresh`` a cached series from the same source is left alone. With it, only
        dates after the last cached date minus :data:`REFRESH_OVERLAP_DAYS` are fetched and
        spliced on, new values replacing old ones on overlapping dates (revisions).
        """
        spec = catalog.get(series_id)
        entry = self.manifest().get(series_id)
        same_source = entry is not None and entry.source == source.name and self.path(series_id).is_file()
        if same_source and not refresh:
            assert entry is not None
            return entry
        if same_source:
            assert entry is not None
            start = pd.Timestamp(entry.last_date) - pd.Timedelta(days=REFRESH_OVERLAP_DAYS)
            new = source.fetch(spec, start=start)
            old = self.read(series_id)
            merged = pd.concat([old.loc[old.index < start], new.frame])
            merged = merged[~merged.index.duplicated(keep="last")].sort_index()
            return self.write(series_id, Fetched(merged, new.source, new.as_of))
        return self.write(series_id, source.fetch(spec))

    def _write_manifest(self, manifest: dict[str, ManifestEntry]) -> None:
        body = {k: asdict(v) for k, v in sorted(manifest.items())}
        with atomic_write(self.manifest_path) as fh:
            json.dump(body, fh, indent=1, sort_keys=True)
            fh.write("\n")
