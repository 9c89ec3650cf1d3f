"""Coin Metrics community API v4: daily price, market cap, volume and supply of a crypto asset.

``GET /v4/timeseries/asset-metrics?assets=<id>&metrics=...&frequency=1d&paging_from=start`` answers
``{"data": [{"asset": "btc", "time": "2024-01-01T00:00:00.000000000Z", "PriceUSD": "42265.1", ...}],
"next_page_token": "...", "next_page_url": "..."}``: numbers as strings, a metric without a value
simply absent. ``paging_from=start`` is sent because the API's default is ``end`` (the first page
holds the newest rows); from the start, pages follow each other oldest first. The community tier
allows 10 requests per 6 seconds per IP and rejects metrics it does not serve for an asset with
``{"error": {"type": "forbidden", "message": "Requested metric 'X' ..."}}``; such a metric is dropped
and its column left NaN.

``PriceUSD`` starts at a network's own launch, which can be later than other metrics and than the
mirror's CoinGecko prices (trx: 2018-06-25, the TRON mainnet; early bnb rows): those rows have a
NaN price. :func:`price_start` gives the first priced day, and a fetch logs it. ``ReferenceRateUSD``
is not used to fill them: Coin Metrics documents ``PriceUSD`` as the same reference-rate
calculation with a different timestamp convention (the end of the UTC day for ``PriceUSD``, the
instant 00:00 UTC for ``ReferenceRateUSD``), so filling one column from both would mix two day
labels in one series, and the early days it could add have no market cap or supply (network
metrics) to go with the price. The mirror keeps the full price history for those assets.

Dates are the UTC calendar day of ``time`` as Coin Metrics labels it (the day whose close the
value is); :data:`helpers.data.catalog.DATE_CONVENTIONS` tells the data layer how to align them.
"""

from __future__ import annotations

import re
from typing import Any, Unpack

import pandas as pd
from pyrate_limiter import Duration, Rate

from helpers.data.catalog import CRYPTO_COLUMNS, SeriesSpec
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.base import Fetched
from helpers.sources.http import host_of
from helpers.sources.redaction import get_logger, one_line
from helpers.sources.remote import HttpOptions, PageGuard, RemoteSource, checked_page_size, fetched, refusal

logger = get_logger(__name__)

#: Community (keyless) API root.
COINMETRICS_COMMUNITY_URL = "https://community-api.coinmetrics.io/v4"
#: Community rate limit: 10 requests per 6-second window per IP address.
COINMETRICS_MAX_CALLS = 10
COINMETRICS_PERIOD = 6.0
#: Largest page the API serves.
MAX_PAGE_SIZE = 10_000

#: Coin Metrics metric -> column of the crypto frame (:data:`helpers.data.catalog.CRYPTO_COLUMNS`).
#: ``volume_reported_spot_usd_1d`` is the asset-level sum of reported spot trading volume in USD
#: over the day, the counterpart of CoinGecko's ``total_volume`` in the mirror.
METRIC_COLUMNS: dict[str, str] = {
    "PriceUSD": "price_usd",
    "CapMrktCurUSD": "market_cap_usd",
    "volume_reported_spot_usd_1d": "volume_usd",
    "SplyCur": "supply",
}

_QUOTED = re.compile(r"'([^']+)'")


class MetricRejected(Exception):
    """The API refused one requested metric for the asset (internal signal to retry without it)."""

    def __init__(self, metric: str, message: str) -> None:
        super().__init__(message)
        self.metric = metric


