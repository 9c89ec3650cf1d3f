"""Simulated and historical price paths: block-bootstrap Monte Carlo, touch probabilities, fan quantiles.

All on daily closes (the close of day D is the price at 00:00 UTC of D+1, see
:func:`helpers.data.closes`). Historical paths from every start day (:func:`start_windows`) and
simulated paths from a stationary block bootstrap of daily log returns (:func:`bootstrap_paths`,
Politis and Romano 1994, via :class:`arch.bootstrap.StationaryBootstrap`) are matrices of price
*relative to the start*, one row per path, column ``k`` = day ``k`` (column 0 is 1). From them:
the chance of touching a level (:func:`touch_probability`, :func:`touch_table`,
:func:`level_probabilities`), the quantile fan (:func:`fan_quantiles`), and where a realised path
sits among the simulated ones (:func:`realised_percentiles`, :func:`realised_after`).

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the American
   Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap

from helpers.aliases import DateLike, FloatArray
from helpers.methods import eventstudy as ev
from helpers.methods import transforms as st


def start_windows(prices: pd.Series, horizon: int, start: DateLike | None = None,
                  end: DateLike | None = None) -> tuple[FloatArray, pd.DatetimeIndex]:
    """Price paths relative to the start, from every start day whose window ends inside the data.

    Parameters
    ----------
    prices : pd.Series
        Daily closes on a DatetimeIndex; put on a calendar grid first (gaps carry the last close,
        :func:`helpers.methods.eventstudy.calendar_daily`).
    horizon : int
        Days after the start, ``H``; each path has ``H + 1`` columns (days 0..H).
    start, end : date, optional
        First and last start day (default: all that fit).

    Returns
    -------
    paths : ndarray, shape (n, H + 1)
        :math:`P_{t+k} / P_t`.
    starts : DatetimeIndex
        The start day of each row.

    Raises
    ------
    ValueError
        If ``horizon`` is not positive or no start day fits.
    """
    if horizon < 1:
        raise ValueError(f"horizon must be a positive number of days, got {horizon}")
    cal = ev.calendar_daily(prices)
    x = cal.to_numpy(float)
    last_start = x.size - 1 - horizon
    keep = np.arange(x.size) <= last_start
    if start is not None:
        keep &= cal.index >= pd.Timestamp(start)
    if end is not None:
        keep &= cal.index <= pd.Timestamp(end)
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        raise ValueError(f"no start day leaves {horizon} days of data between {start} and {end}")
    windows = np.lib.stride_tricks.sliding_window_view(x, horizon + 1)[rows]
    return windows / windows[:, :1], pd.DatetimeIndex(cal.index[rows])


def sample_log_returns(prices: pd.Series, start: DateLike | None = None, end: DateLike | None = None) -> FloatArray:
    """Daily log returns of ``prices`` (calendar grid) whose *end* day lies in ``[start, end]``.

    Use ``end`` = the forecast date for an ex-ante simulation: no return after it enters.
    """
    cal = ev.calendar_daily(prices)
    r = st.log_returns(cal).dropna()
    if start is not None:
        r = r.loc[pd.Timestamp(start):]
    if end is not None:
        r = r.loc[:pd.Timestamp(end)]
    return r.to_numpy(float)


def window_log_returns(prices: pd.Series, starts: Sequence[DateLike], days: int,
                       end: DateLike | None = None) -> FloatArray:
    """Daily log returns from the ``days`` days after each of ``starts``, concatenated (a regime-conditional sample).

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    starts : sequence of dates
        Start of each window (e.g. earlier Fed turns to easing); overlapping windows count once.
    days : int
        Window length in days.
    end : date, optional
        No return after this day enters (the forecast date of an ex-ante simulation).

    Returns
    -------
    ndarray
        The returns in time order. A bootstrap block that crosses from one window into the next
        joins two episodes; with a few long windows that is a small distortion.
    """
    r = st.log_returns(ev.calendar_daily(prices)).dropna()
    keep = pd.Series(False, index=r.index)
    for d in starts:
        t0 = pd.Timestamp(d)
        keep |= (r.index > t0) & (r.index <= t0 + pd.Timedelta(days=days))
    if end is not None:
        keep &= r.index <= pd.Timestamp(end)
    if not keep.any():
        raise ValueError("no return falls inside the windows")
    return r[keep].to_numpy(float)


def bootstrap_paths(log_returns: FloatArray, n_paths: int, horizon: int, block: int, seed: int,
                    demean: bool = False) -> FloatArray:
    """Simulated price paths (start 1) from a stationary block bootstrap of daily log returns.

    Parameters
    ----------
    log_returns : ndarray
        Historical daily log returns, in time order.
    n_paths : int
        Number of paths.
    horizon : int
        Days per path, ``H`` (at most the sample length).
    block : int
        Mean block length in days; blocks keep volatility clusters and short-run dependence.
    seed : int
        Seed of :func:`numpy.random.default_rng` handed to arch (same seed, same paths).
    demean : bool
        Subtract the sample mean first (a zero-drift scenario: only the volatility is kept).

    Returns
    -------
    ndarray, shape (n_paths, H + 1)
        :math:`\\exp(\\sum_{j \\le k} r^*_j)`, column 0 equal to 1.

    Notes
    -----
    Each path is the first ``H`` returns of one stationary-bootstrap resample of the whole sample
    (blocks of geometric length with mean ``block`` starting at uniform positions, wrapping
    around). The drift of the simulated paths is the sample's mean return: a sample from 2010
    carries bitcoin's early 1000-fold rise into every path (use ``demean`` or a later start to see
    how much of a probability comes from the drift).
    """
    r = np.asarray(log_returns, dtype=float)
    if n_paths < 1 or horizon < 1:
        raise ValueError(f"n_paths ({n_paths}) and horizon ({horizon}) must be positive")
    if horizon > r.size:
        raise ValueError(f"horizon {horizon} exceeds the {r.size} returns in the sample")
    if demean:
        r = r - r.mean()
    bs = StationaryBootstrap(block, r, seed=np.random.default_rng(seed))
    draws = np.empty((n_paths, horizon))
    for i, (pos, _) in enumerate(bs.bootstrap(n_paths)):
        draws[i] = pos[0][:horizon]
    out = np.ones((n_paths, horizon + 1))
    out[:, 1:] = np.exp(np.cumsum(draws, axis=1))
    return out


def touch_probability(paths: FloatArray, level: float, horizons: Sequence[int]) -> pd.Series:
    """Share of paths whose price reaches ``level`` on some day 0..h, for each horizon ``h``.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Price paths in the same units as ``level`` (multiply relative paths by the start price).
    level : float
        Price level; a path that starts at or above it has touched it on day 0.
    horizons : sequence of int
        Days (each at most ``H``).

    Returns
    -------
    pd.Series
        Indexed by horizon.
    """
    running = np.maximum.accumulate(paths, axis=1)
    if max(horizons) >= paths.shape[1]:
        raise ValueError(f"horizons {list(horizons)} exceed the {paths.shape[1] - 1} days of the paths")
    return pd.Series({h: float(np.mean(running[:, h] >= level)) for h in horizons}, name=f"touch_{level:g}")


def level_probabilities(paths: FloatArray, levels: Sequence[float], horizon: int) -> pd.DataFrame:
    """Ex-ante chance that a close reaches each level, above or below the start, within ``horizon`` days.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Simulated prices (USD); column 0 is the start close.
    levels : sequence of float
        Price levels.
    horizon : int
        Days (at most ``H``).

    Returns
    -------
    DataFrame
        Index ``level``; ``side`` (``up`` when the level is above the start close, else ``down``)
        and ``probability``: the share of paths with a close at or above an ``up`` level (at or
        below a ``down`` level) on some day 1..horizon.
    """
    if horizon >= paths.shape[1]:
        raise ValueError(f"horizon {horizon} exceeds the {paths.shape[1] - 1} days of the paths")
    p0 = float(paths[0, 0])
    hi = paths[:, 1:horizon + 1].max(axis=1)
    lo = paths[:, 1:horizon + 1].min(axis=1)
    rows = {float(lv): {"side": "up" if lv > p0 else "down",
                        "probability": float(np.mean(hi >= lv) if lv > p0 else np.mean(lo <= lv))} for lv in levels}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "level"
    return out


def fan_quantiles(paths: FloatArray, quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
    """Quantiles of the simulated price on each day (rows days 0..H, one column per quantile)."""
    q = np.quantile(paths, list(quantiles), axis=0).T
    return pd.DataFrame(q, index=pd.Index(np.arange(paths.shape[1]), name="day"), columns=list(quantiles))


def scenario_paths(prices: pd.Series, date: DateLike, n_paths: int, horizon: int, block: int, seed: int,
                   starts: Sequence[DateLike | None], zero_drift_start: DateLike | None = None,
                   regime_starts: Sequence[DateLike] = (), regime_days: int = 365) -> dict[str, FloatArray]:
    """Ex-ante simulated price paths from the close on ``date``, one set per return sample.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    date : date
        Forecast day: paths start at its close, and no return after it enters any sample.
    n_paths, horizon, block, seed
        See :func:`bootstrap_paths` (sample ``i`` uses seed ``seed + i``).
    starts : sequence of date or None
        First day of each sample (``None``: the whole history); named ``whole history`` or
        ``since YYYY``.
    zero_drift_start : date, optional
        Adds the sample from this day with its mean removed (``since YYYY, zero drift``).
    regime_starts : sequence of dates
        Adds a regime-conditional sample: the ``regime_days`` days after each of these days
        (``after earlier easing turns``, :func:`window_log_returns`).
    regime_days : int
        Length of each regime window.

    Returns
    -------
    dict of str to ndarray, shape (n_paths, horizon + 1)
        Price paths in USD.
    """
    t0 = pd.Timestamp(date)
    p0 = float(ev.calendar_daily(prices).loc[t0])
    samples: dict[str, tuple[FloatArray, bool]] = {}
    for s0 in starts:
        name = "whole history" if s0 is None else f"since {pd.Timestamp(s0):%Y}"
        samples[name] = (sample_log_returns(prices, s0, t0), False)
    if zero_drift_start is not None:
        samples[f"since {pd.Timestamp(zero_drift_start):%Y}, zero drift"] = (
            sample_log_returns(prices, zero_drift_start, t0), True)
    if regime_starts:
        samples["after earlier easing turns"] = (window_log_returns(prices, regime_starts, regime_days, t0), False)
    return {name: p0 * bootstrap_paths(r, n_paths, horizon, block, seed + i, demean=dm)
            for i, (name, (r, dm)) in enumerate(samples.items())}


def touch_table(paths: Mapping[str, FloatArray], levels: Sequence[float], horizons: Sequence[int]) -> pd.DataFrame:
    """:func:`touch_probability` for each sample (rows), level and horizon (columns ``(level, days)``).

    A last column ``("median close", H)`` gives the median simulated price on the last day: the
    sample's drift at a glance.
    """
    rows = {name: {(lv, h): v for lv in levels for h, v in touch_probability(p, lv, horizons).items()}
            | {("median close", p.shape[1] - 1): float(np.median(p[:, -1]))} for name, p in paths.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["level", "days"])
    return out


def min_touch_probability(touch: pd.DataFrame, level: float, horizon: int) -> float:
    """Smallest ex-ante probability of touching ``level`` within ``horizon`` days over the samples of :func:`touch_table`."""
    return float(touch[(level, horizon)].min())


@dataclass(frozen=True)
class RealisedPercentiles:
    """Where a realised path sits among simulated ones: percent of paths at or below it (0-100).

    Attributes
    ----------
    max, min, last : float
        Percentile of the realised highest close, lowest close and last close among the same
        statistics of the simulated paths.
    days : int
        Days compared (after day 0).
    """

    max: float
    min: float
    last: float
    days: int

    def to_series(self) -> pd.Series:
        """The four numbers as a Series (for display)."""
        return pd.Series({"max": self.max, "min": self.min, "last": self.last, "days": float(self.days)})


def realised_percentiles(paths: FloatArray, realised: pd.Series) -> RealisedPercentiles:
    """Where the realised path sits among simulated ones over the same days (percent of paths at or below it).

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Simulated prices, column 0 the start close.
    realised : Series
        Realised closes from the start day (day 0) on; at most ``H + 1`` of them are used.

    Returns
    -------
    RealisedPercentiles
        The percentiles of the realised highest, lowest and last close, and the days compared.
    """
    n = min(len(realised), paths.shape[1])
    sim, real = paths[:, :n], realised.to_numpy(float)[:n]
    return RealisedPercentiles(max=float(100 * np.mean(sim[:, 1:].max(axis=1) <= real[1:].max())),
                               min=float(100 * np.mean(sim[:, 1:].min(axis=1) <= real[1:].min())),
                               last=float(100 * np.mean(sim[:, -1] <= real[-1])), days=n - 1)


@dataclass(frozen=True)
class RealisedPath:
    """What the price did after a date (:func:`realised_after`).

    Attributes
    ----------
    close_at_date : float
        Close on the reference day.
    max, min : float
        Highest and lowest close after it.
    max_date, min_date, last_date : Timestamp
        Days of the highest, the lowest and the last close.
    n_days : int
        Closes after the reference day.
    first_touch : mapping of level to Timestamp or None
        First close at or above each level (``None``: never).
    days_at_or_above : mapping of level to int
        Closes at or above each level.
    """

    close_at_date: float
    max: float
    max_date: pd.Timestamp
    min: float
    min_date: pd.Timestamp
    last_date: pd.Timestamp
    n_days: int
    first_touch: Mapping[float, pd.Timestamp | None]
    days_at_or_above: Mapping[float, int]

    def touched(self, level: float) -> bool:
        """Whether some close after the date reached ``level`` (a level not asked for raises KeyError)."""
        return self.first_touch[float(level)] is not None


def realised_after(prices: pd.Series, date: DateLike, levels: Sequence[float],
                   end: DateLike | None = None) -> RealisedPath:
    """What the price did after ``date``: close on the date, extremes, and first close at each level.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    date : date
        Reference day; the window is the closes strictly after it, up to ``end``.
    levels : sequence of float
        Price levels (first close at or above each).
    end : date, optional
        Last day of the window (default: last close).

    Returns
    -------
    RealisedPath
        Close on the date, extremes and their days, last day, number of closes, and per level the
        first close at or above it and the number of such closes.

    Raises
    ------
    ValueError
        If no close follows ``date``.
    """
    t0 = pd.Timestamp(date)
    after = prices.loc[t0 + pd.Timedelta(days=1):pd.Timestamp(end) if end is not None else None].dropna()
    if after.empty:
        raise ValueError(f"no close after {t0:%Y-%m-%d}")
    first: dict[float, pd.Timestamp | None] = {}
    count: dict[float, int] = {}
    for lv in levels:
        hit = after[after >= lv]
        first[float(lv)] = pd.Timestamp(hit.index[0]) if len(hit) else None
        count[float(lv)] = len(hit)
    return RealisedPath(close_at_date=float(prices.loc[t0]), max=float(after.max()), max_date=pd.Timestamp(after.idxmax()),
                        min=float(after.min()), min_date=pd.Timestamp(after.idxmin()), last_date=pd.Timestamp(after.index[-1]),
                        n_days=len(after), first_touch=first, days_at_or_above=count)


def days_in_range(prices: pd.Series, date: DateLike, low: float, high: float) -> int:
    """Number of closes strictly after ``date`` inside ``[low, high]``."""
    after = prices.loc[pd.Timestamp(date) + pd.Timedelta(days=1):]
    return int(((after >= low) & (after <= high)).sum())
