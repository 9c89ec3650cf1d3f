"""FRED: the fredapi client when an API key is set, the keyless graph CSV download otherwise.

Both paths go through :class:`~helpers.sources.http.HttpClient.call`: the same per-host rate limit
(2 requests per second), retries, total deadline and size limit. fredapi reads FRED's XML over
urllib with no timeout at all; :class:`BoundedFred` replaces its one fetch function with one that
has a socket timeout, a total deadline, a size limit and a URL-encoded key, and that remembers the
``count`` FRED announces so that a truncated answer is caught. The key never appears in a message:
every error is redacted at the source boundary (:mod:`helpers.sources.redaction`).
"""

from __future__ import annotations

import http.client
import io
import re
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TypeVar, Unpack
from urllib.error import HTTPError, URLError
from urllib.parse import quote

import fredapi
import pandas as pd
from pyrate_limiter import Duration, Rate

from helpers.data.catalog import SeriesSpec
from helpers.errors import QtlabError, SourceContractError, SourceUnavailableError
from helpers.sources.base import Fetched
from helpers.sources.http import (
    Deadline,
    HttpPolicy,
    Transient,
    host_of,
    is_name_resolution_failure,
    is_retryable_status,
    parse_retry_after,
    read_body,
    too_large,
    within,
)
from helpers.sources.redaction import get_logger, one_line
from helpers.sources.remote import HttpOptions, PageGuard, RemoteSource, ensure_ok, fetched, refusal

logger = get_logger(__name__)
T = TypeVar("T")

#: Keyless download of one series as CSV (the "Download CSV" link of a FRED graph).
FRED_GRAPH_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
#: Root of the FRED API used by fredapi.
FRED_API_ROOT = fredapi.Fred.root_url
#: FRED allows 120 requests a minute; stay at 2 a second.
FRED_MAX_CALLS_PER_SECOND = 2
#: Header of the date column in graph CSVs: ``observation_date`` now, ``DATE`` in older files.
DATE_HEADERS: tuple[str, ...] = ("observation_date", "DATE")
#: FRED API keys are 32 lower-case letters and digits; anything outside letters and digits is refused.
_KEY_SHAPE = re.compile(r"[A-Za-z0-9]+")


class ApiKeyError(QtlabError, ValueError):
    """``FRED_API_KEY`` is set but cannot be a FRED key (the message never shows it)."""


class BoundedFred(fredapi.Fred):
    """fredapi's client with a timeout, a total deadline, a size limit and a URL-encoded key.

    Parameters
    ----------
    api_key : str
        FRED API key.
    root_url : str
        Root of the FRED API.
    policy : HttpPolicy
        Per-read timeout and size limit.
    deadline : Deadline
        Total time every request of this client may take.

    Attributes
    ----------
    last : dict
        The attributes of the last answer's root element (``count``, ``offset``, ``limit``).
    """

    def __init__(self, api_key: str, root_url: str, policy: HttpPolicy, deadline: Deadline) -> None:
        super().__init__(api_key=api_key)
        self.root_url = root_url
        self.policy = policy
        self.deadline = deadline
        self.last: dict[str, str] = {}

    def _Fred__fetch_data(self, url: str) -> ET.Element:  # noqa: N802 - overrides fredapi's private fetch
        """One bounded request; errors become :class:`Transient` or one-line errors, never the URL."""
        body = fetch_bytes(f"{url}&api_key={quote(str(self.api_key), safe='')}", self.policy, self.deadline)
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise SourceContractError(f"{host_of(url)} answered with something that is not FRED XML") from None
        self.last = dict(root.attrib)
        return root

    def root(self, path: str) -> ET.Element:
        """The XML root of ``<root_url><path>`` (a path and query, without the key), bounded like every request."""
        return self._Fred__fetch_data(f"{self.root_url}{path}")


