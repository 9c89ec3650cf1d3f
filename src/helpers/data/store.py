"""The on-disk cache of fetched series: validated, merge-only refresh, locked manifest, crash-consistent writes.

Layout under ``data/raw/``: one ``<series>.csv`` per series (first column ``date``), a
``<series>.parquet`` copy of the same validated frame for fast loads, and a ``manifest.json``
mapping each series to its source, retrieval time (UTC), first and last date, row count, the
CSV's sha256, size and mtime, and the revisions its last refresh brought.

Rules
-----
- Everything a source returns is checked by :func:`helpers.data.validation.validate_fetched` before
  anything is written; a bad answer leaves the cache untouched.
- A refresh merges: new dates are appended, values inside the overlap window may be revised
  (counted), but an answer that is empty, ends before the cache or lacks dates the cache holds
  keeps the cache as it is (:class:`UpdateResult` says so). Only ``force=True`` replaces.
- Every manifest read-modify-write holds a :class:`filelock.FileLock`, so concurrent fetches of
  different series keep every entry.
- Data, parquet copy and manifest are written to temporary files first; a small journal lists
  the renames before they happen, so a crash at any point is rolled forward (or leaves the old
  state) the next time the cache is written. Stray temporary files are removed then.
- A cached CSV whose sha256 differs from the manifest is an error naming the file and the
  repair command; OS errors are one line naming the path (:class:`helpers.errors.CacheIOError`).
- :meth:`Store.read`, :meth:`Store.write` and :meth:`Store.update` take a catalog id or its
  :class:`~helpers.data.catalog.SeriesSpec` and resolve it once (:func:`helpers.data.catalog.resolve`);
  everything below them (merging, validation, the source) is handed the spec.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from helpers import paths
from helpers.data import catalog
from helpers.data.catalog import SeriesSpec
from helpers.data.validation import check_frame, parse_csv_frame, validate_fetched
from helpers.errors import CacheIntegrityError, CacheIOError, DataValidationError, MissingDataError, cache_io_error
from helpers.sources.base import Fetched, Source

#: Days refetched before the last cached date, to pick up revisions.
REFRESH_OVERLAP_DAYS = 14
#: Seconds to wait for another process's manifest lock before giving up.
LOCK_TIMEOUT = 120.0
_CSV_OPTIONS: dict[str, Any] = {"index_label": "date", "date_format": "%Y-%m-%d", "float_format": "%.10g",
                                "lineterminator": "\n"}
_SHA_KEY = b"qtlab_csv_sha256"

Status = Literal["new", "updated", "unchanged", "kept", "replaced", "cached"]


@dataclass(frozen=True)
class ManifestEntry:
    """Provenance of one cached series.

    ``size`` and ``mtime_ns`` are the CSV's as written, so a later read can trust the file (and
    its parquet copy) without hashing it; ``revisions`` counts the cached values the last
    refresh changed; ``fingerprint`` is what the source said identifies its current answer
    (a mirror file's size and mtime), so a refresh of an unchanged mirror reads nothing.
    """

    source: str
    retrieved_at: str
    first_date: str
    last_date: str
    rows: int
    sha256: str
    size: int | None = None
    mtime_ns: int | None = None
    revisions: int = 0
    fingerprint: str | None = None


@dataclass(frozen=True)
class UpdateResult:
    """What :meth:`Store.update` did to one series.

    ``status``: ``new`` (first fetch), ``updated`` (rows added or revised), ``unchanged``
    (the answer matched the cache), ``kept`` (the answer would have lost data: the cache is
    unchanged, ``note`` says why), ``replaced`` (``force`` or another source), ``cached``
    (already cached and no refresh asked).
    """

    entry: ManifestEntry
    status: Status
    added: int = 0
    revisions: int = 0
    note: str = ""

    def line(self, series_id: str) -> str:
        """One line for ``qtlab fetch``."""
        e = self.entry
        text = f"{series_id:<28} {e.source:<12} {e.first_date} .. {e.last_date} ({e.rows} rows) {self.status}"
        if self.status == "updated":
            text += f": +{self.added} rows, {self.revisions} revised"
        if self.note:
            text += f": {self.note}"
        return text


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


def csv_text(frame: pd.DataFrame) -> str:
    """The cache's CSV form of ``frame`` (what its sha256 is taken of).

    Byte for byte what ``frame.to_csv(index_label="date", date_format="%Y-%m-%d", float_format="%.10g",
    lineterminator="\n")`` writes for float columns (missing values empty), formatted column by
    column, which is about ten times faster than pandas' per-cell formatter.
    """
    dates = list(frame.index.strftime("%Y-%m-%d"))
    columns = [[f"{x:.10g}" if x == x else "" for x in frame[c].to_numpy(dtype=float).tolist()] for c in frame.columns]
    header = ",".join(["date", *map(str, frame.columns)])
    return "\n".join([header, *map(",".join, zip(dates, *columns, strict=True))]) + "\n"


#: Parsed manifests by path, keyed by the file's (size, mtime_ns, inode): loads read it once.
_MANIFEST_MEMO: dict[Path, tuple[tuple[int, int, int], dict[str, ManifestEntry]]] = {}
_ENTRY_FIELDS = {f.name for f in fields(ManifestEntry)}
#: Validated frames read in this process, keyed by (CSV size, mtime_ns, sha256): a notebook that loads
#: the same series ten times reads it once.
_READ_MEMO: dict[Path, tuple[tuple[int, int, str], pd.DataFrame]] = {}


class Store:
    """Cache of series under ``root`` (default ``data/raw/``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.raw_dir()
        self._held = False  # this object holds the lock (recovery already ran)

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    @property
    def _journal(self) -> Path:
        return self.root / ".journal.json"

    def path(self, series_id: str) -> Path:
        """File that caches ``series_id``."""
        return self.root / f"{series_id}.csv"

    def parquet_path(self, series_id: str) -> Path:
        """Fast-load copy of ``series_id``'s validated frame (same content as the CSV)."""
        return self.root / f"{series_id}.parquet"

    # ----------------------------------------------------------------------------------------
    # reading
    # ----------------------------------------------------------------------------------------

    def manifest(self) -> dict[str, ManifestEntry]:
        """All manifest entries; an unreadable manifest is an error naming the file."""
        if not self._held and self._journal.is_file():
            self._try_recover()
        path = self.manifest_path
        try:
            st = path.stat()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise cache_io_error(path, exc, "read the manifest") from None
        if not path.is_file():
            raise CacheIOError(f"{path}: is a directory, not the manifest file; remove it and run `qtlab fetch --force`")
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        memo = _MANIFEST_MEMO.get(path)
        if memo is not None and memo[0] == key:
            return dict(memo[1])
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            entries = {k: ManifestEntry(**{f: x for f, x in v.items() if f in _ENTRY_FIELDS}) for k, v in raw.items()}
        except (json.JSONDecodeError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise DataValidationError(
                f"{path}: corrupt manifest ({exc}); delete it and run `qtlab fetch --force`") from None
        except OSError as exc:
            raise cache_io_error(path, exc, "read the manifest") from None
        _MANIFEST_MEMO[path] = (key, entries)
        return dict(entries)

    def has(self, series_id: str) -> bool:
        return series_id in self.manifest() and self.path(series_id).is_file()

    def read(self, series: str | SeriesSpec) -> pd.DataFrame:
        """The cached frame of ``series`` (an id or its spec), validated; raises naming the file and bad row.

        When the CSV's size and mtime are those the manifest recorded, its parquet copy (written
        from the same validated frame, tagged with the same sha256) is read instead of parsing the
        CSV again. Otherwise the CSV is parsed and validated, and its sha256 compared with the
        manifest's: a mismatch names the file and the command that repairs it.
        """
        spec = catalog.resolve(series)
        series_id = spec.id
        path = self.path(series_id)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise MissingDataError(
                f"series {series_id!r} is not cached at {path}; run `qtlab fetch --series {series_id}`") from None
        except OSError as exc:
            raise cache_io_error(path, exc, "read") from None
        if not path.is_file():
            raise CacheIOError(f"{path}: is a directory, not a file; remove it and run "
                               f"`qtlab fetch --series {series_id} --force`")
        entry = self.manifest().get(series_id)
        if entry is not None and entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns:
            key = (st.st_size, st.st_mtime_ns, entry.sha256)
            memo = _READ_MEMO.get(path)
            if memo is not None and memo[0] == key:
                return memo[1].copy()
            fast = self._read_parquet(series_id, entry.sha256)
            if fast is not None:
                _READ_MEMO[path] = (key, fast)
                return fast.copy()
        repair = f"run `qtlab fetch --series {series_id} --force` to repair"
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise cache_io_error(path, exc, "read") from None
        try:
            frame = parse_csv_frame(path, spec.value_columns)
        except DataValidationError as exc:
            raise DataValidationError(f"{exc}; {repair}" if entry is not None else str(exc)) from None
        if entry is None:
            return frame
        digest = hashlib.sha256(body).hexdigest()
        if digest != entry.sha256:
            raise CacheIntegrityError(
                f"{path}: sha256 {digest[:12]} does not match {self.manifest_path.name} ({entry.sha256[:12]}): the file "
                f"changed outside qtlab; {repair}")
        self._remember_stat(series_id, frame, entry, st)
        return frame

    def _read_parquet(self, series_id: str, sha256: str) -> pd.DataFrame | None:
        """The parquet copy if it carries ``sha256``; ``None`` when absent, stale or unreadable."""
        import pyarrow.parquet as pq

        pq_path = self.parquet_path(series_id)
        try:
            table = pq.read_table(pq_path)
        except Exception:  # absent, truncated or foreign: fall back to the CSV
            return None
        meta = table.schema.metadata or {}
        if meta.get(_SHA_KEY, b"").decode() != sha256:
            return None
        frame = table.to_pandas()
        frame.index.name = "date"
        return frame

    def _remember_stat(self, series_id: str, frame: pd.DataFrame, entry: ManifestEntry, st: os.stat_result) -> None:
        """After a verified slow read, record the CSV's stat and a parquet copy (best effort: read-only is fine)."""
        try:
            with self._locked(timeout=0.5):
                manifest = self.manifest()
                current = manifest.get(series_id)
                if current is None or current.sha256 != entry.sha256:
                    return
                tmp_pq = self._temp_parquet(series_id, frame, entry.sha256)
                manifest[series_id] = replace(current, size=st.st_size, mtime_ns=st.st_mtime_ns)
                tmp_manifest = self._temp_manifest(manifest)
                self._commit([(tmp_pq, self.parquet_path(series_id)), (tmp_manifest, self.manifest_path)])
        except OSError:  # includes CacheIOError (lock busy, read-only cache)
            return

    # ----------------------------------------------------------------------------------------
    # writing
    # ----------------------------------------------------------------------------------------

    def write(self, series: str | SeriesSpec, fetched: Fetched, *, revisions: int = 0,
              fingerprint: str | None = None, today: pd.Timestamp | None = None) -> ManifestEntry:
        """Validate a whole frame of ``series`` (an id or its spec) and write it (CSV, parquet copy, manifest entry).

        Nothing is written when the frame is what the cache already holds.

        Raises
        ------
        DataValidationError
            The frame breaks the data contract; nothing is written.
        CacheIOError
            The operating system refused a write; one line naming the path.
        """
        spec = catalog.resolve(series)
        if fetched.frame.empty:
            raise DataValidationError(f"series {spec.id!r}: {fetched.source} returned no rows; nothing written")
        frame = validate_fetched(fetched, spec, today=today)
        return self._store(spec, frame, fetched.source, fetched.as_of, revisions, fingerprint)[0]

    def update(self, series: str | SeriesSpec, source: Source, refresh: bool = False, force: bool = False,
               today: pd.Timestamp | None = None) -> UpdateResult:
        """Fetch ``series`` into the cache without ever losing cached rows.

        Parameters
        ----------
        series : str or SeriesSpec
            Catalog id, or its spec (a caller that resolved it already: no second lookup).
        source : Source
            Where to fetch it from.
        refresh : bool
            Fetch what is new: dates from the last cached date minus :data:`REFRESH_OVERLAP_DAYS`,
            merged into the cache (revisions in the window counted). Without it, a series cached
            from the same source is left alone.
        force : bool
            Fetch the whole history and replace the cache, whatever it held.
        today : Timestamp, optional
            Dates after it are refused (default: today, UTC); tests pin it.

        Returns
        -------
        UpdateResult
            The manifest entry afterwards and what happened (``kept`` with a note when the answer
            was empty, ended earlier than the cache or lacked cached dates).
        """
        spec = catalog.resolve(series)
        series_id = spec.id
        entry = self.manifest().get(series_id)
        cached = entry is not None and self.path(series_id).is_file()
        fingerprint = _fingerprint(source, spec)
        if force or not cached:
            fetched = source.fetch(spec)
            if fetched.frame.empty:
                raise DataValidationError(f"series {series_id!r}: {fetched.source} returned no rows; nothing written")
            frame = validate_fetched(fetched, spec, today=today)
            new_entry, changed = self._store(spec, frame, fetched.source, fetched.as_of, 0, fingerprint)
            status: Status = "new" if not cached else ("replaced" if changed else "unchanged")
            return UpdateResult(new_entry, status, added=len(frame) if not cached else 0)
        assert entry is not None
        if entry.source != source.name:
            return self._switch_source(spec, source, entry, fingerprint, today)
        if not refresh:
            return UpdateResult(entry, "cached")
        if fingerprint is not None and fingerprint == entry.fingerprint:
            return UpdateResult(entry, "unchanged", note=f"{source.name} unchanged since the last fetch")
        start = pd.Timestamp(entry.last_date) - pd.Timedelta(days=REFRESH_OVERLAP_DAYS)
        fetched = source.fetch(spec, start=start)
        if fetched.frame.empty:
            return UpdateResult(entry, "kept", note=f"{source.name} returned no rows from {start:%Y-%m-%d}; cache kept")
        new = validate_fetched(fetched, spec, today=today)
        old = self.read(spec)
        return self._merge(spec, old, new, start, fetched, entry, fingerprint, today)

    def _switch_source(self, spec: SeriesSpec, source: Source, entry: ManifestEntry,
                       fingerprint: str | None, today: pd.Timestamp | None) -> UpdateResult:
        """Another source's full history replaces the cache only if it reaches as far (a day's label aside)."""
        fetched = source.fetch(spec)
        if fetched.frame.empty:
            return UpdateResult(entry, "kept", note=f"{source.name} returned no rows; cache from {entry.source} kept")
        frame = validate_fetched(fetched, spec, today=today)
        if frame.index[-1] < pd.Timestamp(entry.last_date) - pd.Timedelta(days=1):
            return UpdateResult(entry, "kept", note=(
                f"{source.name} ends {frame.index[-1]:%Y-%m-%d}, before the cache ({entry.source}, {entry.last_date}); "
                f"cache kept (--force replaces it)"))
        new_entry, _ = self._store(spec, frame, fetched.source, fetched.as_of, 0, fingerprint)
        return UpdateResult(new_entry, "replaced", note=f"was {entry.source}")

    def _merge(self, spec: SeriesSpec, old: pd.DataFrame, new: pd.DataFrame,
               start: pd.Timestamp, fetched: Fetched, entry: ManifestEntry, fingerprint: str | None,
               today: pd.Timestamp | None) -> UpdateResult:
        """Merge a refresh answer into the cached frame, or keep the cache when the answer would lose rows."""
        if new.index[-1] < old.index[-1]:
            return UpdateResult(entry, "kept", note=(
                f"{fetched.source} ends {new.index[-1]:%Y-%m-%d}, before the cache ({old.index[-1]:%Y-%m-%d}); cache kept"))
        window = old.index[old.index >= start]
        lacking = window.difference(new.index)
        if len(lacking):
            return UpdateResult(entry, "kept", note=(
                f"{fetched.source} sent {int(new.index.isin(window).sum())} of the {len(window)} cached dates from "
                f"{start:%Y-%m-%d} (first missing {lacking[0]:%Y-%m-%d}); cache kept"))
        both = new.index.intersection(old.index)
        fresh = new.loc[new.index.difference(old.index)]
        old_part = old.loc[both, list(spec.value_columns)]
        # a refresh never replaces a value by a missing one; values compare as the cache writes them
        new_part = new.loc[both, list(spec.value_columns)].where(new.loc[both].notna(), old_part)
        rounded_new = _as_written(new_part)
        rounded_old = _as_written(old_part)
        same = (rounded_new == rounded_old) | (rounded_new.isna() & rounded_old.isna())
        revisions = int((~same.all(axis=1)).sum())
        merged = old.copy()
        merged.loc[both, list(spec.value_columns)] = new_part
        merged = pd.concat([merged, fresh]).sort_index()
        if len(fresh) == 0 and revisions == 0:
            if fingerprint is not None and fingerprint != entry.fingerprint:
                entry = self._set_fingerprint(spec.id, fingerprint)
            return UpdateResult(entry, "unchanged")
        tail_start = min([*fresh.index[:1], *both[~same.all(axis=1).to_numpy()][:1]])
        merged = check_frame(merged, spec, f"series {spec.id!r} from {fetched.source} (merged with the cache)",
                             today=today, tail_start=tail_start)
        new_entry, _ = self._store(spec, merged, fetched.source, fetched.as_of, revisions, fingerprint)
        return UpdateResult(new_entry, "updated", added=len(fresh), revisions=revisions)

    def _set_fingerprint(self, series_id: str, fingerprint: str) -> ManifestEntry:
        with self._locked():
            manifest = self.manifest()
            entry = replace(manifest[series_id], fingerprint=fingerprint)
            manifest[series_id] = entry
            self._commit([(self._temp_manifest(manifest), self.manifest_path)])
            return entry

    def _store(self, spec: SeriesSpec, frame: pd.DataFrame, source: str, as_of: str, revisions: int,
               fingerprint: str | None) -> tuple[ManifestEntry, bool]:
        """Write a validated frame of ``spec`` and its manifest entry under the lock; ``(entry, changed)``."""
        series_id = spec.id
        text = csv_text(frame)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._locked():
            manifest = self.manifest()
            old = manifest.get(series_id)
            if old is not None and old.sha256 == digest and old.source == source and self.path(series_id).is_file():
                if fingerprint is not None and old.fingerprint != fingerprint:
                    old = replace(old, fingerprint=fingerprint)
                    manifest[series_id] = old
                    self._commit([(self._temp_manifest(manifest), self.manifest_path)])
                return old, False
            tmp_csv = self._temp_file(self.path(series_id), text.encode("utf-8"))
            st = tmp_csv.stat()
            entry = ManifestEntry(
                source=source, retrieved_at=as_of, first_date=f"{frame.index[0]:%Y-%m-%d}",
                last_date=f"{frame.index[-1]:%Y-%m-%d}", rows=len(frame), sha256=digest,
                size=st.st_size, mtime_ns=st.st_mtime_ns, revisions=revisions, fingerprint=fingerprint,
            )
            manifest[series_id] = entry
            renames = [(tmp_csv, self.path(series_id))]
            try:
                renames.append((self._temp_parquet(series_id, frame, digest), self.parquet_path(series_id)))
                renames.append((self._temp_manifest(manifest), self.manifest_path))
            except BaseException:
                for tmp, _ in renames:
                    tmp.unlink(missing_ok=True)
                raise
            self._commit(renames)
            return entry, True

    # ----------------------------------------------------------------------------------------
    # crash consistency: temporary files, journal, lock
    # ----------------------------------------------------------------------------------------

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the cache's lock; roll forward an interrupted commit and clean stray temporary files first."""
        timeout = LOCK_TIMEOUT if timeout is None else timeout
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cache_io_error(self.root, exc, "create the cache directory") from None
        if not self.root.is_dir():
            raise CacheIOError(f"{self.root}: is a file, not the cache directory; move it away")
        lock = FileLock(self.root / ".manifest.lock", timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise CacheIOError(f"{self.root / '.manifest.lock'}: held by another qtlab process for over {timeout:g} s; "
                               "wait for it to finish (the lock is released when that process ends)") from None
        except OSError as exc:
            raise cache_io_error(self.root / ".manifest.lock", exc, "lock the manifest") from None
        try:
            self._held = True
            self._recover()
            yield
        finally:
            self._held = False
            lock.release()

    def _try_recover(self) -> None:
        """Roll an interrupted commit forward before reading, if the lock can be had (else read as is)."""
        try:
            with self._locked(timeout=5):
                pass
        except OSError:
            return

    def _recover(self) -> None:
        """Finish the renames of an interrupted commit, then remove temporary files nobody owns (lock held)."""
        if self._journal.is_file():
            try:
                pending = json.loads(self._journal.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pending = []
            for tmp, target in pending:
                if Path(tmp).is_file():
                    try:
                        os.replace(tmp, target)
                    except OSError as exc:
                        raise cache_io_error(target, exc, "finish an interrupted write to") from None
            self._journal.unlink(missing_ok=True)
            _MANIFEST_MEMO.pop(self.manifest_path, None)
        for stray in self.root.glob(".*.tmp"):
            stray.unlink(missing_ok=True)

    def _temp_file(self, target: Path, body: bytes) -> Path:
        """Write ``body`` to a synced temporary file beside ``target``; one-line error on OS failure."""
        fd, name = -1, ""
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            if name:
                Path(name).unlink(missing_ok=True)
            raise cache_io_error(target, exc, "write") from None
        return Path(name)

    def _temp_manifest(self, manifest: dict[str, ManifestEntry]) -> Path:
        body = {k: asdict(v) for k, v in sorted(manifest.items())}
        return self._temp_file(self.manifest_path, (json.dumps(body, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    def _temp_parquet(self, series_id: str, frame: pd.DataFrame, sha256: str) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=True)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), _SHA_KEY: sha256.encode()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        return self._temp_file(self.parquet_path(series_id), sink.getvalue().to_pybytes())

    def _commit(self, renames: list[tuple[Path, Path]]) -> None:
        """Rename temporary files over their targets as one step: journal first, so a crash rolls forward."""
        journal = [[str(t), str(d)] for t, d in renames]
        tmp_journal: Path | None = None
        try:
            tmp_journal = self._temp_file(self._journal, json.dumps(journal).encode("utf-8"))
            os.replace(tmp_journal, self._journal)
        except OSError as exc:
            for tmp in [*(t for t, _ in renames), *([tmp_journal] if tmp_journal else [])]:
                tmp.unlink(missing_ok=True)
            if isinstance(exc, CacheIOError):
                raise
            raise cache_io_error(self._journal, exc, "write") from None
        done = 0
        try:
            for tmp, target in renames:
                os.replace(tmp, target)
                done += 1
        except OSError as exc:
            if done == 0:  # nothing moved yet: abort cleanly, the old state stands
                for tmp, _ in renames:
                    tmp.unlink(missing_ok=True)
                self._journal.unlink(missing_ok=True)
            raise cache_io_error(renames[done][1], exc, "replace") from None
        self._journal.unlink(missing_ok=True)
        _MANIFEST_MEMO.pop(self.manifest_path, None)


def _as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """Values rounded as the cache's CSV writes them (``%.10g``), to compare revisions without float noise."""
    def fmt(x: float) -> float:
        return float(f"{x:.10g}") if np.isfinite(x) else np.nan
    return frame.astype(float).apply(lambda col: col.map(fmt))


def _fingerprint(source: Source, spec: SeriesSpec) -> str | None:
    """A cheap identity of what ``source`` would send for ``spec``, when it has one (else ``None``).

    A source may define ``fingerprint(spec) -> str | None``; a mirror's is its file's size and
    mtime, so refreshing an unchanged mirror reads and validates nothing.
    """
    method = getattr(source, "fingerprint", None)
    if callable(method):
        value = method(spec)
        return None if value is None else str(value)
    root = getattr(source, "root", None)
    if getattr(source, "name", None) == "mirror" and isinstance(root, Path):
        try:
            st = (root / spec.mirror_path).stat()
        except OSError:
            return None
        return f"{st.st_size}:{st.st_mtime_ns}"
    return None