class CoinMetricsSource(RemoteSource):
    """Daily crypto asset metrics from the Coin Metrics community API.

    Parameters
    ----------
    base_url : str, optional
        API root (tests point it at a mock).
    page_size : int, optional
        Rows per page, at most 10 000.
    **options
        ``policy``, ``limiter``, ``session``, ``sleep``, ``clock``: see
        :class:`~helpers.sources.remote.RemoteSource`. The default limiter allows 10 requests
        per 6 seconds.
    """

    name = "coinmetrics"
    rates = [Rate(COINMETRICS_MAX_CALLS, Duration.SECOND * int(COINMETRICS_PERIOD))]

    def __init__(
        self,
        *,
        base_url: str = COINMETRICS_COMMUNITY_URL,
        page_size: int = MAX_PAGE_SIZE,
        **options: Unpack[HttpOptions],
    ) -> None:
        self.page_size = checked_page_size(page_size, MAX_PAGE_SIZE)
        self.base_url = base_url.rstrip("/")
        super().__init__(**options)

    def _repr_fields(self) -> dict[str, object]:
        return {"base_url": self.base_url}

    def _fetch(self, spec: SeriesSpec, start: pd.Timestamp | None) -> Fetched:
        """Fetch the daily metrics of one asset.

        Parameters
        ----------
        spec : SeriesSpec
            A crypto asset with ``coinmetrics_asset`` set.
        start : pandas.Timestamp or None
            First day (inclusive); ``None`` for the full history.

        Returns
        -------
        Fetched
            Frame with a ``date`` index (UTC day of ``time``, not shifted) and float columns
            exactly :data:`~helpers.data.catalog.CRYPTO_COLUMNS`; metrics the API does not serve are NaN.

        Raises
        ------
        SourceContractError
            ``spec`` has no Coin Metrics asset id, the API rejected the request for another
            reason than one unavailable metric, or the answer is not in the documented format.
        SourceUnavailableError
            The API could not be reached or kept failing after retries.
        """
        asset = spec.coinmetrics_asset
        if asset is None:
            raise SourceContractError(
                f"series {spec.id!r} has no Coin Metrics asset id (catalog coinmetrics_asset); "
                "use another source"
            )
        as_of = self._as_of()
        metrics = list(METRIC_COLUMNS)
        while True:
            try:
                rows = self._fetch_rows(asset, metrics, start)
                break
            except MetricRejected as rejected:
                metrics.remove(rejected.metric)
                if not metrics:
                    raise SourceContractError(
                        f"Coin Metrics serves none of {', '.join(METRIC_COLUMNS)} for asset {asset!r} "
                        f"(last answer: {rejected})"
                    ) from None
                logger.info("Coin Metrics: %s; fetching %s without it", rejected, asset)
        frame = rows_to_frame(rows)
        first_price = price_start(frame)
        if first_price is not None and first_price > frame.index[0]:
            logger.info("Coin Metrics %s: PriceUSD starts %s, after the first row (%s)",
                        asset, first_price.date(), frame.index[0].date())
        return fetched(frame, self.name, as_of)

    def _fetch_rows(self, asset: str, metrics: list[str], start: pd.Timestamp | None) -> list[dict[str, Any]]:
        """All rows of all pages for ``metrics``."""
        base = url = f"{self.base_url}/timeseries/asset-metrics"
        first: dict[str, str] = {
            "assets": asset,
            "metrics": ",".join(metrics),
            "frequency": "1d",
            "page_size": str(self.page_size),
            "paging_from": "start",
        }
        if start is not None:
            first["start_time"] = pd.Timestamp(start).strftime("%Y-%m-%d")
        params: dict[str, str] | None = first
        rows: list[dict[str, Any]] = []
        guard = PageGuard(f"Coin Metrics asset {asset!r}", self.policy.max_pages)
        while True:
            payload = self._get_json(url, params, asset, metrics)
            rows.extend(_data_of(payload))
            token, next_url = payload.get("next_page_token"), payload.get("next_page_url")
            if not guard.more(token or next_url):
                return rows
            if token:  # the original parameters and the token, on the configured host
                url, params = base, {**first, "next_page_token": str(token)}
            else:  # a next_page_url alone is fetched unmodified, as the API documents
                url, params = str(next_url), None

    def _get_json(
        self, url: str, params: dict[str, str] | None, asset: str, metrics: list[str]
    ) -> dict[str, Any]:
        """One page as JSON; API errors become :class:`MetricRejected` or :class:`SourceContractError`."""
        response = self._http.get(url, params=params)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            if response.status_code in (401, 403, 451):
                body = one_line(response.text, limit=120)
                raise SourceUnavailableError(
                    refusal(host_of(url), response.status_code, f"Coin Metrics asset {asset!r}", body)
                )
            raise SourceContractError(
                f"Coin Metrics answered HTTP {response.status_code} for asset {asset!r} "
                "with a body that is not JSON"
            )
        if "error" in payload or response.status_code >= 400:
            raise _api_error(payload.get("error"), response.status_code, asset, metrics)
        return payload


def _api_error(
    error: Any, status: int, asset: str, metrics: list[str]
) -> MetricRejected | SourceContractError:
    """The exception for an API error body: a rejected metric if the message names one."""
    error = error if isinstance(error, dict) else {}
    kind = one_line(error.get("type", "error"), limit=60)
    message = one_line(error.get("message", "no message"), limit=300)
    named = [m for m in _QUOTED.findall(message) if m in metrics]
    if named and kind in ("forbidden", "bad_parameter", "bad_request", "unsupported"):
        return MetricRejected(named[0], f"HTTP {status} {kind}: {message}")
    return SourceContractError(
        f"Coin Metrics rejected the request for asset {asset!r}: HTTP {status} {kind}: {message}"
    )


def _data_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``data`` rows of a page, checked."""
    data = payload.get("data")
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise SourceContractError("Coin Metrics answer has no 'data' list of rows")
    return data


def rows_to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the crypto frame from asset-metrics rows.

    Parameters
    ----------
    rows : list of dict
        Rows with ``time`` and metric values as strings; absent metrics are missing values.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (tz-naive UTC day of ``time``, ascending, unique: the last row of a day
        wins), float columns exactly :data:`~helpers.data.catalog.CRYPTO_COLUMNS`.

    Raises
    ------
    SourceContractError
        A row has no readable ``time`` or a value that is not a number.
    """
    try:
        times = pd.to_datetime([row["time"] for row in rows], utc=True)
        values = [[_number(row.get(metric)) for metric in METRIC_COLUMNS] for row in rows]
    except (KeyError, ValueError, TypeError) as exc:
        raise SourceContractError(f"Coin Metrics row is not in the documented format: {one_line(repr(exc))}") from None
    index = pd.DatetimeIndex(times.tz_convert(None).normalize(), name="date").as_unit("us")
    frame = pd.DataFrame(values, index=index, columns=list(METRIC_COLUMNS.values()), dtype=float)
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    return frame.loc[:, list(CRYPTO_COLUMNS)]


def _number(value: Any) -> float:
    """A metric value (string, number or missing) as float; missing is NaN."""
    if value is None or value == "":
        return float("nan")
    return float(value)


def price_start(frame: pd.DataFrame) -> pd.Timestamp | None:
    """The first day with a price (``price_usd`` not NaN), or ``None`` when no day has one.

    Parameters
    ----------
    frame : pandas.DataFrame
        A crypto frame (:func:`rows_to_frame`, or the cached series).

    Returns
    -------
    pandas.Timestamp or None
        First priced day; later than ``frame.index[0]`` when ``PriceUSD`` starts after the other
        metrics (trx, early bnb), which ``qtlab data status`` can report.
    """
    if "price_usd" not in frame.columns:
        return None
    first = frame["price_usd"].first_valid_index()
    return None if first is None else pd.Timestamp(first)
