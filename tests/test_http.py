"""The shared HTTP helper: rate limit, retries, redaction, clear errors (offline, mocked with responses)."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime

import pytest
import requests
import responses

from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources._http import (
    RateLimitedSession,
    RateLimiter,
    RetryPolicy,
    TransientFailure,
    call_with_retries,
    ensure_ok,
    host_of,
    parse_retry_after,
    redact,
)

URL = "https://api.example.org/v1/data"
KEY = "f00dfeedcafe4badb0a7c0ffee123456"


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_session(max_retries: int = 2, base_delay: float = 0.0, sleeps: list[float] | None = None):
    record = sleeps if sleeps is not None else []
    return RateLimitedSession(
        1000,
        policy=RetryPolicy(max_retries=max_retries, base_delay=base_delay),
        limiter=RateLimiter(1000, 1.0),
        sleep=record.append,
        timeout=5.0,
    )


# -- redaction -------------------------------------------------------------------------------------


def test_redact_removes_api_key_values_and_keeps_other_parameters() -> None:
    url = f"https://api.stlouisfed.org/fred/series/observations?series_id=WALCL&api_key={KEY}&file_type=xml"
    cleaned = redact(url)
    assert KEY not in cleaned
    assert "api_key=***" in cleaned
    assert cleaned.endswith("&file_type=xml")


def test_redact_handles_encoded_keys_exception_text_and_literal_secrets() -> None:
    text = f"HTTPSConnectionPool: Max retries exceeded with url: /x?API_KEY%3D{KEY} (echo: {KEY[::-1]})"
    cleaned = redact(text, secrets=[KEY[::-1], None, ""])
    assert KEY not in cleaned
    assert KEY[::-1] not in cleaned
    assert "HTTPSConnectionPool" in cleaned


def test_host_of_drops_path_and_query() -> None:
    assert (
        host_of(f"https://fred.stlouisfed.org/graph/fredgraph.csv?id=X&api_key={KEY}")
        == "fred.stlouisfed.org"
    )
    assert host_of("http://127.0.0.1:8080/fred") == "127.0.0.1:8080"


# -- rate limiter ----------------------------------------------------------------------------------


def test_rate_limiter_five_calls_at_two_per_second_wait_two_seconds() -> None:
    fake = FakeTime()
    limiter = RateLimiter(2, 1.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        limiter.acquire()
    assert sum(fake.sleeps) >= 2.0
    assert sum(fake.sleeps) == pytest.approx(2.0)  # and not more than needed
    assert fake.now == pytest.approx(2.0)


def test_rate_limiter_does_not_wait_within_the_budget() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 6.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(10):
        limiter.acquire()
    assert fake.sleeps == []
    limiter.acquire()
    assert fake.sleeps == [pytest.approx(6.0)]


def test_rate_limiter_rejects_a_nonsense_limit() -> None:
    with pytest.raises(ValueError, match="max_calls"):
        RateLimiter(0, 1.0)


def test_rate_limiter_applies_to_retries_too() -> None:
    fake = FakeTime()
    limiter = RateLimiter(2, 1.0, clock=fake.clock, sleep=fake.sleep)
    calls = iter([TransientFailure("HTTP 503"), TransientFailure("HTTP 503"), None, None, None])

    def attempt() -> str:
        failure = next(calls)
        if failure is not None:
            raise failure
        return "ok"

    policy = RetryPolicy(max_retries=3, base_delay=0.0)
    assert call_with_retries(attempt, host="h", policy=policy, limiter=limiter, sleep=lambda s: None) == "ok"
    assert call_with_retries(attempt, host="h", policy=policy, limiter=limiter, sleep=lambda s: None) == "ok"
    assert sum(fake.sleeps) == pytest.approx(1.0)  # 4 attempts at 2/s


# -- retries ---------------------------------------------------------------------------------------


@responses.activate
def test_429_then_success_makes_two_requests_and_honours_retry_after() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, json={"ok": True})
    sleeps: list[float] = []
    response = make_session(max_retries=3, base_delay=0.0, sleeps=sleeps).get(URL)
    assert response.json() == {"ok": True}
    assert len(responses.calls) == 2
    assert sleeps == [7.0]


@responses.activate
def test_5xx_backs_off_exponentially_then_raises_a_clear_error() -> None:
    responses.get(URL, status=503)
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailableError) as info:
        make_session(max_retries=3, base_delay=0.5, sleeps=sleeps).get(
            URL, params={"api_key": KEY, "id": "X"}
        )
    message = str(info.value)
    assert len(responses.calls) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert message.startswith("api.example.org is unavailable: HTTP 503")
    assert "4 attempts" in message
    assert "\n" not in message
    assert "/v1/data" not in message and "id=X" not in message and KEY not in message
    assert info.value.__cause__ is None and info.value.__context__ is None


@responses.activate
def test_retry_after_longer_than_max_delay_fails_at_once() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(SourceUnavailableError, match="asked to wait 3600 s"):
        make_session(max_retries=3).get(URL)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "error",
    [requests.exceptions.ConnectTimeout("connect timed out"), requests.exceptions.ReadTimeout("slow")],
)
def test_timeouts_are_retried_then_raise_a_clear_error(error: Exception) -> None:
    responses.get(URL, body=error)
    with pytest.raises(SourceUnavailableError) as info:
        make_session(max_retries=2).get(URL)
    assert len(responses.calls) == 3
    assert "api.example.org" in str(info.value)
    assert "timed out" in str(info.value)


@responses.activate
def test_timeout_then_success_returns_the_answer() -> None:
    responses.get(URL, body=requests.exceptions.ReadTimeout("slow"))
    responses.get(URL, body="fine")
    assert make_session(max_retries=2).get(URL).text == "fine"
    assert len(responses.calls) == 2


@responses.activate
def test_connection_error_ends_in_the_offline_hint_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    responses.get(
        URL,
        body=requests.exceptions.ConnectionError(f"Max retries exceeded with url: /v1/data?api_key={KEY}"),
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceUnavailableError) as info:
        make_session(max_retries=2).get(URL, params={"api_key": KEY})
    assert str(info.value) == offline_hint("api.example.org")
    assert "QTLAB_MIRROR" in str(info.value)
    assert len(responses.calls) == 3
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in caplog.text
    assert "retry 1 of 2" in caplog.text


@responses.activate
def test_unresolvable_host_fails_at_once_with_the_offline_hint() -> None:
    error = requests.exceptions.ConnectionError("Failed to resolve 'api.example.org'")
    error.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    responses.get(URL, body=error)
    with pytest.raises(SourceUnavailableError) as info:
        make_session(max_retries=3).get(URL)
    assert str(info.value) == offline_hint("api.example.org")
    assert len(responses.calls) == 1


@responses.activate
def test_client_errors_are_returned_not_retried() -> None:
    responses.get(URL, status=404, body="<html>Not   found</html>")
    response = make_session(max_retries=3).get(URL)
    assert response.status_code == 404
    assert len(responses.calls) == 1
    with pytest.raises(
        SourceContractError, match=r"api.example.org answered HTTP 404 for thing: <html>Not found"
    ):
        ensure_ok(response, "thing")


def test_other_exceptions_propagate_unretried() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise SourceContractError("bad format")

    with pytest.raises(SourceContractError):
        call_with_retries(attempt, host="h", policy=RetryPolicy(max_retries=3, base_delay=0.0))
    assert calls == [1]


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now=now) == pytest.approx(30.0)
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
