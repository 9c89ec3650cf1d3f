"""Event-study engine: event-time paths, horizon returns, baselines, placebo and "strong rally" tests.

Every quantity here is a *change of a level series between two calendar days*:

* ``transform="log"`` (prices): :math:`r_{t_0}(k) = \\ln P_{t_0+k} - \\ln P_{t_0}`, a log return;
* ``transform="diff"`` (yields): :math:`\\Delta_{t_0}(k) = y_{t_0+k} - y_{t_0}`, in the series' units
  (percentage points for DGS10).

Calendar-day convention
-----------------------
Event time is counted in **calendar days**. Crypto closes exist for every calendar day (the close
of day D is the price at 00:00 UTC of D+1, see :func:`helpers.data.closes`). Business-day series
(SP500, NASDAQCOM, DGS10) are put on the same calendar grid with :func:`calendar_daily`: the value
on a calendar day is **the last close on or before that day** (a Saturday carries Friday's
close). So an event on a Sunday (2020-03-15) starts from the Friday close, the last price known
before the announcement, and "+h days" lands on the last close on or before day ``t0 + h``.

The baselines follow the event-study logic of MacKinlay (1997): the "normal" return is the
unconditional distribution of h-day changes of the same asset over a baseline sample, and an
event's h-day change is judged by its percentile in it. Two kinds of inference:

* a **placebo** (random-date) test: the mean change over the N events against the means over N
  dates drawn at random from the baseline sample, many times (Brown and Warner, 1985);
* a **block bootstrap** (Politis and Romano, 1994, via :mod:`arch.bootstrap`) for statistics of
  the unconditional distribution (mean, median, base rate of a rally), because overlapping h-day
  windows are strongly autocorrelated and an i.i.d. bootstrap would understate their uncertainty.

References
----------
.. [1] MacKinlay, A. C. (1997). Event Studies in Economics and Finance. *Journal of Economic
   Literature*, 35(1), 13-39. https://www.jstor.org/stable/2729691
.. [2] Brown, S. J. and Warner, J. B. (1985). Using daily stock returns: The case of event
   studies. *Journal of Financial Economics*, 14(1), 3-31. https://doi.org/10.1016/0304-405X(85)90042-X
.. [3] Politis, D. N. and Romano, J. P. (1994). The Stationary Bootstrap. *Journal of the American
   Statistical Association*, 89(428), 1303-1313. https://doi.org/10.1080/01621459.1994.10476870
.. [4] Holm, S. (1979). A Simple Sequentially Rejective Multiple Test Procedure. *Scandinavian
   Journal of Statistics*, 6(2), 65-70. https://www.jstor.org/stable/4615733
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap

Transform: TypeAlias = Literal["log", "diff"]
BootstrapMethod: TypeAlias = Literal["stationary", "circular"]
DateLike: TypeAlias = str | pd.Timestamp
Events: TypeAlias = Sequence[DateLike] | Mapping[str, DateLike]

#: Event window in calendar days, relative to the event day 0.
WINDOW: tuple[int, int] = (-90, 540)
#: Horizons (calendar days) at which event returns are reported.
HORIZONS: tuple[int, ...] = (30, 90, 180, 365, 540)
#: "Within 6-18 months": the days over which the best cumulative change is taken.
RALLY_SPAN: tuple[int, int] = (180, 540)

_TRANSFORMS = ("log", "diff")
_TIE = 1e-12  # relative tolerance under which two changes are treated as equal (rounding noise)
_METHODS = ("stationary", "circular")


# --------------------------------------------------------------------------------------------
# Level series on a calendar grid
# --------------------------------------------------------------------------------------------


def calendar_daily(values: pd.Series) -> pd.Series:
    """Put a daily or business-daily series on a calendar-day grid (last value on or before each day).

    Parameters
    ----------
    values : pd.Series
        Observations indexed by date (NaN dropped first).

    Returns
    -------
    pd.Series
        One value per calendar day from the first to the last observation; a day without an
        observation (weekend, holiday, a gap in a crypto file) carries the last earlier value.

    Raises
    ------
    ValueError
        If ``values`` is empty or its index is not a sorted, unique DatetimeIndex.
    """
    values = values.dropna()
    if values.empty:
        raise ValueError("calendar_daily needs a non-empty series")
    if not isinstance(values.index, pd.DatetimeIndex):
        raise ValueError(f"calendar_daily needs a DatetimeIndex, got {type(values.index).__name__}")
    if not (values.index.is_monotonic_increasing and values.index.is_unique):
        raise ValueError("calendar_daily needs sorted, unique dates; sort and de-duplicate the series first")
    grid = pd.date_range(values.index[0].normalize(), values.index[-1].normalize(), freq="D")
    out = values.reindex(values.index.union(grid)).ffill().reindex(grid)
    out.index.name = "date"
    return out.astype(float)


def _levels(values: pd.Series, transform: Transform) -> pd.Series:
    """Calendar-daily log levels (``log``) or levels (``diff``)."""
    if transform not in _TRANSFORMS:
        raise ValueError(f"transform {transform!r} must be one of {_TRANSFORMS}")
    cal = calendar_daily(values)
    if transform == "log":
        if (cal <= 0).any():
            bad = cal[cal <= 0].index[0]
            raise ValueError(f"transform='log' needs positive values; {cal[bad]} on {bad:%Y-%m-%d}")
        return pd.Series(np.log(cal.to_numpy()), index=cal.index)
    return cal


def _event_map(events: Events) -> dict[str, pd.Timestamp]:
    """``{label: date}``; a plain sequence is labelled by its ISO dates."""
    if isinstance(events, Mapping):
        return {str(k): pd.Timestamp(v).normalize() for k, v in events.items()}
    out = {}
    for e in events:
        ts = pd.Timestamp(e).normalize()
        out[f"{ts:%Y-%m-%d}"] = ts
    return out


def _at(levels: pd.Series, day: pd.Timestamp) -> float:
    """Level on a calendar day, NaN outside the grid."""
    if day < levels.index[0] or day > levels.index[-1]:
        return float("nan")
    return float(levels.at[day])


# --------------------------------------------------------------------------------------------
# Event returns and paths
# --------------------------------------------------------------------------------------------


def change_after(values: pd.Series, event: DateLike, h: int, transform: Transform = "log") -> float:
    """Change of ``values`` from the event day to ``h`` calendar days later.

    Parameters
    ----------
    values : pd.Series
        Daily closes (or yields) indexed by date.
    event : str or pd.Timestamp
        Event day :math:`t_0`.
    h : int
        Calendar days after the event (negative looks back).
    transform : {"log", "diff"}
        ``log``: :math:`\\ln(P_1/P_0)`; ``diff``: :math:`y_1 - y_0`.

    Returns
    -------
    float
        With :math:`P_0` the close on :math:`t_0` and :math:`P_1` the close on :math:`t_0 + h`
        (last close on or before each day for business-day series); NaN when either day is
        outside the data (the horizon is not reached yet).

    Examples
    --------
    >>> s = pd.Series([100.0, 100.0, 200.0], index=pd.date_range("2020-01-01", periods=3))
    >>> round(change_after(s, "2020-01-01", 2), 6)
    0.693147
    """
    levels = _levels(values, transform)
    t0 = pd.Timestamp(event).normalize()
    return _at(levels, t0 + pd.Timedelta(days=h)) - _at(levels, t0)


def event_paths(values: pd.Series, events: Events, window: tuple[int, int] = WINDOW,
                transform: Transform = "log") -> pd.DataFrame:
    """Event-time paths of cumulative changes, one column per event.

    Parameters
    ----------
    values : pd.Series
        Daily closes (or yields) indexed by date.
    events : sequence of dates or mapping label -> date
        Event days; a sequence is labelled by ISO date.
    window : (int, int)
        First and last event day, inclusive (default -90 to +540).
    transform : {"log", "diff"}
        See :func:`change_after`.

    Returns
    -------
    pd.DataFrame
        Index ``day`` (int, event time in calendar days), one column per event, value at day
        ``k`` = change from :math:`t_0` to :math:`t_0 + k` (0 at ``k = 0``; negative days give the
        change from the earlier day *to* the event with a minus sign, i.e. the path level
        relative to the event day). NaN where the data do not reach.

    Notes
    -----
    The cumulative abnormal return of MacKinlay (1997, section 4) with a zero "normal" return;
    the baselines (:func:`unconditional_band`, :func:`placebo_test`) supply the comparison.
    """
    levels = _levels(values, transform)
    days = np.arange(window[0], window[1] + 1)
    cols = {}
    for label, t0 in _event_map(events).items():
        grid = t0 + pd.to_timedelta(days, unit="D")
        path = levels.reindex(grid).to_numpy() - _at(levels, t0)
        cols[label] = path
    out = pd.DataFrame(cols, index=pd.Index(days, name="day"))
    out.columns.name = "event"
    return out


def horizon_changes(values: pd.Series, events: Events, horizons: Iterable[int] = HORIZONS,
                    transform: Transform = "log") -> pd.DataFrame:
    """Changes at fixed horizons after each event (rows events, columns horizons in days).

    See :func:`change_after` for the definition; NaN where a horizon is not reached.
    """
    horizons = list(horizons)
    paths = event_paths(values, events, (min(0, *horizons), max(0, *horizons)), transform)
    out = paths.loc[horizons].T
    out.columns = pd.Index(horizons, name="horizon_days")
    return out


def runups(values: pd.Series, events: Events, days: int = 90, transform: Transform = "log") -> pd.Series:
    """Pre-event run-up: change from ``days`` before the event to the event day.

    Returns
    -------
    pd.Series
        :math:`\\ln(P_{t_0} / P_{t_0 - days})` per event (or the level difference for ``diff``).
        A large run-up says the move was under way before the announcement (priced in).
    """
    paths = event_paths(values, events, (-days, 0), transform)
    out = -paths.loc[-days]
    out.name = f"runup_{days}d"
    return out


# --------------------------------------------------------------------------------------------
# The unconditional distribution
# --------------------------------------------------------------------------------------------


def _clip(levels: pd.Series, start: DateLike | None, end: DateLike | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo = max(levels.index[0], pd.Timestamp(start)) if start is not None else levels.index[0]
    hi = min(levels.index[-1], pd.Timestamp(end)) if end is not None else levels.index[-1]
    return lo, hi


def unconditional_changes(values: pd.Series, h: int, start: DateLike | None = None, end: DateLike | None = None,
                          transform: Transform = "log") -> pd.Series:
    """All overlapping h-day changes whose start day lies in ``[start, end]``.

    Parameters
    ----------
    values : pd.Series
        Daily closes (or yields).
    h : int
        Horizon in calendar days (positive).
    start, end : date or None
        Baseline sample for the *start* day of each window (default: all data). A window must
        also end inside the data, so the last start day is ``min(end, last date - h)``.
    transform : {"log", "diff"}

    Returns
    -------
    pd.Series
        Indexed by the window's start day; consecutive values share ``h - 1`` days, so they are
        strongly autocorrelated (use :func:`bootstrap_baseline`, not an i.i.d. bootstrap).
    """
    if h <= 0:
        raise ValueError(f"h must be a positive number of days, got {h}")
    levels = _levels(values, transform)
    lo, hi = _clip(levels, start, end)
    changes = (levels.shift(-h) - levels).loc[lo:hi].dropna()
    changes.name = f"change_{h}d"
    return changes


def unconditional_band(values: pd.Series, window: tuple[int, int] = WINDOW,
                       quantiles: Sequence[float] = (0.1, 0.5, 0.9), start: DateLike | None = None,
                       end: DateLike | None = None, transform: Transform = "log") -> pd.DataFrame:
    """Quantiles of the k-day change over all start days, for every event day k in ``window``.

    Returns
    -------
    pd.DataFrame
        Index ``day`` (int), one column per quantile: what a path from a *random* day looks
        like, to draw behind the event paths.
    """
    levels = _levels(values, transform)
    lo, hi = _clip(levels, start, end)
    x = levels.to_numpy()
    i0, i1 = levels.index.get_loc(lo), levels.index.get_loc(hi)
    days = np.arange(window[0], window[1] + 1)
    rows = np.full((days.size, len(quantiles)), np.nan)
    for j, k in enumerate(days):
        a, b = max(i0, -k), min(i1, x.size - 1 - k)  # t and t + k both inside the data
        if b >= a:
            rows[j] = np.quantile(x[a + k:b + k + 1] - x[a:b + 1], quantiles)
    return pd.DataFrame(rows, index=pd.Index(days, name="day"), columns=list(quantiles))


def percentile_in(value: float, distribution: pd.Series | np.ndarray) -> float:
    """Percentile rank of ``value`` in ``distribution``: 100 x share of values <= ``value``.

    Returns
    -------
    float
        In [0, 100]; 100 when ``value`` is at least the maximum; NaN when ``value`` is NaN.
        Values equal up to rounding (relative 1e-12) count as ties, i.e. as not above ``value``.
    """
    dist = np.asarray(distribution, dtype=float)
    dist = dist[~np.isnan(dist)]
    if np.isnan(value) or dist.size == 0:
        return float("nan")
    return float(100.0 * np.mean(dist <= value + _TIE * max(1.0, abs(value))))


def event_percentiles(values: pd.Series, events: Events, horizons: Iterable[int] = HORIZONS,
                      start: DateLike | None = None, end: DateLike | None = None,
                      transform: Transform = "log") -> pd.DataFrame:
    """Each event's h-day change as a percentile of the unconditional h-day distribution.

    Returns
    -------
    pd.DataFrame
        Rows events, columns horizons; 50 = a typical day, 90 = better than 90% of all windows.
    """
    horizons = list(horizons)
    changes = horizon_changes(values, events, horizons, transform)
    out = changes.copy()
    for h in horizons:
        dist = unconditional_changes(values, h, start, end, transform)
        out[h] = [percentile_in(v, dist) for v in changes[h]]
    return out


# --------------------------------------------------------------------------------------------
# Block bootstrap (private helper around arch.bootstrap)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BootstrapSummary:
    """A statistic of a dependent series with a block-bootstrap percentile interval.

    Attributes
    ----------
    statistic : str
        ``mean``, ``median`` or the name of the function.
    estimate : float
        The statistic on the sample.
    lower, upper : float
        Percentile interval of the bootstrap draws (``size`` coverage).
    n : int
        Number of (overlapping) observations.
    block : int
        Expected (stationary) or fixed (circular) block length in observations.
    reps : int
        Bootstrap replications.
    """

    statistic: str
    estimate: float
    lower: float
    upper: float
    n: int
    block: int
    reps: int


def _block_bootstrap(x: np.ndarray, func: Callable[[np.ndarray], float], block: int, reps: int, seed: int,
                     method: BootstrapMethod) -> np.ndarray:
    """Bootstrap draws of ``func(x)`` with arch's stationary or circular block bootstrap."""
    if method not in _METHODS:
        raise ValueError(f"method {method!r} must be one of {_METHODS}")
    if block < 1 or reps < 1:
        raise ValueError(f"block ({block}) and reps ({reps}) must be positive")
    cls = StationaryBootstrap if method == "stationary" else CircularBlockBootstrap
    bs = cls(min(block, x.size), x, seed=np.random.default_rng(seed))
    return np.asarray(bs.apply(lambda a: np.atleast_1d(func(a)), reps=reps), dtype=float).ravel()


