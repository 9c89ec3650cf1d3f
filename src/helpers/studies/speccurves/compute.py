"""One specification of each curved claim, computed as the owning notebook computes its primary one (notebook 09).

Every compute function has the form ``fn(choices, *, inputs) -> SpecResult`` and is module-level,
so ``functools.partial(fn, inputs=...)`` pickles for a process pool or a Dask cluster. The
``*_detail`` functions return every number of one specification as a :class:`SpecDetail` (for tables
and the published cross-checks); ``*_spec`` wraps them into a :class:`~helpers.methods.speccurve.SpecResult`. The
``*_inputs`` functions load the series of the owning notebook. The statistics are those the owning
notebooks use (the transforms, regime, event-study, seasonal, basket, episode and strategy modules
of :mod:`helpers.methods`), with their seed offsets, so that each primary
specification reproduces the notebook's number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.data.liquidity import net_liquidity
from helpers.methods import coverage, seasonal
from helpers.methods.baskets import equal_weight_basket, prepare_prices, trim_after_last
from helpers.methods.episodes import episodes_by_rule, state_from_episodes
from helpers.methods.masked_bootstrap import regime_means
from helpers.methods.placebo import effect_interval, placebo_test, spaced_placebo_test
from helpers.methods.rallies import best_change, rally_definitions, unconditional_best
from helpers.methods.regimes import liquidity_regime_returns, regime_from_change
from helpers.methods.simulation import start_windows
from helpers.methods.speccurve import Choices, SpecResult
from helpers.methods.strategies import exit_strategies, staged_strategies, strategy_outcomes
from helpers.methods.strategy_comparison import (
    compare_to_baseline,
    compare_to_matched,
    lock_and_capture,
    relative_interval,
)
from helpers.methods.transforms import log_returns, weekly_frame
from helpers.studies import seasonality as season_study
from helpers.studies.speccurves.declared import grid_value

#: The four numbers of a specification curve's row; every other number of a detail is an extra.
CURVE_FIELDS: tuple[str, ...] = ("estimate", "low", "high", "n")


@dataclass(frozen=True)
class SpecDetail:
    """Every number of one specification: the curve's estimate, interval and N, and the claim's own extras.

    Attributes
    ----------
    estimate, low, high : float
        The estimate (positive in the claimed direction) and its interval (95% unless the detail says).
    n : int
        Sample size (events, years, episodes, start days).
    extra : mapping of str to float
        The claim's other numbers, for tables and the published cross-checks (``event_mean``,
        ``p_value``, ``base_rate``, ...).
    """

    estimate: float
    low: float
    high: float
    n: int
    extra: Mapping[str, float] = field(default_factory=dict)

    @property
    def result(self) -> SpecResult:
        """The curve's row: :class:`~helpers.methods.speccurve.SpecResult` of the four numbers."""
        return SpecResult(self.estimate, self.low, self.high, self.n)


def _detail(numbers: Mapping[str, float]) -> SpecDetail:
    """A :class:`SpecDetail` from one mapping of the curve's four numbers and the extras."""
    extra = {k: float(v) for k, v in numbers.items() if k not in CURVE_FIELDS}
    return SpecDetail(float(numbers["estimate"]), float(numbers["low"]), float(numbers["high"]), int(numbers["n"]),
                      extra)

# ------------------------------------------------------------------------------ C04 (notebook 02)

C04_MEASURES: tuple[str, ...] = ("netliq", "walcl", "reserves")  # notebook 02's order (seed + index)


