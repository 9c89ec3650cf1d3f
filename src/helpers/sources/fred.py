"""FRED: the fredapi client when an API key is set, the keyless graph CSV download otherwise.

Both paths share the FRED rate limit (2 requests per second per host) and the retry policy of
:mod:`helpers.sources._http`. The API key is never shown: every message is redacted and every
error is raised without a chained cause that could carry the request URL.
"""

from __future__ import annotations

import io
import logging
import os
import xml.etree.ElementTree as ET
from datetime import UTC
from typing import Unpack
from urllib.error import HTTPError, URLError

import fredapi
import pandas as pd

from helpers.catalog import SeriesSpec
from helpers.errors import SourceContractError
from helpers.sources._http import (
    TransientFailure,
    ensure_ok,
    host_of,
    is_name_resolution_failure,
    is_retryable_status,
    parse_retry_after,
    redact,
)
from helpers.sources.base import Fetched
from helpers.sources.http_source import HttpOptions, HttpSource

logger = logging.getLogger(__name__)

#: Keyless download of one series as CSV (the "Download CSV" link of a FRED graph).
FRED_GRAPH_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
#: Root of the FRED API used by fredapi.
FRED_API_ROOT = fredapi.Fred.root_url
#: FRED allows 120 requests a minute; stay at 2 a second.
FRED_MAX_CALLS_PER_SECOND = 2
#: Header of the date column in graph CSVs: ``observation_date`` now, ``DATE`` in older files.
DATE_HEADERS: tuple[str, ...] = ("observation_date", "DATE")


