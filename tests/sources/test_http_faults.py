"""The HTTP layer against a real local server that misbehaves: trickles, stalls, drops, loops, floods.

:class:`FaultServer` (also used by ``test_sources_contract.py``) answers each request with the next
scripted behaviour, over real sockets, so that requests/urllib3 and urllib (fredapi) meet the
faults exactly as they would on the internet.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources.http import HttpClient, HttpPolicy, Rate, unlimited
from helpers.sources.redaction import REDACTED
from helpers.sources.remote import PageGuard

Behaviour = Callable[[BaseHTTPRequestHandler], None]

#: Small limits so that every fault is hit in well under a second.
FAST = HttpPolicy(max_retries=2, base_delay=0.0, timeout=0.25, deadline=0.6, max_bytes=10_000, max_pages=5)


# -- behaviours ------------------------------------------------------------------------------------


def _send(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass


def ok(body: bytes | str, status: int = 200, content_type: str = "text/plain", **headers: str) -> Behaviour:
    """Answer ``status`` with ``body`` and a correct Content-Length."""
    data = body.encode() if isinstance(body, str) else body

    def behave(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        _send(handler, data)

    return behave


def stall(seconds: float) -> Behaviour:
    """Say nothing for ``seconds``, then close."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return behave


def trickle(interval: float, total: int = 10_000) -> Behaviour:
    """Headers at once, then one byte every ``interval`` seconds (never faster than a read timeout allows)."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        for _ in range(total):
            time.sleep(interval)
            try:
                handler.wfile.write(b"x")
                handler.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return behave


def trickle_headers(interval: float, count: int = 40) -> Behaviour:
    """A status line, then ``count`` header bytes one every ``interval`` seconds, then a hang-up."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
            for _ in range(count):
                handler.wfile.write(b"a")
                handler.wfile.flush()
                time.sleep(interval)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    return behave


def drop(announced: int = 1000, sent: bytes = b"observation_date") -> Behaviour:
    """Announce ``announced`` bytes, send a few, close the connection."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(announced))
        handler.end_headers()
        _send(handler, sent)
        handler.close_connection = True

    return behave


def redirect_to_itself() -> Behaviour:
    """A 302 back to the same address (a redirect loop)."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return behave


def flood(size: int, declare: bool) -> Behaviour:
    """A body of ``size`` bytes, with or without a Content-Length saying so."""

    def behave(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        if declare:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        _send(handler, b"7" * size)
        handler.close_connection = True

    return behave


class FaultServer:
    """A threaded local HTTP server answering request *n* with behaviour *n* (the last one repeats)."""

    def __init__(self) -> None:
        self.behaviours: list[Behaviour] = [ok("")]
        self.paths: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    server.paths.append(self.path)
                    index = min(len(server.paths), len(server.behaviours)) - 1
                    behaviour = server.behaviours[index]
                behaviour(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def script(self, *behaviours: Behaviour) -> None:
        """Answer the next requests with ``behaviours``, in order; the last one repeats."""
        with self._lock:
            self.behaviours = list(behaviours)
            self.paths = []

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    @property
    def requests(self) -> int:
        return len(self.paths)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


def client(policy: HttpPolicy = FAST, sleeps: list[float] | None = None) -> HttpClient:
    record = sleeps if sleeps is not None else []
    return HttpClient([Rate(1000, 1000)], policy=policy, limiter=unlimited(), sleep=record.append)


# -- total deadline, timeouts, dropped connections -------------------------------------------------


def test_a_trickling_server_is_cut_off_at_the_total_deadline(faults: FaultServer) -> None:
    faults.script(trickle(interval=0.05))  # a byte every 50 ms: the 250 ms read timeout never fires
    policy = HttpPolicy(max_retries=0, timeout=0.25, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match=r"0\.5 s deadline after 1 attempt") as info:
        client(policy).get(faults.url("/slow"))
    elapsed = time.monotonic() - started
    assert elapsed < policy.deadline + policy.timeout + 0.3  # deadline plus at most one read
    assert str(info.value).startswith(f"{faults.host} is unavailable")


def test_headers_trickled_byte_by_byte_are_cut_off_at_the_total_deadline(faults: FaultServer) -> None:
    faults.script(trickle_headers(interval=0.05))
    policy = HttpPolicy(max_retries=0, timeout=0.25, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match=r"0\.5 s deadline after 1 attempt"):
        client(policy).get(faults.url("/slow-headers"))
    assert time.monotonic() - started < policy.deadline + 0.2  # headers: waited for exactly the time left


def test_a_trickling_server_is_retried_then_the_call_fails_within_its_budget(faults: FaultServer) -> None:
    faults.script(trickle(interval=0.05))
    policy = HttpPolicy(max_retries=5, base_delay=0.0, timeout=0.25, deadline=0.3, budget=0.5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match="deadline"):
        client(policy).get(faults.url("/slow"))
    assert time.monotonic() - started < policy.budget + policy.deadline + policy.timeout + 0.3
    assert faults.requests < 6  # the budget stopped the retries before max_retries did


def test_a_silent_server_times_out_and_is_retried_then_answers(faults: FaultServer) -> None:
    faults.script(stall(0.6), ok("fine"))
    answer = client().get(faults.url("/x"))
    assert answer.text == "fine"
    assert faults.requests == 2


def test_a_connection_dropped_mid_body_is_retried_like_a_timeout(faults: FaultServer) -> None:
    faults.script(drop(), ok("whole answer"))
    assert client().get(faults.url("/x")).text == "whole answer"
    assert faults.requests == 2


def test_a_connection_dropped_every_time_ends_in_one_clear_line(faults: FaultServer) -> None:
    faults.script(drop())
    with pytest.raises(SourceUnavailableError) as info:
        client().get(faults.url("/x?api_key=abcdef0123456789abcdef0123456789"))
    message = str(info.value)
    assert message.startswith(f"{faults.host} is unavailable: the connection dropped mid-answer")
    assert "3 attempts" in message and "\n" not in message and "api_key" not in message
    assert info.value.__cause__ is None and info.value.__context__ is None


# -- size, redirects, pages ------------------------------------------------------------------------


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "streamed"])
def test_an_answer_larger_than_max_bytes_is_refused_not_retried(faults: FaultServer, declare: bool) -> None:
    faults.script(flood(50_000, declare=declare))
    with pytest.raises(SourceContractError, match="larger than 10,000 bytes"):
        client().get(faults.url("/big"))
    assert faults.requests == 1


