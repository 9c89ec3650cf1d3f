"""One contract for every remote source: the same faults, over real sockets, give the same kind of answer.

Each source (FRED graph CSV, FRED through fredapi, Coin Metrics, DefiLlama, Binance) is pointed at
a local :class:`~test_http_faults.FaultServer` and meets every fault case below. Per-source
format tests stay in ``test_sources_<name>.py``.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import pytest
from test_http_faults import (
    Behaviour,
    FaultServer,
    drop,
    flood,
    ok,
    redirect_to_itself,
    stall,
    trickle,
    trickle_headers,
)

from helpers.data import catalog
from helpers.data.catalog import SeriesSpec
from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources.binance import BinanceFundingSource
from helpers.sources.coinmetrics import CoinMetricsSource
from helpers.sources.defillama import DefiLlamaSource
from helpers.sources.fred import FredSource
from helpers.sources.http import HttpPolicy, unlimited
from helpers.sources.remote import RemoteSource

KEY = "abcdef0123456789abcdef0123456789"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
POLICY = HttpPolicy(max_retries=2, base_delay=0.0, timeout=0.25, deadline=0.6, max_bytes=20_000, max_pages=5)

FRED_XML = """<?xml version="1.0" encoding="utf-8" ?>
<observations realtime_start="2024-03-01" realtime_end="2024-03-01" observation_start="1600-01-01"
 observation_end="9999-12-31" units="lin" output_type="1" file_type="xml" order_by="observation_date"
 sort_order="asc" count="2" offset="0" limit="100000">
  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="2024-01-03" value="7713485"/>
  <observation realtime_start="2024-03-01" realtime_end="2024-03-01" date="2024-01-10" value="7700000"/>
