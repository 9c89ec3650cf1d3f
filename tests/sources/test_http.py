"""The HTTP layer's units: redaction of every exception type and of logs, retries (responses), Retry-After."""

from __future__ import annotations

import http.client
import logging
import socket
import traceback
from datetime import UTC, datetime

import pytest
import requests
import responses
import urllib3

from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources.http import (
    Answer,
    HttpClient,
    HttpPolicy,
    Rate,
    Transient,
    host_of,
    parse_retry_after,
    unlimited,
)
from helpers.sources.redaction import REDACTED, redact, register_secret, run_redacted, scrub
from helpers.sources.remote import ensure_ok

URL = "https://api.example.org/v1/data"
KEY = "f00dfeedcafe4badb0a7c0ffee123456"
SPACED_KEY = "f00dfeed cafe4bad b0a7c0ffee1234"


def make_client(max_retries: int = 2, base_delay: float = 0.0, sleeps: list[float] | None = None) -> HttpClient:
    record = sleeps if sleeps is not None else []
    policy = HttpPolicy(max_retries=max_retries, base_delay=base_delay, timeout=5.0, deadline=10.0)
    return HttpClient([Rate(1000, 1000)], policy=policy, limiter=unlimited(), sleep=record.append, secrets=[KEY])


def no_key_anywhere(exc: BaseException, key: str = KEY) -> None:
    text = "".join(traceback.format_exception(exc))
    for item in (exc, exc.__cause__, exc.__context__):
        if item is not None:
            assert key not in str(item) and key not in repr(item)
    assert key not in text
    for part in key.split():
        assert part not in text


# -- redaction -------------------------------------------------------------------------------------


def test_redact_removes_api_key_values_and_keeps_other_parameters() -> None:
    url = f"https://api.stlouisfed.org/fred/series/observations?series_id=WALCL&api_key={KEY}&file_type=xml"
    cleaned = redact(url)
    assert KEY not in cleaned
    assert "api_key=***" in cleaned
    assert cleaned.endswith("&file_type=xml")


def test_redact_handles_encoded_keys_json_echoes_and_literal_secrets() -> None:
    text = f"Max retries exceeded with url: /x?API_KEY%3D{KEY} (echo: {KEY[::-1]}) {{'api_key': '{KEY}'}}"
    cleaned = redact(text, secrets=[KEY[::-1], None, ""])
    assert KEY not in cleaned and KEY[::-1] not in cleaned
    assert "Max retries exceeded" in cleaned


@pytest.mark.parametrize(
    "shown",
    [SPACED_KEY, SPACED_KEY.replace(" ", "%20"), SPACED_KEY.replace(" ", "+")],
    ids=["raw", "percent-encoded", "form-encoded"],
)
def test_a_key_with_spaces_is_removed_whole_in_every_encoding(shown: str) -> None:
    message = f"URL can't contain control characters. '/fred/series?series_id=X&api_key={shown}' (found ' ')"
    cleaned = redact(message, [SPACED_KEY])
    for part in SPACED_KEY.split():
        assert part not in cleaned
    assert REDACTED in cleaned


def test_registered_secrets_are_removed_without_being_passed() -> None:
    register_secret("s3cr3t-token-value")
    assert "s3cr3t" not in redact("server said: s3cr3t-token-value is wrong")


@pytest.mark.parametrize(
    "make",
    [
        lambda: http.client.InvalidURL(f"URL can't contain control characters. '/x?api_key={SPACED_KEY}'"),
        lambda: urllib3.exceptions.MaxRetryError(None, f"/x?api_key={KEY}", reason=ConnectionError("refused")),
        lambda: requests.exceptions.ConnectionError(f"HTTPSConnectionPool: Max retries exceeded with url: /x?api_key={KEY}"),
        lambda: requests.exceptions.HTTPError(f"400 Client Error: Bad Request for url: https://h/x?api_key={KEY}"),
        lambda: KeyError(f"api_key={KEY}"),
        lambda: OSError(f"cannot open /x?api_key={KEY}"),
    ],
    ids=["http.client.InvalidURL", "urllib3.MaxRetryError", "requests.ConnectionError", "requests.HTTPError",
         "KeyError", "OSError"],
)
def test_run_redacted_lets_no_exception_type_out_with_the_key(make: object) -> None:
    def call() -> None:
        try:
            raise RuntimeError(f"inner cause with {KEY}")
        except RuntimeError as inner:
            raise make() from inner  # type: ignore[operator]

    with pytest.raises(SourceContractError) as info:
        run_redacted(call, [KEY, SPACED_KEY], "FRED series 'WALCL'")
    assert str(info.value).startswith("FRED series 'WALCL' failed: ")
    assert "\n" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None
    no_key_anywhere(info.value)
    no_key_anywhere(info.value, SPACED_KEY)


def test_run_redacted_keeps_the_project_error_type_and_scrubs_args_notes_and_chain() -> None:
    def call() -> None:
        error = SourceUnavailableError(f"h answered with {KEY}")
        error.add_note(f"while fetching ?api_key={KEY}")
        try:
            raise ValueError(KEY)
        except ValueError as inner:
            raise error from inner

    with pytest.raises(SourceUnavailableError) as info:
        run_redacted(call, [KEY])
    assert info.value.__notes__ == ["while fetching ?api_key=***"]
    no_key_anywhere(info.value)


def test_scrub_redacts_in_place() -> None:
    exc = ValueError(f"bad {KEY}", 3)
    assert scrub(exc, [KEY]).args == ("bad ***", 3)


