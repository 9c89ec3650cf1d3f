"""ALFRED vintages offline: fredapi's calls against a local server that serves FRED's real XML formats.

The fake server knows a small revised series (:data:`PERIODS`) and answers ``series/vintagedates``
and ``series/observations`` with ``realtime_start``/``realtime_end`` as FRED does: each row is a
value with its real-time period clipped to the window asked for, and a window holding more vintage
dates than the server allows is refused with FRED's error (the 2,000 cap, shrunk for the test).
"""

from __future__ import annotations

import math
import socket
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers.data import vintages
from helpers.sources.alfred import VintagesUnavailableError, all_releases
from helpers.sources.fred import FredSource
from helpers.sources.http import HttpPolicy, unlimited

KEY = "abcdef0123456789abcdef0123456789"
END = "9999-12-31"
#: (observation date, value, known from, known until) - a revised monthly series.
PERIODS = [
    ("2024-01-01", "20800.0", "2024-02-27", "2024-03-25"),
    ("2024-01-01", "20810.5", "2024-03-26", "2024-05-27"),
    ("2024-01-01", "20790.0", "2024-05-28", END),
    ("2024-02-01", "20850.0", "2024-03-26", "2024-04-22"),
    ("2024-02-01", "20860.0", "2024-04-23", END),
    ("2024-03-01", "20900.0", "2024-04-23", "2024-06-24"),
    ("2024-03-01", "20950.0", "2024-06-25", END),
    ("2024-04-01", "21000.0", "2024-05-28", END),
    ("2024-05-01", ".", "2024-06-25", END),
]
VINTAGES = sorted({p[2] for p in PERIODS})


class FakeAlfred:
    """Serves :data:`PERIODS` in FRED's XML, refusing windows of more than ``cap`` vintages."""

    def __init__(self, server: HTTPServer, cap: int = 2000, limit: int = 100_000) -> None:
        self.cap = cap
        self.limit = limit
        self.windows: list[tuple[str, str]] = []
        server.expect_request("/fred/series/vintagedates").respond_with_handler(self.vintage_dates)
        server.expect_request("/fred/series/observations").respond_with_handler(self.observations)

    def vintage_dates(self, request: Request) -> Response:
        assert request.args["api_key"] == KEY
        rows = "\n".join(f"  <vintage_date>{day}</vintage_date>" for day in VINTAGES)
        body = (
            '<?xml version="1.0" encoding="utf-8" ?>\n'
            f'<vintage_dates realtime_start="1776-07-04" realtime_end="{END}" order_by="vintage_date" '
            f'sort_order="asc" count="{len(VINTAGES)}" offset="0" limit="10000">\n{rows}\n</vintage_dates>\n'
        )
        return Response(body, content_type="text/xml; charset=UTF-8")

    def observations(self, request: Request) -> Response:
        start, end = request.args["realtime_start"], request.args["realtime_end"]
        self.windows.append((start, end))
        inside = [v for v in VINTAGES if start <= v <= end]
        if len(inside) > self.cap:
            message = (
                "Bad Request.  This exceeds the maximum number of vintage dates allowed "
                f"({self.cap}).  Please narrow your request with realtime_start and realtime_end."
            )
            error = f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="{message}"/>\n'
            return Response(error, status=400, content_type="text/xml")
        rows = [
            (date, value, max(known, start), min(until, end))
            for date, value, known, until in PERIODS
            if known <= end and until >= start
        ]
        shown = rows[: self.limit]
        xml_rows = "\n".join(
            f'  <observation realtime_start="{a}" realtime_end="{b}" date="{d}" value="{v}"/>' for d, v, a, b in shown
        )
        body = (
            '<?xml version="1.0" encoding="utf-8" ?>\n'
            f'<observations realtime_start="{start}" realtime_end="{end}" observation_start="1600-01-01" '
            f'observation_end="{END}" units="lin" output_type="1" file_type="xml" order_by="observation_date" '
            f'sort_order="asc" count="{len(rows)}" offset="0" limit="{self.limit}">\n{xml_rows}\n</observations>\n'
        )
        return Response(body, content_type="text/xml; charset=UTF-8")


def source(server: HTTPServer, key: str = KEY) -> FredSource:
    return FredSource(
        key,
        root_url=server.url_for("/fred"),
        policy=HttpPolicy(max_retries=1, base_delay=0.0, timeout=2, deadline=5),
        limiter=unlimited(),
    )


EXPECTED_FIRST = [20800.0, 20850.0, 20900.0, 21000.0, math.nan]
OBS = list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]))


