"""BinanceFundingSource offline: the USDⓈ-M /fapi/v1/fundingRate format, mocked with responses."""

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
from responses import matchers

from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.binance import (
    BINANCE_FUTURES_URL,
    FUNDING_RATE_PATH,
    HISTORY_START,
    SYMBOLS,
    BinanceFundingSource,
    rows_to_frame,
)
from helpers.sources.http import HttpPolicy, unlimited

URL = f"{BINANCE_FUTURES_URL}{FUNDING_RATE_PATH}"
FUNDING = catalog.get("btc_funding_binance")
FIXED_NOW = datetime(2024, 3, 1, 0, 5, 0, tzinfo=UTC)

H8 = 8 * 3600 * 1000
JAN1 = 1704067200000  # 2024-01-01T00:00:00Z in ms
DAY = 3 * H8


def source(
    max_retries: int = 2,
    page_size: int = 1000,
    now: datetime = FIXED_NOW,
    sleep: Callable[[float], None] | None = None,
) -> BinanceFundingSource:
    return BinanceFundingSource(
        page_size=page_size,
        policy=HttpPolicy(max_retries=max_retries, base_delay=0.0),
        limiter=unlimited(),
        sleep=sleep or (lambda _: None),
        clock=lambda: now,
    )


def paid(mark: int) -> int:
    """The ``fundingTime`` Binance stamps on the rate due at ``mark``: a few ms after it, never exact
    (1704067200003 for the 2024-01-01 00:00 UTC payment)."""
    return mark + 3 + (mark // H8) % 3


def rate(mark: int, value: str) -> dict[str, object]:
    """A row as /fapi/v1/fundingRate answers it, for the payment due at ``mark`` (ms)."""
    return {"symbol": "BTCUSDT", "fundingTime": paid(mark), "fundingRate": value, "markPrice": "42265.10000000"}


def query(start_ms: int, limit: int = 1000) -> dict[str, str]:
    return {"symbol": "BTCUSDT", "startTime": str(start_ms), "limit": str(limit)}


# -- aggregation -----------------------------------------------------------------------------------


@responses.activate
def test_three_rates_of_one_day_give_their_mean_and_mean_absolute_value() -> None:
    responses.get(
        URL,
        json=[rate(JAN1, "0.00030000"), rate(JAN1 + H8, "-0.00010000"), rate(JAN1 + 2 * H8, "0.00010000")],
    )
    fetched = source().fetch(FUNDING)
    frame = fetched.frame
    assert tuple(frame.columns) == FUNDING.value_columns == ("funding_rate_mean", "funding_rate_abs_mean")
    assert frame.index.name == "date" and frame.index.tz is None
    assert list(frame.index) == [pd.Timestamp("2024-01-01")]
    assert frame.loc["2024-01-01", "funding_rate_mean"] == pytest.approx(0.0001, rel=1e-12)
    assert frame.loc["2024-01-01", "funding_rate_abs_mean"] == pytest.approx(0.0005 / 3, rel=1e-12)
    assert all(frame[c].dtype == float for c in frame.columns)
    assert fetched.source == "binance"
    assert fetched.as_of == "2024-03-01T00:05:00Z"


@responses.activate
def test_rates_are_grouped_by_the_utc_day_they_were_paid() -> None:
    # 16:00 UTC belongs to its own day; the next 00:00 (a few ms late, as Binance stamps it) to the next.
    assert paid(JAN1 + DAY) > JAN1 + DAY
    responses.get(
        URL,
        json=[
            rate(JAN1 + 2 * H8, "0.00020000"),
            rate(JAN1 + DAY, "-0.00040000"),
            rate(JAN1 + DAY + H8, "0.00000000"),
        ],
    )
    frame = source().fetch(FUNDING).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert frame["funding_rate_mean"].tolist() == pytest.approx([0.0002, -0.0002], rel=1e-12)
    assert frame["funding_rate_abs_mean"].tolist() == pytest.approx([0.0002, 0.0002], rel=1e-12)


@responses.activate
def test_missing_rate_is_left_out_of_the_means_and_a_repeated_row_counts_once() -> None:
    responses.get(
        URL,
        json=[
            rate(JAN1, "0.00010000"),
            rate(JAN1 + H8, ""),
            rate(JAN1 + 2 * H8, "-0.00030000"),
            rate(JAN1 + 2 * H8, "-0.00030000"),
        ],
    )
    frame = source().fetch(FUNDING).frame
    assert frame.loc["2024-01-01", "funding_rate_mean"] == pytest.approx(-0.0001, rel=1e-12)
    assert frame.loc["2024-01-01", "funding_rate_abs_mean"] == pytest.approx(0.0002, rel=1e-12)


@responses.activate
def test_the_current_utc_day_is_left_out_until_it_is_over() -> None:
    responses.get(URL, json=[rate(JAN1, "0.0001"), rate(JAN1 + DAY, "0.0005"), rate(JAN1 + DAY + H8, "0.0007")])
    frame = source(now=datetime(2024, 1, 2, 12, 0, tzinfo=UTC)).fetch(FUNDING).frame
    assert list(frame.index) == [pd.Timestamp("2024-01-01")]
    frame = source(now=datetime(2024, 1, 3, 0, 0, 1, tzinfo=UTC)).fetch(FUNDING).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert frame.loc["2024-01-02", "funding_rate_mean"] == pytest.approx(0.0006, rel=1e-12)


# -- pagination and start --------------------------------------------------------------------------


@responses.activate
def test_two_pages_advance_start_time_past_the_last_funding_time() -> None:
    page1 = [rate(JAN1, "0.00030000"), rate(JAN1 + H8, "-0.00010000"), rate(JAN1 + 2 * H8, "0.00010000")]
    page2 = [rate(JAN1 + DAY, "0.00020000"), rate(JAN1 + DAY + H8, "0.00040000")]
    start = pd.Timestamp("2024-01-01")
    responses.get(URL, json=page1, match=[matchers.query_param_matcher(query(JAN1, limit=3))])
    responses.get(URL, json=page2, match=[matchers.query_param_matcher(query(paid(JAN1 + 2 * H8) + 1, limit=3))])
    frame = source(page_size=3).fetch(FUNDING, start=start).frame
    assert len(responses.calls) == 2
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert frame["funding_rate_mean"].tolist() == pytest.approx([0.0001, 0.0003], rel=1e-12)
    assert frame["funding_rate_abs_mean"].tolist() == pytest.approx([0.0005 / 3, 0.0003], rel=1e-12)


@responses.activate
def test_a_full_last_page_is_followed_by_one_empty_page() -> None:
    responses.get(
        URL,
        json=[rate(JAN1, "0.0001"), rate(JAN1 + H8, "0.0003")],
        match=[matchers.query_param_matcher(query(JAN1, limit=2))],
    )
    responses.get(URL, json=[], match=[matchers.query_param_matcher(query(paid(JAN1 + H8) + 1, limit=2))])
    frame = source(page_size=2).fetch(FUNDING, start=pd.Timestamp("2024-01-01")).frame
    assert len(responses.calls) == 2
    assert frame["funding_rate_mean"].tolist() == pytest.approx([0.0002], rel=1e-12)


@responses.activate
def test_full_history_starts_before_the_first_btcusdt_funding() -> None:
    first = int(HISTORY_START.tz_localize("UTC").timestamp() * 1000)
    assert HISTORY_START <= pd.Timestamp("2019-09-10")
    responses.get(URL, json=[rate(1568102400000, "0.00010000")], match=[matchers.query_param_matcher(query(first))])
    frame = source().fetch(FUNDING).frame
    assert list(frame.index) == [pd.Timestamp("2019-09-10")]


@responses.activate
def test_start_is_sent_as_start_time_and_earlier_rows_are_filtered() -> None:
    start_ms = JAN1 + DAY
    responses.get(
        URL,
        json=[rate(JAN1 + 2 * H8, "0.0009"), rate(start_ms, "0.0001"), rate(start_ms + H8, "0.0003")],
        match=[matchers.query_param_matcher(query(start_ms))],
    )
    frame = source().fetch(FUNDING, start=pd.Timestamp("2024-01-02 13:45")).frame
    assert list(frame.index) == [pd.Timestamp("2024-01-02")]
    assert frame.loc["2024-01-02", "funding_rate_mean"] == pytest.approx(0.0002, rel=1e-12)


@responses.activate
def test_tz_aware_start_is_taken_in_utc() -> None:
    # 00:30 in Paris on 2024-01-02 is 23:30 UTC on 2024-01-01: the first day is 2024-01-01.
    responses.get(URL, json=[rate(JAN1, "0.0001")], match=[matchers.query_param_matcher(query(JAN1))])
    frame = source().fetch(FUNDING, start=pd.Timestamp("2024-01-02 00:30", tz="Europe/Paris")).frame
    assert len(responses.calls) == 1
    assert list(frame.index) == [pd.Timestamp("2024-01-01")]


@responses.activate
def test_pagination_that_does_not_advance_is_a_contract_error() -> None:
    responses.get(URL, json=[rate(JAN1, "0.0001")])  # a full page (limit 1) older than startTime
    with pytest.raises(SourceContractError, match="did not advance"):
        source(page_size=1).fetch(FUNDING, start=pd.Timestamp("2024-01-02"))
    assert len(responses.calls) == 1


@responses.activate
def test_empty_answer_gives_an_empty_frame_with_the_columns() -> None:
    responses.get(URL, json=[])
    frame = source().fetch(FUNDING, start=pd.Timestamp("2024-02-01")).frame
    assert frame.empty
    assert tuple(frame.columns) == ("funding_rate_mean", "funding_rate_abs_mean")
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"


@responses.activate
def test_frame_with_negative_rates_round_trips_through_the_store(tmp_path: Path) -> None:
    responses.get(URL, json=[rate(JAN1, "-0.00012345"), rate(JAN1 + DAY, "0.00010000")])
    fetched = source().fetch(FUNDING)
    store = Store(tmp_path)
    entry = store.write(FUNDING.id, fetched)
    assert (entry.source, entry.first_date, entry.last_date, entry.rows) == ("binance", "2024-01-01", "2024-01-02", 2)
    pd.testing.assert_frame_equal(store.read(FUNDING.id), fetched.frame, check_index_type=False)
    assert store.read(FUNDING.id).loc["2024-01-01", "funding_rate_mean"] == -0.00012345


# -- refusals and errors ---------------------------------------------------------------------------


def test_spec_it_does_not_serve_is_a_contract_error() -> None:
    assert SYMBOLS == {"btc_funding_binance": "BTCUSDT"}
    with pytest.raises(SourceContractError, match="Binance serves only btc_funding_binance; 'defi_tvl'"):
        source().fetch(catalog.get("defi_tvl"))


def test_page_size_is_checked() -> None:
    with pytest.raises(ValueError, match="page_size"):
        BinanceFundingSource(page_size=1001)


@responses.activate
def test_429_then_success_honours_retry_after() -> None:
    waits: list[float] = []
    responses.get(
        URL,
        status=429,
        headers={"Retry-After": "0"},
        json={"code": -1003, "msg": "Too many requests; current limit is 500 requests per 5 minutes."},
    )
    responses.get(URL, json=[rate(JAN1, "0.0001")])
    frame = source(sleep=waits.append).fetch(FUNDING).frame
    assert len(responses.calls) == 2
    assert waits == [0.0]
    assert frame["funding_rate_mean"].tolist() == pytest.approx([0.0001], rel=1e-12)


@responses.activate
def test_451_says_not_available_from_this_location_and_to_use_the_mirror() -> None:
    body = {"code": 0, "msg": "Service unavailable from a restricted location according to 'b. Eligibility'"}
    responses.get(URL, status=451, json=body)
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=3).fetch(FUNDING)
    message = str(info.value)
    assert message.startswith("fapi.binance.com answered HTTP 451")
    assert "not available from this location" in message
    assert "QTLAB_MIRROR" in message and "mirror" in message
    assert len(responses.calls) == 1


