"""FredSource offline: fredapi against a local HTTP server in FRED's XML, the keyless CSV via responses."""

from __future__ import annotations

import logging
import math
import socket
import traceback
from datetime import UTC, datetime

import pandas as pd
import pytest
import requests
import responses
from pytest_httpserver import HTTPServer
from responses import matchers

from helpers.data import catalog
from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources import default_source, get_source
from helpers.sources.fred import FRED_GRAPH_CSV_URL, FredSource
from helpers.sources.http import HttpPolicy, unlimited

KEY = "abcdef0123456789abcdef0123456789"  # FRED keys are 32 lower-case alphanumerics
WALCL = catalog.get("WALCL")
FIXED_NOW = datetime(2024, 3, 1, 15, 30, 0, tzinfo=UTC)

OBSERVATIONS_XML = """<?xml version="1.0" encoding="utf-8" ?>
<observations realtime_start="2024-03-01" realtime_end="2024-03-01" observation_start="2024-01-01"
 observation_end="9999-12-31" units="lin" output_type="1" file_type="xml" order_by="observation_date"
 sort_order="asc" count="3" offset="0" limit="100000">
  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="2024-01-03" value="7713485"/>
  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="2024-01-10" value="."/>
  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="2024-01-17" value="7677515.5"/>
</observations>
"""


def fred_error(code: int, message: str) -> str:
    """FRED's XML error body."""
    return f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="{code}" message="{message}"/>\n'


def keyed_source(server: HTTPServer, max_retries: int = 2) -> FredSource:
    return FredSource(
        KEY,
        root_url=server.url_for("/fred"),
        policy=HttpPolicy(max_retries=max_retries, base_delay=0.0),
        limiter=unlimited(),
        clock=lambda: FIXED_NOW,
    )


def keyless_source(max_retries: int = 2) -> FredSource:
    return FredSource(
        "",
        policy=HttpPolicy(max_retries=max_retries, base_delay=0.0),
        limiter=unlimited(),
        clock=lambda: FIXED_NOW,
    )


def observations_query(start: str = "2024-01-01") -> dict[str, str]:
    return {"series_id": "WALCL", "observation_start": start, "api_key": KEY}


