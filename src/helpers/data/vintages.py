"""Point-in-time FRED data: a series as it was known on each date (ALFRED vintages), cached.

The notebooks use revised (latest) values by default. For a real-time comparison (M2SL in the
Callahan-Alden replication) these functions return what a reader could have known:

* :func:`realtime` - each observation's value as first published (its first vintage);
* :func:`release_dates` - the day each observation was first published;
* :func:`as_known_on` - the whole series as it stood on one day;
* :func:`releases` - every value with the day it became known (the cached table behind the others).

Vintages are fetched once from ALFRED (:mod:`helpers.sources.alfred`, a FRED API key needed) and
cached as ``data/raw/vintages/<SERIES_ID>.csv``, written atomically; ``refresh=True`` fetches again.
Without a key, offline, or with FRED failing and no cached copy, every function raises
:class:`~helpers.sources.alfred.VintagesUnavailableError` (a ``SourceUnavailableError``) whose
one-line message says that the latest values are used instead: callers catch it, use
``helpers.data`` as usual and print the message.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.errors import DataValidationError
from helpers.sources.alfred import RELEASE_COLUMNS, VintagesUnavailableError, fetch_releases
from helpers.sources.fred import FredSource

__all__ = ["VintagesUnavailableError", "as_known_on", "cache_path", "realtime", "release_dates", "releases"]


def cache_path(series_id: str, root: Path | None = None) -> Path:
    """Where the vintages of ``series_id`` are cached: ``<root or data/raw>/vintages/<SERIES_ID>.csv``."""
    return (root or paths.raw_dir()) / "vintages" / f"{series_id}.csv"


def releases(
    series_id: str, *, refresh: bool = False, source: FredSource | None = None, root: Path | None = None
) -> pd.DataFrame:
    """Every value ``series_id`` has had, with the day it became known.

    Parameters
    ----------
    series_id : str
        FRED series id (``M2SL``).
    refresh : bool, optional
        Fetch from ALFRED even when a cached copy exists (the cache is replaced only on success).
    source : FredSource, optional
        The FRED source to use (default: ``FredSource()``, key from ``FRED_API_KEY``).
    root : Path, optional
        Cache root instead of ``data/raw``.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (observation period), ``realtime_start`` (day the value became known) and
        ``value`` (float), sorted by ``date`` then ``realtime_start``.

    Raises
    ------
    VintagesUnavailableError
        Not cached and not fetchable (no key, offline, FRED failing); use the latest values.
    DataValidationError
        The cached file is not a vintages table (the message names it).
    """
    path = cache_path(series_id, root)
    if path.is_file() and not refresh:
        return _read(path)
    try:
        table = fetch_releases(series_id, source)
    except VintagesUnavailableError:
        if path.is_file():
            return _read(path)
        raise
    _write(path, table)
    return table


def realtime(series_id: str, *, refresh: bool = False, source: FredSource | None = None, root: Path | None = None) -> pd.Series:
    """Each observation's value as first published: the series as it was known when each value appeared.

    Parameters
    ----------
    series_id : str
        FRED series id.
    refresh, source, root
        See :func:`releases`.

    Returns
    -------
    pandas.Series
        Float values indexed by observation date (``date``), named ``series_id``; the publication
        day of each is :func:`release_dates`.

    Raises
    ------
    VintagesUnavailableError
        As :func:`releases`.
    """
    first = releases(series_id, refresh=refresh, source=source, root=root).drop_duplicates("date", keep="first")
    return _series(first.set_index("date")["value"], series_id)


def release_dates(series_id: str, *, refresh: bool = False, source: FredSource | None = None, root: Path | None = None) -> pd.Series:
    """The day each observation of ``series_id`` was first published (index: observation date)."""
    first = releases(series_id, refresh=refresh, source=source, root=root).drop_duplicates("date", keep="first")
    dates = first.set_index("date")["realtime_start"]
    dates.index.name = "date"
    return dates.rename(series_id)


def as_known_on(
    series_id: str, day: str | pd.Timestamp, *, refresh: bool = False, source: FredSource | None = None, root: Path | None = None
) -> pd.Series:
    """The series as it stood on ``day``: every observation published by then, at its value of that day.

    Parameters
    ----------
    series_id : str
        FRED series id.
    day : str or pandas.Timestamp
        The real-time day (a vintage published on ``day`` counts).
    refresh, source, root
        See :func:`releases`.

    Returns
    -------
    pandas.Series
        Float values indexed by observation date; empty when nothing had been published by ``day``.
    """
    table = releases(series_id, refresh=refresh, source=source, root=root)
    known = table.loc[table["realtime_start"] <= pd.Timestamp(day)]
    latest = known.drop_duplicates("date", keep="last")
    return _series(latest.set_index("date")["value"], series_id)


def _series(values: pd.Series, series_id: str) -> pd.Series:
    values = values.astype(float)
    values.index = pd.DatetimeIndex(values.index, name="date")
    return values.rename(series_id)


def _write(path: Path, table: pd.DataFrame) -> None:
    from helpers.data.store import atomic_write

    with atomic_write(path) as handle:
        table.to_csv(handle, index=False, date_format="%Y-%m-%d", lineterminator="\n")


def _read(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, parse_dates=["date", "realtime_start"], date_format="%Y-%m-%d")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataValidationError(f"{path}: not a vintages table ({exc}); delete it to fetch again") from None
    if tuple(table.columns) != RELEASE_COLUMNS or not table["value"].dtype.kind == "f":
        if tuple(table.columns) != RELEASE_COLUMNS:
            raise DataValidationError(f"{path}: columns {list(table.columns)}, expected {list(RELEASE_COLUMNS)}")
        table["value"] = pd.to_numeric(table["value"], errors="coerce").astype(float)
    for column in ("date", "realtime_start"):
        table[column] = table[column].astype("datetime64[us]")
    return table.sort_values(["date", "realtime_start"], ignore_index=True)