_STATS: dict[str, Callable[[np.ndarray], float]] = {"mean": lambda a: float(np.mean(a)),
                                                   "median": lambda a: float(np.median(a))}


def bootstrap_baseline(series: pd.Series, statistic: str | Callable[[np.ndarray], float] = "mean",
                       block: int | None = None, reps: int = 1000, seed: int = 0, size: float = 0.95,
                       method: BootstrapMethod = "stationary") -> BootstrapSummary:
    """A statistic of an overlapping-window series with a block-bootstrap percentile interval.

    Parameters
    ----------
    series : pd.Series
        E.g. :func:`unconditional_changes` (overlapping h-day changes) or an indicator of
        "a strong rally followed this day".
    statistic : {"mean", "median"} or callable
        Function of a 1-D array returning a float.
    block : int, optional
        Block length in observations. Default: the horizon parsed from the series name
        (``change_90d`` -> 90) or, failing that, ``round(n ** (1/3))``. Overlapping h-day
        windows share h - 1 days, so blocks of about h keep that dependence inside a block.
    reps : int
        Replications.
    seed : int
        Seed of ``numpy.random.default_rng`` passed to arch (reproducible output).
    size : float
        Coverage of the percentile interval.
    method : {"stationary", "circular"}
        :class:`arch.bootstrap.StationaryBootstrap` (Politis and Romano, 1994; random block
        lengths with mean ``block``) or :class:`arch.bootstrap.CircularBlockBootstrap`.

    Returns
    -------
    BootstrapSummary

    Notes
    -----
    With a sample of T days and blocks of about h days there are only about T / h independent
    pieces of information: a 540-day statistic over ten years rests on about seven. The interval
    says so by being wide.
    """
    x = series.dropna().to_numpy(dtype=float)
    if x.size < 2:
        raise ValueError(f"bootstrap_baseline needs at least 2 observations, got {x.size}")
    if isinstance(statistic, str) and statistic not in _STATS:
        raise ValueError(f"statistic {statistic!r} must be one of {tuple(_STATS)} or a callable")
    func = _STATS[statistic] if isinstance(statistic, str) else statistic
    block = block if block is not None else _default_block(series)
    draws = _block_bootstrap(x, func, block, reps, seed, method)
    tail = 100 * (1 - size) / 2
    lower, upper = np.percentile(draws, [tail, 100 - tail])
    name = statistic if isinstance(statistic, str) else getattr(statistic, "__name__", "statistic")
    return BootstrapSummary(name, float(func(x)), float(lower), float(upper), int(x.size), int(block), int(reps))