def assert_no_key(exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    """The key is nowhere: message, repr, chained exceptions, formatted traceback, log records."""
    chain: list[BaseException | None] = [exc, exc.__cause__, exc.__context__]
    for item in chain:
        if item is not None:
            assert KEY not in str(item) and KEY not in repr(item)
    assert KEY not in "".join(traceback.format_exception(exc))
    # Every log record but the mock server's own access log (werkzeug logs the URLs it serves).
    client_records = [r for r in caplog.records if not r.name.startswith("werkzeug")]
    assert all(KEY not in record.getMessage() for record in client_records)


# -- keyed path: fredapi ---------------------------------------------------------------------------


def test_fredapi_path_parses_fred_xml_with_dot_as_nan(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/fred/series/observations", query_string=observations_query()
    ).respond_with_data(OBSERVATIONS_XML, content_type="text/xml; charset=UTF-8")
    fetched = keyed_source(httpserver).fetch(WALCL, start=pd.Timestamp("2024-01-01"))
    frame = fetched.frame
    assert list(frame.columns) == ["WALCL"]
    assert frame.index.name == "date"
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.tz is None
    assert list(frame.index) == list(pd.to_datetime(["2024-01-03", "2024-01-10", "2024-01-17"]))
    assert frame["WALCL"].dtype == float
    assert frame["WALCL"].iloc[0] == 7713485.0
    assert math.isnan(frame["WALCL"].iloc[1])
    assert frame["WALCL"].iloc[2] == 7677515.5
    assert fetched.source == "fred"
    assert fetched.as_of == "2024-03-01T15:30:00Z"
    assert fetched.expected_rows == 3  # FRED's announced count, checked by the Store
    httpserver.check_assertions()


def test_fredapi_path_reads_the_key_from_the_environment(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRED_API_KEY", KEY)
    httpserver.expect_oneshot_request(
        "/fred/series/observations", query_string={"series_id": "WALCL", "api_key": KEY}
    ).respond_with_data(OBSERVATIONS_XML, content_type="text/xml")
    source = FredSource(root_url=httpserver.url_for("/fred"), limiter=unlimited())
    assert len(source.fetch(WALCL).frame) == 3
    assert KEY not in repr(source)


def test_fredapi_path_retries_429_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/fred/series/observations").respond_with_data(
        fred_error(429, "Too Many Requests.  Exceeded Rate Limit"), status=429, content_type="text/xml"
    )
    httpserver.expect_ordered_request("/fred/series/observations").respond_with_data(
        OBSERVATIONS_XML, content_type="text/xml"
    )
    frame = keyed_source(httpserver).fetch(WALCL, start=pd.Timestamp("2024-01-01")).frame
    assert len(frame) == 3
    assert len(httpserver.log) == 2


def test_fredapi_bad_request_is_a_contract_error_without_the_key(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    echo = f"Bad Request.  The value for variable api_key ({KEY}) is not registered."
    httpserver.expect_request("/fred/series/observations").respond_with_data(
        fred_error(400, echo), status=400, content_type="text/xml"
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceContractError) as info:
        keyed_source(httpserver).fetch(WALCL)
    assert "FRED rejected series 'WALCL': HTTP 400" in str(info.value)
    assert "is not registered" in str(info.value)
    assert len(httpserver.log) == 1  # 4xx is not retried
    assert_no_key(info.value, caplog)


def test_fredapi_unknown_series_message_is_passed_on(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fred/series/observations").respond_with_data(
        fred_error(400, "Bad Request.  The series does not exist."), status=400, content_type="text/xml"
    )
    with pytest.raises(SourceContractError, match="The series does not exist"):
        keyed_source(httpserver).fetch(WALCL)


def test_fredapi_5xx_until_retries_run_out_is_unavailable_without_the_key(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/fred/series/observations").respond_with_data(
        fred_error(500, f"Internal Server Error while serving api_key={KEY}"),
        status=500,
        content_type="text/xml",
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceUnavailableError) as info:
        keyed_source(httpserver, max_retries=2).fetch(WALCL)
    host = httpserver.url_for("/").split("//")[1].rstrip("/")
    assert str(info.value).startswith(f"{host} is unavailable: HTTP 500")
    assert "3 attempts" in str(info.value)
    assert len(httpserver.log) == 3
    assert "retry 2 of 2" in caplog.text
    assert_no_key(info.value, caplog)


def test_fredapi_non_xml_error_body_is_still_classified_by_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fred/series/observations").respond_with_data(
        "<html><body>Bad gateway", status=502, content_type="text/html"
    )
    with pytest.raises(SourceUnavailableError, match="HTTP 502"):
        keyed_source(httpserver, max_retries=1).fetch(WALCL)
    assert len(httpserver.log) == 2


def test_fredapi_connection_refused_gives_the_offline_hint(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = FredSource(
        KEY,
        root_url=f"http://127.0.0.1:{port}/fred",
        policy=HttpPolicy(max_retries=1, base_delay=0.0),
        limiter=unlimited(),
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceUnavailableError) as info:
        source.fetch(WALCL)
    assert str(info.value) == offline_hint(f"127.0.0.1:{port}")
    assert "could not connect" in caplog.text and "retry 1 of 1" in caplog.text  # retried once
    assert_no_key(info.value, caplog)


# -- keyless path: graph CSV -----------------------------------------------------------------------


@responses.activate
def test_graph_csv_with_observation_date_header_and_missing_values() -> None:
    body = "observation_date,WALCL\n2024-01-03,7713485\n2024-01-10,\n2024-01-17,.\n2024-01-24,7631373\n"
    responses.get(
        FRED_GRAPH_CSV_URL,
        body=body,
        content_type="text/csv",
        match=[matchers.query_param_matcher({"id": "WALCL", "cosd": "2024-01-01"})],
    )
    fetched = keyless_source().fetch(WALCL, start=pd.Timestamp("2024-01-01"))
    values = fetched.frame["WALCL"]
    assert fetched.frame.index.name == "date"
    assert list(fetched.frame.columns) == ["WALCL"]
    assert values.dtype == float
    assert values.iloc[0] == 7713485.0 and values.iloc[3] == 7631373.0
    assert values.isna().tolist() == [False, True, True, False]
    assert fetched.frame.index.is_monotonic_increasing and fetched.frame.index.is_unique
    assert fetched.as_of == "2024-03-01T15:30:00Z"


@responses.activate
def test_graph_csv_accepts_the_old_date_header_and_full_history() -> None:
    responses.get(
        FRED_GRAPH_CSV_URL,
        body="DATE,DFF\n2024-01-02,5.33\n2024-01-01,5.33\n",
        match=[matchers.query_param_matcher({"id": "DFF"})],
    )
    frame = keyless_source().fetch(catalog.get("DFF")).frame
    assert list(frame.index) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))  # sorted
    assert frame["DFF"].tolist() == [5.33, 5.33]


