"""Binance USDⓈ-M futures: daily mean funding rate of the BTCUSDT perpetual.

``GET https://fapi.binance.com/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=<ms>&limit=1000``
answers ``[{"symbol": "BTCUSDT", "fundingRate": "0.00010000", "fundingTime": 1570608000000,
"markPrice": "34287.54"}, ...]``, oldest first: rates as strings (a fraction per funding
interval, 8 h for BTCUSDT), times in milliseconds. At most ``limit`` (<= 1000) rows come back
from ``startTime`` on, so the history is read page by page, each page starting 1 ms after the
last ``fundingTime`` seen, until a page is shorter than ``limit``.

The endpoint shares a budget of 500 requests per 5 minutes per IP with ``/fapi/v1/fundingInfo``;
this source sends at most one request per second (300 per 5 minutes), about three pages for the
full history. Binance answers HTTP 429 when a limit is broken (retried, honouring
``Retry-After``), 418 when the IP has been banned for ignoring 429s (not retried: retrying
extends the ban), 403 when its web application firewall blocks a client, and 451 from locations
it does not serve (neither retried: use the mirror). ``fundingTime`` is the time the rate was
paid, a few milliseconds after the 8-hour mark (1704067200003 for 2024-01-01 00:00 UTC), so rows
are grouped by the UTC day of the exact time rather than matched to the mark.

The frame holds, for each UTC day, the mean and the mean absolute value of the rates paid that
day (``fundingTime`` in that day), as in the mirror's ``btc_funding_rate_binance_daily.csv``.
The day is the day the rates were paid (catalog convention ``observation``). The current UTC
day is left out until it is over: its mean would cover only the rates paid so far.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, Unpack

import pandas as pd
from pyrate_limiter import Duration, Rate

from helpers.data.catalog import SeriesSpec
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.base import Fetched
from helpers.sources.http import Answer, host_of, parse_retry_after
from helpers.sources.redaction import get_logger, one_line
from helpers.sources.remote import (
    HttpOptions,
    PageGuard,
    RemoteSource,
    checked_page_size,
    fetched,
    number,
    refusal,
    utc_day,
)

logger = get_logger(__name__)

#: Root of the USDⓈ-M futures REST API.
BINANCE_FUTURES_URL = "https://fapi.binance.com"
#: Funding rate history endpoint.
FUNDING_RATE_PATH = "/fapi/v1/fundingRate"
#: One request per second: 300 per 5 minutes, inside the documented 500 per 5 minutes per IP.
BINANCE_MAX_CALLS = 1
BINANCE_PERIOD = 1.0
#: Largest page the endpoint serves.
MAX_LIMIT = 1000
#: Start of the full history: before the first BTCUSDT perpetual funding (2019-09-10).
HISTORY_START = pd.Timestamp("2019-09-01")
#: Columns of the frame, as in the catalog and the mirror.
FUNDING_COLUMNS: tuple[str, ...] = ("funding_rate_mean", "funding_rate_abs_mean")

#: Catalog series id -> Binance USDⓈ-M perpetual symbol.
SYMBOLS: dict[str, str] = {"btc_funding_binance": "BTCUSDT"}


class BinanceFundingSource(RemoteSource):
    """Daily mean funding rates of Binance USDⓈ-M perpetuals.

    Parameters
    ----------
    base_url : str, optional
        Root of the futures API (tests point it at a mock).
    page_size : int, optional
        Rows per request (``limit``), at most 1000.
    **options
        ``policy``, ``limiter``, ``session``, ``sleep``, ``clock``: see
        :class:`~helpers.sources.remote.RemoteSource`. The default limiter allows one
        request per second; the UTC day of ``clock`` is the first day left out as incomplete.
    """

    name = "binance"
    rates = [Rate(BINANCE_MAX_CALLS, Duration.SECOND * int(BINANCE_PERIOD))]

    def __init__(
        self,
        *,
        base_url: str = BINANCE_FUTURES_URL,
        page_size: int = MAX_LIMIT,
        **options: Unpack[HttpOptions],
    ) -> None:
        self.page_size = checked_page_size(page_size, MAX_LIMIT)
        self.base_url = base_url.rstrip("/")
        super().__init__(**options)

    def _repr_fields(self) -> dict[str, object]:
        return {"base_url": self.base_url}

    def _fetch(self, spec: SeriesSpec, start: pd.Timestamp | None) -> Fetched:
        """Fetch the daily funding-rate summary of one perpetual.

        Parameters
        ----------
        spec : SeriesSpec
            ``btc_funding_binance`` (the keys of :data:`SYMBOLS`).
        start : pandas.Timestamp or None
            First day (inclusive); ``None`` for the full history (from :data:`HISTORY_START`).

        Returns
        -------
        Fetched
            Frame with a ``date`` index (UTC day the rates were paid, days before the current
            UTC day only) and float columns ``funding_rate_mean`` and ``funding_rate_abs_mean``,
            fractions per funding interval (0.0001 = 0.01 %).

        Raises
        ------
        SourceContractError
            Binance does not serve ``spec``, rejected the request, or answered in another
            format than the documented one.
        SourceUnavailableError
            The API could not be reached, kept failing after retries, does not serve this
            location (HTTP 451) or has banned this IP (HTTP 418).
        """
        symbol = SYMBOLS.get(spec.id)
        if symbol is None:
            raise SourceContractError(
                f"Binance serves only {', '.join(sorted(SYMBOLS))}; {spec.id!r} is not one of them; "
                "use another source"
            )
        now = self._clock().astimezone(UTC)
        as_of = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        first_day = HISTORY_START if start is None else utc_day(start)
        rows = self._fetch_rows(symbol, _milliseconds(first_day))
        frame = rows_to_frame(rows)
        today = pd.Timestamp(now.date())
        frame = frame.loc[(frame.index >= first_day) & (frame.index < today)]
        logger.debug("Binance %s: %d funding rates, %d days", symbol, len(rows), len(frame))
        return fetched(frame, self.name, as_of)

    def _fetch_rows(self, symbol: str, start_ms: int) -> list[dict[str, Any]]:
        """All funding rows from ``start_ms`` on, page by page."""
        url = f"{self.base_url}{FUNDING_RATE_PATH}"
        rows: list[dict[str, Any]] = []
        start_time = start_ms
        guard = PageGuard(f"Binance funding rates of {symbol}", self.policy.max_pages)
        while True:
            params = {"symbol": symbol, "startTime": str(start_time), "limit": str(self.page_size)}
            page = self._get_page(url, params, symbol)
            rows.extend(page)
            if len(page) < self.page_size:
                guard.more(None)
                return rows
            try:
                last = max(_funding_time(row) for row in page)
            except (KeyError, ValueError, TypeError) as exc:
                raise SourceContractError(
                    f"Binance funding-rate row is not in the documented format: {one_line(repr(exc))}"
                ) from None
            if last < start_time:
                raise SourceContractError(
                    f"Binance funding-rate pagination for {symbol} did not advance "
                    f"(last fundingTime {last} before startTime {start_time})"
                )
            start_time = last + 1
            guard.more(start_time)

    def _get_page(self, url: str, params: dict[str, str], symbol: str) -> list[dict[str, Any]]:
        """One page as a list of rows; Binance's refusals become clear errors."""
        response = self._http.get(url, params=params)
        host = host_of(url)
        if response.status_code >= 400:
            raise _http_error(response, host, symbol)
        try:
            payload = response.json()
        except ValueError:
            raise SourceContractError(
                f"{host} answered HTTP {response.status_code} for the {symbol} funding rates "
                "with a body that is not JSON"
            ) from None
        if not isinstance(payload, list) or not all(isinstance(row, dict) for row in payload):
            raise SourceContractError(f"{host} answer for the {symbol} funding rates is not a JSON list of rows")
        return payload