def _default_block(series: pd.Series) -> int:
    name = str(series.name or "")
    digits = "".join(ch for ch in name.split("_")[-1] if ch.isdigit())
    if digits:
        return max(1, int(digits))
    return max(1, round(series.dropna().size ** (1 / 3)))


# --------------------------------------------------------------------------------------------
# Placebo (random-date) test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceboResult:
    """The mean change over N events against the means over N random dates.

    Attributes
    ----------
    horizon : int
        Days.
    n_events : int
        Events whose horizon is reached (NaN events dropped).
    event_mean : float
        Mean change over those events.
    placebo_mean : float
        Mean of the placebo means (close to the unconditional mean by construction).
    placebo_lower, placebo_upper : float
        2.5th and 97.5th percentiles of the placebo means.
    p_value : float
        One-sided, events above random dates: (1 + #{placebo mean >= event mean}) / (draws + 1),
        ties up to rounding included.
    percentile : float
        Percentile of the event mean among the placebo means.
    n_candidates : int
        Start days the random dates were drawn from.
    draws : np.ndarray
        The placebo means (for a histogram).
    """

    horizon: int
    n_events: int
    event_mean: float
    placebo_mean: float
    placebo_lower: float
    placebo_upper: float
    p_value: float
    percentile: float
    n_candidates: int
    draws: np.ndarray = field(repr=False)