class FredRejected(Exception):
    """FRED answered a 4xx with an error message (internal; the caller names the series)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}" + (f" ({detail})" if detail else ""))
        self.status = status


def fetch_bytes(url: str, policy: HttpPolicy, deadline: Deadline) -> bytes:
    """``GET url`` over urllib within ``deadline`` and ``policy.max_bytes``.

    Raises
    ------
    Transient
        429, 5xx, timeouts, refused or dropped connections, a host that does not resolve.
    FredRejected
        Another 4xx, with FRED's message (redacted).
    SourceUnavailableError
        HTTP 401, 403 or 451: FRED refuses to serve this client.
    SourceContractError
        A redirect loop, an answer too large, or an invalid URL.
    """
    host = host_of(url)
    error: Exception
    try:
        timeout = deadline.timeout(policy.timeout)
        opened = within(deadline, lambda: urllib.request.urlopen(url, timeout=timeout), on_late=lambda r: r.close())
        with opened as response:
            return _read_whole(response, host, policy, deadline)
    except HTTPError as exc:
        error = _from_http_error(exc, host, policy, deadline)
    except URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            error = Transient(f"no answer within {policy.timeout:g} s (timed out)")
        else:
            offline = is_name_resolution_failure(exc)
            error = Transient(f"could not connect to {host}", offline=True, retryable=not offline)
    except TimeoutError:
        error = Transient(f"no answer for {policy.timeout:g} s (timed out)")
    except (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionError) as exc:
        error = Transient(f"the connection dropped mid-answer ({type(exc).__name__})")
    except http.client.InvalidURL:
        error = SourceContractError(f"the request to {host} has an invalid URL (check FRED_API_KEY and the series id)")
    raise error


def _read_whole(response: http.client.HTTPResponse, host: str, policy: HttpPolicy, deadline: Deadline) -> bytes:
    """The body of an urllib answer; a body shorter than its ``Content-Length`` is a dropped connection."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise SourceContractError(too_large(host, policy.max_bytes))
    body = read_body(response.read1, deadline=deadline, max_bytes=policy.max_bytes, host=host)
    if response.length:  # bytes announced but never sent: http.client returns b"" instead of raising
        raise Transient(f"the connection dropped mid-answer ({response.length} bytes missing)")
    return body


def _from_http_error(exc: HTTPError, host: str, policy: HttpPolicy, deadline: Deadline) -> Exception:
    """Map an urllib ``HTTPError`` to a retry request, a refusal, a redirect loop or FRED's message."""
    status = exc.code
    if 300 <= status < 400:
        return SourceContractError(
            f"{host} redirected in a loop (HTTP {status}); the address is wrong or the server is misconfigured"
        )
    if is_retryable_status(status):
        retry_after = parse_retry_after(exc.headers.get("Retry-After") if exc.headers else None)
        return Transient(f"HTTP {status}", retry_after=retry_after)
    try:
        reader = exc.fp.read1 if hasattr(exc.fp, "read1") else exc.read
        body = read_body(reader, deadline=deadline, max_bytes=min(policy.max_bytes, 1 << 20), host=host)
    except (Transient, SourceContractError, OSError, http.client.HTTPException):
        body = b""
    message = _error_message(body)
    if status in (401, 403, 451):
        return SourceUnavailableError(refusal(host, status, "FRED", message))
    return FredRejected(status, message)


def _error_message(body: bytes) -> str:
    """FRED's ``<error message="..."/>`` (redacted, one line), or ``""``."""
    try:
        return one_line(ET.fromstring(body).get("message") or "", limit=200)
    except ET.ParseError:
        return ""