def c04_inputs(weekly_start: str = "2014-12-01", weekly_end: str | None = None) -> dict[str, Any]:
    """Notebook 02's weekly frame (BTC, net liquidity, WALCL, reserves as public each Thursday).

    The grid's end is the last date of the series notebook 02 uses for it, as there.
    """
    from helpers import data
    from helpers.data import catalog

    btc, eth = data.closes("btc"), data.closes("eth")
    nl = net_liquidity()["net_liquidity"]
    walcl, reserves = (data.series(s, usd_bn=True) for s in ("WALCL", "WRESBAL"))
    others = [data.series(s) for s in ("SP500", "NASDAQCOM", "DGS10")]
    end = weekly_end or max(f"{s.dropna().index.max():%Y-%m-%d}" for s in (btc, eth, walcl, nl, reserves, *others))
    lag = catalog.get("WALCL").publication_lag_days
    weekly = weekly_frame({"btc": btc}, {"walcl": walcl, "netliq": nl, "reserves": reserves},
                          weekly_start, end, "THU", lag)
    return {"weekly": weekly, "last_date": f"{btc.index[-1]:%Y-%m-%d}"}


def c04_detail(choices: Choices, *, inputs: Mapping[str, Any], start: str = "2015-01-01", reps: int = 500,
               block_size: int = 26, seed: int = 20251201) -> SpecDetail:
    """BTC forward log return, liquidity expanding minus contracting, for one (window, horizon, measure).

    Calls :func:`helpers.methods.regimes.liquidity_regime_returns` exactly as notebook 02 does (measure ``k``
    bootstrapped with seed ``seed + k``), with a 95% stationary-bootstrap interval.
    """

    weekly = inputs["weekly"]
    measure = str(choices["measure"])
    k = C04_MEASURES.index(measure)
    r = liquidity_regime_returns(weekly["btc"], weekly[measure], start, int(choices["horizon"]),
                                 int(choices["window"]), reps, block_size, seed + k)
    return _detail({"estimate": r.diff, "low": r.lo, "high": r.hi, "n": r.n, "p_hac": r.p_hac})


def c04_spec(choices: Choices, *, inputs: Mapping[str, Any], start: str = "2015-01-01", reps: int = 500,
             block_size: int = 26, seed: int = 20251201) -> SpecResult:
    """:func:`c04_detail` as a :class:`SpecResult`."""
    return c04_detail(choices, inputs=inputs, start=start, reps=reps, block_size=block_size, seed=seed).result


# ------------------------------------------------------------------------ C07, C08 (notebook 03)


def c07_event_set(name: str, event_sets: Mapping[str, Sequence[str]], base: str = "cuts_or_qt_end") -> list[str]:
    """The events of a declared reading: a named set, or ``without_<date>`` (the base set minus one event)."""
    if name in event_sets:
        return list(event_sets[name])
    if name.startswith("without_"):
        drop = name[len("without_"):]
        full = list(event_sets[base])
        if drop not in full:
            raise ValueError(f"C07 reading {name!r}: {drop} is not one of the {base} events {full}")
        return [d for d in full if d != drop]
    raise ValueError(f"C07 reading {name!r} is neither a named event set {sorted(event_sets)} nor without_<date>")


def c07_detail(choices: Choices, *, inputs: Mapping[str, Any], draws: int = 5000, seed: int = 20190731,
               start: str = "2016-01-01") -> SpecDetail:
    """Events' mean log return minus the mean over as many random days, for one (events, spacing, asset, horizon).

    :func:`helpers.methods.placebo.placebo_test` (asset ``i`` of notebook 03's order with seed ``seed + i``)
    or :func:`helpers.methods.placebo.spaced_placebo_test`, the effect and its 95% interval from
    :func:`helpers.methods.placebo.effect_interval`. NaN where no event reaches the horizon.
    """

    prices = inputs["prices"]
    asset, h = str(choices["asset"]), int(choices["horizon"])
    events = c07_event_set(str(choices["events"]), inputs["event_sets"])
    i = list(prices).index(asset)
    try:
        if choices["spacing"] == "kept":
            res = spaced_placebo_test(prices[asset], events, h, start)
        else:
            res = placebo_test(prices[asset], events, h, draws, seed + i, start)
    except ValueError:
        return _detail({"estimate": math.nan, "low": math.nan, "high": math.nan, "n": 0, "event_mean": math.nan,
                        "placebo_mean": math.nan, "p_value": math.nan})
    effect, lo, hi = effect_interval(res, 0.95)
    return _detail({"estimate": effect, "low": lo, "high": hi, "n": res.n_events, "event_mean": res.event_mean,
                    "placebo_mean": res.placebo_mean, "p_value": res.p_value})