def placebo_test(values: pd.Series, events: Events, h: int, draws: int = 5000, seed: int = 0,
                 start: DateLike | None = None, end: DateLike | None = None,
                 transform: Transform = "log") -> PlaceboResult:
    """Random-date placebo: is the mean h-day change after the events unusual for this asset?

    Parameters
    ----------
    values : pd.Series
        Daily closes (or yields).
    events : sequence or mapping of dates
        The N events; those whose horizon is not reached are dropped (N counts the rest).
    h : int
        Horizon in calendar days.
    draws : int
        Placebo replications (at least 5,000 for the notebook's p-values; tests may use fewer).
    seed : int
        Seed of ``numpy.random.default_rng``.
    start, end : date or None
        Baseline sample of start days (see :func:`unconditional_changes`).
    transform : {"log", "diff"}

    Returns
    -------
    PlaceboResult

    Raises
    ------
    ValueError
        If no event reaches the horizon.

    Notes
    -----
    Each draw takes N start days uniformly (with replacement) from the baseline sample and
    averages their h-day changes; repeating this ``draws`` times gives the distribution of the
    mean over N *ordinary* days (Brown and Warner, 1985). Its centre equals the unconditional
    mean, so the test asks whether the events beat a random date, not whether prices rose.
    Random dates are drawn independently; the events are not (some share months), so the
    placebo spread is if anything too narrow for clustered events.
    """
    changes = horizon_changes(values, events, [h], transform)[h].dropna()
    if changes.empty:
        raise ValueError(f"no event reaches the {h}-day horizon; drop the horizon or wait for data")
    pool = unconditional_changes(values, h, start, end, transform).to_numpy()
    rng = np.random.default_rng(seed)
    means = pool[rng.integers(0, pool.size, size=(draws, changes.size))].mean(axis=1)
    event_mean = float(changes.mean())
    lower, upper = np.percentile(means, [2.5, 97.5])
    tie = _TIE * max(1.0, abs(event_mean))  # equal up to rounding counts as a tie
    p_value = (1 + int(np.sum(means >= event_mean - tie))) / (draws + 1)
    return PlaceboResult(h, int(changes.size), event_mean, float(means.mean()), float(lower), float(upper),
                         float(p_value), percentile_in(event_mean, means), int(pool.size), means)