@responses.activate
@pytest.mark.parametrize(
    "body",
    [
        "<!DOCTYPE html><html><body>Series not found</body></html>",
        "observation_date,OTHER\n2024-01-03,1\n",
        "observation_date,WALCL\n2024-01-03,abc\n",
        "observation_date,WALCL\n03/01/2024,1\n",
    ],
)
def test_graph_csv_in_another_format_is_a_contract_error(body: str) -> None:
    responses.get(FRED_GRAPH_CSV_URL, body=body)
    with pytest.raises(SourceContractError, match="WALCL"):
        keyless_source().fetch(WALCL)


@responses.activate
def test_graph_csv_404_is_a_contract_error_not_retried() -> None:
    responses.get(FRED_GRAPH_CSV_URL, status=404, body="Not Found")
    with pytest.raises(SourceContractError, match="HTTP 404 for FRED series 'WALCL'"):
        keyless_source().fetch(WALCL)
    assert len(responses.calls) == 1


@responses.activate
def test_graph_csv_no_network_names_the_host_and_the_mirror() -> None:
    responses.get(FRED_GRAPH_CSV_URL, body=requests.exceptions.ConnectionError("Network is unreachable"))
    with pytest.raises(SourceUnavailableError) as info:
        keyless_source(max_retries=1).fetch(WALCL)
    assert "fred.stlouisfed.org" in str(info.value)
    assert "QTLAB_MIRROR" in str(info.value)
    assert len(responses.calls) == 2


def test_crypto_spec_is_refused() -> None:
    with pytest.raises(SourceContractError, match="'btc' is a crypto series"):
        keyless_source().fetch(catalog.get("btc"))


# -- get_source / default_source -------------------------------------------------------------------


def test_get_source_builds_named_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    assert get_source("fred").name == "fred"
    assert get_source("coinmetrics").name == "coinmetrics"
    with pytest.raises(ValueError, match="unknown source 'yahoo'; known: fred, coinmetrics, defillama, binance, mirror"):
        get_source("yahoo")


