"""End to end without the mirror: `make reports`' steps against local servers that answer like the providers.

Four local HTTP servers stand in for FRED (keyless graph CSV, and the API's XML for a fake key), Coin Metrics (API v4 JSON pages with
``next_page_token``), DefiLlama (stablecoin and TVL JSON) and Binance (``fundingRate``), pointed at
through the sources' URL variables (``QTLAB_FRED_GRAPH_URL`` and the others, see
:data:`helpers.sources.URL_ENV`). Their answers are built here from the mirror's real values, converted to
each provider's format (nothing of the mirror is copied into the repository), and a few are deliberately
unavailable: Binance answers HTTP 451 (as it does in some countries), FRED answers 404 for one series, and
the total market cap has no live source at all. With ``QTLAB_MIRROR`` unset, in a temporary copy of the
project, ``qtlab fetch --refresh`` goes through every catalog series, then ``qtlab run`` executes a subset
of the notebooks (the full run takes several minutes on two cores), among them the data tour (00, which lists
the missing series as missing) and seasonality (05, whose funding sections say they cannot run), and both end
with the summary of what was missing and what it cost. Last, two series
are fetched again through fredapi's XML with a fake ``FRED_API_KEY``.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers.data import catalog
from helpers.data.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.mirror]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Notebooks run end to end (the claims ledger follows them): the data tour (every series; three are missing),
#: QT mechanics, rotation (proxy total market cap, a section that cannot run without the mirror's),
#: seasonality (the funding sections cannot run without Binance), replications.
#: ``QTLAB_E2E_NOTEBOOKS=all`` runs every notebook instead (about five minutes on two cores: a check by hand, not in
#: ``make test``); the assertions below hold either way.
NOTEBOOKS: tuple[str, ...] = () if os.environ.get("QTLAB_E2E_NOTEBOOKS") == "all" else ("00", "01", "04", "05", "08")
#: The FRED series whose download answers 404 here.
FRED_GONE = "VIXCLS"
#: Largest page the recorded Coin Metrics server returns (the client asks for 10,000): paging is real.
CM_PAGE = 2500
BINANCE_451 = {"code": 0, "msg": "Service unavailable from a restricted location according to 'b. Eligibility' in "
               "https://www.binance.com/en/terms. Please contact customer service if you believe you received "
               "this message in error."}
#: Coin Metrics metric -> the mirror's column.
METRICS = {"PriceUSD": "price_usd", "CapMrktCurUSD": "market_cap_usd", "volume_reported_spot_usd_1d": "volume_usd",
           "SplyCur": "supply"}
EXPECTED_MISSING = {"btc_funding_binance", FRED_GONE, "market_total"}
#: A key of the right shape (32 letters and digits) that no server knows.
FAKE_KEY = "0123456789abcdef0123456789abcdef"
KEYED = ("WALCL", "M2SL")


@cache
def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Recorded:
    """Answers in the providers' formats, built from the mirror's files."""

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror
        self.assets = {s.coinmetrics_asset: s.id for s in catalog.CATALOG.values() if s.coinmetrics_asset}
        self.keyed: list[str] = []

    def fred_graph(self, request: Request) -> Response:
        """``fredgraph.csv?id=<ID>[&cosd=YYYY-MM-DD]``: FRED's download format."""
        sid = request.args.get("id", "")
        path = self.mirror / "fred" / f"{sid}.csv"
        if sid == FRED_GONE or not path.is_file():
            return Response("<!DOCTYPE html><html><title>404 Not Found</title></html>", 404, content_type="text/html")
        start = request.args.get("cosd", "")
        rows = [r for r in _rows(path) if r["observation_date"] >= start]
        lines = [f"observation_date,{sid}", *(f"{r['observation_date']},{r[sid]}" for r in rows)]
        return Response("\n".join(lines) + "\n", 200, content_type="text/csv")

    def fred_api(self, request: Request) -> Response:
        """``/fred/series/observations?series_id=<ID>&api_key=...``: the FRED API's XML, as fredapi reads it."""
        sid, key = request.args.get("series_id", ""), request.args.get("api_key", "")
        path = self.mirror / "fred" / f"{sid}.csv"
        if key != FAKE_KEY:
            body = '<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="Bad Request.  The value for ' \
                   'variable api_key is not registered." />'
            return Response(body, 400, content_type="text/xml")
        if not path.is_file():
            body = '<?xml version="1.0" encoding="utf-8" ?>\n<error code="400" message="Bad Request.  The series ' \
                   'does not exist." />'
            return Response(body, 400, content_type="text/xml")
        self.keyed.append(sid)
        start = request.args.get("observation_start", "")
        rows = [r for r in _rows(path) if r["observation_date"] >= start]
        stamp = 'realtime_start="2026-11-27" realtime_end="2026-11-27"'
        items = "".join(f'  <observation {stamp} date="{r["observation_date"]}" value="{r[sid] or "."}"/>\n'
                        for r in rows)
        body = (f'<?xml version="1.0" encoding="utf-8" ?>\n<observations {stamp} observation_start="1600-01-01" '
                f'observation_end="9999-12-31" units="lin" output_type="1" file_type="xml" '
                f'order_by="observation_date" sort_order="asc" count="{len(rows)}" offset="0" limit="100000">\n'
                f"{items}</observations>\n")
        return Response(body, 200, content_type="text/xml; charset=UTF-8")

    def coinmetrics(self, request: Request) -> Response:
        """``/v4/timeseries/asset-metrics``: JSON pages, numbers as strings, ``time`` the end of the day.

        Coin Metrics labels a daily close with the day it closes; the mirror (CoinGecko) labels the same
        00:00 UTC price with the next day, so a mirror row of day D is the Coin Metrics row of D - 1.
        """
        args = request.args
        asset = args.get("assets", "")
        sid = self.assets.get(asset)
        if sid is None:
            error = {"error": {"type": "bad_parameter", "message": f"Bad parameter 'assets'. Value '{asset}' is not supported."}}
            return Response(json.dumps(error), 400, content_type="application/json")
        metrics = args.get("metrics", "").split(",")
        start = args.get("start_time", "")
        data = []
        for r in _rows(self.mirror / "crypto" / f"{sid}.csv"):
            day = (pd.Timestamp(r["date"]) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
            if day < start:
                continue
            row = {"asset": asset, "time": f"{day}T00:00:00.000000000Z"}
            row |= {m: r[METRICS[m]] for m in metrics if r.get(METRICS[m])}
            data.append(row)
        if args.get("paging_from", "end") == "end":  # the API's default: newest first
            data.reverse()
        offset = int(base64.urlsafe_b64decode(args["next_page_token"]).decode()) if "next_page_token" in args else 0
        size = min(int(args.get("page_size", "100")), CM_PAGE)
        body: dict[str, object] = {"data": data[offset:offset + size]}
        if offset + size < len(data):
            token = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
            query = {k: v for k, v in args.items() if k != "next_page_token"} | {"next_page_token": token}
            body["next_page_token"] = token
            body["next_page_url"] = f"{request.host_url}v4/timeseries/asset-metrics?{urlencode(query)}"
        return Response(json.dumps(body), 200, content_type="application/json")

    def stablecoins(self, request: Request) -> Response:
        """``stablecoincharts/all``: ``date`` as a string of Unix seconds, USD values by peg."""
        out = []
        for r in _rows(self.mirror / "crypto" / "stablecoins_total_supply.csv"):
            value = float(r["total_stablecoin_supply_usd"]) if r["total_stablecoin_supply_usd"] else None
            out.append({"date": str(_unix(r["date"])), "totalCirculating": {"peggedUSD": value},
                        "totalCirculatingUSD": {"peggedUSD": value}})
        return Response(json.dumps(out), 200, content_type="application/json")

    def tvl(self, request: Request) -> Response:
        """``/v2/historicalChainTvl``: ``date`` as a number of Unix seconds."""
        out = [{"date": _unix(r["date"]), "tvl": float(r["defi_tvl_usd"]) if r["defi_tvl_usd"] else None}
               for r in _rows(self.mirror / "crypto" / "defi_tvl.csv")]
        return Response(json.dumps(out), 200, content_type="application/json")


def _unix(day: str) -> int:
    return int(pd.Timestamp(day, tz="UTC").timestamp())


@pytest.fixture(scope="module")
def recorded(mirror_dir: Path) -> Recorded:
    return Recorded(mirror_dir)


@pytest.fixture(scope="module")
def servers(recorded: Recorded) -> Iterator[dict[str, str]]:
    """The four recorded providers, and the environment variables that point the sources at them."""
    started = {name: HTTPServer(host="127.0.0.1", port=0) for name in ("fred", "coinmetrics", "defillama", "binance")}
    for server in started.values():
        server.start()
    started["fred"].expect_request("/graph/fredgraph.csv").respond_with_handler(recorded.fred_graph)
    started["fred"].expect_request("/fred/series/observations").respond_with_handler(recorded.fred_api)
    started["coinmetrics"].expect_request("/v4/timeseries/asset-metrics").respond_with_handler(recorded.coinmetrics)
    started["defillama"].expect_request("/stablecoincharts/all").respond_with_handler(recorded.stablecoins)
    started["defillama"].expect_request("/v2/historicalChainTvl").respond_with_handler(recorded.tvl)
    started["binance"].expect_request("/fapi/v1/fundingRate").respond_with_json(BINANCE_451, status=451)
    root = {name: s.url_for("/").rstrip("/") for name, s in started.items()}
    yield {"QTLAB_FRED_GRAPH_URL": f"{root['fred']}/graph/fredgraph.csv",
           "QTLAB_FRED_API_URL": f"{root['fred']}/fred",
           "QTLAB_COINMETRICS_URL": f"{root['coinmetrics']}/v4",
           "QTLAB_DEFILLAMA_STABLECOINS_URL": root["defillama"], "QTLAB_DEFILLAMA_API_URL": root["defillama"],
           "QTLAB_BINANCE_URL": root["binance"]}
    for server in started.values():
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture(scope="module")
def live(servers: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A copy of the project as a fresh clone has it, fetched from the recorded providers and run."""
    home = tmp_path_factory.mktemp("e2e_live")
    shutil.copytree(ROOT / "src", home / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, home / name)
    shutil.copytree(ROOT / "notebooks", home / "notebooks")
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(ROOT / "reports", home / "reports", ignore=shutil.ignore_patterns(".executed", "benchmarks.json"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QTLAB_", "FRED_API_KEY", "PYTHONPATH"))}
    env |= servers | {"QTLAB_HOME": str(home), "QTLAB_SCRATCH": str(home / "scratch"), "QTLAB_SITE": "0",
                      "PYTHONPATH": str(home / "src"), "PYTHONWARNINGS": "ignore"}
    steps: dict[str, object] = {"home": home}
    for step, cmd in (("fetch", [str(BIN / "qtlab"), "fetch", "--refresh"]),
                      ("run", [str(BIN / "qtlab"), "run", *NOTEBOOKS, "-j", "2"]),
                      ("readme", [str(BIN / "python"), "-m", "helpers.report.readme"])):
        began = time.perf_counter()
        done = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=900)
        steps[step] = done
        steps[f"{step}_seconds"] = time.perf_counter() - began
    keyed = [str(BIN / "qtlab"), "fetch", "--source", "fred", "--series", *KEYED, "--force"]
    steps["keyed"] = subprocess.run(keyed, env=env | {"FRED_API_KEY": FAKE_KEY}, cwd=home, capture_output=True,
                                    text=True, timeout=300)
    return steps


def _out(done: object) -> str:
    assert isinstance(done, subprocess.CompletedProcess)
    return f"{done.stdout}\n{done.stderr}"


def test_fetch_goes_through_every_source_and_reports_what_is_missing(live: dict[str, object]) -> None:
    fetch = live["fetch"]
    assert isinstance(fetch, subprocess.CompletedProcess)
    text = _out(fetch)
    assert fetch.returncode == 0, text[-3000:]
    assert "HTTP 451" in text and f"{FRED_GONE}" in text and "404" in text
    manifest = Store(Path(str(live["home"])) / "data" / "raw").manifest()
    assert set(catalog.CATALOG) - set(manifest) == EXPECTED_MISSING
    for sid, entry in manifest.items():
        assert entry.source == catalog.get(sid).sources[0], sid  # every series from its live source, none from a mirror
    assert {e.source for e in manifest.values()} == {"fred", "coinmetrics", "defillama"}
    # the summary: each missing series, its reason, the notebooks that read it and the claims that need it
    lines = fetch.stdout.splitlines()
    assert "missing data: 3 series unavailable" in fetch.stdout
    funding = lines[lines.index(next(ln for ln in lines if ln.startswith("  btc_funding_binance:"))) + 1]
    assert "05_seasonality_flows" in funding and "C10" in funding
    vix = lines[lines.index(next(ln for ln in lines if ln.startswith(f"  {FRED_GONE}:"))) + 1]
    assert "06_risk_scenarios" in vix and "C20" in vix
    assert "no live source" in next(ln for ln in lines if ln.startswith("  market_total:"))
    failures = json.loads((Path(str(live["home"])) / "data" / "raw" / "fetch_failures.json").read_text())
    assert set(failures) == EXPECTED_MISSING and "451" in failures["btc_funding_binance"]


def test_fetched_values_are_the_mirrors_in_every_format(live: dict[str, object], mirror_dir: Path) -> None:
    store = Store(Path(str(live["home"])) / "data" / "raw")
    walcl = store.read("WALCL")["WALCL"]
    mirror_walcl = pd.read_csv(mirror_dir / "fred" / "WALCL.csv", index_col=0, parse_dates=True)["WALCL"]
    assert len(walcl) == len(mirror_walcl) and (walcl.to_numpy() == mirror_walcl.to_numpy()).all()
    btc = store.read("btc")["price_usd"].dropna()  # more than one page: every page was followed
    mirror_btc = pd.read_csv(mirror_dir / "crypto" / "btc.csv", index_col=0, parse_dates=True)["price_usd"].dropna()
    assert len(btc) == len(mirror_btc) > CM_PAGE
    assert (btc.index == mirror_btc.index - pd.Timedelta(days=1)).all() and (btc.to_numpy() == mirror_btc.to_numpy()).all()
    stable = store.read("stablecoins_total_supply")["total_stablecoin_supply_usd"]
    assert stable.iloc[-1] == float(_rows(mirror_dir / "crypto" / "stablecoins_total_supply.csv")[-1]
                                    ["total_stablecoin_supply_usd"])


def test_run_completes_and_records_what_was_missing(live: dict[str, object]) -> None:
    run = live["run"]
    assert isinstance(run, subprocess.CompletedProcess)
    text = _out(run)
    assert run.returncode == 0, text[-4000:]
    home = Path(str(live["home"]))
    runs = json.loads((home / "reports" / "runs.json").read_text())
    names = sorted(runs) if not NOTEBOOKS else ["00_data_tour", "01_qt_mechanism", "04_sector_rotation",
                                                "05_seasonality_flows", "07_claims_ledger", "08_replications"]
    for name in names:
        assert runs[name]["status"] == "ok", (name, runs[name])
    assert "missing data: 3 series unavailable" in run.stdout
    sections = run.stdout.split("sections that could not run:")[1].splitlines()
    assert any(ln.strip().startswith("04_sector_rotation / 12. Survivorship") and "cannot run here" in ln
               for ln in sections), run.stdout[-3000:]
    # the data tour lists the missing series and says so; seasonality skips its funding sections, naming the series
    assert any(ln.strip().startswith("00_data_tour / 1. Catalog and coverage") and "cannot run here" in ln
               for ln in sections), run.stdout[-3000:]
    skipped = [ln for ln in sections if ln.strip().startswith("05_seasonality_flows / ")]
    assert any("Liquidation flushes (C10)" in ln and "btc_funding_binance" in ln and "451" in ln for ln in skipped), \
        run.stdout[-3000:]
    assert any("The article's setting" in ln and "btc_funding_binance" in ln for ln in skipped), run.stdout[-3000:]
    assert not any(ln.strip().startswith("07_claims_ledger") for ln in sections)  # C10's evidence is not a skip
    body = json.loads((home / "reports" / "results.json").read_text())
    missing = body["missing_data"]
    assert set(missing["series"]) == EXPECTED_MISSING
    assert {"C10", "C20"} <= set(missing["claims"])
    assert any(s["notebook"] == "04_sector_rotation" for s in missing["sections"])
    seasonality = json.loads((home / "reports" / "results" / "05_seasonality_flows.json").read_text())
    assert seasonality["claims"]["C10"]["verdict"] == "untestable here"
    assert "btc_funding_binance" in seasonality["claims"]["C10"]["evidence"]
    assert "flush_n_episodes" not in seasonality["figures"] and "btc_dec_minus_rest" in seasonality["figures"]
    tour = json.loads((home / "reports" / "results" / "00_data_tour.json").read_text())
    assert tour["figures"]["series_count"]["value"] == len(catalog.CATALOG) - len(EXPECTED_MISSING)
    used = json.loads((home / "reports" / "results" / "04_sector_rotation.json").read_text())["series_used"]
    assert "market_total" not in used and "btc" in used  # the rotation ran on the live series and the proxy
    readme = live["readme"]
    assert isinstance(readme, subprocess.CompletedProcess) and readme.returncode == 0, _out(readme)[-2000:]
    print(f"\nfetch {live['fetch_seconds']:.0f} s, run {live['run_seconds']:.0f} s, readme {live['readme_seconds']:.0f} s")


def test_the_keyed_path_reads_fredapis_xml_and_never_shows_the_key(live: dict[str, object], recorded: Recorded,
                                                                   mirror_dir: Path) -> None:
    keyed = live["keyed"]
    assert isinstance(keyed, subprocess.CompletedProcess)
    text = _out(keyed)
    assert keyed.returncode == 0, text[-3000:]
    assert sorted(set(recorded.keyed)) == sorted(KEYED) and FAKE_KEY not in text
    store = Store(Path(str(live["home"])) / "data" / "raw")
    for sid in KEYED:
        mirror = pd.read_csv(mirror_dir / "fred" / f"{sid}.csv", index_col=0, parse_dates=True)[sid]
        got = store.read(sid)[sid]
        assert store.manifest()[sid].source == "fred" and (got.to_numpy() == mirror.to_numpy()).all()