def spaced_placebo_test(values: pd.Series, events: Events, h: int, start: DateLike | None = None,
                        end: DateLike | None = None, transform: Transform = "log") -> PlaceboResult:
    """Placebo that keeps the events' spacing: every shift of the whole event set through the baseline sample.

    Parameters
    ----------
    values, events, h, start, end, transform
        As in :func:`placebo_test`.

    Returns
    -------
    PlaceboResult
        ``draws`` holds the mean h-day change of the shifted event set for *every* shift that keeps
        all shifted events inside the baseline sample (an exact enumeration, no random draws);
        ``p_value`` is (1 + #{shift mean >= event mean}) / (shifts + 1).

    Notes
    -----
    Independent random days understate how often a set of events clears a bar together when the
    events are spaced so that their windows overlap or fall in the same market phase: shifting
    the real set keeps that dependence (a "calendar-time" placebo).
    """
    changes = horizon_changes(values, events, [h], transform)[h].dropna().sort_index()
    if changes.empty:
        raise ValueError(f"no event reaches the {h}-day horizon; drop the horizon or wait for data")
    pool = unconditional_changes(values, h, start, end, transform)
    days = pd.DatetimeIndex(changes.index)
    offsets = (days - days[0]).days.to_numpy()
    x = pool.to_numpy()
    n_shifts = x.size - int(offsets[-1])
    if n_shifts < 1:
        raise ValueError(f"the events span {offsets[-1]} days, longer than the {x.size}-day baseline sample")
    means = np.mean([x[o:o + n_shifts] for o in offsets], axis=0)
    event_mean = float(changes.mean())
    lower, upper = np.percentile(means, [2.5, 97.5])
    tie = _TIE * max(1.0, abs(event_mean))
    p_value = (1 + int(np.sum(means >= event_mean - tie))) / (n_shifts + 1)
    return PlaceboResult(h, int(changes.size), event_mean, float(means.mean()), float(lower), float(upper),
                         float(p_value), percentile_in(event_mean, means), int(pool.size), means)


def effect_interval(result: PlaceboResult, coverage: float) -> tuple[float, float, float]:
    """Excess of the events' mean over the placebo mean, with the placebo test inverted at ``coverage``.

    Returns
    -------
    (effect, lower, upper)
        ``effect = event_mean - placebo_mean``; the interval holds the shifts ``d`` for which
        ``event_mean - d`` lies inside the central ``coverage`` range of the placebo means:
        ``[event_mean - q_hi, event_mean - q_lo]``.
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), got {coverage}")
    tail = 100 * (1 - coverage) / 2
    q_lo, q_hi = np.percentile(result.draws, [tail, 100 - tail])
    return (result.event_mean - result.placebo_mean, float(result.event_mean - q_hi),
            float(result.event_mean - q_lo))


def placebo_table(assets: Mapping[str, pd.Series], events: Events, horizons: Iterable[int], draws: int = 5000,
                  seed: int = 0, start: DateLike | None = None,
                  transforms: Mapping[str, Transform] | None = None,
                  spacing: Literal["independent", "kept"] = "independent", alpha: float = 0.05) -> pd.DataFrame:
    """:func:`placebo_test` (or :func:`spaced_placebo_test`) for several assets and horizons, Holm-adjusted.

    Parameters
    ----------
    assets, events, horizons, draws, seed, start, transforms
        As in :func:`placebo_test` (asset ``i`` uses seed ``seed + i``).
    spacing : {"independent", "kept"}
        ``independent``: N random days per draw; ``kept``: every shift of the real event set.
    alpha : float
        Family-wise level: the effect intervals are Bonferroni-simultaneous over the table's rows,
        each at coverage ``1 - alpha / rows``.

    Returns
    -------
    pd.DataFrame
        One row per (asset, horizon): ``n_events``, ``event_mean``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper``, ``p_value``, ``p_holm`` (Holm, 1979, across all
        rows), ``effect`` (event minus placebo mean), ``effect_lo`` and ``effect_hi``
        (:func:`effect_interval` at the Bonferroni coverage). A (asset, horizon) that no event
        reaches is left out.
    """
    from statsmodels.stats.multitest import multipletests

    if spacing not in ("independent", "kept"):
        raise ValueError(f"spacing {spacing!r} must be 'independent' or 'kept'")
    transforms = transforms or {}
    rows, results = [], []
    for i, (name, values) in enumerate(assets.items()):
        for h in horizons:
            try:
                if spacing == "kept":
                    res = spaced_placebo_test(values, events, h, start, None, transforms.get(name, "log"))
                else:
                    res = placebo_test(values, events, h, draws, seed + i, start, None, transforms.get(name, "log"))
            except ValueError:
                continue
            results.append(res)
            rows.append({"asset": name, "horizon": h, "n_events": res.n_events, "event_mean": res.event_mean,
                         "placebo_mean": res.placebo_mean, "placebo_lower": res.placebo_lower,
                         "placebo_upper": res.placebo_upper, "p_value": res.p_value})
    table = pd.DataFrame(rows)
    table["p_holm"] = multipletests(table["p_value"], method="holm")[1] if len(table) else []
    coverage = 1 - alpha / max(1, len(results))
    bounds = [effect_interval(r, coverage) for r in results]
    table["effect"] = [b[0] for b in bounds]
    table["effect_lo"] = [b[1] for b in bounds]
    table["effect_hi"] = [b[2] for b in bounds]
    return table.set_index(["asset", "horizon"])


def leave_one_out(assets: Mapping[str, pd.Series], events: Sequence[DateLike], horizons: Iterable[int],
                  draws: int = 5000, seed: int = 0, start: DateLike | None = None,
                  transforms: Mapping[str, Transform] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`placebo_table` with each event left out in turn (does one event carry the result?).

    Returns
    -------
    pd.DataFrame
        The rows of :func:`placebo_table` for every event dropped, with an outer index level
        ``dropped`` (ISO date of the event left out).
    """
    horizons = list(horizons)
    parts = {}
    for d in events:
        label = f"{pd.Timestamp(d):%Y-%m-%d}"
        rest = [e for e in events if f"{pd.Timestamp(e):%Y-%m-%d}" != label]
        parts[label] = placebo_table(assets, rest, horizons, draws, seed, start, transforms, alpha=alpha)
    return pd.concat(parts, names=["dropped"])


