"""``qtlab data check``: does each live source answer, and in the format the fetchers expect?

One small, recent request per probe (:data:`PROBES`) through the real fetcher, so that the check
exercises exactly the parsing a refresh uses. Each probe ends in one of three states, and the exit
code is the worst of them (the scheduled refresh runs this first):

* ``ok`` (0) - the source answered rows in the expected columns and types;
* ``unreachable`` (1) - no network, the host refused (403/451) or kept failing, or ``FRED_API_KEY``
  is malformed;
* ``schema`` (2) - the source answered, but not in the documented format (renamed fields, no rows
  for a recent window, a column without any value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import pandas as pd
from pyrate_limiter import Limiter

from helpers.data import catalog
from helpers.data.catalog import LiveSourceName, SeriesSpec
from helpers.errors import QtlabError, SourceUnavailableError
from helpers.sources.base import Source
from helpers.sources.fred import ApiKeyError
from helpers.sources.http import HttpPolicy
from helpers.sources.redaction import one_line

Status = Literal["ok", "unreachable", "schema"]
#: Exit code of each status; the check exits with the largest.
EXIT_CODES: dict[Status, int] = {"ok": 0, "unreachable": 1, "schema": 2}
#: Live source -> (catalog series, days of history asked for). DefiLlama's two series live on two hosts.
PROBES: dict[LiveSourceName, tuple[tuple[str, int], ...]] = {
    "fred": (("WALCL", 45),),
    "coinmetrics": (("btc", 10),),
    "defillama": (("stablecoins_total_supply", 10), ("defi_tvl", 10)),
    "binance": (("btc_funding_binance", 5),),
}
#: Columns that must hold at least one value (the others may be empty, e.g. a metric a tier lacks).
REQUIRED: dict[LiveSourceName, tuple[str, ...]] = {"coinmetrics": ("price_usd", "market_cap_usd")}
#: A check should be quick: two attempts, a minute per request.
CHECK_POLICY = HttpPolicy(max_retries=1, base_delay=1.0, max_delay=10.0, timeout=20.0, deadline=60.0, budget=120.0)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one probe."""

    source: LiveSourceName
    series: str
    status: Status
    detail: str

    def line(self) -> str:
        """One line for the terminal."""
        return f"{self.source:<12} {self.series:<26} {self.status:<12} {self.detail}"


def build_source(
    name: LiveSourceName, clock: Callable[[], datetime], policy: HttpPolicy, limiter: Limiter | None = None
) -> Source:
    """The live source ``name`` with the check's policy, clock and (default: per-host) limiter."""
    if name == "fred":
        from helpers.sources.fred import FredSource

        return FredSource(policy=policy, clock=clock, limiter=limiter)
    if name == "coinmetrics":
        from helpers.sources.coinmetrics import CoinMetricsSource

        return CoinMetricsSource(policy=policy, clock=clock, limiter=limiter)
    if name == "defillama":
        from helpers.sources.defillama import DefiLlamaSource

        return DefiLlamaSource(policy=policy, clock=clock, limiter=limiter)
    if name == "binance":
        from helpers.sources.binance import BinanceFundingSource

        return BinanceFundingSource(policy=policy, clock=clock, limiter=limiter)
    raise ValueError(f"unknown live source {name!r}; known: {', '.join(PROBES)}")


def schema_problems(spec: SeriesSpec, frame: pd.DataFrame, source: LiveSourceName) -> list[str]:
    """What in ``frame`` differs from what the fetcher promises for ``spec`` (empty when nothing does)."""
    problems: list[str] = []
    if tuple(frame.columns) != tuple(spec.value_columns):
        problems.append(f"columns {list(frame.columns)}, expected {list(spec.value_columns)}")
    if not isinstance(frame.index, pd.DatetimeIndex) or frame.index.name != "date":
        problems.append("the index is not a 'date' DatetimeIndex")
    if len(frame) == 0:
        problems.append("no rows for the recent window asked for")
        return problems
    problems += [f"column {c!r} is not float" for c in frame.columns if frame[c].dtype.kind != "f"]
    required = [c for c in REQUIRED.get(source, ()) if c in frame.columns]
    problems += [f"column {c!r} has no value" for c in required if frame[c].isna().all()]
    if frame.isna().all().all():
        problems.append("every value is missing")
    return problems


def check_probe(name: LiveSourceName, source: Source, spec: SeriesSpec, days: int, today: pd.Timestamp) -> CheckResult:
    """Fetch ``days`` days of ``spec`` from ``source`` and classify the outcome."""
    series_id = spec.id
    try:
        frame = source.fetch(spec, start=today - pd.Timedelta(days=days)).frame
    except (SourceUnavailableError, ApiKeyError) as exc:  # a malformed key: no answer to judge either
        return CheckResult(name, series_id, "unreachable", one_line(exc))
    except (QtlabError, ValueError, KeyError, TypeError) as exc:
        return CheckResult(name, series_id, "schema", one_line(exc))
    problems = schema_problems(spec, frame, name)
    if problems:
        return CheckResult(name, series_id, "schema", "; ".join(problems))
    return CheckResult(name, series_id, "ok", f"{len(frame)} rows, last {frame.index[-1]:%Y-%m-%d}")


def check(
    names: Iterable[LiveSourceName] | None = None,
    *,
    sources: Mapping[str, Source] | None = None,
    now: datetime | None = None,
    policy: HttpPolicy | None = None,
    limiter: Limiter | None = None,
) -> list[CheckResult]:
    """Probe every live source (or those in ``names``).

    Parameters
    ----------
    names : iterable of str, optional
        Live sources to check (default: all of :data:`PROBES`).
    sources : mapping, optional
        Source objects to use instead of building them (tests point them at mocks).
    now : datetime, optional
        The current UTC time (default: the system clock); the probes ask for the days before it.
    policy : HttpPolicy, optional
        Retries and limits of the sources built here (default :data:`CHECK_POLICY`).
    limiter : pyrate_limiter.Limiter, optional
        Rate limiter of the sources built here (default: each host's shared limiter).

    Returns
    -------
    list of CheckResult
        One per probe, in :data:`PROBES` order.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    today = pd.Timestamp(moment.date())
    chosen = list(names) if names else list(PROBES)
    unknown = [n for n in chosen if n not in PROBES]
    if unknown:
        raise ValueError(f"unknown live source {unknown[0]!r}; known: {', '.join(PROBES)}")
    results: list[CheckResult] = []
    for name in chosen:
        source = (sources or {}).get(name) or build_source(name, lambda: moment, policy or CHECK_POLICY, limiter)
        for series_id, days in PROBES[name]:
            results.append(check_probe(name, source, catalog.get(series_id), days, today))
    return results


def exit_code(results: Iterable[CheckResult]) -> int:
    """0 when every probe is ok, 2 if any answer changed its format, else 1 if any source is unreachable."""
    return max((EXIT_CODES[r.status] for r in results), default=0)