@responses.activate
def test_418_ban_is_not_retried_and_says_how_long() -> None:
    responses.get(URL, status=418, headers={"Retry-After": "120"}, json={"code": -1003, "msg": "Way too many requests"})
    with pytest.raises(SourceUnavailableError, match=r"fapi.binance.com answered HTTP 418: .*banned this IP for 120 s"):
        source(max_retries=3).fetch(FUNDING)
    assert len(responses.calls) == 1


@responses.activate
def test_binance_error_body_is_a_contract_error_quoting_code_and_msg() -> None:
    responses.get(URL, status=400, json={"code": -1121, "msg": "Invalid symbol."})
    with pytest.raises(SourceContractError, match=r"HTTP 400 \(code -1121: Invalid symbol\.\)"):
        source(max_retries=3).fetch(FUNDING)
    assert len(responses.calls) == 1


@responses.activate
def test_5xx_until_retries_run_out_names_the_host() -> None:
    responses.get(URL, status=502)
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=2).fetch(FUNDING)
    assert len(responses.calls) == 3
    assert str(info.value).startswith("fapi.binance.com is unavailable: HTTP 502")
    assert "startTime" not in str(info.value)


@responses.activate
def test_no_network_names_the_host_and_the_mirror() -> None:
    responses.get(URL, body=requests.exceptions.ConnectionError("Network is unreachable"))
    with pytest.raises(SourceUnavailableError) as info:
        source(max_retries=1).fetch(FUNDING)
    assert "fapi.binance.com" in str(info.value)
    assert "QTLAB_MIRROR" in str(info.value)
    assert len(responses.calls) == 2