# --------------------------------------------------------------------------------------------
# "A strong rally within 6-18 months"
# --------------------------------------------------------------------------------------------


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
    levels = _levels(values, transform)
    lo, hi = _clip(levels, start, end)
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
               reps: int = 1000, seed: int = 0, method: BootstrapMethod = "stationary") -> pd.DataFrame:
    """Share of all start days followed by a strong rally, with a block-bootstrap interval.

    Parameters
    ----------
    unconditional : pd.Series
        :func:`unconditional_best` of the asset.
    definitions : sequence of RallyDefinition
    block : int, optional
        Block length; default the span's end (540 days: the indicator is that persistent).
    reps, seed, method
        See :func:`bootstrap_baseline`.

    Returns
    -------
    pd.DataFrame
        Index definition names; ``base_rate``, ``lower``, ``upper``, ``n_days``.
    """
    rows = {}
    for i, d in enumerate(definitions):
        hit = (unconditional >= d.threshold).astype(float)
        hit.name = unconditional.name
        s = bootstrap_baseline(hit, "mean", block, reps, seed + i, method=method)
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
    days = pd.DatetimeIndex(sorted(_event_map(events).values()))
    offsets = (days - days[0]).days.to_numpy()
    hit = (unconditional.to_numpy() >= threshold)
    n_shifts = hit.size - int(offsets[-1])
    if n_shifts < 1:
        raise ValueError(f"the events span {offsets[-1]} days, longer than the {hit.size}-day baseline sample")
    return float(np.all([hit[o:o + n_shifts] for o in offsets], axis=0).mean())


# --------------------------------------------------------------------------------------------
# Confounders
# --------------------------------------------------------------------------------------------


def confounders_within(events: Events, confounders: Mapping[str, DateLike],
                       window: tuple[int, int] = (0, 540)) -> pd.DataFrame:
    """Which other dated shocks fall inside each event's window.

    Returns
    -------
    pd.DataFrame
        Rows events, columns confounder labels, values the confounder's event day (int) when it
        falls within ``window``, else ``pd.NA``.
    """
    emap = _event_map(events)
    out = pd.DataFrame(index=list(emap), columns=list(confounders), dtype="Int64")
    for label, t0 in emap.items():
        for name, d in confounders.items():
            k = (pd.Timestamp(d).normalize() - t0).days
            if window[0] <= k <= window[1]:
                out.loc[label, name] = k
    return out


def rally_grid(best: pd.Series, definitions: Sequence[RallyDefinition], rates: pd.DataFrame,
               readings: Sequence[Sequence[str]], unconditional: pd.Series | None = None) -> pd.DataFrame:
    """How the "every pivot rallied" verdict moves with the pivot dates and the rally definition.

    Parameters
    ----------
    best : pd.Series
        :func:`best_change` per event, labelled by ISO date.
    definitions : sequence of RallyDefinition
    rates : pd.DataFrame
        :func:`base_rates` (column ``base_rate``).
    readings : sequence of sequences of ISO dates
        Candidate dates for each pivot of the claim (e.g. two readings of "2019", one of
        "2020", three of "2023"); every combination is one pivot set.

    Returns
    -------
    pd.DataFrame
        One row per (pivot set, definition): ``pivots``, ``definition``, ``n``, ``all_rallied``,
        ``k`` (pivots that rallied) and ``chance_all`` (chance that as many random days all rally,
        :func:`chance_all`); with ``unconditional`` (:func:`unconditional_best`) also
        ``chance_all_spaced`` (:func:`chance_all_spaced`, the set's real spacing kept).
    """
    from itertools import product

    rows = []
    for combo in product(*readings):
        sub = best.loc[list(combo)]
        hits = classify_rallies(sub, definitions)
        for d in definitions:
            row = {"pivots": ", ".join(combo), "definition": d.name, "n": int(sub.notna().sum()),
                   "all_rallied": bool(hits[d.name].fillna(False).all()),
                   "k": int(hits[d.name].fillna(False).astype(bool).sum()),
                   "chance_all": chance_all(float(rates.at[d.name, "base_rate"]), len(combo))}
            if unconditional is not None:
                row["chance_all_spaced"] = chance_all_spaced(unconditional, d.threshold, list(combo))
            rows.append(row)
    return pd.DataFrame(rows)


