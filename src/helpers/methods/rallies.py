""""A strong rally within 6-18 months": best change over a span of event days, definitions, base rates.

An event is followed by a strong rally when the best cumulative change between event days
``span[0]`` and ``span[1]`` clears a threshold (:class:`RallyDefinition`). Whether that says anything
about the events depends on how often a *random* day is followed by one: :func:`base_rates` gives
that share with a block-bootstrap interval, :func:`chance_all` and :func:`chance_all_spaced` the
chance that every one of N random days (independent, or with the events' spacing kept) rallies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.aliases import DateLike, Events
from helpers.methods.eventstudy import (
    Transform,
    bootstrap_baseline,
    calendar_levels,
    event_labels,
    event_paths,
    sample_bounds,
)
from helpers.methods.inference import BootstrapMethod

#: "Within 6-18 months": the days over which the best cumulative change is taken.
RALLY_SPAN: tuple[int, int] = (180, 540)


def best_change(values: pd.Series, event: DateLike, span: tuple[int, int] = RALLY_SPAN,
                transform: Transform = "log", require_full: bool = True) -> float:
    """Best cumulative change between event days ``span[0]`` and ``span[1]`` (inclusive).

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    event : date
        Event day.
    span : (int, int)
        First and last event day over which the maximum is taken (default 180 to 540: "within
        6-18 months").
    transform : {"log", "diff"}
    require_full : bool
        If True (default), NaN unless the data reach ``span[1]``; if False, the best so far
        (NaN if the data do not reach ``span[0]``).

    Returns
    -------
    float
        :math:`\\max_{k \\in [a, b]} \\ln(P_{t_0+k} / P_{t_0})`.
    """
    path = event_paths(values, [event], span, transform).iloc[:, 0]
    if path.isna().all() or (require_full and np.isnan(path.iloc[-1])):
        return float("nan")
    return float(path.max())


def unconditional_best(values: pd.Series, span: tuple[int, int] = RALLY_SPAN, start: DateLike | None = None,
                       end: DateLike | None = None, transform: Transform = "log") -> pd.Series:
    """:func:`best_change` for every start day whose full span lies inside the data.

    Notes
    -----
    With ``x`` the calendar-daily log level and ``m`` its rolling maximum over ``b - a + 1``
    days, best(t) = m(t + b) - x(t): one vectorised pass.
    """
    a, b = span
    if not 0 <= a <= b:
        raise ValueError(f"span {span} must satisfy 0 <= start <= end")
    levels = calendar_levels(values, transform)
    lo, hi = sample_bounds(levels, start, end)
    rolling_max = levels.rolling(b - a + 1).max()
    best = (rolling_max.shift(-b) - levels).loc[lo:hi].dropna()
    best.name = f"best_{a}_{b}d"
    return best


@dataclass(frozen=True)
class RallyDefinition:
    """One definition of "a strong rally": best change at least ``threshold`` (log units).

    Attributes
    ----------
    name : str
        Short id (``above_median``, ``plus_50pct``, ``plus_100pct``).
    threshold : float
        In log units (``ln 1.5`` for +50%).
    description : str
        Plain words for tables.
    """

    name: str
    threshold: float
    description: str


def rally_definitions(unconditional_median: float, absolute: Sequence[float] = (0.5, 1.0)) -> list[RallyDefinition]:
    """The configurable definitions of a strong rally.

    Parameters
    ----------
    unconditional_median : float
        Median of :func:`unconditional_best` for the same asset and span (relative definition:
        better than a typical day).
    absolute : sequence of float
        Simple-return thresholds (0.5 = +50%), converted to log units ``ln(1 + x)``.

    Returns
    -------
    list of RallyDefinition
        ``above_median`` first, then one per absolute threshold.
    """
    defs = [RallyDefinition("above_median", float(unconditional_median),
                            f"best 6-18m log return above the unconditional median ({unconditional_median:.2f})")]
    for x in absolute:
        if x <= -1:
            raise ValueError(f"absolute thresholds are simple returns > -1, got {x}")
        defs.append(RallyDefinition(f"plus_{round(100 * x)}pct", float(np.log1p(x)),
                                    f"best 6-18m price gain of at least +{100 * x:.0f}%"))
    return defs


def classify_rallies(best: pd.Series, definitions: Sequence[RallyDefinition]) -> pd.DataFrame:
    """Whether each event's best change clears each definition.

    Returns
    -------
    pd.DataFrame
        Rows events, columns definition names, values True/False, or ``pd.NA`` when the best
        change is NaN (span not reached).
    """
    out = {}
    for d in definitions:
        hit = (best >= d.threshold).astype("boolean")
        hit[best.isna()] = pd.NA
        out[d.name] = hit
    return pd.DataFrame(out, index=best.index)


def base_rates(unconditional: pd.Series, definitions: Sequence[RallyDefinition], block: int | None = None,
               reps: int = 1000, seed: int = 0, method: BootstrapMethod = "stationary",
               level: float = 0.95) -> pd.DataFrame:
    """Share of all start days followed by a strong rally, with a block-bootstrap interval.

    Parameters
    ----------
    unconditional : pd.Series
        :func:`unconditional_best` of the asset.
    definitions : sequence of RallyDefinition
    block : int, optional
        Block length; default the span's end (540 days: the indicator is that persistent).
    reps, seed, method, level
        See :func:`helpers.methods.eventstudy.bootstrap_baseline` (``level``: coverage of the interval).

    Returns
    -------
    pd.DataFrame
        Index definition names; ``base_rate``, ``lower``, ``upper``, ``n_days``.
    """
    rows = {}
    for i, d in enumerate(definitions):
        hit = (unconditional >= d.threshold).astype(float)
        hit.name = unconditional.name
        s = bootstrap_baseline(hit, "mean", block, reps, seed + i, level=level, method=method)
        rows[d.name] = {"base_rate": s.estimate, "lower": s.lower, "upper": s.upper, "n_days": s.n}
    return pd.DataFrame.from_dict(rows, orient="index")


def chance_all(base_rate: float, n: int) -> float:
    """Chance that all of ``n`` independent random days are followed by a strong rally: ``p ** n``.

    This is the benchmark for "every pivot was followed by a rally": if it is large, the
    observation carries little information about pivots.
    """
    if not 0 <= base_rate <= 1 or n < 0:
        raise ValueError(f"base_rate must be in [0, 1] and n >= 0, got {base_rate}, {n}")
    return float(base_rate**n)


def chance_all_spaced(unconditional: pd.Series, threshold: float, events: Events) -> float:
    """Share of shifts of the event set (real spacing kept) after which *every* shifted event clears ``threshold``.

    Parameters
    ----------
    unconditional : pd.Series
        :func:`unconditional_best` (one value per consecutive start day).
    threshold : float
        Rally threshold in log units.
    events : sequence or mapping of dates
        The events whose spacing is kept.

    Returns
    -------
    float
        The chance-all benchmark of :func:`chance_all` without assuming independent days: with
        events whose spans overlap, "all of them rallied" is much more common than ``p ** n``.
    """
    days = pd.DatetimeIndex(sorted(event_labels(events).values()))
    offsets = (days - days[0]).days.to_numpy()
    hit = (unconditional.to_numpy() >= threshold)
    n_shifts = hit.size - int(offsets[-1])
    if n_shifts < 1:
        raise ValueError(f"the events span {offsets[-1]} days, longer than the {hit.size}-day baseline sample")
    return float(np.all([hit[o:o + n_shifts] for o in offsets], axis=0).mean())


