"""What notebooks call to get data: cached series in catalog units, USD bn, and crypto closes.

A series missing from the cache is fetched first from its default source (the mirror when
``$QTLAB_MIRROR`` is set, else FRED or Coin Metrics), so a notebook runs from a fresh clone.

Crypto date convention
----------------------
The close of day D is the price at 00:00 UTC of D+1. The mirror labels that price D+1
(an *open snapshot*, CoinGecko's ``snapped_at``); Coin Metrics labels it D (the day whose
close it is). :func:`closes` shifts each source by its convention from the catalog, so
every source yields the same series.

Windows and gaps
----------------
Every loader takes an optional ``start`` / ``end`` (inclusive): the values returned are cut to
that window, and a hole longer than the series' catalog frequency allows inside it (the whole
series when no window is given) is reported by :func:`helpers.data.quality.report_gaps`: a
:class:`helpers.errors.DataGapWarning` and a record in :func:`helpers.data.quality.gaps_seen`.
:func:`series_read` lists the series read in this process (the results recorder reads both;
the data layer imports nothing above it).

Catalog lookups
---------------
Each public loader resolves its series id to the catalog's :class:`~helpers.data.catalog.SeriesSpec`
once, where it enters; the spec then travels down (the private loaders here, the store, the gap
check, validation and the source all take the spec), so one call looks the series up once.
"""

from __future__ import annotations

import pandas as pd

from helpers.aliases import Date
from helpers.data import catalog, quality
from helpers.data.catalog import SeriesSpec
from helpers.data.failures import fetch_failures
from helpers.data.store import Store
from helpers.errors import DataValidationError, MissingDataError

_SERIES_READ: list[str] = []


def series_read() -> list[str]:
    """Ids of the series read through this module in this process, in the order first read."""
    return list(_SERIES_READ)


def clear_series_read() -> None:
    """Forget the series read (a new notebook run starts afresh)."""
    _SERIES_READ.clear()


def _window(values: pd.Series, spec: SeriesSpec, start: Date, end: Date,
            dated: pd.Index | None = None) -> pd.Series:
    """Report gaps of ``spec`` inside ``[start, end]`` and return ``values`` cut to that window.

    Gaps are those of ``dated`` (the dates that hold the series' primary value), by default the
    non-missing dates of ``values``.
    """
    quality.report_gaps(spec, pd.DatetimeIndex(values.index if dated is None else dated), start, end)
    if start is not None:
        values = values.loc[values.index >= pd.Timestamp(start)]
    if end is not None:
        values = values.loc[values.index <= pd.Timestamp(end)]
    return values


def load(series_id: str, store: Store | None = None, *, start: Date = None, end: Date = None) -> pd.DataFrame:
    """The cached frame of ``series_id`` (source units, source date labels), fetching it if absent.

    ``start`` / ``end`` cut the frame to a window (source date labels) and report gaps of its
    first value column inside it.
    """
    spec = catalog.get(series_id)
    frame = _load(spec, store)
    _window(frame[spec.value_columns[0]].dropna(), spec, start, end)
    if start is not None:
        frame = frame.loc[frame.index >= pd.Timestamp(start)]
    if end is not None:
        frame = frame.loc[frame.index <= pd.Timestamp(end)]
    return frame


def _load(spec: SeriesSpec, store: Store | None = None) -> pd.DataFrame:
    """The cached frame of ``spec``, fetched if absent; notes the read in :func:`series_read`."""
    store = store or Store()
    if not store.has(spec.id):
        from helpers.sources import default_source, get_source

        if not _available(spec, store):
            raise MissingDataError(
                f"series {spec.id!r} has no live source yet, only the mirror: set QTLAB_MIRROR to a directory "
                "laid out like ../shared/data and rerun"
            )
        store.update(spec, get_source(default_source(spec)))
    if spec.id not in _SERIES_READ:
        _SERIES_READ.append(spec.id)
    return store.read(spec)


def available(series_id: str, store: Store | None = None) -> bool:
    """Whether ``series_id`` is cached or some configured source can fetch it.

    Aggregates such as ``market_total`` have no live fetcher yet, only the mirror: without
    ``$QTLAB_MIRROR`` and an empty cache they are unavailable, and notebooks say so. A series that
    is not cached and whose last ``qtlab fetch`` failed (HTTP 451 from Binance in some countries, a
    FRED outage; :mod:`helpers.data.failures`) is unavailable too, so a notebook skips the section
    that needs it rather than failing on a second try.
    """
    return _available(catalog.get(series_id), store)


def _available(spec: SeriesSpec, store: Store | None = None) -> bool:
    """:func:`available` for a resolved spec."""
    from helpers.sources.mirror import mirror_root

    store = store or Store()
    if store.has(spec.id):
        return True
    if spec.id in fetch_failures(store.root):  # the last fetch tried and failed: do not try again mid-notebook
        return False
    return mirror_root() is not None or spec.sources != ("mirror",)


def cannot_run(series_id: str, what: str, store: Store | None = None) -> str:
    """One line saying that ``what`` cannot run here for want of ``series_id``, and why.

    The reason is the last ``qtlab fetch``'s (:mod:`helpers.data.failures`); the phrase "cannot run
    here" is the marker with which the end-of-run summary (:mod:`helpers.report.missing`) lists the section.
    """
    spec = catalog.get(series_id)
    return f"This section cannot run here: {what} needs {spec.id}, which is missing ({missing_reason(spec.id, store)})."