def baseline_table(assets: Mapping[str, pd.Series], horizons: Iterable[int], start: DateLike | None = None,
                   reps: int = 1000, seed: int = 0,
                   transforms: Mapping[str, Transform] | None = None) -> pd.DataFrame:
    """Unconditional h-day changes per asset: mean and median with block-bootstrap intervals.

    Returns
    -------
    pd.DataFrame
        Rows (asset, horizon); ``n_windows`` (overlapping), ``n_independent`` (days / h, the
        honest sample size), ``mean``, ``mean_lower``, ``mean_upper``, ``median``,
        ``median_lower``, ``median_upper`` (95% stationary-bootstrap intervals, block = h).
    """
    transforms = transforms or {}
    rows = []
    for i, (name, values) in enumerate(assets.items()):
        for h in horizons:
            u = unconditional_changes(values, h, start, None, transforms.get(name, "log"))
            m = bootstrap_baseline(u, "mean", h, reps, seed + i)
            md = bootstrap_baseline(u, "median", h, reps, seed + i)
            rows.append({"asset": name, "horizon": h, "n_windows": m.n, "n_independent": round((m.n + h) / h, 1),
                         "mean": m.estimate, "mean_lower": m.lower, "mean_upper": m.upper,
                         "median": md.estimate, "median_lower": md.lower, "median_upper": md.upper})
    return pd.DataFrame(rows).set_index(["asset", "horizon"])


def is_crypto(name: str) -> bool:
    """Whether ``name`` is a crypto asset of the catalog (daily closes) rather than a FRED series."""
    from helpers.data import catalog

    return bool(catalog.get(name).kind == "crypto")


def load_assets(names: Sequence[str]) -> dict[str, pd.Series]:
    """Daily series by name: crypto ids (``btc``) through :func:`helpers.data.closes`, FRED ids otherwise.

    Crypto values are closes (00:00 UTC of the next day); FRED values are as published.
    """
    from helpers import data
    from helpers.data import catalog

    return {n: data.closes(n) if catalog.get(n).kind == "crypto" else data.series(n) for n in names}


@dataclass(frozen=True)
class RallyStudy:
    """Everything about "a strong rally within 6-18 months" for one asset and one event list.

    Attributes
    ----------
    best : pd.Series
        Best change over the span per event, *so far* for events whose span is not complete.
    complete : pd.Series
        True where the data reach the end of the span.
    unconditional : pd.Series
        :func:`unconditional_best` over the baseline sample.
    definitions : list of RallyDefinition
    rates : pd.DataFrame
        :func:`base_rates`.
    hits : pd.DataFrame
        :func:`classify_rallies` on complete spans (``pd.NA`` otherwise).
    """

    best: pd.Series
    complete: pd.Series
    unconditional: pd.Series
    definitions: list[RallyDefinition]
    rates: pd.DataFrame
    hits: pd.DataFrame


def rally_study(values: pd.Series, events: Events, span: tuple[int, int] = RALLY_SPAN,
                absolute: Sequence[float] = (0.5, 1.0), start: DateLike | None = None, reps: int = 1000,
                seed: int = 0) -> RallyStudy:
    """Best 6-18 month change after each event, the definitions, their base rates and the hits.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    events : sequence or mapping of dates
    span : (int, int)
        Days over which the best change is taken (default 180-540).
    absolute : sequence of float
        Absolute thresholds as simple returns (+50%, +100%).
    start : date, optional
        Baseline sample start (the relative threshold is the median over start days from here).
    reps, seed : int
        Block bootstrap of the base rates (block = ``span[1]`` days).
    """
    emap = _event_map(events)
    best = pd.Series({k: best_change(values, d, span, require_full=False) for k, d in emap.items()}, dtype=float)
    full = pd.Series({k: best_change(values, d, span, require_full=True) for k, d in emap.items()}, dtype=float)
    unconditional = unconditional_best(values, span, start)
    definitions = rally_definitions(float(unconditional.median()), absolute)
    rates = base_rates(unconditional, definitions, None, reps, seed)
    return RallyStudy(best, full.notna(), unconditional, definitions, rates, classify_rallies(full, definitions))


def indicator_periods(indicator: pd.Series, freq_end: str = "MS") -> list[tuple[str, str]]:
    """Runs of 1 in a 0/1 series as ``(first, last)`` ISO dates (e.g. NBER recessions from USREC).

    For a monthly series labelled on the first of the month (``freq_end="MS"``) the end is the
    last day of the last month in the run.
    """
    on = indicator.fillna(0).astype(int)
    runs = (on.diff().fillna(on.iloc[0]) != 0).cumsum()
    out = []
    for _, block in on[on == 1].groupby(runs[on == 1]):
        last = block.index[-1] + (pd.offsets.MonthEnd(0) if freq_end == "MS" else pd.Timedelta(0))
        out.append((f"{block.index[0]:%Y-%m-%d}", f"{last:%Y-%m-%d}"))
    return out


# --------------------------------------------------------------------------------------------
# Tightening cycles (hiking cycles as spans of days)
# --------------------------------------------------------------------------------------------


def _cycle_mask(index: pd.DatetimeIndex, cycles: Sequence[tuple[DateLike, DateLike]]) -> np.ndarray:
    """True on the days inside any ``(first, last)`` cycle (inclusive)."""
    mask = np.zeros(index.size, dtype=bool)
    for a, b in cycles:
        mask |= (index >= pd.Timestamp(a)) & (index <= pd.Timestamp(b))
    return mask