def test_a_redirect_loop_is_one_line_and_not_retried(faults: FaultServer) -> None:
    faults.script(redirect_to_itself())
    with pytest.raises(SourceContractError) as info:
        client().get(faults.url("/loop"))
    assert str(info.value).startswith(f"{faults.host} redirected more than 10 times (a redirect loop)")
    assert "\n" not in str(info.value)
    assert faults.requests == 11  # the first request and ten redirects, once


def test_page_guard_refuses_a_repeated_token_and_a_pagination_that_never_ends() -> None:
    guard = PageGuard("thing", max_pages=3)
    assert guard.more("a") and guard.more("b")
    with pytest.raises(SourceContractError, match="thing: the pagination did not end after 3 pages"):
        guard.more("c")
    again = PageGuard("thing", max_pages=10)
    assert again.more("a")
    with pytest.raises(SourceContractError, match="repeated a page token after 2 pages"):
        again.more("a")
    assert PageGuard("thing", 2).more(None) is False


# -- retries and waits -----------------------------------------------------------------------------


def test_retry_after_is_honoured_and_a_long_one_fails_at_once(faults: FaultServer) -> None:
    sleeps: list[float] = []
    faults.script(ok("busy", status=429, Retry_After="7"), ok("fine"))
    assert client(sleeps=sleeps).get(faults.url("/x")).text == "fine"
    assert sleeps == [7.0]
    faults.script(ok("busy", status=503, Retry_After="3600"))
    with pytest.raises(SourceUnavailableError, match="asked to wait 3600 s"):
        client().get(faults.url("/x"))
    assert faults.requests == 1


def test_backoff_doubles_without_retry_after(faults: FaultServer) -> None:
    sleeps: list[float] = []
    faults.script(ok("", status=502))
    with pytest.raises(SourceUnavailableError, match="HTTP 502 Bad Gateway after 4 attempts"):
        client(HttpPolicy(max_retries=3, base_delay=0.5, timeout=1, deadline=2), sleeps).get(faults.url("/x"))
    assert sleeps == [0.5, 1.0, 2.0]


def test_an_unresolvable_host_fails_at_once_with_the_offline_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(SourceUnavailableError) as info:
        client().get("http://api.example.invalid/v1?api_key=abcdef0123456789abcdef0123456789")
    assert str(info.value) == offline_hint("api.example.invalid")


def test_the_rate_limit_is_one_limiter_per_host_across_clients(faults: FaultServer) -> None:
    from helpers.sources.http import host_limiter

    faults.script(ok("x"))
    rates = [Rate(2, 1000)]
    one = HttpClient(rates, policy=FAST)
    two = HttpClient(rates, policy=FAST)
    started = time.monotonic()
    for c in (one, two, one):  # 3 calls at 2 per second on one host: the third waits ~1 s
        c.get(faults.url("/x"))
    assert time.monotonic() - started >= 0.9
    assert host_limiter(faults.host, rates) is host_limiter(faults.host, [Rate(99, 1000)])


def test_a_urllib3_error_carrying_the_key_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "abcdef0123456789abcdef0123456789"

    def boom(*args: object, **kwargs: object) -> None:
        raise requests.exceptions.InvalidURL(f"Failed to parse: https://h/x?api_key={key} bad")

    session = requests.Session()
    monkeypatch.setattr(session, "get", boom)
    from helpers.sources.redaction import run_redacted

    http = HttpClient([Rate(1000, 1000)], policy=FAST, limiter=unlimited(), session=session, secrets=[key])
    with pytest.raises(SourceContractError) as info:
        run_redacted(lambda: http.get("https://h/x", {"api_key": key}), [key], "thing")
    assert key not in str(info.value) and REDACTED in str(info.value)
    assert urlsplit("https://h/x").hostname == "h"


def test_a_gzip_answer_is_decoded_and_a_gzip_bomb_is_refused(faults: FaultServer) -> None:
    import gzip

    faults.script(ok(gzip.compress(b"a,b\n1,2\n"), Content_Encoding="gzip"))
    assert client().get(faults.url("/z")).text == "a,b\n1,2\n"
    bomb = gzip.compress(b"0" * 5_000_000)  # 5 MB of zeros in a few kB
    assert len(bomb) < FAST.max_bytes
    faults.script(ok(bomb, Content_Encoding="gzip"))
    with pytest.raises(SourceContractError, match="larger than 10,000 bytes"):
        client().get(faults.url("/z"))