def c07_spec(choices: Choices, *, inputs: Mapping[str, Any], draws: int = 5000, seed: int = 20190731,
             start: str = "2016-01-01") -> SpecResult:
    """:func:`c07_detail` as a :class:`SpecResult`."""
    return c07_detail(choices, inputs=inputs, draws=draws, seed=seed, start=start).result


def c08_detail(choices: Choices, *, inputs: Mapping[str, Any], span: tuple[int, int] = (180, 540),
               absolute: Sequence[float] = (0.5, 1.0), start: str = "2016-01-01",
               middle: Sequence[str] = ("2020-03-15",)) -> SpecDetail:
    """Pivots' rally rate minus the rate after random start days, for one (2019 and 2023 reading, definition, asset).

    Best log return on days 180-540 (:func:`helpers.methods.rallies.best_change`) against the thresholds of
    :func:`helpers.methods.rallies.rally_definitions`; the base rate is the share of start days from
    ``start`` clearing the same bar (:func:`helpers.methods.rallies.unconditional_best`), as in notebook 03;
    the interval is the exact 95% binomial interval of the pivots' rate, minus the base rate.
    """

    values = inputs["prices"][str(choices["asset"])]
    unconditional = unconditional_best(values, span, start)
    definitions = {d.name: d.threshold for d in rally_definitions(float(unconditional.median()), absolute)}
    name = str(choices["definition"])
    if name not in definitions:
        raise ValueError(f"C08 definition {name!r} is not one of {sorted(definitions)}")
    threshold = definitions[name]
    pivots = [str(choices["reading_2019"]), *middle, str(choices["reading_2023"])]
    best = pd.Series({p: best_change(values, p, span) for p in pivots}).dropna()
    base = float((unconditional >= threshold).mean())
    n, k = len(best), int((best >= threshold).sum())
    if n == 0:
        return _detail({"estimate": math.nan, "low": math.nan, "high": math.nan, "n": 0, "k": 0, "base_rate": base,
                        "threshold": threshold})
    ci = sps.binomtest(k, n).proportion_ci(0.95, method="exact")
    return _detail({"estimate": k / n - base, "low": float(ci.low) - base, "high": float(ci.high) - base, "n": n,
                    "k": k,
                    "base_rate": base, "threshold": threshold})


def c08_spec(choices: Choices, *, inputs: Mapping[str, Any], span: tuple[int, int] = (180, 540),
             absolute: Sequence[float] = (0.5, 1.0), start: str = "2016-01-01") -> SpecResult:
    """:func:`c08_detail` as a :class:`SpecResult`."""
    return c08_detail(choices, inputs=inputs, span=span, absolute=absolute, start=start).result


# ----------------------------------------------------------------- C10-C13 (notebook 05)