def test_log_records_of_urllib3_and_of_the_sources_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(KEY)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("urllib3.connectionpool").debug('"GET /x?api_key=%s HTTP/1.1" 200 5', KEY)
        logging.getLogger("helpers.sources.http").warning("echo %s", KEY)
    assert KEY not in caplog.text
    assert caplog.text.count("***") == 2


# -- retries (responses) ---------------------------------------------------------------------------


@responses.activate
def test_429_then_success_makes_two_requests_and_honours_retry_after() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, json={"ok": True})
    sleeps: list[float] = []
    answer = make_client(max_retries=3, sleeps=sleeps).get(URL)
    assert answer.json() == {"ok": True}
    assert len(responses.calls) == 2
    assert sleeps == [7.0]


@responses.activate
def test_5xx_backs_off_exponentially_then_raises_a_clear_error() -> None:
    responses.get(URL, status=503)
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailableError) as info:
        make_client(max_retries=3, base_delay=0.5, sleeps=sleeps).get(URL, params={"api_key": KEY, "id": "X"})
    message = str(info.value)
    assert len(responses.calls) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert message.startswith("api.example.org is unavailable: HTTP 503")
    assert "4 attempts" in message and "\n" not in message
    assert "/v1/data" not in message and "id=X" not in message and KEY not in message
    assert info.value.__cause__ is None and info.value.__context__ is None


@responses.activate
def test_retry_after_longer_than_max_delay_fails_at_once() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(SourceUnavailableError, match="asked to wait 3600 s"):
        make_client(max_retries=3).get(URL)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "error",
    [requests.exceptions.ConnectTimeout("connect timed out"), requests.exceptions.ReadTimeout("slow")],
)
def test_timeouts_are_retried_then_raise_a_clear_error(error: Exception) -> None:
    responses.get(URL, body=error)
    with pytest.raises(SourceUnavailableError) as info:
        make_client(max_retries=2).get(URL)
    assert len(responses.calls) == 3
    assert "api.example.org" in str(info.value) and "timed out" in str(info.value)


@responses.activate
def test_connection_error_ends_in_the_offline_hint_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    responses.get(
        URL, body=requests.exceptions.ConnectionError(f"Max retries exceeded with url: /v1/data?api_key={KEY}")
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceUnavailableError) as info:
        make_client(max_retries=2).get(URL, params={"api_key": KEY})
    assert str(info.value) == offline_hint("api.example.org")
    assert len(responses.calls) == 3
    assert KEY not in str(info.value) and KEY not in repr(info.value) and KEY not in caplog.text
    assert "retry 1 of 2" in caplog.text


@responses.activate
def test_unresolvable_host_fails_at_once_with_the_offline_hint() -> None:
    error = requests.exceptions.ConnectionError("Failed to resolve 'api.example.org'")
    error.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    responses.get(URL, body=error)
    with pytest.raises(SourceUnavailableError) as info:
        make_client(max_retries=3).get(URL)
    assert str(info.value) == offline_hint("api.example.org")
    assert len(responses.calls) == 1


@responses.activate
def test_client_errors_are_returned_not_retried_and_an_echoed_key_is_redacted() -> None:
    responses.get(URL, status=404, body=f"<html>Not   found: api_key {KEY}</html>")
    answer = make_client(max_retries=3).get(URL)
    assert answer.status_code == 404 and len(responses.calls) == 1
    with pytest.raises(SourceContractError, match=r"api.example.org answered HTTP 404 for thing: <html>Not found") as info:
        ensure_ok(answer, "thing", [KEY])
    assert KEY not in str(info.value)


@pytest.mark.parametrize("status", [401, 403, 451])
def test_refusals_are_unavailable_and_point_to_the_mirror(status: int) -> None:
    answer = Answer(URL, status, "", {}, b"denied")
    with pytest.raises(SourceUnavailableError, match=rf"HTTP {status} for thing: .*QTLAB_MIRROR"):
        ensure_ok(answer, "thing")


def test_other_exceptions_propagate_unretried() -> None:
    calls: list[int] = []

    def attempt(deadline: object) -> None:
        calls.append(1)
        raise SourceContractError("bad format")

    with pytest.raises(SourceContractError):
        make_client(max_retries=3).call(attempt, "h")
    assert calls == [1]


def test_transient_failures_of_a_wrapped_call_are_retried_under_the_limiter() -> None:
    outcomes = iter([Transient("HTTP 503"), Transient("HTTP 503"), None])
    limiter = unlimited()

    def attempt(deadline: object) -> str:
        failure = next(outcomes)
        if failure is not None:
            raise failure
        return "ok"

    client = HttpClient([Rate(1000, 1000)], policy=HttpPolicy(max_retries=3, base_delay=0.0), limiter=limiter)
    assert client.call(attempt, "h") == "ok"


def test_policy_rejects_nonsense_limits() -> None:
    with pytest.raises(ValueError, match="deadline"):
        HttpPolicy(deadline=0)
    with pytest.raises(ValueError, match="max_retries"):
        HttpPolicy(max_retries=-1)


def test_host_of_drops_path_and_query() -> None:
    assert host_of(f"https://fred.stlouisfed.org/graph/fredgraph.csv?id=X&api_key={KEY}") == "fred.stlouisfed.org"
    assert host_of("http://127.0.0.1:8080/fred") == "127.0.0.1:8080"


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now=now) == pytest.approx(30.0)
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