@responses.activate
def test_unresolvable_host_fails_at_once() -> None:
    error = requests.exceptions.ConnectionError("Failed to resolve 'fapi.binance.com'")
    error.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    responses.get(URL, body=error)
    with pytest.raises(SourceUnavailableError, match="could not reach fapi.binance.com.*QTLAB_MIRROR"):
        source(max_retries=3).fetch(FUNDING)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        {"code": -1121, "msg": "Invalid symbol."},  # an error object with HTTP 200
        ["0.0001"],
        [{"fundingRate": "0.0001"}],  # no fundingTime
        [{"fundingTime": "yesterday", "fundingRate": "0.0001"}],
        [{"fundingTime": 1.7e12, "fundingRate": "0.0001"}],
        [{"fundingTime": JAN1, "fundingRate": "n/a"}],
        [{"fundingTime": JAN1, "fundingRate": ["0.0001"]}],
    ],
)
def test_malformed_body_is_a_contract_error(body: object) -> None:
    responses.get(URL, json=body)
    with pytest.raises(SourceContractError, match="fapi.binance.com answer|Binance funding-rate row"):
        source().fetch(FUNDING)
    assert len(responses.calls) == 1


@responses.activate
def test_malformed_row_on_a_full_page_is_a_contract_error() -> None:
    responses.get(URL, json=[rate(JAN1, "0.0001"), {"fundingRate": "0.0001"}])
    with pytest.raises(SourceContractError, match="Binance funding-rate row"):
        source(page_size=2).fetch(FUNDING)
    assert len(responses.calls) == 1


@responses.activate
def test_non_json_answer_is_a_contract_error() -> None:
    responses.get(URL, body="<html>maintenance</html>")
    with pytest.raises(SourceContractError, match="not JSON"):
        source().fetch(FUNDING)


def test_real_funding_times_are_not_exact_marks() -> None:
    assert paid(JAN1) == 1704067200003 and paid(JAN1 + 2 * H8) == JAN1 + 2 * H8 + 5
    frame = rows_to_frame([rate(JAN1 + DAY - H8, "0.0001"), {"fundingTime": JAN1 + DAY - 1, "fundingRate": "0.0003"}])
    assert list(frame.index) == [pd.Timestamp("2024-01-01")]  # 23:59:59.999 still belongs to its day
    assert frame["funding_rate_mean"].tolist() == pytest.approx([0.0002], rel=1e-12)


def test_null_rate_is_missing_not_an_error() -> None:
    frame = rows_to_frame([{"fundingTime": JAN1, "fundingRate": None}])
    assert math.isnan(frame.loc["2024-01-01", "funding_rate_mean"])