def c10_detail(choices: Choices, *, inputs: Mapping[str, Any], crowded: float = 0.0, min_gap_days: int = 30,
               horizons: Sequence[int] = (30, 90), draws: int = 5000, seed: int = 20251201) -> SpecDetail:
    """Flush proxy (drop, funding fall) against random days at one horizon, as notebook 05's first test.

    :func:`helpers.studies.seasonality.drop_days`, :func:`~helpers.studies.seasonality.is_flush`,
    :func:`~helpers.studies.seasonality.flush_episodes`, then :func:`helpers.methods.placebo.placebo_test` from the
    first funding day (seed ``seed + i`` for the ``i``-th of notebook 05's horizons) and
    :func:`helpers.methods.seasonal.placebo_interval` (95%).
    """

    btc, funding = inputs["btc"], inputs["funding"]
    h = int(choices["horizon"])
    drops = season_study.drop_days(btc, funding, float(choices["drop"]))
    flagged = season_study.is_flush(drops, crowded, float(choices["fall"]))
    eps = season_study.flush_episodes(drops, flagged, min_gap_days)
    flush = list(eps.index[eps["flush"]])
    i = list(horizons).index(h) if h in horizons else 0
    try:
        pl = placebo_test(btc, flush, h, draws, seed + i, start=funding.index[0])
    except ValueError:
        return _detail({"estimate": math.nan, "low": math.nan, "high": math.nan, "n": 0, "event_mean": math.nan})
    effect, lo, hi = seasonal.placebo_interval(pl)
    return _detail({"estimate": effect, "low": lo, "high": hi, "n": pl.n_events, "event_mean": pl.event_mean,
                    "p_value": pl.p_value})


def c10_spec(choices: Choices, *, inputs: Mapping[str, Any], draws: int = 5000, seed: int = 20251201) -> SpecResult:
    """:func:`c10_detail` as a :class:`SpecResult`."""
    return c10_detail(choices, inputs=inputs, draws=draws, seed=seed).result


def seasonality_inputs(coverage_jump: float = 0.15, stable_start: str = "2020-01-01",
                       total_cap_source: str = "mirror") -> dict[str, Any]:
    """Notebook 05's series: BTC and S&P 500 closes, stablecoin supply (raw and masked), total market cap."""
    from helpers import data
    from helpers.data import proxies

    stable_raw = data.closes("stablecoins_total_supply", column="total_stablecoin_supply_usd")
    breaks = coverage.coverage_breaks(stable_raw, coverage_jump, stable_start)
    mcap, label = proxies.total_market_cap(total_cap_source)  # type: ignore[arg-type]
    btc = data.closes("btc")
    return {"btc": btc, "sp500": data.series("SP500"), "stable_raw": stable_raw,
            "stable": coverage.mask_breaks(stable_raw, breaks.index), "market_cap": mcap, "market_cap_label": label,
            "n_breaks": len(breaks), "last_date": f"{btc.index[-1]:%Y-%m-%d}"}


def _period_effect(inputs: Mapping[str, Any], measure: str, freq: str, start: str, target: Sequence[int],
                   alternative: str, n_perm: int, reps: int, seed: int) -> SpecDetail:

    series = {"btc": inputs["btc"], "sp500": inputs["sp500"], "stablecoin": inputs["stable"],
              "stablecoin_unmasked": inputs["stable_raw"], "market_cap": inputs["market_cap"]}
    if measure not in series:
        raise ValueError(f"seasonality measure {measure!r} is not one of {sorted(series)}")
    tol = {} if measure in ("btc", "sp500") else {"tolerance_days": 2}
    changes = seasonal.period_log_changes(series[measure], freq, start, **tol)  # type: ignore[arg-type]
    eff = seasonal.period_effect(seasonal.by_year(changes), target, alternative,  # type: ignore[arg-type]
                                 n_perm, reps, seed)
    claimed = "less" if alternative == "less" else "greater"
    est, lo, hi = seasonal.claimed_interval(eff, claimed)  # type: ignore[arg-type]
    return _detail({"estimate": est, "low": lo, "high": hi, "n": eff.n_years, "p_value": eff.p_value,
                    "raw": eff.estimate})


#: Notebook 05's seed offsets of each (test, measure), so the primary resamples are the notebook's.
_SEASON_SEEDS: dict[tuple[str, str], int] = {("december", "btc"): 0, ("december", "stablecoin"): 1,
                                             ("december", "stablecoin_unmasked"): 1, ("novdec", "btc"): 2,
                                             ("q1", "stablecoin"): 5, ("q1", "stablecoin_unmasked"): 5,
                                             ("q1", "market_cap"): 4}