def missing_reason(series_id: str, store: Store | None = None) -> str:
    """Why ``series_id`` is missing here: the last fetch's reason, or that nothing here serves it."""
    return fetch_failures((store or Store()).root).get(series_id, "not cached, and no source here serves it")


def missing_table(series_ids: list[str], store: Store | None = None) -> pd.DataFrame:
    """Rows for a coverage table (:func:`helpers.data.quality.coverage`) of series missing here, with why."""
    rows = [{"series": s, "source": "missing", "description": catalog.get(s).description,
             "units": catalog.get(s).units, "frequency": catalog.get(s).frequency,
             "reason": missing_reason(s, store)} for s in series_ids]
    return pd.DataFrame(rows, columns=["series", "source", "description", "units", "frequency", "reason"]).set_index("series")


def series(series_id: str, usd_bn: bool = False, store: Store | None = None, *, start: Date = None,
           end: Date = None) -> pd.Series:
    """One FRED series with missing values dropped, optionally scaled to USD billions.

    ``start`` / ``end`` (inclusive) cut it to the window an analysis reads; gaps inside it are
    reported (see the module notes).

    Raises
    ------
    ValueError
        If ``usd_bn`` is asked of a series that is not money (no ``scale_to_usd_bn``).
    """
    return _series(catalog.get(series_id), usd_bn, store, start=start, end=end)


def _series(spec: SeriesSpec, usd_bn: bool = False, store: Store | None = None, *, start: Date = None,
            end: Date = None) -> pd.Series:
    """:func:`series` for a resolved spec."""
    if spec.kind != "fred":
        raise ValueError(f"series({spec.id!r}) is for FRED series; use closes({spec.id!r}) for crypto")
    values = _window(_load(spec, store)[spec.id].dropna(), spec, start, end)
    if usd_bn:
        if spec.scale_to_usd_bn is None:
            raise ValueError(f"{spec.id} is in {spec.units}, not money; usd_bn=True does not apply")
        values = values * spec.scale_to_usd_bn
    values.name = spec.id
    return values


def closes(symbol: str, column: str = "price_usd", store: Store | None = None, *, start: Date = None,
           end: Date = None) -> pd.Series:
    """Daily closes of a crypto series: value at D labelled as the close of day D (00:00 UTC of D+1).

    Parameters
    ----------
    symbol : str
        Crypto id from the catalog (``btc``, ``eth``, ``market_total``, ...).
    column : str
        Column to return (default ``price_usd``).
    start, end : Timestamp or str, optional
        Window of close dates (inclusive) the analysis reads; gaps of the series' primary column
        (the price, for an asset) inside it are reported. Secondary columns (an asset's market cap,
        volume, supply) are empty by construction on some sources' rows; notebooks handle that.
    """
    return _closes(catalog.get(symbol), column, store, start=start, end=end)


def _closes(spec: SeriesSpec, column: str = "price_usd", store: Store | None = None, *, start: Date = None,
            end: Date = None) -> pd.Series:
    """:func:`closes` for a resolved spec."""
    symbol = spec.id
    if spec.kind != "crypto":
        raise ValueError(f"closes({symbol!r}) is for crypto series; use series({symbol!r}) for FRED")
    if column not in spec.value_columns:
        raise ValueError(f"{symbol} has no column {column!r}; choose from {spec.value_columns}")
    store = store or Store()
    frame = _load(spec, store)
    convention = catalog.date_convention(store.manifest()[symbol].source, spec)
    shift = pd.Timedelta(days=1 if convention == "open_snapshot" else 0)
    values = frame[column].dropna()
    values.index = values.index - shift
    values.index.name = "date"
    values.name = symbol if column == "price_usd" else f"{symbol}_{column}"
    dated = frame.index[frame[spec.value_columns[0]].notna().to_numpy()] - shift
    return _window(values, spec, start, end, dated)


def last_dates(series_ids: list[str] | None = None, store: Store | None = None) -> dict[str, str]:
    """Last cached date of each series (all cached ones when ``series_ids`` is None)."""
    manifest = (store or Store()).manifest()
    ids = series_ids if series_ids is not None else sorted(manifest)
    return {s: manifest[s].last_date for s in ids if s in manifest}


def require_positive(values: pd.Series, what: str) -> pd.Series:
    """Return ``values`` if all positive, else raise naming ``what`` and the first bad date (for logs)."""
    bad = values[values <= 0]
    if not bad.empty:
        raise DataValidationError(f"{what}: non-positive value {bad.iloc[0]} on {bad.index[0]:%Y-%m-%d}; cannot take logs")
    return values


def primary(series_id: str, store: Store | None = None, *, start: Date = None, end: Date = None) -> pd.Series:
    """The main value of any catalog series: the FRED value, or the close of a crypto file's first column."""
    spec = catalog.get(series_id)
    if spec.kind == "fred":
        return _series(spec, store=store, start=start, end=end)
    return _closes(spec, spec.value_columns[0], store=store, start=start, end=end)


def sources_of(series_ids: list[str], store: Store | None = None) -> dict[str, str]:
    """The source each cached series came from (``mirror``, ``fred``, ``coinmetrics``)."""
    manifest = (store or Store()).manifest()
    return {s: manifest[s].source for s in series_ids if s in manifest}
