"""DefiLlamaSource offline: the stablecoincharts/all and v2/historicalChainTvl formats, mocked with responses."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses

from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.defillama import (
    DEFILLAMA_API_URL,
    DEFILLAMA_STABLECOINS_URL,
    ENDPOINTS,
    DefiLlamaSource,
)
from helpers.sources.http import HttpPolicy, unlimited

STABLES_URL = f"{DEFILLAMA_STABLECOINS_URL}/stablecoincharts/all"
TVL_URL = f"{DEFILLAMA_API_URL}/v2/historicalChainTvl"
STABLES = catalog.get("stablecoins_total_supply")
TVL = catalog.get("defi_tvl")
FIXED_NOW = datetime(2024, 3, 1, 0, 5, 0, tzinfo=UTC)

DAY1 = 1704067200  # 2024-01-01T00:00:00Z
DAY = 86_400


def source(max_retries: int = 2, sleep: Callable[[float], None] | None = None) -> DefiLlamaSource:
    return DefiLlamaSource(
        policy=HttpPolicy(max_retries=max_retries, base_delay=0.0),
        limiter=unlimited(),
        sleep=sleep or (lambda _: None),
        clock=lambda: FIXED_NOW,
    )


def stable_row(seconds: int, pegged_usd: float | None) -> dict:
    """A row as stablecoincharts/all answers it: date as a string, several totals, several pegs."""
    return {
        "date": str(seconds),
        "totalCirculating": {"peggedUSD": 1.0, "peggedEUR": 2.0},
        "totalUnreleased": {"peggedUSD": 3.0},
        "totalCirculatingUSD": {"peggedUSD": pegged_usd, "peggedEUR": 5.5e8},
        "totalMintedUSD": {"peggedUSD": 7.0},
        "totalBridgedToUSD": {"peggedUSD": 8.0},
    }


def tvl_row(seconds: int, tvl: float) -> dict:
    return {"date": seconds, "tvl": tvl}


# -- parsing ---------------------------------------------------------------------------------------


@responses.activate
def test_stablecoins_read_total_circulating_usd_pegged_usd_with_string_dates() -> None:
    responses.get(
        STABLES_URL,
        json=[stable_row(DAY1, 1.3e11), stable_row(DAY1 + DAY, 1.31e11), stable_row(DAY1 + 2 * DAY, 1.325e11)],
    )
    fetched = source().fetch(STABLES)
    frame = fetched.frame
    assert len(responses.calls) == 1
    assert tuple(frame.columns) == STABLES.value_columns == ("total_stablecoin_supply_usd",)
    assert frame.index.name == "date" and frame.index.tz is None
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]))
    assert frame["total_stablecoin_supply_usd"].tolist() == [1.3e11, 1.31e11, 1.325e11]
    assert frame["total_stablecoin_supply_usd"].dtype == float
    assert fetched.source == "defillama"
    assert fetched.as_of == "2024-03-01T00:05:00Z"


@responses.activate
def test_tvl_reads_tvl_with_integer_dates_from_the_tvl_host() -> None:
    responses.get(TVL_URL, json=[tvl_row(DAY1, 5.25e10), tvl_row(DAY1 + DAY, 5.3e10)])
    frame = source().fetch(TVL).frame
    assert responses.calls[0].request.url == TVL_URL
    assert tuple(frame.columns) == TVL.value_columns == ("defi_tvl_usd",)
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert frame["defi_tvl_usd"].tolist() == [5.25e10, 5.3e10]


@responses.activate
def test_both_kinds_of_date_are_accepted_on_both_endpoints() -> None:
    responses.get(TVL_URL, json=[{"date": str(DAY1), "tvl": 1.0}, {"date": DAY1 + DAY, "tvl": 2}])
    responses.get(STABLES_URL, json=[{**stable_row(DAY1, 3.0), "date": DAY1}])
    assert source().fetch(TVL).frame["defi_tvl_usd"].tolist() == [1.0, 2.0]
    assert source().fetch(STABLES).frame.index[0] == pd.Timestamp("2024-01-01")


@responses.activate
def test_label_is_the_utc_day_of_the_timestamp_and_the_last_point_of_a_day_wins() -> None:
    late = DAY1 + 23 * 3600 + 30 * 60  # 2024-01-01T23:30:00Z: still 2024-01-01 in UTC
    responses.get(TVL_URL, json=[tvl_row(DAY1, 1.0), tvl_row(late, 2.0), tvl_row(DAY1 + DAY, 3.0)])
    frame = source().fetch(TVL).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert frame["defi_tvl_usd"].tolist() == [2.0, 3.0]


@responses.activate
def test_rows_out_of_order_are_sorted() -> None:
    responses.get(TVL_URL, json=[tvl_row(DAY1 + DAY, 2.0), tvl_row(DAY1, 1.0)])
    frame = source().fetch(TVL).frame
    assert frame.index.is_monotonic_increasing
    assert frame["defi_tvl_usd"].tolist() == [1.0, 2.0]


@responses.activate
def test_leading_zero_values_are_dropped_later_zeros_and_nulls_kept() -> None:
    responses.get(
        STABLES_URL,
        json=[
            stable_row(DAY1, 0),
            stable_row(DAY1 + DAY, None),
            stable_row(DAY1 + 2 * DAY, 5.0e9),
            stable_row(DAY1 + 3 * DAY, None),
            stable_row(DAY1 + 4 * DAY, 0),
        ],
    )
    frame = source().fetch(STABLES).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-03", "2024-01-04", "2024-01-05"]))
    values = frame["total_stablecoin_supply_usd"].tolist()
    assert values[0] == 5.0e9 and math.isnan(values[1]) and values[2] == 0.0


# -- start -----------------------------------------------------------------------------------------


@responses.activate
def test_start_filters_the_full_history_inclusively() -> None:
    responses.get(TVL_URL, json=[tvl_row(DAY1 + i * DAY, float(i + 1)) for i in range(5)])
    frame = source().fetch(TVL, start=pd.Timestamp("2024-01-03")).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-03", "2024-01-04", "2024-01-05"]))
    assert frame["defi_tvl_usd"].tolist() == [3.0, 4.0, 5.0]
    assert responses.calls[0].request.url == TVL_URL  # the API has no start parameter


@responses.activate
def test_tz_aware_start_is_taken_in_utc() -> None:
    responses.get(TVL_URL, json=[tvl_row(DAY1 + i * DAY, float(i + 1)) for i in range(3)])
    frame = source().fetch(TVL, start=pd.Timestamp("2024-01-03 00:30", tz="Europe/Paris")).frame
    assert frame["defi_tvl_usd"].tolist() == [2.0, 3.0]  # 2024-01-02 23:30 UTC


@responses.activate
def test_start_after_the_last_day_gives_an_empty_frame_with_the_column() -> None:
    responses.get(TVL_URL, json=[tvl_row(DAY1, 1.0)])
    frame = source().fetch(TVL, start=pd.Timestamp("2030-01-01")).frame
    assert frame.empty
    assert tuple(frame.columns) == ("defi_tvl_usd",)
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"


@responses.activate
def test_frame_round_trips_through_the_store(tmp_path: Path) -> None:
    responses.get(STABLES_URL, json=[stable_row(DAY1, 1.3e11), stable_row(DAY1 + DAY, 1.31e11)])
    fetched = source().fetch(STABLES)
    store = Store(tmp_path)
    entry = store.write(STABLES.id, fetched)
    assert (entry.source, entry.first_date, entry.last_date, entry.rows) == ("defillama", "2024-01-01", "2024-01-02", 2)
    pd.testing.assert_frame_equal(store.read(STABLES.id), fetched.frame, check_index_type=False)


# -- refusals and errors ---------------------------------------------------------------------------


def test_spec_it_does_not_serve_is_a_contract_error() -> None:
    with pytest.raises(SourceContractError, match="DefiLlama serves only defi_tvl, stablecoins_total_supply; 'btc'"):
        source().fetch(catalog.get("btc"))


def test_endpoints_cover_exactly_the_mirror_only_defillama_series() -> None:
    assert set(ENDPOINTS) == {"stablecoins_total_supply", "defi_tvl"}
    for sid, endpoint in ENDPOINTS.items():
        assert catalog.get(sid).value_columns == (endpoint.column,)


@responses.activate
def test_429_then_success_honours_retry_after() -> None:
    waits: list[float] = []
    responses.get(TVL_URL, status=429, headers={"Retry-After": "0"}, body="Too Many Requests")
    responses.get(TVL_URL, json=[tvl_row(DAY1, 1.0)])
    frame = source(sleep=waits.append).fetch(TVL).frame
    assert len(responses.calls) == 2
    assert waits == [0.0]
    assert frame["defi_tvl_usd"].tolist() == [1.0]


@responses.activate
def test_5xx_until_retries_run_out_names_the_host() -> None:
    responses.get(STABLES_URL, status=503)
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=2).fetch(STABLES)
    assert len(responses.calls) == 3
    assert str(info.value).startswith("stablecoins.llama.fi is unavailable: HTTP 503")


@responses.activate
def test_no_network_names_the_host_and_the_mirror() -> None:
    responses.get(TVL_URL, body=requests.exceptions.ConnectionError("Network is unreachable"))
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=1).fetch(TVL)
    assert "api.llama.fi" in str(info.value)
    assert "QTLAB_MIRROR" in str(info.value)
    assert len(responses.calls) == 2


@responses.activate
def test_unresolvable_host_fails_at_once() -> None:
    error = requests.exceptions.ConnectionError("Failed to resolve 'stablecoins.llama.fi'")
    error.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    responses.get(STABLES_URL, body=error)
    with pytest.raises(SourceUnavailableError, match="could not reach stablecoins.llama.fi.*QTLAB_MIRROR"):
        source(max_retries=3).fetch(STABLES)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        {"error": "not a list"},
        [1, 2, 3],
        [{"tvl": 1.0}],  # no date
        [{"date": "2024-01-01", "tvl": 1.0}],  # date not Unix seconds
        [{"date": DAY1, "value": 1.0}],  # no tvl
        [{"date": DAY1, "tvl": "n/a"}],
        [{"date": DAY1, "tvl": True}],
    ],
)
def test_malformed_tvl_body_is_a_contract_error(body: object) -> None:
    responses.get(TVL_URL, json=body)
    with pytest.raises(SourceContractError, match="api.llama.fi answer|DefiLlama row"):
        source().fetch(TVL)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "row",
    [
        {"date": str(DAY1), "totalCirculating": {"peggedUSD": 1.0}},  # no totalCirculatingUSD
        {"date": str(DAY1), "totalCirculatingUSD": 1.0},  # not an object
    ],
)
def test_malformed_stablecoin_row_is_a_contract_error(row: dict) -> None:
    responses.get(STABLES_URL, json=[stable_row(DAY1 - DAY, 1.0), row])
    with pytest.raises(SourceContractError, match="DefiLlama row for /stablecoincharts/all"):
        source().fetch(STABLES)


@responses.activate
def test_stablecoin_row_without_pegged_usd_is_a_missing_value_not_a_failure() -> None:
    no_usd = {"date": str(DAY1 + DAY), "totalCirculatingUSD": {"peggedEUR": 5.5e8}}
    empty = {"date": str(DAY1 + 2 * DAY), "totalCirculatingUSD": {}}
    responses.get(STABLES_URL, json=[stable_row(DAY1, 1.3e11), no_usd, empty, stable_row(DAY1 + 3 * DAY, 1.32e11)])
    frame = source().fetch(STABLES).frame
    values = frame["total_stablecoin_supply_usd"]
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]))
    assert values.iloc[0] == 1.3e11 and values.iloc[3] == 1.32e11
    assert values.iloc[1:3].isna().all()


@responses.activate
def test_non_json_answer_is_a_contract_error() -> None:
    responses.get(TVL_URL, body="<html>maintenance</html>")
    with pytest.raises(SourceContractError, match="api.llama.fi answered HTTP 200 .* not JSON"):
        source().fetch(TVL)


@responses.activate
def test_client_error_is_a_contract_error_not_retried() -> None:
    responses.get(STABLES_URL, status=404, body="Not Found")
    with pytest.raises(SourceContractError, match="stablecoins.llama.fi answered HTTP 404 .*Not Found"):
        source(max_retries=3).fetch(STABLES)
    assert len(responses.calls) == 1