def season_detail(choices: Choices, *, inputs: Mapping[str, Any], claim: str, n_perm: int = 5000, reps: int = 2000,
                  draws: int = 5000, seed: int = 20251201) -> SpecDetail:
    """C11, C12 or C13 for one specification, signed so that positive is the claimed direction.

    * ``december`` (C11): December minus other months within years (one-sided ``greater``);
    * ``novdec`` (C12): November-December minus other months, negated (the claim says weaker);
    * ``early_jan`` (C12): the ``days`` after 31 December against random windows of that length
      (:func:`helpers.methods.placebo.placebo_test`, :func:`helpers.methods.seasonal.placebo_interval`);
    * ``q1`` (C13): first quarter minus the other quarters.

    Monthly and quarterly tests call :func:`helpers.methods.seasonal.period_effect` (permutation within
    years, 95% year-bootstrap interval) on :func:`~helpers.methods.seasonal.period_log_changes`, as
    notebook 05 does, with its seed offsets.
    """

    test = {"C11": "december", "C13": "q1"}.get(claim, str(choices.get("test", "")))
    measure, start = str(choices["measure"]), str(choices["start"])
    s = seed + _SEASON_SEEDS.get((test, measure), 0)
    if test == "december":
        return _period_effect(inputs, measure, "M", start, [12], "greater", n_perm, reps, s)
    if test == "novdec":
        return _period_effect(inputs, measure, "M", start, [11, 12], "less", n_perm, reps, s)
    if test == "q1":
        return _period_effect(inputs, measure, "Q", start, [1], "greater", n_perm, reps, s)
    if test == "early_jan":
        values = inputs[measure]
        last = values.index[-1]
        ends = [f"{y}-12-31" for y in range(int(start[:4]) - 1, last.year) if f"{y}-12-31" >= f"{values.index[0]:%F}"]
        res = placebo_test(values, ends, int(choices["days"]), draws, seed + (measure == "sp500"),
                           start=max(start, f"{values.index[0]:%Y-%m-%d}"))
        effect, lo, hi = seasonal.placebo_interval(res)
        return _detail({"estimate": effect, "low": lo, "high": hi, "n": res.n_events, "p_value": res.p_value,
                        "raw": effect})
    raise ValueError(f"{claim}: unknown seasonality test {test!r}")


def season_spec(choices: Choices, *, inputs: Mapping[str, Any], claim: str, n_perm: int = 5000, reps: int = 2000,
                draws: int = 5000, seed: int = 20251201) -> SpecResult:
    """:func:`season_detail` as a :class:`SpecResult`."""
    return season_detail(choices, inputs=inputs, claim=claim, n_perm=n_perm, reps=reps, draws=draws, seed=seed).result


# ------------------------------------------------------------------------ C16, C18 (notebook 04)


def rotation_inputs(large_alts: Sequence[str], defi_tokens: Sequence[str], *, leader: str = "btc",
                    seasoning_days: int = 30, max_jump: float = 10.0, min_members: int = 3,
                    weekly_start: str = "2014-01-01", weekly_end: str | None = None,
                    excluded: Sequence[str] = ("mkr",)) -> dict[str, Any]:
    """Notebook 04's daily closes and weekly frame (BTC, ETH, alt and DeFi baskets, net liquidity as public).

    Also a DeFi basket without ``excluded`` (its Exercise 3) on the same weekly grid.
    """
    from helpers import data
    from helpers.data import catalog

    sectors = [leader, "eth", *large_alts, *defi_tokens]
    px = prepare_prices({a: data.closes(a) for a in sectors}, seasoning_days, max_jump)
    btc = px[leader].dropna()
    alt = equal_weight_basket(px[list(large_alts)], min_members, name="alt")
    defi = equal_weight_basket(px[list(defi_tokens)], min_members, name="defi")
    defi_ex = equal_weight_basket(px[[a for a in defi_tokens if a not in excluded]], min_members,
                                  name="defi_ex")
    nl = net_liquidity()["net_liquidity"]
    lag = catalog.get("WALCL").publication_lag_days
    sources = {"btc": btc, "eth": px["eth"], "alt": alt.level, "defi": defi.level}
    last = weekly_end or f"{max(s.last_valid_index() for s in sources.values()):%Y-%m-%d}"
    weekly = trim_after_last(weekly_frame(sources, {"netliq": nl}, weekly_start, last, "THU", lag), sources)
    ex_sources = {"defi_ex": defi_ex.level}
    weekly_ex = trim_after_last(weekly_frame(ex_sources, {}, weekly_start, last, "THU", lag), ex_sources)
    weekly["defi_ex"] = weekly_ex["defi_ex"]
    return {"btc": btc, "weekly": weekly, "last_date": f"{px[list(large_alts)].last_valid_index():%Y-%m-%d}"}