def cycle_return_gap(values: pd.Series, cycles: Sequence[tuple[DateLike, DateLike]], start: DateLike | None = None,
                     reps: int = 1000, block: int = 365, seed: int = 0, level: float = 0.95) -> dict[str, float]:
    """Mean daily log return inside the cycles minus outside them, annualised, with a block-bootstrap interval.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    cycles : sequence of (first day, last day)
        E.g. hiking cycles from the first to the last hike.
    start : date, optional
        First day of the sample.
    reps, block, seed, level
        Stationary bootstrap of the difference (:func:`helpers.stats.regime_forward_returns`):
        the label is persistent over years, so the mean block should be long (a year).

    Returns
    -------
    dict
        ``diff`` (inside minus outside, log return per 365 days), ``lo``, ``hi``, ``mean_in``,
        ``mean_out``, ``days_in``, ``days_out`` and ``cycles`` (how many cycles overlap the sample).
    """
    from helpers import stats as st

    r = _levels(values, "log").diff().dropna() * 365.0
    if start is not None:
        r = r.loc[pd.Timestamp(start):]
    inside = _cycle_mask(pd.DatetimeIndex(r.index), cycles)
    labels = pd.Series(np.where(inside, "in", "out"), index=r.index)
    comp = st.regime_forward_returns(r, labels, ("in", "out"), reps, block, seed, level=level)
    n_cycles = sum(1 for a, b in cycles if pd.Timestamp(b) >= r.index[0] and pd.Timestamp(a) <= r.index[-1])
    return {"diff": comp.diff, "lo": comp.lo, "hi": comp.hi, "mean_in": float(comp.table.loc["in", "mean"]),
            "mean_out": float(comp.table.loc["out", "mean"]), "days_in": int(inside.sum()),
            "days_out": int((~inside).sum()), "cycles": n_cycles}


def window_drawdowns(values: pd.Series, length: int, start: DateLike | None = None) -> pd.Series:
    """Maximum drawdown (a fraction, 0.6 = -60%) of every window of ``length`` calendar days from ``start``."""
    if length < 2:
        raise ValueError(f"length must be at least 2 days, got {length}")
    cal = calendar_daily(values)
    if start is not None:
        cal = cal.loc[pd.Timestamp(start):]
    x = cal.to_numpy()
    n = x.size - length + 1
    if n < 1:
        raise ValueError(f"a {length}-day window does not fit in {x.size} days")
    out = np.empty(n)
    for i in range(n):
        w = x[i:i + length]
        out[i] = 1.0 - float(np.min(w / np.maximum.accumulate(w)))
    return pd.Series(out, index=cal.index[:n], name=f"mdd_{length}d")


def cycle_drawdown_placebo(values: pd.Series, cycles: Sequence[tuple[DateLike, DateLike]],
                           start: DateLike | None = None, draws: int = 5000, seed: int = 0,
                           level: float = 0.95) -> pd.DataFrame:
    """The deepest fall inside each cycle against windows of the same length from random start days.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    cycles : sequence of (first day, last day)
        Cycles inside the data.
    start : date, optional
        First start day of the random windows.
    draws, seed : int
        Placebo draws: each draw takes one random window of each cycle's length and averages
        their excess drawdown (over that length's mean), as many windows as cycles.
    level : float
        Coverage of the interval of the mean excess (the placebo inverted under a location shift).

    Returns
    -------
    pd.DataFrame
        One row per cycle (``first`` to ``last``): ``days``, ``mdd`` (maximum drawdown inside the
        cycle), ``random_mean`` (mean over all same-length windows), ``excess`` and ``percentile``
        (share of same-length windows with a drawdown at or below the cycle's, in percent). The
        frame's ``attrs`` hold the mean excess over cycles (``effect``), its interval (``lo``,
        ``hi``), the one-sided placebo p-value (``p``) and ``n`` (cycles).
    """
    rng = np.random.default_rng(seed)
    cal = calendar_daily(values)
    rows, pools = [], []
    for a, b in cycles:
        seg = cal.loc[pd.Timestamp(a):pd.Timestamp(b)]
        if seg.empty:
            raise ValueError(f"cycle {a}..{b} lies outside the data")
        mdd = 1.0 - float(np.min(seg.to_numpy() / np.maximum.accumulate(seg.to_numpy())))
        pool = window_drawdowns(values, len(seg), start).to_numpy()
        pools.append(pool - pool.mean())
        rows.append({"cycle": f"{pd.Timestamp(a):%Y-%m-%d} to {pd.Timestamp(b):%Y-%m-%d}", "days": len(seg),
                     "mdd": mdd, "random_mean": float(pool.mean()), "excess": mdd - float(pool.mean()),
                     "percentile": percentile_in(mdd, pool)})
    table = pd.DataFrame(rows).set_index("cycle")
    means = np.mean([pool[rng.integers(0, pool.size, size=draws)] for pool in pools], axis=0)
    effect = float(table["excess"].mean())
    tail = 100 * (1 - level) / 2
    q_lo, q_hi = np.percentile(means, [tail, 100 - tail])
    table.attrs.update({"effect": effect, "lo": float(effect - q_hi), "hi": float(effect - q_lo),
                        "p": (1 + int(np.sum(means >= effect))) / (draws + 1), "n": len(table)})
    return table