class FredSource(HttpSource):
    """Series from FRED (Federal Reserve Economic Data, St. Louis Fed).

    Parameters
    ----------
    api_key : str or None, optional
        FRED API key. ``None`` reads ``FRED_API_KEY`` from the environment; an empty string
        (or no key at all) uses the keyless graph CSV download.
    root_url : str, optional
        Root of the FRED API for fredapi (tests point it at a local server).
    graph_url : str, optional
        URL of the keyless CSV download.
    **options
        ``policy``, ``limiter``, ``session``, ``timeout``, ``sleep``, ``clock``: see
        :class:`~helpers.sources.http_source.HttpSource`. Rate limit and retries apply to both
        paths; the default limiter allows 2 requests per second. ``session`` and ``timeout``
        apply to the keyless download only (fredapi sets no timeout).
    """

    name = "fred"
    max_calls = FRED_MAX_CALLS_PER_SECOND

    def __init__(
        self,
        api_key: str | None = None,
        *,
        root_url: str = FRED_API_ROOT,
        graph_url: str = FRED_GRAPH_CSV_URL,
        **options: Unpack[HttpOptions],
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("FRED_API_KEY")
        self._api_key = key or None
        self.root_url = root_url.rstrip("/")
        self.graph_url = graph_url
        super().__init__(**options)
        self.policy = self._http.policy

    def _repr_fields(self) -> dict[str, object]:
        return {"keyed": self._api_key is not None, "root_url": self.root_url}

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._api_key,) if self._api_key else ()

    def fetch(self, spec: SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        """Fetch one FRED series.

        Parameters
        ----------
        spec : SeriesSpec
            A series of kind ``fred``; ``spec.id`` is the FRED series id.
        start : pandas.Timestamp or None
            First observation date (inclusive); ``None`` for the full history.

        Returns
        -------
        Fetched
            Frame with a ``date`` index and one float column named ``spec.id`` (``.`` and
            empty values are NaN), ``source="fred"`` and ``as_of`` the UTC retrieval time.

        Raises
        ------
        SourceUnavailableError
            FRED could not be reached or kept failing after retries.
        SourceContractError
            ``spec`` is not a FRED series, FRED rejected the request, or the answer is not in
            FRED's format.
        """
        if spec.kind != "fred":
            raise SourceContractError(f"FRED serves only FRED series; {spec.id!r} is a {spec.kind} series")
        as_of = self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        values = self._fetch_api(spec.id, start) if self._api_key else self._fetch_csv(spec.id, start)
        return Fetched(frame=_tidy(values, spec.id), source=self.name, as_of=as_of)

    # -- keyed path: fredapi -------------------------------------------------------------------

    def _fetch_api(self, series_id: str, start: pd.Timestamp | None) -> pd.Series:
        """Fetch through fredapi, rate limited and retried."""
        host = host_of(self.root_url)
        client = fredapi.Fred(api_key=self._api_key)
        client.root_url = self.root_url
        observation_start = None if start is None else _day(start)
        return self._http.call(lambda: self._api_attempt(client, series_id, observation_start, host), host)

    def _api_attempt(self, client: fredapi.Fred, series_id: str, start: str | None, host: str) -> pd.Series:
        """One fredapi call; its errors become transient failures or clear, redacted errors."""
        error: SourceContractError | TransientFailure
        try:
            return client.get_series(series_id, observation_start=start)
        except (ValueError, ET.ParseError, URLError, OSError) as exc:
            error = self._classify(exc, series_id, host)
        raise error  # outside the except block: no chained context that could carry the URL

    def _classify(
        self, exc: BaseException, series_id: str, host: str
    ) -> SourceContractError | TransientFailure:
        """Map a fredapi/urllib error to a retry request or a contract error, redacted."""
        http_error = _http_error_in(exc)
        detail = redact(str(exc), self._secrets) if isinstance(exc, ValueError) else ""
        detail = "" if detail == "None" else detail  # fredapi raises ValueError(None) for odd error bodies
        if http_error is not None:
            status = http_error.code
            reason = f"HTTP {status}" + (f" ({detail})" if detail else "")
            if is_retryable_status(status):
                retry_after = parse_retry_after(
                    http_error.headers.get("Retry-After") if http_error.headers else None
                )
                return TransientFailure(reason, retry_after=retry_after)
            return SourceContractError(f"FRED rejected series {series_id!r}: {reason}")
        if isinstance(exc, URLError) and not isinstance(exc.reason, TimeoutError):
            offline = is_name_resolution_failure(exc)
            return TransientFailure(f"could not connect to {host}", offline=True, retryable=not offline)
        if isinstance(exc, (TimeoutError, URLError)):
            return TransientFailure("timed out")
        if isinstance(exc, OSError):
            return TransientFailure(f"connection to {host} failed ({type(exc).__name__})")
        what = detail or f"answer is not FRED XML ({type(exc).__name__})"
        return SourceContractError(f"FRED could not serve series {series_id!r}: {what}")

    # -- keyless path: graph CSV ---------------------------------------------------------------

    def _fetch_csv(self, series_id: str, start: pd.Timestamp | None) -> pd.Series:
        """Fetch the keyless graph CSV and parse it."""
        params = {"id": series_id}
        if start is not None:
            params["cosd"] = _day(start)
        response = self._http.get(self.graph_url, params=params)
        ensure_ok(response, f"FRED series {series_id!r}", self._secrets)
        return parse_graph_csv(response.text, series_id)


def parse_graph_csv(text: str, series_id: str) -> pd.Series:
    """Parse a FRED graph CSV (``observation_date,<ID>`` or ``DATE,<ID>``).

    Parameters
    ----------
    text : str
        The CSV body.
    series_id : str
        The series id expected as the value column header.

    Returns
    -------
    pandas.Series
        Float values indexed by observation date; ``.`` and empty cells are NaN.

    Raises
    ------
    SourceContractError
        The header, dates or values are not what FRED publishes.
    """
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise SourceContractError(f"FRED CSV for {series_id!r} is not readable: {exc}") from None
    header = tuple(table.columns)
    if len(header) != 2 or header[0] not in DATE_HEADERS or header[1] != series_id:
        shown = ",".join(map(str, header))[:80]
        raise SourceContractError(
            f"FRED CSV for {series_id!r} has header {shown!r}; expected 'observation_date,{series_id}'"
        )
    raw = table[series_id].str.strip()
    raw = raw.where(~raw.isin([".", ""]))
    try:
        dates = pd.to_datetime(table[header[0]], format="%Y-%m-%d")
        values = pd.to_numeric(raw, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise SourceContractError(f"FRED CSV for {series_id!r} has a bad date or value: {exc}") from None
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(dates), name=series_id)


def _tidy(values: pd.Series, series_id: str) -> pd.DataFrame:
    """Frame with a tz-naive ascending unique ``date`` index and one float column."""
    if len(values) == 0:
        index = pd.DatetimeIndex([], dtype="datetime64[us]", name="date")
        return pd.DataFrame({series_id: pd.Series([], dtype=float, index=index)})
    index = pd.DatetimeIndex(pd.to_datetime(values.index)).as_unit("us")
    if index.tz is not None:
        index = index.tz_convert(None)
    frame = pd.DataFrame({series_id: values.to_numpy(dtype=float)}, index=index)
    frame.index.name = "date"
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    return frame


def _day(start: pd.Timestamp) -> str:
    """``YYYY-MM-DD`` of a start date."""
    return pd.Timestamp(start).strftime("%Y-%m-%d")


def _http_error_in(exc: BaseException) -> HTTPError | None:
    """The urllib HTTPError behind a fredapi error (fredapi re-raises it as ValueError)."""
    for candidate in (exc, exc.__cause__, exc.__context__):
        if isinstance(candidate, HTTPError):
            return candidate
    return None