class FredSource(RemoteSource):
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
        ``policy``, ``limiter``, ``session``, ``sleep``, ``clock``: see
        :class:`~helpers.sources.remote.RemoteSource`; they apply to both paths (``session``
        to the keyless download only).
    """

    name = "fred"
    rates = [Rate(FRED_MAX_CALLS_PER_SECOND, Duration.SECOND)]

    def __init__(
        self,
        api_key: str | None = None,
        *,
        root_url: str = FRED_API_ROOT,
        graph_url: str = FRED_GRAPH_CSV_URL,
        **options: Unpack[HttpOptions],
    ) -> None:
        import os

        key = api_key if api_key is not None else os.environ.get("FRED_API_KEY")
        self._api_key = key or None
        self.root_url = root_url.rstrip("/")
        self.graph_url = graph_url
        super().__init__(**options)

    @property
    def keyed(self) -> bool:
        """Whether the fredapi path (an API key) is used."""
        return self._api_key is not None

    def _repr_fields(self) -> dict[str, object]:
        return {"keyed": self.keyed, "root_url": self.root_url}

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._api_key,) if self._api_key else ()

    def _fetch(self, spec: SeriesSpec, start: pd.Timestamp | None) -> Fetched:
        """Fetch one FRED series.

        Returns
        -------
        Fetched
            Frame with a ``date`` index and one float column named ``spec.id`` (``.`` and empty
            values are NaN); on the keyed path ``expected_rows`` is the count FRED announced.

        Raises
        ------
        SourceUnavailableError
            FRED could not be reached, refused, or kept failing after retries.
        SourceContractError
            ``spec`` is not a FRED series, FRED rejected the request, or the answer is not in
            FRED's format.
        ApiKeyError
            ``FRED_API_KEY`` holds something that cannot be a FRED key.
        """
        if spec.kind != "fred":
            raise SourceContractError(f"FRED serves only FRED series; {spec.id!r} is a {spec.kind} series")
        as_of = self._as_of()
        if self._api_key:
            values, expected = self._fetch_api(spec.id, start)
            return fetched(_tidy(values, spec.id), self.name, as_of, expected_rows=expected)
        values = self._fetch_csv(spec.id, start)
        return fetched(_tidy(values, spec.id), self.name, as_of)

    # -- keyed path: fredapi -------------------------------------------------------------------

    def api_call(self, call: Callable[[BoundedFred], T], what: str) -> T:
        """Run a fredapi call (``call(client)``) rate limited, retried and bounded.

        Parameters
        ----------
        call : callable
            Receives a fresh :class:`BoundedFred` per attempt and makes its requests with it.
        what : str
            What is asked for, for errors (``series 'WALCL'``).

        Returns
        -------
        object
            What ``call`` returns.

        Raises
        ------
        ApiKeyError
            No key, or a key that cannot be a FRED key.
        SourceContractError
            FRED rejected the request or answered something that is not its XML.
        SourceUnavailableError
            FRED could not be reached, refused, or kept failing.
        """
        key = self._api_key
        if not key:
            raise ApiKeyError("no FRED API key: set FRED_API_KEY (free at fredaccount.stlouisfed.org)")
        if not _KEY_SHAPE.fullmatch(key):
            raise ApiKeyError(
                "FRED_API_KEY is not a FRED API key (32 letters and digits; this one holds a space or another "
                "character): fix or unset it to use the keyless download"
            )

        def attempt(deadline: Deadline) -> T:
            client = BoundedFred(key, self.root_url, self.policy, deadline)
            try:
                return call(client)
            except FredRejected as exc:
                raise SourceContractError(f"FRED rejected {what}: {exc}") from None
            except (ValueError, TypeError, KeyError) as exc:
                if isinstance(exc, QtlabError):
                    raise
                raise SourceContractError(f"FRED could not serve {what}: {type(exc).__name__}: {exc}") from None

        return self._http.call(attempt, host_of(self.root_url))

    def _fetch_api(self, series_id: str, start: pd.Timestamp | None) -> tuple[pd.Series, int | None]:
        """All observations through fredapi, following ``offset`` while FRED announces more rows."""
        observation_start = None if start is None else _day(start)
        guard = PageGuard(f"FRED series {series_id!r}", self.policy.max_pages)
        parts: list[pd.Series] = []
        offset = 0
        count: int | None = None
        while True:

            def page(client: BoundedFred, offset: int = offset) -> tuple[pd.Series, dict[str, str]]:
                extra = {"offset": str(offset)} if offset else {}
                values = client.get_series(series_id, observation_start=observation_start, **extra)
                return values, client.last

            values, attributes = self.api_call(page, f"series {series_id!r}")
            parts.append(values)
            count = _int_or_none(attributes.get("count"))
            offset += len(values)
            more = count is not None and len(values) > 0 and offset < count
            if not guard.more(offset if more else None):
                break
        combined = pd.concat(parts) if len(parts) > 1 else parts[0]
        return combined, count

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
        raise SourceContractError(f"FRED CSV for {series_id!r} is not readable: {one_line(exc)}") from None
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
        raise SourceContractError(f"FRED CSV for {series_id!r} has a bad date or value: {one_line(exc)}") from None
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
    return frame[~frame.index.duplicated(keep="last")].sort_index()


def _day(start: pd.Timestamp) -> str:
    """``YYYY-MM-DD`` of a start date."""
    return pd.Timestamp(start).strftime("%Y-%m-%d")


def _int_or_none(value: str | None) -> int | None:
    """An integer attribute of FRED's XML, or ``None`` when absent or unreadable."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
