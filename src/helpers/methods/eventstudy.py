"""Event-study engine: event-time paths, horizon changes, the unconditional distribution, bootstrap baselines.

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
event's h-day change is judged by its percentile in it. Statistics of that distribution (mean,
median, base rate of a rally) get a **block bootstrap** interval (Politis and Romano, 1994, via
:func:`helpers.methods.inference.bootstrap_draws`), because overlapping h-day windows are strongly
autocorrelated and an i.i.d. bootstrap would understate their uncertainty. The random-date placebo
tests are in :mod:`helpers.methods.placebo`, the "strong rally" measures in
:mod:`helpers.methods.rallies`, the tightening-cycle comparisons in :mod:`helpers.methods.cycles`.

References
----------
.. [1] MacKinlay, A. C. (1997). Event Studies in Economics and Finance. *Journal of Economic
   Literature*, 35(1), 13-39. https://www.jstor.org/stable/2729691
.. [2] Politis, D. N. and Romano, J. P. (1994). The Stationary Bootstrap. *Journal of the American
   Statistical Association*, 89(428), 1303-1313. https://doi.org/10.1080/01621459.1994.10476870
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from helpers.aliases import DateLike, Events
from helpers.methods.inference import BootstrapMethod, bootstrap_draws, percentile_interval

#: How a level becomes a change: ``log`` (log return of a price) or ``diff`` (difference of a yield).
Transform: TypeAlias = Literal["log", "diff"]

#: Event window in calendar days, relative to the event day 0.
WINDOW: tuple[int, int] = (-90, 540)
#: Horizons (calendar days) at which event returns are reported.
HORIZONS: tuple[int, ...] = (30, 90, 180, 365, 540)

TRANSFORMS: tuple[str, ...] = ("log", "diff")
#: Relative tolerance under which two changes are treated as equal (rounding noise).
TIE = 1e-12


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


def calendar_levels(values: pd.Series, transform: Transform) -> pd.Series:
    """Calendar-daily log levels (``log``) or levels (``diff``): the series every change here is taken of.

    Raises
    ------
    ValueError
        For an unknown ``transform``, or ``log`` of a non-positive value (naming the first such day).
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform {transform!r} must be one of {TRANSFORMS}")
    cal = calendar_daily(values)
    if transform == "log":
        if (cal <= 0).any():
            bad = cal[cal <= 0].index[0]
            raise ValueError(f"transform='log' needs positive values; {cal[bad]} on {bad:%Y-%m-%d}")
        return pd.Series(np.log(cal.to_numpy()), index=cal.index)
    return cal


def event_labels(events: Events) -> dict[str, pd.Timestamp]:
    """``{label: day}`` with days normalised to midnight; a plain sequence is labelled by its ISO dates."""
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
    levels = calendar_levels(values, transform)
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
    levels = calendar_levels(values, transform)
    days = np.arange(window[0], window[1] + 1)
    cols = {}
    for label, t0 in event_labels(events).items():
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


def sample_bounds(levels: pd.Series, start: DateLike | None, end: DateLike | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a baseline sample: ``[start, end]`` clipped to the data (``None`` = open)."""
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
    levels = calendar_levels(values, transform)
    lo, hi = sample_bounds(levels, start, end)
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
    levels = calendar_levels(values, transform)
    lo, hi = sample_bounds(levels, start, end)
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
    return float(100.0 * np.mean(dist <= value + TIE * max(1.0, abs(value))))


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
# Block-bootstrap baselines (draws from helpers.methods.inference)
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
        Central ``level`` percentile interval of the bootstrap draws.
    n : int
        Number of (overlapping) observations.
    block : int
        Expected (stationary) or fixed (circular) block length in observations.
    reps : int
        Bootstrap replications.
    level : float
        Coverage of ``lower`` to ``upper``.
    """

    statistic: str
    estimate: float
    lower: float
    upper: float
    n: int
    block: int
    reps: int
    level: float = 0.95


#: Statistics of a baseline sample named by a string.
Statistic: TypeAlias = Literal["mean", "median"]
_STATS: dict[str, Callable[[np.ndarray], float]] = {"mean": lambda a: float(np.mean(a)),
                                                   "median": lambda a: float(np.median(a))}


def bootstrap_baseline(series: pd.Series, statistic: Statistic | Callable[[np.ndarray], float] = "mean",
                       block: int | None = None, reps: int = 1000, seed: int = 0, level: float = 0.95,
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
    level : float
        Coverage of the percentile interval (:func:`helpers.methods.inference.percentile_interval`).
    method : {"stationary", "circular"}
        :class:`arch.bootstrap.StationaryBootstrap` (Politis and Romano, 1994; random block
        lengths with mean ``block``) or :class:`arch.bootstrap.CircularBlockBootstrap`, through
        :func:`helpers.methods.inference.bootstrap_draws`.

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
    draws = bootstrap_draws(x, func, block, reps, seed, method)
    lower, upper = percentile_interval(draws, level)
    name = statistic if isinstance(statistic, str) else getattr(statistic, "__name__", "statistic")
    return BootstrapSummary(name, float(func(x)), lower, upper, int(x.size), int(block), int(reps), level)


def _default_block(series: pd.Series) -> int:
    """The horizon in the series name (``change_90d`` -> 90), else the cube root of its length."""
    name = str(series.name or "")
    digits = "".join(ch for ch in name.split("_")[-1] if ch.isdigit())
    if digits:
        return max(1, int(digits))
    return max(1, round(series.dropna().size ** (1 / 3)))


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
    emap = event_labels(events)
    out = pd.DataFrame(index=list(emap), columns=list(confounders), dtype="Int64")
    for label, t0 in emap.items():
        for name, d in confounders.items():
            k = (pd.Timestamp(d).normalize() - t0).days
            if window[0] <= k <= window[1]:
                out.loc[label, name] = k
    return out


def indicator_periods(indicator: pd.Series, freq_end: Literal["MS", "D"] = "MS") -> list[tuple[str, str]]:
    """Runs of 1 in a 0/1 series as ``(first, last)`` ISO dates (e.g. NBER recessions from USREC).

    For a monthly series labelled on the first of the month (``freq_end="MS"``) the end is the
    last day of the last month in the run; for a daily one (``"D"``) the last flagged day.
    """
    on = indicator.fillna(0).astype(int)
    runs = (on.diff().fillna(on.iloc[0]) != 0).cumsum()
    out = []
    for _, block in on[on == 1].groupby(runs[on == 1]):
        last = block.index[-1] + (pd.offsets.MonthEnd(0) if freq_end == "MS" else pd.Timedelta(0))
        out.append((f"{block.index[0]:%Y-%m-%d}", f"{last:%Y-%m-%d}"))
    return out