def _http_error(response: Answer, host: str, symbol: str) -> SourceUnavailableError | SourceContractError:
    """The exception for an HTTP error that was not retried (429 and 5xx are retried before)."""
    status = response.status_code
    if status == 451:
        return SourceUnavailableError(
            f"{host} answered HTTP 451: the Binance futures API is not available from this location; "
            "use the mirror instead (set QTLAB_MIRROR or pass --mirror DIR, then `qtlab fetch --source mirror`)"
        )
    if status in (401, 403):
        return SourceUnavailableError(refusal(host, status, f"the {symbol} funding rates", one_line(response.text, limit=120)))
    if status == 418:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        until = f" for {wait:.0f} s" if wait is not None else ""
        return SourceUnavailableError(
            f"{host} answered HTTP 418: Binance has banned this IP{until} for exceeding its rate limits; "
            "wait before fetching again, or use the mirror (QTLAB_MIRROR)"
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "msg" in body:
        detail = one_line(f"code {body.get('code')}: {body.get('msg')}", limit=200)
    else:
        detail = one_line(response.text[:200], limit=200) or "empty body"
    return SourceContractError(
        f"{host} rejected the request for the {symbol} funding rates: HTTP {status} ({detail})"
    )


def rows_to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Aggregate funding-rate rows into daily mean and mean absolute value.

    Parameters
    ----------
    rows : list of dict
        Rows with ``fundingTime`` (Unix milliseconds) and ``fundingRate`` (a number as a string;
        empty or ``null`` is missing and left out of the means).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (tz-naive UTC day of ``fundingTime``, ascending, unique), float columns
        ``funding_rate_mean`` and ``funding_rate_abs_mean``. A row repeated (same
        ``fundingTime``) counts once.

    Raises
    ------
    SourceContractError
        A row has no readable ``fundingTime`` or a rate that is not a number.
    """
    try:
        millis = [_funding_time(row) for row in rows]
        rates = [_number(row.get("fundingRate")) for row in rows]
    except (KeyError, ValueError, TypeError) as exc:
        raise SourceContractError(
            f"Binance funding-rate row is not in the documented format: {one_line(repr(exc))}"
        ) from None
    times = pd.to_datetime(pd.Series(millis, dtype="int64"), unit="ms", utc=True).dt.tz_convert(None)
    series = pd.Series(rates, index=pd.DatetimeIndex(times), dtype=float)
    series = series[~series.index.duplicated(keep="last")]
    days = pd.DatetimeIndex(series.index.normalize(), name="date").as_unit("us")
    frame = pd.DataFrame(
        {
            "funding_rate_mean": series.groupby(days).mean(),
            "funding_rate_abs_mean": series.abs().groupby(days).mean(),
        },
        dtype=float,
    )
    if frame.empty:
        frame.index = pd.DatetimeIndex([], dtype="datetime64[us]", name="date")
    frame.index.name = "date"
    return frame.sort_index().loc[:, list(FUNDING_COLUMNS)]


def _funding_time(row: dict[str, Any]) -> int:
    """``fundingTime`` of a row as integer milliseconds."""
    value = row["fundingTime"]
    if isinstance(value, bool):
        raise TypeError(f"fundingTime {value!r} is not milliseconds")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"fundingTime {value!r} is not milliseconds")


def _number(value: Any) -> float:
    """A rate (numeric string or number) as float; empty or missing is NaN."""
    return number(value, "fundingRate")


def _milliseconds(day: pd.Timestamp) -> int:
    """Unix milliseconds of a tz-naive UTC time."""
    return int(pd.Timestamp(day).tz_localize("UTC").timestamp() * 1000)