</observations>"""


@dataclass(frozen=True)
class Remote:
    """How to point one source at the fault server, and what a good and a bad answer of it look like."""

    name: str
    spec: str
    build: Callable[[FaultServer, list[float]], RemoteSource]
    good: Behaviour
    bad: Behaviour
    first_value: float

    def source(self, server: FaultServer, sleeps: list[float] | None = None) -> RemoteSource:
        return self.build(server, sleeps if sleeps is not None else [])


def _options(sleeps: list[float]) -> dict[str, object]:
    return {"policy": POLICY, "limiter": unlimited(), "sleep": sleeps.append, "clock": lambda: NOW}


def _json(value: object) -> Behaviour:
    return ok(json.dumps(value), content_type="application/json")


REMOTES = [
    Remote(
        "fred-csv",
        "WALCL",
        lambda s, z: FredSource("", graph_url=s.url("/graph/fredgraph.csv"), **_options(z)),  # type: ignore[arg-type]
        ok("observation_date,WALCL\n2024-01-03,7713485\n2024-01-10,7700000\n", content_type="text/csv"),
        ok("<!DOCTYPE html><html>Series not found</html>", content_type="text/html"),
        7713485.0,
    ),
    Remote(
        "fredapi",
        "WALCL",
        lambda s, z: FredSource(KEY, root_url=s.url("/fred"), **_options(z)),  # type: ignore[arg-type]
        ok(FRED_XML, content_type="text/xml"),
        ok("<html><body>maintenance</body>", content_type="text/html"),
        7713485.0,
    ),
    Remote(
        "coinmetrics",
        "btc",
        lambda s, z: CoinMetricsSource(base_url=s.url("/v4"), **_options(z)),  # type: ignore[arg-type]
        _json({"data": [{"asset": "btc", "time": "2024-01-01T00:00:00.000000000Z", "PriceUSD": "42265.1"}]}),
        _json({"rows": "not the documented shape"}),
        42265.1,
    ),
    Remote(
        "defillama",
        "defi_tvl",
        lambda s, z: DefiLlamaSource(
            stablecoins_url=s.url("/stables"), api_url=s.url("/api"), **_options(z)  # type: ignore[arg-type]
        ),
        _json([{"date": 1704067200, "tvl": 5.25e10}]),
        _json({"message": "not a list"}),
        5.25e10,
    ),
    Remote(
        "binance",
        "btc_funding_binance",
        lambda s, z: BinanceFundingSource(base_url=s.url(""), **_options(z)),  # type: ignore[arg-type]
        _json([{"symbol": "BTCUSDT", "fundingTime": 1704067200003, "fundingRate": "0.00010000", "markPrice": "1"}]),
        _json([{"symbol": "BTCUSDT", "fundingRate": "0.0001"}]),
        0.0001,
    ),
]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    fault_server = FaultServer()
    yield fault_server
    fault_server.close()


@pytest.fixture(params=REMOTES, ids=[r.name for r in REMOTES])
def remote(request: pytest.FixtureRequest) -> Remote:
    return request.param  # type: ignore[no-any-return]


def spec_of(remote: Remote) -> SeriesSpec:
    return catalog.get(remote.spec)


def first_value(frame: pd.DataFrame) -> float:
    return float(frame.iloc[0, 0])


def assert_one_clean_line(exc: BaseException) -> None:
    message = str(exc)
    assert "\n" not in message and KEY not in message and "api_key" not in message and "?" not in message
    assert exc.__cause__ is None and exc.__context__ is None


# -- answers that end in data ----------------------------------------------------------------------


def test_good_answer(server: FaultServer, remote: Remote) -> None:
    server.script(remote.good)
    frame = remote.source(server).fetch(spec_of(remote)).frame
    assert first_value(frame) == pytest.approx(remote.first_value)
    assert server.requests == 1


def test_429_with_retry_after_is_waited_out_then_succeeds(server: FaultServer, remote: Remote) -> None:
    sleeps: list[float] = []
    server.script(ok("slow down", status=429, Retry_After="3"), remote.good)
    frame = remote.source(server, sleeps).fetch(spec_of(remote)).frame
    assert first_value(frame) == pytest.approx(remote.first_value)
    assert sleeps == [3.0] and server.requests == 2


def test_5xx_then_success(server: FaultServer, remote: Remote) -> None:
    server.script(ok("oops", status=503), ok("oops", status=500), remote.good)
    frame = remote.source(server).fetch(spec_of(remote)).frame
    assert first_value(frame) == pytest.approx(remote.first_value)
    assert server.requests == 3


def test_timeout_then_success(server: FaultServer, remote: Remote) -> None:
    server.script(stall(0.5), remote.good)
    frame = remote.source(server).fetch(spec_of(remote)).frame
    assert first_value(frame) == pytest.approx(remote.first_value)
    assert server.requests == 2


def test_connection_dropped_mid_body_then_success(server: FaultServer, remote: Remote) -> None:
    server.script(drop(announced=5000, sent=b'[{"date": 1'), remote.good)
    frame = remote.source(server).fetch(spec_of(remote)).frame
    assert first_value(frame) == pytest.approx(remote.first_value)
    assert server.requests == 2


# -- answers that end in a clear error -------------------------------------------------------------


def test_5xx_until_retries_run_out(server: FaultServer, remote: Remote) -> None:
    server.script(ok("down", status=502))
    with pytest.raises(SourceUnavailableError) as info:
        remote.source(server).fetch(spec_of(remote))
    assert str(info.value).startswith(f"{server.host} is unavailable: HTTP 502")
    assert "3 attempts" in str(info.value) and server.requests == 3
    assert_one_clean_line(info.value)


def test_trickle_beyond_the_total_deadline(server: FaultServer, remote: Remote) -> None:
    server.script(trickle(interval=0.05))
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match="0.6 s deadline after 3 attempts") as info:
        remote.source(server).fetch(spec_of(remote))
    assert time.monotonic() - started < 3 * (POLICY.deadline + POLICY.timeout) + 0.5
    assert_one_clean_line(info.value)


def test_headers_trickled_beyond_the_total_deadline(server: FaultServer, remote: Remote) -> None:
    server.script(trickle_headers(interval=0.05))
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError, match="0.6 s deadline after 3 attempts") as info:
        remote.source(server).fetch(spec_of(remote))
    assert time.monotonic() - started < 3 * POLICY.deadline + 0.5
    assert_one_clean_line(info.value)


def test_bad_body_is_a_contract_error_not_retried(server: FaultServer, remote: Remote) -> None:
    server.script(remote.bad)
    with pytest.raises(SourceContractError) as info:
        remote.source(server).fetch(spec_of(remote))
    assert server.requests == 1
    assert_one_clean_line(info.value)


@pytest.mark.parametrize("status", [451, 403])
def test_refusal_is_unavailable_not_retried_and_points_to_the_mirror(
    server: FaultServer, remote: Remote, status: int
) -> None:
    server.script(ok("<html>Unavailable For Legal Reasons / Forbidden</html>", status=status, content_type="text/html"))
    with pytest.raises(SourceUnavailableError) as info:
        remote.source(server).fetch(spec_of(remote))
    assert f"HTTP {status}" in str(info.value) and "mirror" in str(info.value)
    assert server.requests == 1
    assert_one_clean_line(info.value)


def test_offline_dns_failure_fails_at_once_with_the_offline_hint(
    server: FaultServer, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.script(remote.good)
    source = remote.source(server)

    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    # 127.0.0.1 needs no lookup: aim the source at a name instead
    for attribute in ("graph_url", "root_url", "base_url"):
        if hasattr(source, attribute):
            setattr(source, attribute, getattr(source, attribute).replace("127.0.0.1", "offline.invalid"))
    if isinstance(source, DefiLlamaSource):
        source.roots = {k: v.replace("127.0.0.1", "offline.invalid") for k, v in source.roots.items()}
    with pytest.raises(SourceUnavailableError) as info:
        source.fetch(spec_of(remote))
    assert str(info.value) == offline_hint(server.host.replace("127.0.0.1", "offline.invalid"))
    assert server.requests == 0


def test_connection_refused_is_retried_then_gives_the_offline_hint(remote: Remote) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = FaultServer.__new__(FaultServer)  # only its url() is used
    closed.httpd = type("Fake", (), {"server_address": ("127.0.0.1", port)})()  # type: ignore[assignment]
    with pytest.raises(SourceUnavailableError) as info:
        remote.source(closed).fetch(spec_of(remote))
    assert str(info.value) == offline_hint(f"127.0.0.1:{port}")


def test_redirect_loop_is_one_line(server: FaultServer, remote: Remote) -> None:
    server.script(redirect_to_itself())
    with pytest.raises(SourceContractError, match="redirect") as info:
        remote.source(server).fetch(spec_of(remote))
    assert_one_clean_line(info.value)


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "streamed"])
def test_answer_larger_than_max_bytes_is_refused(server: FaultServer, remote: Remote, declare: bool) -> None:
    server.script(flood(100_000, declare=declare))
    with pytest.raises(SourceContractError, match="larger than 20,000 bytes") as info:
        remote.source(server).fetch(spec_of(remote))
    assert server.requests == 1
    assert_one_clean_line(info.value)
