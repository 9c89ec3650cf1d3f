"""CoinMetricsSource offline: the community API v4 asset-metrics format, mocked with responses."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from helpers.data import catalog
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.coinmetrics import COINMETRICS_COMMUNITY_URL, CoinMetricsSource
from helpers.sources.http import HttpPolicy, unlimited

URL = f"{COINMETRICS_COMMUNITY_URL}/timeseries/asset-metrics"
ALL_METRICS = "PriceUSD,CapMrktCurUSD,volume_reported_spot_usd_1d,SplyCur"
BTC = catalog.get("btc")
FIXED_NOW = datetime(2024, 3, 1, 0, 5, 0, tzinfo=UTC)


def source(max_retries: int = 2, page_size: int = 10_000) -> CoinMetricsSource:
    return CoinMetricsSource(
        page_size=page_size,
        policy=HttpPolicy(max_retries=max_retries, base_delay=0.0),
        limiter=unlimited(),
        clock=lambda: FIXED_NOW,
    )


def query(asset: str = "btc", metrics: str = ALL_METRICS, **extra: str) -> dict[str, str]:
    return {
        "assets": asset,
        "metrics": metrics,
        "frequency": "1d",
        "page_size": "10000",
        "paging_from": "start",
        **extra,
    }


def row(day: str, **values: str) -> dict[str, str]:
    return {"asset": "btc", "time": f"{day}T00:00:00.000000000Z", **values}


def sent_query(call_index: int) -> dict[str, list[str]]:
    return parse_qs(urlsplit(responses.calls[call_index].request.url).query)


@responses.activate
def test_two_pages_strings_to_float_and_missing_metric_is_nan() -> None:
    page1 = {
        "data": [
            row(
                "2024-01-01",
                PriceUSD="42265.1",
                CapMrktCurUSD="827800000000.5",
                SplyCur="19585031.25",
                volume_reported_spot_usd_1d="9000000000",
            ),
            row(
                "2024-01-02",
                PriceUSD="44943.7",
                CapMrktCurUSD="880300000000",
                volume_reported_spot_usd_1d="1.5e10",
            ),
        ],
        "next_page_token": "0.MjAyNC0wMS0wMlQwMDowMDowMFo",
        "next_page_url": f"{URL}?assets=btc&next_page_token=0.MjAyNC0wMS0wMlQwMDowMDowMFo",
    }
    page2 = {"data": [row("2024-01-03", PriceUSD="42836.2", SplyCur="19586000")]}
    responses.get(URL, json=page1, match=[matchers.query_param_matcher(query(start_time="2024-01-01"))])
    responses.get(
        URL,
        json=page2,
        match=[
            matchers.query_param_matcher(
                query(start_time="2024-01-01", next_page_token="0.MjAyNC0wMS0wMlQwMDowMDowMFo")
            )
        ],
    )
    fetched = source().fetch(BTC, start=pd.Timestamp("2024-01-01"))
    frame = fetched.frame
    assert len(responses.calls) == 2
    assert tuple(frame.columns) == catalog.CRYPTO_COLUMNS
    assert frame.index.name == "date" and frame.index.tz is None
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]))
    assert all(frame[c].dtype == float for c in frame.columns)
    assert frame.loc["2024-01-01", "price_usd"] == 42265.1
    assert frame.loc["2024-01-01", "market_cap_usd"] == 827800000000.5
    assert frame.loc["2024-01-01", "supply"] == 19585031.25
    assert frame.loc["2024-01-02", "volume_usd"] == 1.5e10
    assert math.isnan(frame.loc["2024-01-02", "supply"])  # SplyCur absent from that row
    assert math.isnan(frame.loc["2024-01-03", "market_cap_usd"])
    assert math.isnan(frame.loc["2024-01-03", "volume_usd"])
    assert fetched.source == "coinmetrics"
    assert fetched.as_of == "2024-03-01T00:05:00Z"


@responses.activate
def test_next_page_url_alone_is_followed_unmodified() -> None:
    next_url = f"{URL}?assets=btc&metrics=PriceUSD&next_page_token=abc"
    responses.get(
        URL,
        json={"data": [row("2024-01-01", PriceUSD="1")], "next_page_url": next_url},
        match=[matchers.query_param_matcher(query())],
    )
    responses.get(
        URL,
        json={"data": [row("2024-01-02", PriceUSD="2")]},
        match=[
            matchers.query_param_matcher({"assets": "btc", "metrics": "PriceUSD", "next_page_token": "abc"})
        ],
    )
    frame = source().fetch(BTC).frame
    assert frame["price_usd"].tolist() == [1.0, 2.0]
    assert len(responses.calls) == 2


@responses.activate
def test_date_is_the_utc_day_of_time_without_shift_and_uses_the_catalog_asset_id() -> None:
    avax = catalog.get("avax")  # Coin Metrics calls it avaxc
    responses.get(
        URL,
        json={"data": [{"asset": "avaxc", "time": "2024-01-05T00:00:00.000000000Z", "PriceUSD": "38.1"}]},
        match=[matchers.query_param_matcher(query(asset="avaxc"))],
    )
    frame = source().fetch(avax).frame
    assert list(frame.index) == [pd.Timestamp("2024-01-05")]
    assert frame["price_usd"].tolist() == [38.1]


@responses.activate
def test_forbidden_metric_is_dropped_and_left_nan() -> None:
    forbidden = {
        "error": {
            "type": "forbidden",
            "message": "Requested metric 'volume_reported_spot_usd_1d' with frequency '1d' for asset 'btc' "
            "is not available with supplied credentials.",
        }
    }
    responses.get(URL, status=403, json=forbidden, match=[matchers.query_param_matcher(query())])
    responses.get(
        URL,
        json={"data": [row("2024-01-01", PriceUSD="42265.1", CapMrktCurUSD="8.3e11", SplyCur="19585031")]},
        match=[matchers.query_param_matcher(query(metrics="PriceUSD,CapMrktCurUSD,SplyCur"))],
    )
    frame = source().fetch(BTC).frame
    assert len(responses.calls) == 2
    assert "volume_reported_spot_usd_1d" not in sent_query(1)["metrics"][0]
    assert tuple(frame.columns) == catalog.CRYPTO_COLUMNS
    assert frame["volume_usd"].isna().all()
    assert frame.loc["2024-01-01", "price_usd"] == 42265.1


@responses.activate
def test_every_metric_rejected_is_a_contract_error() -> None:
    def reject(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        metric = parse_qs(urlsplit(request.url).query)["metrics"][0].split(",")[0]
        body = {"error": {"type": "forbidden", "message": f"Requested metric '{metric}' is not available."}}
        return 403, {}, json.dumps(body)

    responses.add_callback(responses.GET, URL, callback=reject)
    with pytest.raises(SourceContractError, match="serves none of"):
        source().fetch(BTC)
    assert len(responses.calls) == 4


@responses.activate
@pytest.mark.parametrize(
    ("status", "body"),
    [
        (
            400,
            {
                "error": {
                    "type": "bad_parameter",
                    "message": "Bad parameter 'assets'. Value 'btc' is not supported.",
                }
            },
        ),
        (
            403,
            {
                "error": {
                    "type": "forbidden",
                    "message": "Requested resource is not available with supplied credentials.",
                }
            },
        ),
        (200, {"error": {"type": "unknown", "message": "surprise"}}),
        (200, {"rows": []}),
    ],
)
def test_other_api_errors_are_contract_errors_not_retried(status: int, body: dict) -> None:
    responses.get(URL, status=status, json=body)
    with pytest.raises(SourceContractError, match="Coin Metrics"):
        source().fetch(BTC)
    assert len(responses.calls) == 1


@responses.activate
def test_non_json_answer_is_a_contract_error() -> None:
    responses.get(URL, body="<html>maintenance</html>")
    with pytest.raises(SourceContractError, match="not JSON"):
        source().fetch(BTC)


@responses.activate
def test_unreadable_value_is_a_contract_error() -> None:
    responses.get(URL, json={"data": [row("2024-01-01", PriceUSD="n/a")]})
    with pytest.raises(SourceContractError, match="documented format"):
        source().fetch(BTC)


def test_spec_without_coinmetrics_asset_is_a_contract_error() -> None:
    with pytest.raises(SourceContractError, match="'market_total' has no Coin Metrics asset id"):
        source().fetch(catalog.get("market_total"))


@responses.activate
def test_429_then_success() -> None:
    responses.get(URL, status=429, json={"error": {"type": "too_many_requests", "message": "slow down"}})
    responses.get(URL, json={"data": [row("2024-01-01", PriceUSD="1")]})
    frame = source().fetch(BTC).frame
    assert len(responses.calls) == 2
    assert frame["price_usd"].tolist() == [1.0]


@responses.activate
def test_5xx_until_retries_run_out_names_the_host() -> None:
    responses.get(URL, status=502)
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=2).fetch(BTC)
    assert len(responses.calls) == 3
    assert str(info.value).startswith("community-api.coinmetrics.io is unavailable: HTTP 502")
    assert "assets=" not in str(info.value)


@responses.activate
def test_empty_history_gives_an_empty_frame_with_the_columns() -> None:
    responses.get(URL, json={"data": []})
    frame = source().fetch(BTC, start=pd.Timestamp("2030-01-01")).frame
    assert frame.empty
    assert tuple(frame.columns) == catalog.CRYPTO_COLUMNS
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"


def test_page_size_is_checked() -> None:
    with pytest.raises(ValueError, match="page_size"):
        CoinMetricsSource(page_size=20_000)


# -- paging order, pagination limits, late PriceUSD ------------------------------------------------


def paged_api(days: list[str], page_size: int, served: list[list[str]]) -> object:
    """A callback serving ``days`` the way the API pages: from the newest unless ``paging_from=start``."""

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        from_start = query.get("paging_from", "end") == "start"
        ordered = days if from_start else days[::-1]
        offset = int(query.get("next_page_token", "0"))
        page = ordered[offset : offset + page_size]
        rows = sorted((row(d, PriceUSD=str(i + 1)) for i, d in enumerate(days) if d in page), key=lambda r: r["time"])
        served.append([r["time"][:10] for r in rows])
        body: dict[str, object] = {"data": rows}
        if offset + page_size < len(ordered):
            body["next_page_token"] = str(offset + page_size)
        return 200, {}, json.dumps(body)

    return answer


@responses.activate
def test_paging_from_start_is_sent_so_pages_come_oldest_first() -> None:
    days = [f"2024-01-0{i}" for i in range(1, 6)]
    served: list[list[str]] = []
    responses.add_callback(responses.GET, URL, callback=paged_api(days, 2, served))
    frame = source(page_size=2).fetch(BTC).frame
    assert sent_query(0)["paging_from"] == ["start"]
    assert all(sent_query(i)["paging_from"] == ["start"] for i in range(len(responses.calls)))
    assert len(responses.calls) == 3
    assert frame.index.strftime("%Y-%m-%d").tolist() == days
    assert frame["price_usd"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert served == [days[:2], days[2:4], days[4:]]  # the oldest rows came first


@responses.activate
def test_a_repeated_page_token_is_refused() -> None:
    responses.get(URL, json={"data": [row("2024-01-01", PriceUSD="1")], "next_page_token": "same"})
    with pytest.raises(SourceContractError, match="Coin Metrics asset 'btc': the pagination repeated a page token"):
        source().fetch(BTC)
    assert len(responses.calls) == 2


@responses.activate
def test_a_pagination_that_never_ends_is_refused() -> None:
    counter = iter(range(10_000))

    def endless(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps({"data": [row("2024-01-01", PriceUSD="1")], "next_page_token": str(next(counter))})

    responses.add_callback(responses.GET, URL, callback=endless)
    limited = CoinMetricsSource(policy=HttpPolicy(max_retries=0, max_pages=6), limiter=unlimited())
    with pytest.raises(SourceContractError, match="did not end after 6 pages"):
        limited.fetch(BTC)
    assert len(responses.calls) == 6


@responses.activate
def test_price_start_exposes_a_price_history_shorter_than_the_other_metrics() -> None:
    from helpers.sources.coinmetrics import price_start

    trx = catalog.get("trx")
    responses.get(
        URL,
        json={
            "data": [
                {"asset": "trx", "time": "2018-06-23T00:00:00.000000000Z", "SplyCur": "1e11"},
                {"asset": "trx", "time": "2018-06-24T00:00:00.000000000Z", "SplyCur": "1e11"},
                {"asset": "trx", "time": "2018-06-25T00:00:00.000000000Z", "PriceUSD": "0.0362", "SplyCur": "1e11"},
            ]
        },
    )
    frame = source().fetch(trx).frame
    assert frame.index[0] == pd.Timestamp("2018-06-23")
    assert price_start(frame) == pd.Timestamp("2018-06-25")
    assert price_start(frame.iloc[:2]) is None
