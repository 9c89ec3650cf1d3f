"""ALFRED (archival FRED): every value a FRED series has had, with the day each became known.

Uses fredapi's ALFRED calls through :meth:`FredSource.api_call <helpers.sources.fred.FredSource.api_call>`,
so they share FRED's rate limit, retries, deadline and redaction. FRED serves at most 2,000 vintage
dates per observations request, so :func:`all_releases` first reads the series' vintage dates
(``series/vintagedates``) and then asks ``get_series_all_releases`` for one real-time window of at
most :data:`MAX_VINTAGES_PER_REQUEST` vintages at a time. A window whose answer FRED truncates
(``count`` above the rows sent, the 100,000-row limit) is split in two and asked again.

Rows come back as ``date`` (observation period), ``realtime_start`` (the day the value became
known, clipped to the window's start) and ``value``; a value is valid until the next
``realtime_start`` of the same ``date``. Windows overlap only in such clipped rows, which carry the
value already known, so they are dropped as duplicates.
"""

from __future__ import annotations

import pandas as pd

from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.fred import ApiKeyError, BoundedFred, FredSource
from helpers.sources.redaction import get_logger
from helpers.sources.remote import PageGuard

logger = get_logger(__name__)

#: FRED's cap on vintage dates in one observations request.
MAX_VINTAGES_PER_REQUEST = 2000
#: Columns of :func:`all_releases`.
RELEASE_COLUMNS: tuple[str, ...] = ("date", "realtime_start", "value")
_LATEST = "9999-12-31"


class VintagesUnavailableError(SourceUnavailableError):
    """ALFRED vintages cannot be had (no key, no network, FRED refusing): callers use the latest values."""


def vintage_dates(source: FredSource, series_id: str) -> list[pd.Timestamp]:
    """The days on which FRED published or revised ``series_id``, ascending.

    Raises
    ------
    ApiKeyError, SourceUnavailableError, SourceContractError
        As :meth:`FredSource.api_call`.
    """
    dates: list[pd.Timestamp] = []
    guard = PageGuard(f"ALFRED vintage dates of {series_id!r}", source.policy.max_pages)
    offset = 0
    while True:

        def page(client: BoundedFred, offset: int = offset) -> tuple[list[pd.Timestamp], int | None]:
            path = f"/series/vintagedates?series_id={series_id}" + (f"&offset={offset}" if offset else "")
            root = client.root(path)
            found = [pd.Timestamp(child.text or "") for child in root]
            count = root.get("count")
            return found, int(count) if count and count.isdigit() else None

        found, count = source.api_call(page, f"the vintage dates of {series_id!r}")
        dates.extend(found)
        offset += len(found)
        more = count is not None and bool(found) and offset < count
        if not guard.more(offset if more else None):
            return sorted(set(dates))


def all_releases(
    source: FredSource, series_id: str, *, window: int = MAX_VINTAGES_PER_REQUEST
) -> pd.DataFrame:
    """Every value ``series_id`` has had, by observation date and the day it became known.

    Parameters
    ----------
    source : FredSource
        A keyed FRED source (the fredapi path).
    series_id : str
        FRED series id (``M2SL``).
    window : int, optional
        Most vintage dates per request (FRED allows 2,000).

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``realtime_start`` (datetime64) and ``value`` (float; ``.`` is NaN),
        sorted by ``date`` then ``realtime_start``, one row per value change.

    Raises
    ------
    ApiKeyError
        No FRED API key, or a malformed one.
    SourceUnavailableError
        FRED could not be reached, refused, or kept failing.
    SourceContractError
        The answers are not ALFRED's format, or a one-vintage window is still truncated.
    """
    if not 1 <= window <= MAX_VINTAGES_PER_REQUEST:
        raise ValueError(f"window must be between 1 and {MAX_VINTAGES_PER_REQUEST}, got {window}")
    dates = vintage_dates(source, series_id)
    if not dates:
        return _empty()
    chunks = [dates[i : i + window] for i in range(0, len(dates), window)]
    frames = [_window(source, series_id, chunk, last=index == len(chunks) - 1) for index, chunk in enumerate(chunks)]
    table = pd.concat(frames, ignore_index=True)
    table = table.drop_duplicates(subset=["date", "realtime_start"], keep="last")
    table = table.sort_values(["date", "realtime_start"], ignore_index=True)
    values = table["value"]
    repeated = table["date"].eq(table["date"].shift()) & (
        values.eq(values.shift()) | (values.isna() & values.shift().isna())
    )
    return table.loc[~repeated].reset_index(drop=True)  # a window's clipped first row repeats what was known


