"""DefiLlama: total stablecoin supply and total DeFi TVL, one daily value each.

Two keyless endpoints, each answering the whole history as one JSON list:

* ``GET https://stablecoins.llama.fi/stablecoincharts/all`` answers
  ``[{"date": "1511913600", "totalCirculating": {"peggedUSD": ...}, "totalCirculatingUSD":
  {"peggedUSD": 1.3e9, "peggedEUR": ...}, ...}, ...]``: ``date`` is Unix seconds *as a string*.
  The series is ``totalCirculatingUSD.peggedUSD``, the USD value of every USD-pegged stablecoin.
* ``GET https://api.llama.fi/v2/historicalChainTvl`` answers ``[{"date": 1530230400, "tvl":
  4.1e8}, ...]``: ``date`` is Unix seconds as a number, ``tvl`` the USD total value locked in DeFi
  on all chains (liquid staking and double counting excluded).

A stablecoin row whose ``totalCirculatingUSD`` has no ``peggedUSD`` entry (a day on which DefiLlama
tracked no USD-pegged coin, or a row cut short) is a missing value (NaN) for that day, not a
failure of the whole series; a row without ``totalCirculatingUSD`` at all, or with something other
than an object there, is still refused.

Both kinds of ``date`` are accepted on both endpoints. A value is labelled with the UTC calendar
day of its ``date`` (DefiLlama stamps its daily points at 00:00 UTC of that day, not shifted);
the last point of a day wins. Leading zero values (days before DefiLlama covered anything)
are dropped, as in the mirror (``../shared/data/crypto/PROVENANCE.md``, "Aggregate series").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Unpack

import pandas as pd
from pyrate_limiter import Duration, Rate

from helpers.data.catalog import SeriesSpec
from helpers.errors import SourceContractError
from helpers.sources.base import Fetched
from helpers.sources.http import host_of
from helpers.sources.redaction import get_logger, one_line
from helpers.sources.remote import HttpOptions, RemoteSource, ensure_ok, fetched, number, utc_day

logger = get_logger(__name__)

#: Root of the stablecoins API.
DEFILLAMA_STABLECOINS_URL = "https://stablecoins.llama.fi"
#: Root of the TVL API.
DEFILLAMA_API_URL = "https://api.llama.fi"
#: DefiLlama publishes no hard limit for its free API; stay modest: 5 requests per second per host.
DEFILLAMA_MAX_CALLS_PER_SECOND = 5


@dataclass(frozen=True)
class Endpoint:
    """Where one catalog series lives in the DefiLlama API.

    Parameters
    ----------
    root : {"stablecoins", "api"}
        Which API root serves it (:data:`DEFILLAMA_STABLECOINS_URL` or :data:`DEFILLAMA_API_URL`).
    path : str
        Path below the root.
    field : tuple of str
        Keys leading from a row of the answer to the value (``("tvl",)``).
    optional_last : bool
        Whether a row may lack the last key of ``field`` (a missing value rather than an error).
    column : str
        Column of the frame, as in the catalog and the mirror.
    """

    root: str
    path: str
    field: tuple[str, ...]
    column: str
    optional_last: bool = False


#: Catalog series id -> endpoint serving it.
ENDPOINTS: dict[str, Endpoint] = {
    "stablecoins_total_supply": Endpoint(
        "stablecoins",
        "/stablecoincharts/all",
        ("totalCirculatingUSD", "peggedUSD"),
        "total_stablecoin_supply_usd",
        optional_last=True,
    ),
    "defi_tvl": Endpoint("api", "/v2/historicalChainTvl", ("tvl",), "defi_tvl_usd"),
}


class DefiLlamaSource(RemoteSource):
    """Total stablecoin supply and total DeFi TVL from the DefiLlama free API.

    Parameters
    ----------
    stablecoins_url : str, optional
        Root of the stablecoins API (tests point it at a mock).
    api_url : str, optional
        Root of the TVL API.
    **options
        ``policy``, ``limiter``, ``session``, ``sleep``, ``clock``: see
        :class:`~helpers.sources.remote.RemoteSource`. The limiter serves both roots; the
        default allows 5 requests per second to each host.
    """

    name = "defillama"
    rates = [Rate(DEFILLAMA_MAX_CALLS_PER_SECOND, Duration.SECOND)]

    def __init__(
        self,
        *,
        stablecoins_url: str = DEFILLAMA_STABLECOINS_URL,
        api_url: str = DEFILLAMA_API_URL,
        **options: Unpack[HttpOptions],
    ) -> None:
        self.roots = {"stablecoins": stablecoins_url.rstrip("/"), "api": api_url.rstrip("/")}
        super().__init__(**options)

    def _repr_fields(self) -> dict[str, object]:
        return {"stablecoins_url": self.roots["stablecoins"], "api_url": self.roots["api"]}

    def _fetch(self, spec: SeriesSpec, start: pd.Timestamp | None) -> Fetched:
        """Fetch the daily history of one DefiLlama aggregate.

        Parameters
        ----------
        spec : SeriesSpec
            ``stablecoins_total_supply`` or ``defi_tvl`` (the keys of :data:`ENDPOINTS`).
        start : pandas.Timestamp or None
            First day (inclusive); ``None`` for the full history. The API always answers the
            full history; earlier days are dropped here.

        Returns
        -------
        Fetched
            Frame with a ``date`` index (UTC day of ``date``) and one float column,
            ``total_stablecoin_supply_usd`` or ``defi_tvl_usd``, in USD; a missing value is NaN.

        Raises
        ------
        SourceContractError
            DefiLlama does not serve ``spec``, rejected the request, or answered in another
            format than the documented one.
        SourceUnavailableError
            The API could not be reached or kept failing after retries.
        """
        endpoint = ENDPOINTS.get(spec.id)
        if endpoint is None:
            raise SourceContractError(
                f"DefiLlama serves only {', '.join(sorted(ENDPOINTS))}; {spec.id!r} is not one of them; "
                "use another source"
            )
        as_of = self._as_of()
        url = f"{self.roots[endpoint.root]}{endpoint.path}"
        rows = self._get_rows(url, spec.id)
        frame = rows_to_frame(rows, endpoint)
        if start is not None:
            frame = frame.loc[frame.index >= utc_day(start)]
        logger.debug("DefiLlama %s: %d days", spec.id, len(frame))
        return fetched(frame, self.name, as_of)

    def _get_rows(self, url: str, series_id: str) -> list[dict[str, Any]]:
        """The answer of ``url`` as a list of rows, checked."""
        response = self._http.get(url)
        host = host_of(url)
        ensure_ok(response, f"DefiLlama series {series_id!r}")
        try:
            payload = response.json()
        except ValueError:
            raise SourceContractError(
                f"{host} answered HTTP {response.status_code} for DefiLlama series {series_id!r} "
                "with a body that is not JSON"
            ) from None
        if not isinstance(payload, list) or not all(isinstance(row, dict) for row in payload):
            raise SourceContractError(
                f"{host} answer for DefiLlama series {series_id!r} is not a JSON list of daily rows"
            )
        return payload


def rows_to_frame(rows: list[dict[str, Any]], endpoint: Endpoint) -> pd.DataFrame:
    """Build the daily frame of one endpoint from its rows.

    Parameters
    ----------
    rows : list of dict
        Rows with ``date`` (Unix seconds, number or string) and the value at ``endpoint.field``
        (``null`` for a missing value).
    endpoint : Endpoint
        Which value to read and which column to write.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (tz-naive UTC day of ``date``, ascending, unique: the last row of a day
        wins), one float column ``endpoint.column``; leading days without a positive value
        are dropped.

    Raises
    ------
    SourceContractError
        A row has no readable ``date``, lacks a key of ``endpoint.field``, or has a value that
        is not a number.
    """
    try:
        seconds = [_unix_seconds(row["date"]) for row in rows]
        values = [_value_at(row, endpoint.field, endpoint.optional_last) for row in rows]
    except (KeyError, ValueError, TypeError) as exc:
        raise SourceContractError(
            f"DefiLlama row for {endpoint.path} is not in the documented format: {one_line(repr(exc))}"
        ) from None
    times = pd.to_datetime(pd.Series(seconds, dtype="int64"), unit="s", utc=True)
    index = pd.DatetimeIndex(times.dt.tz_convert(None).dt.normalize(), name="date").as_unit("us")
    frame = pd.DataFrame({endpoint.column: values}, index=index, dtype=float)
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    positive = (frame[endpoint.column] > 0).to_numpy()
    first = int(positive.argmax()) if positive.any() else len(frame)
    return frame.iloc[first:]


def _unix_seconds(value: Any) -> int:
    """A ``date`` field (integer, integral float, or string of digits) as Unix seconds."""
    if isinstance(value, bool):
        raise TypeError(f"date {value!r} is not Unix seconds")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"date {value!r} is not Unix seconds")


def _value_at(row: dict[str, Any], field: tuple[str, ...], optional_last: bool = False) -> float:
    """The value at ``field`` in ``row``; a ``null`` value is NaN, and so is a missing last key if optional."""
    node: Any = row
    for depth, key in enumerate(field, start=1):
        if not isinstance(node, dict):
            raise TypeError(f"expected an object holding {key!r}, got {type(node).__name__}")
        if optional_last and depth == len(field) and key not in node:
            return float("nan")
        node = node[key]
    return _number(node)


def _number(value: Any) -> float:
    """A value (number, numeric string or missing) as float; missing is NaN."""
    result = number(value)
    if math.isinf(result):
        raise ValueError(f"value {value!r} is not finite")
    return result