def _rule(token: str) -> list[Any]:
    """``ma_200_30`` -> ``["ma", 200, 30]`` (the list form of :func:`helpers.methods.episodes.episodes_by_rule`)."""
    kind, *params = token.split("_")
    return [kind, *(grid_value(p) for p in params)]


#: Notebook 04's seed offsets of the C16 definitions.
C16_DEFINITIONS: tuple[str, ...] = ("btc_uptrend", "liquidity_expanding", "both")


def c16_detail(choices: Choices, *, inputs: Mapping[str, Any], regime_window: int = 13, reps: int = 2000,
               block: int = 8, seed: int = 20200528) -> SpecDetail:
    """Mean next-week ETH/BTC log return in risk-on weeks, for one (definition, uptrend rule, sample start).

    The risk-on label is known at the start of the week, as in notebook 04:
    :func:`helpers.methods.episodes.state_from_episodes` of the BTC uptrend rule, the sign of the net
    liquidity change (:func:`helpers.methods.regimes.regime_from_change`), or both; the mean and its 95%
    stationary-bootstrap interval from :func:`helpers.methods.masked_bootstrap.regime_means`.
    """

    weekly = inputs["weekly"]
    definition = str(choices["definition"])
    if definition not in C16_DEFINITIONS:
        raise ValueError(f"C16 definition {definition!r} is not one of {C16_DEFINITIONS}")
    on_off = {True: "risk_on", False: "risk_off"}
    expanding = regime_from_change(weekly["netliq"], regime_window) == "expanding"
    if definition == "liquidity_expanding":
        flag = expanding
    else:
        episodes, _ = episodes_by_rule(inputs["btc"], _rule(str(choices["rule"])))
        up = state_from_episodes(episodes, inputs["btc"].index).reindex(weekly.index).fillna(False).astype(bool)
        flag = up if definition == "btc_uptrend" else (up & expanding)
    nxt = log_returns(weekly["eth"] / weekly["btc"]).shift(-1).loc[str(choices["start"]):]
    r = regime_means(nxt, flag.map(on_off), ("risk_on", "risk_off"), reps, block,
                     seed + C16_DEFINITIONS.index(definition))
    row = r.table.loc["risk_on"]
    return _detail({"estimate": float(row["mean"]), "low": float(row["lo"]), "high": float(row["hi"]),
                    "n": int(row["n"]),
                    "diff": r.diff})


def c16_spec(choices: Choices, *, inputs: Mapping[str, Any], reps: int = 2000, seed: int = 20200528) -> SpecResult:
    """:func:`c16_detail` as a :class:`SpecResult`."""
    return c16_detail(choices, inputs=inputs, reps=reps, seed=seed).result


#: Notebook 04's order of the C18 table (seed + index): the DeFi rows are 3 and 6.
C18_SERIES: tuple[str, ...] = ("btc", "eth", "alt", "defi", "eth/btc", "alt/btc", "defi/btc")


