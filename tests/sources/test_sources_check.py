"""``qtlab data check``: each live source answers in its format (0), is unreachable (1), or changed (2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
import responses

from helpers import cli
from helpers.sources import check as checking
from helpers.sources.binance import BINANCE_FUTURES_URL, FUNDING_RATE_PATH
from helpers.sources.coinmetrics import COINMETRICS_COMMUNITY_URL
from helpers.sources.defillama import DEFILLAMA_API_URL, DEFILLAMA_STABLECOINS_URL
from helpers.sources.fred import FRED_GRAPH_CSV_URL
from helpers.sources.http import HttpPolicy, unlimited

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
FEB28 = 1709078400  # 2024-02-28T00:00:00Z
CM_URL = f"{COINMETRICS_COMMUNITY_URL}/timeseries/asset-metrics"
STABLES_URL = f"{DEFILLAMA_STABLECOINS_URL}/stablecoincharts/all"
TVL_URL = f"{DEFILLAMA_API_URL}/v2/historicalChainTvl"
BINANCE_URL = f"{BINANCE_FUTURES_URL}{FUNDING_RATE_PATH}"
QUICK = HttpPolicy(max_retries=1, base_delay=0.0, timeout=1.0, deadline=2.0)

GOOD = {
    FRED_GRAPH_CSV_URL: {"body": "observation_date,WALCL\n2024-02-21,7600000\n2024-02-28,7580000\n"},
    CM_URL: {
        "json": {
            "data": [
                {"asset": "btc", "time": "2024-02-28T00:00:00.000000000Z", "PriceUSD": "62000", "CapMrktCurUSD": "1.2e12"}
            ]
        }
    },
    STABLES_URL: {"json": [{"date": str(FEB28), "totalCirculatingUSD": {"peggedUSD": 1.4e11}}]},
    TVL_URL: {"json": [{"date": FEB28, "tvl": 9.1e10}]},
    BINANCE_URL: {"json": [{"symbol": "BTCUSDT", "fundingTime": FEB28 * 1000 + 4, "fundingRate": "0.0001"}]},
}


@pytest.fixture(autouse=True)
def keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    monkeypatch.setattr(checking, "CHECK_POLICY", QUICK)


def serve(**replaced: dict[str, object]) -> None:
    """Mock every live endpoint with a good answer, except those in ``replaced`` (by URL)."""
    for url, answer in GOOD.items():
        responses.get(url, **replaced.get(url, answer))  # type: ignore[arg-type]


@responses.activate
def test_every_source_answering_in_its_format_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    serve()
    results = checking.check(now=NOW, policy=QUICK, limiter=unlimited())
    assert [(r.source, r.series, r.status) for r in results] == [
        ("fred", "WALCL", "ok"),
        ("coinmetrics", "btc", "ok"),
        ("defillama", "stablecoins_total_supply", "ok"),
        ("defillama", "defi_tvl", "ok"),
        ("binance", "btc_funding_binance", "ok"),
    ]
    assert results[0].detail == "2 rows, last 2024-02-28"
    assert checking.exit_code(results) == 0


@pytest.mark.parametrize(
    ("url", "answer"),
    [
        (CM_URL, {"body": requests.exceptions.ConnectionError("Network is unreachable")}),
        (BINANCE_URL, {"status": 451, "json": {"code": 0, "msg": "Service unavailable from a restricted location"}}),
        (TVL_URL, {"status": 503}),
        (FRED_GRAPH_CSV_URL, {"status": 403, "body": "<html>Forbidden</html>"}),
    ],
    ids=["no-network", "451", "5xx", "403"],
)
@responses.activate
def test_an_unreachable_source_exits_1(url: str, answer: dict[str, object]) -> None:
    serve(**{url: answer})
    results = checking.check(now=NOW, policy=QUICK, limiter=unlimited())
    bad = [r for r in results if r.status != "ok"]
    assert len(bad) == 1 and bad[0].status == "unreachable"
    assert checking.exit_code(results) == 1


@pytest.mark.parametrize(
    ("url", "answer", "says"),
    [
        (CM_URL, {"json": {"rows": []}}, "no 'data' list"),
        (CM_URL, {"json": {"data": [{"asset": "btc", "time": "2024-02-28T00:00:00Z", "SplyCur": "1"}]}},
         "'price_usd' has no value"),
        (FRED_GRAPH_CSV_URL, {"body": "DATE,VALUE\n2024-02-28,1\n"}, "header"),
        (STABLES_URL, {"json": [{"date": str(FEB28), "circulating": 1.0}]}, "documented format"),
        (BINANCE_URL, {"json": []}, "no rows for the recent window"),
        (TVL_URL, {"json": [{"date": FEB28 - 30 * 86_400, "tvl": 1.0}]}, "no rows for the recent window"),
    ],
    ids=["coinmetrics-shape", "coinmetrics-no-price", "fred-header", "defillama-field", "binance-empty",
         "defillama-stale"],
)
@responses.activate
def test_a_changed_format_exits_2_and_says_what_changed(url: str, answer: dict[str, object], says: str) -> None:
    serve(**{url: answer})
    results = checking.check(now=NOW, policy=QUICK, limiter=unlimited())
    bad = [r for r in results if r.status != "ok"]
    assert len(bad) == 1 and bad[0].status == "schema" and says in bad[0].detail
    assert checking.exit_code(results) == 2


@responses.activate
def test_a_format_change_outranks_an_unreachable_source() -> None:
    serve(**{CM_URL: {"json": {"rows": []}}, TVL_URL: {"status": 503}})
    assert checking.exit_code(checking.check(now=NOW, policy=QUICK, limiter=unlimited())) == 2


@responses.activate
def test_the_cli_prints_one_line_per_probe_and_returns_the_exit_code(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(**{BINANCE_URL: {"status": 451, "json": {"code": 0, "msg": "restricted location"}}})
    original = checking.check
    monkeypatch.setattr(checking, "check", lambda names=None: original(names, now=NOW, policy=QUICK, limiter=unlimited()))
    assert cli.main(["data", "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert lines[-1].split()[:3] == ["binance", "btc_funding_binance", "unreachable"]
    assert cli.main(["data", "check", "--source", "fred"]) == 0


def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown live source 'yahoo'"):
        checking.check(["yahoo"])


def test_a_malformed_fred_key_is_reported_unreachable_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRED_API_KEY", "abcdef01 23456789abcdef0123456789")
    [result] = checking.check(["fred"], now=NOW, policy=QUICK, limiter=unlimited())
    assert result.status == "unreachable" and "FRED_API_KEY is not a FRED API key" in result.detail
    assert "23456789abcdef" not in result.detail