def test_get_source_mirror_needs_a_directory(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    with pytest.raises(ValueError, match="QTLAB_MIRROR"):
        get_source("mirror")
    source = get_source("mirror", mirror=tmp_path)
    assert source.name == "mirror"


def test_default_source_prefers_a_configured_mirror(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    assert default_source(WALCL) == "fred"
    assert default_source(catalog.get("btc")) == "coinmetrics"
    assert default_source(catalog.get("market_total")) == "mirror"
    assert default_source(WALCL, mirror=tmp_path) == "mirror"
    monkeypatch.setenv("QTLAB_MIRROR", str(tmp_path))
    assert default_source(WALCL) == "mirror"


# -- secrets, bounded fredapi, announced counts ----------------------------------------------------


@pytest.mark.parametrize("bad_key", ["abcdef01 23456789abcdef0123456789", "abcdef0123456789abcdef012345678\n", "k&ey=1"])
def test_a_malformed_key_is_refused_in_one_line_without_showing_it(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture, bad_key: str
) -> None:
    source = FredSource(bad_key, root_url=httpserver.url_for("/fred"), limiter=unlimited())
    with caplog.at_level(logging.DEBUG), pytest.raises(Exception) as info:
        source.fetch(WALCL)
    message = str(info.value)
    assert message.startswith("FRED_API_KEY is not a FRED API key") and "\n" not in message
    for part in bad_key.split():
        assert part not in message and part not in caplog.text
    assert len(httpserver.log) == 0  # nothing was sent with it


def test_a_hung_fredapi_server_times_out_instead_of_blocking(httpserver: HTTPServer) -> None:
    import time

    def hang(request: object) -> object:
        time.sleep(1.0)
        raise AssertionError("the client should have given up")

    httpserver.expect_request("/fred/series/observations").respond_with_handler(hang)
    source = FredSource(
        KEY,
        root_url=httpserver.url_for("/fred"),
        policy=HttpPolicy(max_retries=0, timeout=0.2, deadline=0.5),
        limiter=unlimited(),
    )
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match=r"no answer for 0.2 s \(timed out\) after 1 attempt"):
        source.fetch(WALCL)
    assert time.monotonic() - started < 0.9


def test_fredapi_follows_offset_while_fred_announces_more_rows(httpserver: HTTPServer) -> None:
    def page(offset: int, dates: list[str]) -> str:
        rows = "\n".join(f'  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="{d}" value="1"/>'
                         for d in dates)
        return (f'<?xml version="1.0" encoding="utf-8" ?>\n<observations count="3" offset="{offset}" limit="2" '
                f'file_type="xml">\n{rows}\n</observations>')

    httpserver.expect_ordered_request("/fred/series/observations").respond_with_data(
        page(0, ["2024-01-03", "2024-01-10"]), content_type="text/xml"
    )
    httpserver.expect_ordered_request(
        "/fred/series/observations", query_string={"series_id": "WALCL", "offset": "2", "api_key": KEY}
    ).respond_with_data(page(2, ["2024-01-17"]), content_type="text/xml")
    fetched = keyed_source(httpserver).fetch(WALCL)
    assert len(fetched.frame) == 3 and len(httpserver.log) == 2
    assert fetched.expected_rows == 3 and fetched.expected_last is None


def test_fredapi_pagination_that_never_ends_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fred/series/observations").respond_with_data(
        OBSERVATIONS_XML.replace('count="3"', 'count="1000000"'), content_type="text/xml"
    )
    source = FredSource(
        KEY, root_url=httpserver.url_for("/fred"), policy=HttpPolicy(max_retries=0, max_pages=4), limiter=unlimited()
    )
    with pytest.raises(SourceContractError, match="did not end after 4 pages"):
        source.fetch(WALCL)
    assert len(httpserver.log) == 4


def test_fredapi_key_in_a_urllib_error_never_shows(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import http.client
    import urllib.request

    def invalid(url: str, timeout: float) -> object:
        raise http.client.InvalidURL(f"URL can't contain control characters. {url!r} (found at least ' ')")

    monkeypatch.setattr(urllib.request, "urlopen", invalid)
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceContractError) as info:
        FredSource(KEY, root_url="http://fred.invalid/fred", limiter=unlimited()).fetch(WALCL)
    assert "invalid URL" in str(info.value)
    assert_no_key(info.value, caplog)


def test_an_answer_shorter_than_freds_announced_count_is_refused_by_validation(httpserver: HTTPServer) -> None:
    from helpers.data.validation import validate_fetched
    from helpers.errors import DataValidationError

    short = OBSERVATIONS_XML.replace('count="3"', 'count="5"')  # FRED announced 5, sent 3, then nothing
    httpserver.expect_ordered_request("/fred/series/observations").respond_with_data(short, content_type="text/xml")
    httpserver.expect_ordered_request("/fred/series/observations").respond_with_data(
        short.split("<observation ")[0] + "</observations>", content_type="text/xml"
    )
    fetched = keyed_source(httpserver).fetch(WALCL, start=pd.Timestamp("2024-01-01"))
    assert fetched.expected_rows == 5 and len(fetched.frame) == 3
    with pytest.raises(DataValidationError, match="announced 5 rows but sent 3"):
        validate_fetched(fetched, WALCL, today=pd.Timestamp("2024-03-01"))