@pytest.mark.parametrize("window", [2000, 2, 1], ids=["one-request", "windows-of-2", "windows-of-1"])
def test_all_releases_are_stitched_from_real_time_windows_under_the_cap(httpserver: HTTPServer, window: int) -> None:
    fake = FakeAlfred(httpserver, cap=window)
    table = all_releases(source(httpserver), "M2SL", window=window)
    assert len(fake.windows) == math.ceil(len(VINTAGES) / window)
    assert all(sum(a <= v <= b for v in VINTAGES) <= window for a, b in fake.windows)
    assert fake.windows[-1][1] == END
    expected = pd.DataFrame(
        {
            "date": pd.to_datetime([p[0] for p in PERIODS]),
            "realtime_start": pd.to_datetime([p[2] for p in PERIODS]),
            "value": [float("nan") if p[1] == "." else float(p[1]) for p in PERIODS],
        }
    ).sort_values(["date", "realtime_start"], ignore_index=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_a_window_larger_than_fred_allows_is_refused_with_freds_message(httpserver: HTTPServer) -> None:
    FakeAlfred(httpserver, cap=2)
    with pytest.raises(Exception, match="maximum number of vintage dates"):
        all_releases(source(httpserver), "M2SL", window=3)


def test_a_truncated_window_is_split_until_complete(httpserver: HTTPServer) -> None:
    fake = FakeAlfred(httpserver, limit=5)  # fewer rows per answer than the full history (9) holds
    table = all_releases(source(httpserver), "M2SL")
    assert len(table) == len(PERIODS)
    assert len(fake.windows) > 1


def test_realtime_gives_first_releases_and_release_dates(httpserver: HTTPServer, tmp_path: Path) -> None:
    FakeAlfred(httpserver)
    fred = source(httpserver)
    first = vintages.realtime("M2SL", source=fred, root=tmp_path)
    assert list(first.index) == OBS and first.name == "M2SL" and first.index.name == "date"
    assert first.iloc[:4].tolist() == EXPECTED_FIRST[:4] and math.isnan(first.iloc[4])
    released = vintages.release_dates("M2SL", source=fred, root=tmp_path)
    assert released.dt.strftime("%Y-%m-%d").tolist() == VINTAGES


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-02-26", {}),
        ("2024-02-27", {"2024-01-01": 20800.0}),
        ("2024-04-30", {"2024-01-01": 20810.5, "2024-02-01": 20860.0, "2024-03-01": 20900.0}),
        ("2030-01-01", {"2024-01-01": 20790.0, "2024-02-01": 20860.0, "2024-03-01": 20950.0, "2024-04-01": 21000.0}),
    ],
)
def test_as_known_on_gives_the_vintage_of_that_day(
    httpserver: HTTPServer, tmp_path: Path, day: str, expected: dict[str, float]
) -> None:
    FakeAlfred(httpserver)
    known = vintages.as_known_on("M2SL", day, source=source(httpserver), root=tmp_path).dropna()
    assert {d.strftime("%Y-%m-%d"): v for d, v in known.items()} == expected


def test_the_cache_is_written_atomically_and_used_without_the_network(httpserver: HTTPServer, tmp_path: Path) -> None:
    FakeAlfred(httpserver)
    fetched = vintages.releases("M2SL", source=source(httpserver), root=tmp_path)
    path = vintages.cache_path("M2SL", tmp_path)
    assert path.is_file() and [p.name for p in path.parent.iterdir()] == ["M2SL.csv"]  # no temporary left
    requests_before = len(httpserver.log)
    httpserver.clear()  # the server now answers nothing
    again = vintages.releases("M2SL", source=source(httpserver), root=tmp_path)
    pd.testing.assert_frame_equal(again, fetched, check_dtype=False)
    assert len(httpserver.log) == 0 and requests_before > 0
    no_key = FredSource("", limiter=unlimited())
    assert vintages.realtime("M2SL", source=no_key, root=tmp_path).iloc[0] == 20800.0  # cached: no key needed


def test_without_a_key_it_says_latest_values_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    with pytest.raises(VintagesUnavailableError) as info:
        vintages.realtime("M2SL", root=tmp_path)
    message = str(info.value)
    assert message.startswith("real-time vintages of 'M2SL' are not available: no FRED_API_KEY is set")
    assert message.endswith("the latest values are used instead") and "\n" not in message
    assert not vintages.cache_path("M2SL", tmp_path).exists()


def test_offline_it_says_latest_values_are_used_without_the_key(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fred = FredSource(KEY, root_url=f"http://127.0.0.1:{port}/fred", policy=HttpPolicy(max_retries=0), limiter=unlimited())
    with pytest.raises(VintagesUnavailableError, match="could not reach 127.0.0.1.*latest values are used") as info:
        vintages.releases("M2SL", source=fred, root=tmp_path)
    assert KEY not in str(info.value) and info.value.__cause__ is None and info.value.__context__ is None


def test_a_failing_refresh_keeps_the_cached_vintages(httpserver: HTTPServer, tmp_path: Path) -> None:
    FakeAlfred(httpserver)
    cached = vintages.releases("M2SL", source=source(httpserver), root=tmp_path)
    httpserver.clear()
    httpserver.expect_request("/fred/series/vintagedates").respond_with_data("down", status=503)
    again = vintages.releases("M2SL", refresh=True, source=source(httpserver), root=tmp_path)
    pd.testing.assert_frame_equal(again, cached, check_dtype=False)


def test_a_key_echoed_by_alfred_is_never_shown(httpserver: HTTPServer, tmp_path: Path) -> None:
    echo = f"Bad Request.  The value for variable api_key ({KEY}) is not registered."
    httpserver.expect_request("/fred/series/vintagedates").respond_with_data(
        f'<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="{echo}"/>', status=400,
        content_type="text/xml",
    )
    with pytest.raises(VintagesUnavailableError) as info:
        vintages.releases("M2SL", source=source(httpserver), root=tmp_path)
    assert "is not registered" in str(info.value) and KEY not in str(info.value)