def c18_detail(choices: Choices, *, inputs: Mapping[str, Any], start: str = "2015-01-01", reps: int = 2000,
               block: int = 26, seed: int = 20200528) -> SpecDetail:
    """DeFi 13-week forward log return, net liquidity expanding minus contracting, for one specification.

    ``basket`` is ``defi``, ``defi/btc``, ``defi_ex`` or ``defi_ex/btc`` (without MKR);
    :func:`helpers.methods.regimes.liquidity_regime_returns` as in notebook 04 (its seed offsets for the rows
    it has), 95% stationary-bootstrap interval.
    """

    weekly = inputs["weekly"]
    basket = str(choices["basket"])
    top, _, rel = basket.partition("/")
    if top not in ("defi", "defi_ex") or rel not in ("", "btc"):
        raise ValueError(f"C18 basket {basket!r} must be defi, defi/btc, defi_ex or defi_ex/btc")
    series = weekly[top] / weekly["btc"] if rel else weekly[top]
    k = C18_SERIES.index(basket.replace("defi_ex", "defi"))
    r = liquidity_regime_returns(series, weekly["netliq"], start, int(choices["horizon"]),
                                 int(choices["window"]), reps, block, seed + k)
    return _detail({"estimate": r.diff, "low": r.lo, "high": r.hi, "n": r.n, "p_hac": r.p_hac})


def c18_spec(choices: Choices, *, inputs: Mapping[str, Any], reps: int = 2000, seed: int = 20200528) -> SpecResult:
    """:func:`c18_detail` as a :class:`SpecResult`."""
    return c18_detail(choices, inputs=inputs, reps=reps, seed=seed).result


# ------------------------------------------------------------------------ C21, C22 (notebook 06)

_MEMO: dict[tuple[Any, ...], Any] = {}