def _window(source: FredSource, series_id: str, chunk: list[pd.Timestamp], *, last: bool) -> pd.DataFrame:
    """All releases within the real-time window of ``chunk``; split in two while FRED truncates it."""
    start = chunk[0].strftime("%Y-%m-%d")
    end = _LATEST if last else chunk[-1].strftime("%Y-%m-%d")

    def call(client: BoundedFred) -> tuple[pd.DataFrame, dict[str, str]]:
        table = client.get_series_all_releases(series_id, realtime_start=start, realtime_end=end)
        return table, client.last

    table, attributes = source.api_call(call, f"the ALFRED releases of {series_id!r} ({start}..{end})")
    count = attributes.get("count", "")
    if count.isdigit() and int(count) > len(table):
        if len(chunk) == 1:
            raise SourceContractError(
                f"ALFRED truncated the releases of {series_id!r} on {start} ({len(table)} of {count} rows)"
            )
        half = len(chunk) // 2
        logger.info("ALFRED %s: window %s..%s truncated; splitting it", series_id, start, end)
        return pd.concat(
            [_window(source, series_id, chunk[:half], last=False), _window(source, series_id, chunk[half:], last=last)],
            ignore_index=True,
        )
    return _tidy(table, series_id)


def _tidy(table: pd.DataFrame, series_id: str) -> pd.DataFrame:
    """fredapi's object-typed table as typed columns :data:`RELEASE_COLUMNS`."""
    if table.empty:
        return _empty()
    missing = [c for c in RELEASE_COLUMNS if c not in table.columns]
    if missing:
        raise SourceContractError(f"ALFRED answer for {series_id!r} lacks {', '.join(missing)}")
    try:
        return pd.DataFrame(
            {
                "date": pd.to_datetime(table["date"]).astype("datetime64[us]"),
                "realtime_start": pd.to_datetime(table["realtime_start"]).astype("datetime64[us]"),
                # fredapi builds the table by transposing rows that mix dates and floats: a missing
                # value ("." -> NaN) can come back as NaT.
                "value": pd.to_numeric(table["value"].map(lambda v: None if pd.isna(v) else v)).astype(float),
            }
        )
    except (ValueError, TypeError) as exc:
        raise SourceContractError(f"ALFRED answer for {series_id!r} has a bad date or value: {exc}") from None


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[us]"),
            "realtime_start": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype=float),
        }
    )


def fetch_releases(series_id: str, source: FredSource | None = None) -> pd.DataFrame:
    """:func:`all_releases` with every failure turned into :class:`VintagesUnavailableError`.

    Raises
    ------
    VintagesUnavailableError
        No key, no network, FRED refusing or failing, or an answer in another format; the message
        says so in one line and that the latest values should be used instead.
    """
    fred = source or FredSource()
    error: VintagesUnavailableError
    try:
        if not fred.keyed:
            raise ApiKeyError("no FRED_API_KEY is set (ALFRED needs a key)")
        return fred.redacted(lambda: all_releases(fred, series_id), f"ALFRED series {series_id!r}")
    except (ApiKeyError, SourceUnavailableError, SourceContractError) as exc:
        error = VintagesUnavailableError(
            f"real-time vintages of {series_id!r} are not available: {exc}; the latest values are used instead"
        )
    raise error