def _memo(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """A small per-process memo (the paths of one horizon serve every measure of a worker)."""
    if key not in _MEMO:
        if len(_MEMO) > 16:
            _MEMO.clear()
        _MEMO[key] = make()
    return _MEMO[key]


def _windows(prices: pd.Series, horizon: int, start: str) -> tuple[np.ndarray, pd.DatetimeIndex]:

    key = ("windows", horizon, start, len(prices), str(prices.index[-1]), float(prices.iloc[-1]))
    return _memo(key, lambda: start_windows(prices, horizon, start))  # type: ignore[no-any-return]


def c21_detail(choices: Choices, *, inputs: Mapping[str, Any], start: str = "2015-01-01", reps: int = 500,
               seed: int = 20251201) -> SpecDetail:
    """Relative risk reduction of one staged entry against the lump sum or the exposure-matched mix.

    :func:`helpers.methods.strategy_comparison.compare_to_baseline` (``lump_sum``) or
    :func:`~helpers.methods.strategy_comparison.compare_to_matched` (``matched``) on every start day, block = the
    holding period as in notebook 06; interval from :func:`~helpers.methods.strategy_comparison.relative_interval`
    (95%). Positive = less risk.
    """

    variant, measure, hz = str(choices["variant"]), str(choices["measure"]), int(choices["horizon"])
    baseline = str(choices["baseline"])
    weeks, freq = variant.removeprefix("staged_").split("w_")
    strategies = staged_strategies([int(weeks)], [freq])
    if variant not in strategies:
        raise ValueError(f"C21 variant {variant!r} is not a staged strategy ({sorted(strategies)})")
    prices = inputs["prices"]

    def outcomes() -> tuple[pd.DataFrame, pd.DataFrame]:
        paths, starts = _windows(prices, hz, start)
        return strategy_outcomes(paths, {k: strategies[k] for k in ("lump_sum", variant)}, starts)

    def table() -> pd.DataFrame:
        paths, _ = _windows(prices, hz, start)
        final, mdd = _memo(("c21_outcomes", variant, hz, start, len(prices), str(prices.index[-1])), outcomes)
        if baseline == "matched":
            return compare_to_matched(paths, final, mdd, [variant], "lump_sum", hz, reps, seed)
        if baseline != "lump_sum":
            raise ValueError(f"C21 baseline {baseline!r} must be lump_sum or matched")
        return compare_to_baseline(final, mdd, "lump_sum", hz, reps, seed)

    t = _memo(("c21", variant, hz, baseline, start, reps, seed, len(prices), str(prices.index[-1])), table)
    row = t.loc[(variant, measure)]
    rel = relative_interval(t.loc[[(variant, measure)]]).iloc[0]
    return _detail({"estimate": float(row["improvement"]), "low": float(rel["imp_lo"]), "high": float(rel["imp_hi"]),
                    "n": int(row["n"])})


def c21_spec(choices: Choices, *, inputs: Mapping[str, Any], reps: int = 500, seed: int = 20251201) -> SpecResult:
    """:func:`c21_detail` as a :class:`SpecResult`."""
    return c21_detail(choices, inputs=inputs, reps=reps, seed=seed).result


def c22_detail(choices: Choices, *, inputs: Mapping[str, Any], start: str = "2015-01-01", reps: int = 500,
               seed: int = 20251201, rungs: Sequence[Sequence[float]] = ((0.2, 1 / 3), (0.5, 1 / 3)),
               upside_quantile: float = 0.9, keep: float = 0.5, lock_gain: float = 0.2) -> SpecDetail:
    """One part of C22 for one (part, horizon, trail, stop scope, lock gain), as in notebook 06.

    The ``keep`` part does not use the lock gain (its grid block declares ``lock_gain=none``).

    ``lock``: buy-and-hold's share of +gain paper gains that ended in a loss minus the ladder's
    (positive = the ladder locks gains); ``keep``: the ladder's share of buy-and-hold's gain on the
    best decile minus the declared ``keep`` share (positive = it keeps the upside). Both from
    :func:`helpers.methods.strategy_comparison.lock_and_capture` with 95% block-bootstrap intervals (block = the
    holding period).
    """

    part, hz = str(choices["part"]), int(choices["horizon"])
    trail, scope = float(choices["trail"]), str(choices["scope"])
    gain = float(choices["lock_gain"]) if part == "lock" else lock_gain  # the capture does not depend on it
    prices = inputs["prices"]

    def table() -> pd.DataFrame:
        paths, starts = _windows(prices, hz, start)
        exits = exit_strategies([(float(g), float(f)) for g, f in rungs], trail, scope)  # type: ignore[arg-type]
        exits = {k: exits[k] for k in ("buy_and_hold", "ladder")}
        final, _ = strategy_outcomes(paths, exits, starts)
        return lock_and_capture(paths, final, "buy_and_hold", gain, upside_quantile, hz, reps, seed, 0.95)

    t = _memo(("c22", hz, trail, scope, gain, start, reps, seed, len(prices), str(prices.index[-1])), table)
    r = t.loc["ladder"]
    if part == "lock":
        return _detail({"estimate": -float(r["diff"]), "low": -float(r["hi"]), "high": -float(r["lo"]),
                        "n": int(r["n_reached"]), "ladder": float(r["up_then_loss"]),
                        "buy_and_hold": float(t.loc["buy_and_hold", "up_then_loss"])})
    if part == "keep":
        return _detail({"estimate": float(r["capture"]) - keep, "low": float(r["capture_lo"]) - keep,
                        "high": float(r["capture_hi"]) - keep, "n": int(r["n"]), "capture": float(r["capture"])})
    raise ValueError(f"C22 part {part!r} must be lock or keep")


def c22_spec(choices: Choices, *, inputs: Mapping[str, Any], reps: int = 500, seed: int = 20251201) -> SpecResult:
    """:func:`c22_detail` as a :class:`SpecResult`."""
    return c22_detail(choices, inputs=inputs, reps=reps, seed=seed).result
