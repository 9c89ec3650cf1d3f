"""Scenarios and strategies: block-bootstrap Monte Carlo, strategy backtests, and the risks to the thesis.

Three families of tools, all on daily closes (the close of day D is the price at 00:00 UTC of
D+1, see :func:`helpers.data.closes`):

* **Paths.** Historical paths from every start day (:func:`start_windows`) and simulated paths
  from a stationary block bootstrap of daily log returns (:func:`bootstrap_paths`, Politis and
  Romano 1994, via :class:`arch.bootstrap.StationaryBootstrap`). Both are matrices of price
  *relative to the start*, one row per path, column ``k`` = day ``k`` (column 0 is 1).
* **Strategies.** Each maps a path matrix to a matrix of portfolio values (start value 1, cash
  earns nothing, no fees or taxes): lump sum (the path itself), staged entry
  (:func:`staged_values`), an exposure-matched lump sum that keeps part of the stake in cash
  (:func:`static_mix_values`, :func:`matched_weight`), take-profit ladder with a trailing stop
  (:func:`ladder_values`) and a plain trailing stop (:func:`trailing_stop_values`). Outcomes are the final simple return and the
  maximum drawdown of the value path (:func:`final_returns`, :func:`max_drawdowns`); risk
  measures and their differences from a baseline come with a block-bootstrap interval over start
  days (:func:`compare_to_baseline`, and against each strategy's own exposure-matched lump sum
  :func:`compare_to_matched`), because windows from neighbouring start days overlap.
* **Risks to the thesis** (claim C20): stress regimes (:func:`stress_flags`), returns around
  dated shocks against random days (:func:`event_reactions`), "sell the news" after Fed pivots
  (:func:`runup_reversal`), and the four risks' effects with corrected intervals (:func:`risk_table`).

The decision rules and evidence texts of the claims (C20-C23, C27) live in
:mod:`helpers.claims.scenarios`; this module computes what they decide on.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the American
   Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
.. [2] Constantinides, G. M. (1979). A note on the suboptimality of dollar-cost averaging as an
   investment policy. *Journal of Financial and Quantitative Analysis* 14(2), 443-450.
   doi:10.2307/2330513
.. [3] Kaminski, K. M. and Lo, A. W. (2014). When do stop-loss rules stop losses? *Journal of
   Financial Markets* 18, 234-254. doi:10.1016/j.finmar.2013.07.001
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from arch.bootstrap import StationaryBootstrap
from scipy import stats as sps

from helpers import events as ev
from helpers import stats as st

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Strategy: TypeAlias = Callable[[FloatArray], FloatArray]
DateLike: TypeAlias = str | pd.Timestamp
StopScope: TypeAlias = Literal["rest", "all"]

#: Allowed entry frequencies of :func:`entry_offsets`.
FREQUENCIES: tuple[str, ...] = ("daily", "weekly")
#: Allowed scopes of the trailing stop in :func:`ladder_values`.
STOP_SCOPES: tuple[str, ...] = ("rest", "all")
#: The article's ladder: sell 1/3 at +20%, 1/3 at +50%, trailing stop on the rest.
ARTICLE_RUNGS: tuple[tuple[float, float], ...] = ((0.20, 1 / 3), (0.50, 1 / 3))
#: The four risks of claim C20, in the order of :func:`risk_table` (the verdict's family of tests).
RISK_ITEMS: tuple[str, ...] = ("recession (credit stress)", "geopolitical shock", "regulation", "sell the news")


# ---------------------------------------------------------------------------------------------
# paths
# ---------------------------------------------------------------------------------------------


def start_windows(prices: pd.Series, horizon: int, start: DateLike | None = None,
                  end: DateLike | None = None) -> tuple[FloatArray, pd.DatetimeIndex]:
    """Price paths relative to the start, from every start day whose window ends inside the data.

    Parameters
    ----------
    prices : pd.Series
        Daily closes on a DatetimeIndex; put on a calendar grid first (gaps carry the last close,
        :func:`helpers.events.calendar_daily`).
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


def realised_percentiles(paths: FloatArray, realised: pd.Series) -> dict[str, float]:
    """Where the realised path sits among simulated ones over the same days (percent of paths at or below it).

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Simulated prices, column 0 the start close.
    realised : Series
        Realised closes from the start day (day 0) on; at most ``H + 1`` of them are used.

    Returns
    -------
    dict
        ``max``, ``min`` and ``last``: the percentile of the realised highest close, lowest close
        and last close among the same statistics of the simulated paths, and ``days`` compared.
    """
    n = min(len(realised), paths.shape[1])
    sim, real = paths[:, :n], realised.to_numpy(float)[:n]
    out = {"max": float(100 * np.mean(sim[:, 1:].max(axis=1) <= real[1:].max())),
           "min": float(100 * np.mean(sim[:, 1:].min(axis=1) <= real[1:].min())),
           "last": float(100 * np.mean(sim[:, -1] <= real[-1]))}
    return out | {"days": float(n - 1)}


# ---------------------------------------------------------------------------------------------
# strategies: value paths
# ---------------------------------------------------------------------------------------------


def entry_offsets(weeks: int, frequency: str) -> IntArray:
    """Days of the equal-sized purchases of a staged entry spread over ``weeks`` weeks.

    ``daily``: one purchase on each of the ``7 * weeks`` days 0, 1, ..., ``7 * weeks - 1``;
    ``weekly``: ``weeks`` purchases on days 0, 7, ..., ``7 * (weeks - 1)``.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency {frequency!r} must be one of {FREQUENCIES}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    step = 1 if frequency == "daily" else 7
    return np.arange(0, 7 * weeks, step, dtype=np.int64)


def average_cost(prices: FloatArray, offsets: Sequence[int] | IntArray) -> float:
    """Average price paid when equal cash amounts buy on ``offsets``: the harmonic mean of those prices.

    Notes
    -----
    With cash :math:`1/n` per purchase, units bought are :math:`\\sum_i 1/(n P_{d_i})`, so the
    average cost is :math:`n / \\sum_i 1/P_{d_i}`, never above the arithmetic mean of the prices
    (the "dollar-cost averaging" effect; it says nothing about returns, Constantinides 1979).
    """
    p = np.asarray(prices, dtype=float)[np.asarray(offsets)]
    return float(p.size / np.sum(1.0 / p))


def cash_share(offsets: Sequence[int] | IntArray, horizon: int) -> float:
    """Average share of the stake a staged plan holds in cash over a holding period.

    Parameters
    ----------
    offsets : sequence of int
        Purchase days of equal tranches (:func:`entry_offsets`).
    horizon : int
        Holding period in days (day 0 to ``horizon``).

    Returns
    -------
    float
        Mean over days ``0 .. horizon - 1`` of the share not yet invested after that day's
        purchases. Against the full lump sum, a staged plan's lower risk is bounded by roughly this
        share (the "cash drag ceiling"): 28 daily tranches over 180 days give 13.5 / 180 = 7.5%.
    """
    off = np.asarray(offsets, dtype=int)
    if off.size == 0 or horizon <= 0 or off.min() < 0:
        raise ValueError(f"cash_share: need offsets >= 0 and horizon > 0, got {list(off)} and {horizon}")
    days = np.arange(horizon)
    bought = (off[None, :] <= days[:, None]).sum(axis=1)
    return float(np.mean(1 - bought / off.size))


def staged_values(paths: FloatArray, offsets: Sequence[int] | IntArray) -> FloatArray:
    """Portfolio value of a staged entry: equal cash tranches invested on ``offsets``, cash idle meanwhile.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Relative price paths (:func:`start_windows` or :func:`bootstrap_paths`).
    offsets : sequence of int
        Purchase days (:func:`entry_offsets`), each below ``H``.

    Returns
    -------
    ndarray, shape (n, H + 1)
        :math:`V_k = \\frac{1}{n}\\big(P_k \\sum_{d_i \\le k} 1/P_{d_i} + \\#\\{d_i > k\\}\\big)`,
        start value 1. A single offset 0 is the lump sum.
    """
    d = np.asarray(offsets, dtype=np.int64)
    if d.size == 0 or d.min() < 0 or d.max() >= paths.shape[1]:
        raise ValueError(f"offsets must lie in 0..{paths.shape[1] - 1}, got {d.tolist()}")
    units = np.zeros_like(paths)
    bought = np.zeros(paths.shape[1])
    for day in d:  # a loop, not fancy indexing, so that a repeated day counts twice
        units[:, day] += 1.0 / paths[:, day]
        bought[day] += 1.0
    held = np.cumsum(units, axis=1)
    cash = d.size - np.cumsum(bought)
    return (paths * held + cash) / d.size


def _first_true(mask: npt.NDArray[np.bool_], default: int) -> IntArray:
    """Per row, the first column where ``mask`` is True, else ``default``."""
    hit = mask.any(axis=1)
    return np.where(hit, mask.argmax(axis=1), default).astype(np.int64)


def exit_days(paths: FloatArray, rungs: Sequence[tuple[float, float]], trail: float | None,
              scope: StopScope = "rest") -> tuple[IntArray, IntArray]:
    """Day on which each rung is sold and day on which the trailing stop fires, per path.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Relative price paths.
    rungs : sequence of (gain, fraction)
        Sell ``fraction`` of the initial units on the first close at or above ``1 + gain``.
    trail : float or None
        Trailing stop: sell what it covers on the first close at or below ``(1 - trail)`` times
        the highest close since entry. ``None``: no stop.
    scope : {"rest", "all"}
        ``rest``: the stop covers only the units not in a rung and arms on the day the last rung
        sells (the article's "trailing stop on the rest"); with no rungs it is armed from day 0.
        ``all``: the stop covers every unit still held, from day 0.

    Returns
    -------
    rung_days : ndarray, shape (n, len(rungs))
        Sale day of each rung; ``H + 1`` if never sold (held to the end).
    stop_day : ndarray, shape (n,)
        Day the stop fires; ``H + 1`` if never.
    """
    if scope not in STOP_SCOPES:
        raise ValueError(f"scope {scope!r} must be one of {STOP_SCOPES}")
    n, width = paths.shape
    never = width
    rung_days = np.column_stack([_first_true(paths >= 1 + g, never) for g, _ in rungs]) if rungs \
        else np.empty((n, 0), dtype=np.int64)
    if trail is None:
        return rung_days, np.full(n, never, dtype=np.int64)
    if not 0 < trail < 1:
        raise ValueError(f"trail must be a fraction in (0, 1), got {trail}")
    hit = paths <= (1 - trail) * np.maximum.accumulate(paths, axis=1)
    if scope == "rest" and rungs:
        armed = rung_days.max(axis=1)
        hit &= np.arange(width)[None, :] >= armed[:, None]
    return rung_days, _first_true(hit, never)


def ladder_values(paths: FloatArray, rungs: Sequence[tuple[float, float]] = ARTICLE_RUNGS,
                  trail: float | None = 0.25, scope: StopScope = "rest") -> FloatArray:
    """Portfolio value of a take-profit ladder with a trailing stop (sales at the triggering close).

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Relative price paths (bought in full on day 0).
    rungs, trail, scope
        See :func:`exit_days`. Rung fractions are shares of the initial position and must sum to
        at most 1; the rest is ``1 - sum``.

    Returns
    -------
    ndarray, shape (n, H + 1)
        :math:`V_k = \\sum_j f_j P_{\\min(k, e_j)}`, with :math:`e_j` the exit day of part
        :math:`j` (a rung, or the rest): each part follows the price until it is sold, then stays
        as cash at the sale price.

    Examples
    --------
    A path that rises 60% then falls: 1/3 sold at 1.2, 1/3 at 1.5, the rest stopped at 1.15
    (first close at or below 0.75 x 1.6 = 1.2), proceeds (1.2 + 1.5 + 1.15) / 3.

    >>> p = np.array([[1.0, 1.1, 1.2, 1.35, 1.5, 1.6, 1.4, 1.15, 1.0]])
    >>> round(float(ladder_values(p)[0, -1]), 6)
    1.283333
    """
    fractions = np.array([f for _, f in rungs], dtype=float)
    if (fractions <= 0).any() or fractions.sum() > 1 + 1e-12:
        raise ValueError(f"rung fractions must be positive and sum to at most 1, got {fractions.tolist()}")
    rung_days, stop_day = exit_days(paths, rungs, trail, scope)
    if scope == "all":
        rung_days = np.minimum(rung_days, stop_day[:, None])
    exits = np.column_stack([rung_days, stop_day])
    weights = np.append(fractions, 1.0 - fractions.sum())
    k = np.arange(paths.shape[1])
    out = np.zeros_like(paths)
    for j, w in enumerate(weights):
        if w > 0:
            out += w * np.take_along_axis(paths, np.minimum(k[None, :], exits[:, j:j + 1]), axis=1)
    return out


def trailing_stop_values(paths: FloatArray, trail: float = 0.25) -> FloatArray:
    """Portfolio value of buy-and-hold with a trailing stop on the whole position (no re-entry)."""
    return ladder_values(paths, (), trail, "all")


def static_mix_values(paths: FloatArray, weight: float) -> FloatArray:
    """Portfolio value of a lump sum that puts ``weight`` in the asset on day 0 and keeps the rest in cash.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        Relative price paths.
    weight : float
        Share of the stake bought on day 0, in [0, 1]; never rebalanced.

    Returns
    -------
    ndarray, shape (n, H + 1)
        :math:`V_k = w P_k + (1 - w)`. Its final return is :math:`w` times the lump sum's, so its mean,
        SD and CVaR are :math:`w` times the lump sum's; each drawdown lies between :math:`w` times the
        lump sum's and the lump sum's (the cash does not fall, but after a rise it is a smaller share
        of the portfolio).
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must lie in [0, 1], got {weight}")
    return weight * np.asarray(paths, dtype=float) + (1.0 - weight)


def matched_weight(final: pd.DataFrame, strategy: str, baseline: str = "lump_sum") -> float:
    """Asset weight of the static mix (:func:`static_mix_values`) with the same mean final return as ``strategy``.

    Parameters
    ----------
    final : DataFrame
        Final returns per strategy (:func:`strategy_outcomes`); ``baseline`` must be the full lump sum
        on the same paths.
    strategy, baseline : str
        Columns of ``final``.

    Returns
    -------
    float
        :math:`w = \\bar r_{strategy} / \\bar r_{baseline}`, clipped to [0, 1]: the exposure that earns what
        the strategy earned on average. A staged entry holds cash while it buys, so on a rising
        asset :math:`w < 1`.

    Raises
    ------
    ValueError
        If the baseline's mean return is zero (no exposure earns a given mean).
    """
    base = float(final[baseline].mean())
    if base == 0.0:
        raise ValueError(f"the mean final return of {baseline!r} is zero: no weight matches it")
    return float(np.clip(float(final[strategy].mean()) / base, 0.0, 1.0))


def _staged(offsets: IntArray) -> Strategy:
    return lambda p: staged_values(p, offsets)


def staged_offsets(name: str) -> IntArray:
    """Purchase days of a staged strategy named as by :func:`staged_strategies` (``staged_4w_daily``)."""
    parts = name.split("_")
    if len(parts) != 3 or parts[0] != "staged" or not parts[1].endswith("w") or not parts[1][:-1].isdigit():
        raise ValueError(f"staged_offsets: {name!r} is not a name like 'staged_4w_daily'")
    return entry_offsets(int(parts[1][:-1]), parts[2])


def staged_strategies(weeks: Sequence[int], frequencies: Sequence[str]) -> dict[str, Strategy]:
    """``lump_sum`` and one staged entry per (weeks, frequency), named ``staged_<w>w_<frequency>``."""
    out: dict[str, Strategy] = {"lump_sum": lambda p: p}
    for w in weeks:
        for f in frequencies:
            out[f"staged_{w}w_{f}"] = _staged(entry_offsets(w, f))
    return out


def exit_strategies(rungs: Sequence[tuple[float, float]] = ARTICLE_RUNGS, trail: float = 0.25,
                    scope: StopScope = "rest") -> dict[str, Strategy]:
    """``buy_and_hold``, the take-profit ``ladder`` (:func:`ladder_values`) and a plain ``trailing_stop``."""
    pairs = [(float(g), float(f)) for g, f in rungs]
    return {"buy_and_hold": lambda p: p,
            "ladder": lambda p: ladder_values(p, pairs, trail, scope),
            "trailing_stop": lambda p: trailing_stop_values(p, trail)}


# ---------------------------------------------------------------------------------------------
# outcomes and risk measures
# ---------------------------------------------------------------------------------------------


def final_returns(values: FloatArray) -> FloatArray:
    """Simple return at the end of each value path, :math:`V_H / V_0 - 1`."""
    return values[:, -1] / values[:, 0] - 1.0


def max_drawdowns(values: FloatArray) -> FloatArray:
    """Maximum drawdown of each value path, :math:`\\max_k (1 - V_k / \\max_{j \\le k} V_j)`, in [0, 1)."""
    return 1.0 - np.min(values / np.maximum.accumulate(values, axis=1), axis=1)


def cvar(x: FloatArray, alpha: float = 0.05) -> float:
    """Mean of the worst ``alpha`` share of outcomes (expected shortfall, as a return: lower is worse)."""
    v = np.sort(np.asarray(x, dtype=float))
    k = max(1, int(math.ceil(alpha * v.size)))
    return float(v[:k].mean())


#: The risk measures of :func:`risk_measures`, with the direction that counts as *less risk*.
MEASURES: dict[str, str] = {"mean": "higher", "median": "higher", "sd": "lower", "q05": "higher",
                            "cvar05": "higher", "mdd_mean": "lower", "mdd_q95": "lower", "p_loss": "lower"}


def risk_measures(final: FloatArray, mdd: FloatArray, alpha: float = 0.05) -> dict[str, float]:
    """Distribution summary of outcomes over start days (or simulated paths).

    Returns
    -------
    dict
        ``mean``, ``median``, ``sd`` of the final simple return; ``q05`` its ``alpha`` quantile
        and ``cvar05`` the mean below it; ``mdd_mean`` and ``mdd_q95`` the mean and
        ``1 - alpha`` quantile of the maximum drawdown; ``p_loss`` the share of outcomes below zero
        (the probability of ending with a loss).
    """
    return {"mean": float(np.mean(final)), "median": float(np.median(final)), "sd": float(np.std(final, ddof=1)),
            "q05": float(np.quantile(final, alpha)), "cvar05": cvar(final, alpha),
            "mdd_mean": float(np.mean(mdd)), "mdd_q95": float(np.quantile(mdd, 1 - alpha)),
            "p_loss": float(np.mean(final < 0))}


def strategy_outcomes(paths: FloatArray, strategies: Mapping[str, Strategy],
                      index: pd.Index | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Final return and maximum drawdown of each strategy on each path.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
    strategies : mapping of name to callable
        Each maps the path matrix to a value matrix (e.g. ``lambda p: staged_values(p, offs)``).
    index : Index, optional
        Row labels (start days).

    Returns
    -------
    final, mdd : DataFrame
        Rows paths, one column per strategy.
    """
    final, mdd = {}, {}
    for name, fn in strategies.items():
        v = fn(paths)
        final[name], mdd[name] = final_returns(v), max_drawdowns(v)
    return pd.DataFrame(final, index=index), pd.DataFrame(mdd, index=index)


def _measure_matrix(final: FloatArray, mdd: FloatArray, alpha: float) -> FloatArray:
    """Risk measures (rows in the order of :data:`MEASURES`) for each strategy column, vectorised.

    Same definitions as :func:`risk_measures` (which a test checks), computed for all columns at once
    because the bootstrap calls this once per replication.
    """
    k = max(1, int(math.ceil(alpha * final.shape[0])))
    tail = np.sort(final, axis=0)[:k].mean(axis=0)
    return np.vstack([final.mean(axis=0), np.median(final, axis=0), final.std(axis=0, ddof=1),
                      np.quantile(final, alpha, axis=0), tail, mdd.mean(axis=0), np.quantile(mdd, 1 - alpha, axis=0),
                      (final < 0).mean(axis=0)])


def compare_to_baseline(final: pd.DataFrame, mdd: pd.DataFrame, baseline: str, block: int, reps: int = 500,
                        seed: int = 0, alpha: float = 0.05, level: float = 0.95,
                        row_level: float | None = None) -> pd.DataFrame:
    """Risk measures of each strategy and their difference from ``baseline``, with block-bootstrap intervals.

    Parameters
    ----------
    final, mdd : DataFrame
        :func:`strategy_outcomes` (rows start days in time order, columns strategies).
    baseline : str
        Column compared against (``lump_sum`` or ``buy_and_hold``).
    block : int
        Mean block length in start days: windows of ``H`` days from neighbouring start days
        overlap, so use about ``H``.
    reps, seed : int
        Stationary-bootstrap replications and seed.
    alpha : float
        Tail share of ``q05``, ``cvar05`` and ``mdd_q95``.
    level : float
        Coverage of the intervals.
    row_level : float, optional
        A second coverage from the same resamples (columns ``lo_row``, ``hi_row``): for example
        each row's own 95% interval beside a Bonferroni-level ``level``.

    Returns
    -------
    DataFrame
        One row per (strategy, measure): ``value``, ``baseline``, ``diff`` (strategy minus
        baseline), ``lo``, ``hi`` (percentile interval of ``diff``), ``improvement`` (relative
        change in the good direction of :data:`MEASURES`: ``+0.05`` = 5% less risk or 5% more
        return, negative = worse), ``less_risk`` (``improvement > 0``) and ``n`` start days; with
        ``row_level`` also ``lo_row`` and ``hi_row``.

    Notes
    -----
    Rows are resampled jointly for all strategies (Politis and Romano 1994), so the interval of a
    difference reflects that the strategies face the same history.
    """
    names = list(final.columns)
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} must be one of the strategies {names}")
    f, d = final.to_numpy(float), mdd[names].to_numpy(float)
    point = _measure_matrix(f, d, alpha)
    b = names.index(baseline)
    bs = StationaryBootstrap(min(block, len(final)), f, d, seed=np.random.default_rng(seed))
    draws = bs.apply(lambda x, y: (lambda m: (m - m[:, [b]]).ravel())(_measure_matrix(x, y, alpha)), reps)
    a = (1 - level) / 2
    lo, hi = np.quantile(draws, [a, 1 - a], axis=0)
    r = (1 - (level if row_level is None else row_level)) / 2
    lo_row, hi_row = np.quantile(draws, [r, 1 - r], axis=0)
    rows = []
    for i, m in enumerate(MEASURES):
        for j, name in enumerate(names):
            diff = point[i, j] - point[i, b]
            sign = 1.0 if MEASURES[m] == "higher" else -1.0
            improvement = sign * diff / abs(point[i, b]) if point[i, b] != 0 else math.nan
            rows.append({"strategy": name, "measure": m, "value": point[i, j], "baseline": point[i, b],
                         "diff": diff, "lo": lo[i * len(names) + j], "hi": hi[i * len(names) + j],
                         "improvement": improvement, "less_risk": bool(sign * diff > 0), "n": len(final)})
            if row_level is not None:
                rows[-1].update(lo_row=lo_row[i * len(names) + j], hi_row=hi_row[i * len(names) + j])
    return pd.DataFrame(rows).set_index(["strategy", "measure"])


def compare_to_matched(paths: FloatArray, final: pd.DataFrame, mdd: pd.DataFrame, strategies: Sequence[str],
                       baseline: str = "lump_sum", block: int = 1, reps: int = 500, seed: int = 0,
                       alpha: float = 0.05, level: float = 0.95, row_level: float | None = None) -> pd.DataFrame:
    """Each strategy against the exposure-matched lump sum with the same mean return, with block-bootstrap intervals.

    A staged entry holds cash while it buys, so against the full lump sum it shows lower risk
    simply because less is invested on average. The fair benchmark puts the same mean exposure into
    the asset at once: :func:`static_mix_values` with :func:`matched_weight`. Less risk than *that*
    is a benefit of staging itself. For SD and CVaR the comparison is the same as comparing risk
    per unit of mean return with the full lump sum, because the mix scales the lump sum's mean, SD
    and CVaR by the same weight.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        The relative price paths behind ``final`` and ``mdd``.
    final, mdd : DataFrame
        :func:`strategy_outcomes` on ``paths`` (must include ``baseline``).
    strategies : sequence of str
        Columns compared, each with its own matched weight.
    baseline : str
        The full lump sum column (the weight is matched to its mean).
    block, reps, seed, alpha, level, row_level
        As in :func:`compare_to_baseline` (strategy ``i`` uses seed ``seed + i``).

    Returns
    -------
    DataFrame
        The rows of :func:`compare_to_baseline` (``baseline`` = the matched mix's value) for each
        strategy, plus ``weight`` (the matched asset weight). The weight is fixed at its full-sample
        value; the interval of the ``mean`` difference shows how well the match holds in resamples.
    """
    parts = []
    for i, name in enumerate(strategies):
        w = matched_weight(final, name, baseline)
        mix = static_mix_values(paths, w)
        f = pd.DataFrame({name: final[name].to_numpy(float), "matched": final_returns(mix)}, index=final.index)
        d = pd.DataFrame({name: mdd[name].to_numpy(float), "matched": max_drawdowns(mix)}, index=final.index)
        table = compare_to_baseline(f, d, "matched", block, reps, seed + i, alpha, level, row_level).loc[[name]]
        parts.append(table.assign(weight=w))
    return pd.concat(parts)


def relative_interval(table: pd.DataFrame) -> pd.DataFrame:
    """The interval of each row's ``diff`` as a relative improvement, in the sign convention of ``improvement``.

    Parameters
    ----------
    table : DataFrame
        :func:`compare_to_baseline` or :func:`compare_to_matched` (index level ``measure``; columns
        ``lo``, ``hi``, ``baseline``).

    Returns
    -------
    DataFrame
        ``imp_lo`` and ``imp_hi``: the interval of the relative change, positive = less risk or more
        return (e.g. ``imp_hi = 0.02``: at most 2% less risk is consistent with the data); when the
        table has ``lo_row`` and ``hi_row`` (``row_level`` of :func:`compare_to_baseline`), also
        ``imp_lo_row`` and ``imp_hi_row``.
    """
    sign = np.where(table.index.get_level_values("measure").map(lambda m: MEASURES[m] == "higher"), 1.0, -1.0)
    scale = table["baseline"].abs().to_numpy(float)
    out = {}
    for lo, hi, suffix in (("lo", "hi", ""), ("lo_row", "hi_row", "_row")):
        if lo in table.columns:
            a, b = sign * table[lo].to_numpy(float) / scale, sign * table[hi].to_numpy(float) / scale
            out[f"imp_lo{suffix}"], out[f"imp_hi{suffix}"] = np.minimum(a, b), np.maximum(a, b)
    return pd.DataFrame(out, index=table.index)


def share_beating(final: pd.DataFrame, strategy: str, baseline: str) -> float:
    """Share of start days (or paths) on which ``strategy`` ended above ``baseline``."""
    return float((final[strategy] > final[baseline]).mean())


def upside_capture(final: pd.DataFrame, strategy: str, baseline: str, q: float = 0.9) -> float:
    """Share of the baseline's upper-tail gain that ``strategy`` kept.

    On the paths where the baseline's final return is at or above its ``q`` quantile,
    :math:`\\sum \\text{strategy} / \\sum \\text{baseline}` of the final simple returns: 1 keeps
    all of the best outcomes' gain, 0.4 keeps 40%.
    """
    top = final[baseline] >= final[baseline].quantile(q)
    return float(final.loc[top, strategy].sum() / final.loc[top, baseline].sum())


def gains_given_back(paths: FloatArray, final: FloatArray, gain: float = 0.2) -> float:
    """Share of the paths that were up at least ``gain`` at some close yet ended with a loss.

    ``final`` is a strategy's final return on the same paths: the share measures how often a
    gain on paper turned into a loss on exit, i.e. how well the strategy *locks* gains.
    """
    reached = np.max(paths, axis=1) >= 1 + gain
    if not reached.any():
        return math.nan
    return float(np.mean(final[reached] < 0))


def locked_gains_table(paths: FloatArray, final: pd.DataFrame, gain: float = 0.2) -> pd.Series:
    """:func:`gains_given_back` for each strategy column of ``final``."""
    return pd.Series({c: gains_given_back(paths, final[c].to_numpy(float), gain) for c in final.columns},
                     name=f"share_up_{round(100 * gain)}pct_then_loss")


def _interval(data: FloatArray, func: Callable[[FloatArray], float], block: int, reps: int, seed: int,
              level: float) -> tuple[float, float, float]:
    """Estimate and stationary-bootstrap percentile interval of ``func`` of the rows of ``data``."""
    bs = StationaryBootstrap(max(1, min(block, len(data))), data, seed=np.random.default_rng(seed))
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = bs.apply(lambda x: np.array([func(x)]), reps).ravel()
    draws = draws[np.isfinite(draws)]
    a = (1 - level) / 2
    lo, hi = np.quantile(draws, [a, 1 - a]) if draws.size else (math.nan, math.nan)
    return float(func(data)), float(lo), float(hi)


def locked_gain_difference(paths: FloatArray, final: pd.DataFrame, strategy: str, baseline: str, gain: float = 0.2,
                           block: int = 1, reps: int = 500, seed: int = 0,
                           level: float = 0.95) -> tuple[float, float, float]:
    """Difference (strategy minus baseline) in the share of paths up ``gain`` at some close that ended with a loss.

    Parameters
    ----------
    paths : ndarray
        The relative price paths behind ``final``.
    final : DataFrame
        Final returns per strategy (:func:`strategy_outcomes`).
    strategy, baseline : str
        Columns of ``final``.
    gain : float
        Paper gain that counts as "a gain to lock".
    block : int
        Mean block length over rows: about ``H`` for overlapping historical windows, 1 for
        independent simulated paths.
    reps, seed, level
        Bootstrap replications, seed and coverage.

    Returns
    -------
    (estimate, lo, hi)
        Negative: the strategy turned paper gains into losses less often.
    """
    reached = (np.max(paths, axis=1) >= 1 + gain).astype(float)
    data = np.column_stack([reached, final[strategy].to_numpy(float) < 0, final[baseline].to_numpy(float) < 0])

    def diff(x: FloatArray) -> float:
        r = x[:, 0] > 0.5
        return float(x[r, 1].mean() - x[r, 2].mean()) if r.any() else math.nan

    return _interval(data, diff, block, reps, seed, level)


def capture_interval(final: pd.DataFrame, strategy: str, baseline: str, q: float = 0.9, block: int = 1,
                     reps: int = 500, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """:func:`upside_capture` with a stationary-bootstrap interval over rows (block as in :func:`locked_gain_difference`)."""
    data = final[[strategy, baseline]].to_numpy(float)

    def cap(x: FloatArray) -> float:
        top = x[:, 1] >= np.quantile(x[:, 1], q)
        return float(x[top, 0].sum() / x[top, 1].sum())

    return _interval(data, cap, block, reps, seed, level)


def lock_and_capture(paths: FloatArray, final: pd.DataFrame, baseline: str, gain: float = 0.2, q: float = 0.9,
                     block: int = 1, reps: int = 500, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Gain locking and upside capture of every strategy against ``baseline``, with intervals at coverage ``level``.

    Returns
    -------
    DataFrame
        Rows strategies; ``up_then_loss`` (:func:`gains_given_back`), ``diff``, ``lo``, ``hi``
        (:func:`locked_gain_difference`), ``capture``, ``capture_lo``, ``capture_hi``
        (:func:`capture_interval`), ``n_reached`` (paths up ``gain`` at some close) and ``n``.
    """
    rows = {}
    n_reached = int(np.sum(np.max(paths, axis=1) >= 1 + gain))
    for i, name in enumerate(final.columns):
        d = locked_gain_difference(paths, final, name, baseline, gain, block, reps, seed + i, level)
        c = capture_interval(final, name, baseline, q, block, reps, seed + i, level)
        rows[name] = {"up_then_loss": gains_given_back(paths, final[name].to_numpy(float), gain), "diff": d[0],
                      "lo": d[1], "hi": d[2], "capture": c[0], "capture_lo": c[1], "capture_hi": c[2],
                      "n_reached": n_reached, "n": len(final)}
    return pd.DataFrame.from_dict(rows, orient="index").astype({"n_reached": int, "n": int})


def trend_flag(prices: pd.Series, days: int = 200) -> pd.Series:
    """True where the close is above its trailing ``days``-day mean (an up-trend known on the day)."""
    cal = ev.calendar_daily(prices)
    return (cal > cal.rolling(days).mean()).where(cal.rolling(days).mean().notna())


def conditional_difference(final: pd.DataFrame, strategies: Sequence[str], baseline: str,
                           condition: pd.Series, labels: tuple[str, str] = ("up-trend", "down-trend")) -> pd.DataFrame:
    """Mean final-return difference from ``baseline`` and share of wins, split by a start-day condition.

    Returns
    -------
    DataFrame
        Rows (strategy, condition label): ``mean_diff``, ``share_beating`` and ``n`` start days.
    """
    cond = condition.reindex(final.index)
    rows = []
    for name in strategies:
        d = final[name] - final[baseline]
        for flag, label in ((True, labels[0]), (False, labels[1])):
            m = (cond == flag).to_numpy()
            rows.append({"strategy": name, "condition": label, "mean_diff": float(d[m].mean()),
                         "share_beating": float((d[m] > 0).mean()), "n": int(m.sum())})
    return pd.DataFrame(rows).set_index(["strategy", "condition"])


# ---------------------------------------------------------------------------------------------
# realised outcome after a date
# ---------------------------------------------------------------------------------------------


def realised_after(prices: pd.Series, date: DateLike, levels: Sequence[float],
                   end: DateLike | None = None) -> dict[str, object]:
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
    dict
        ``close_at_date``, ``max``, ``max_date``, ``min``, ``min_date``, ``last_date``,
        ``n_days``, and for each level ``first_touch_<level>`` (a Timestamp or None) and
        ``days_at_or_above_<level>``.
    """
    t0 = pd.Timestamp(date)
    after = prices.loc[t0 + pd.Timedelta(days=1):pd.Timestamp(end) if end is not None else None].dropna()
    if after.empty:
        raise ValueError(f"no close after {t0:%Y-%m-%d}")
    out: dict[str, object] = {"close_at_date": float(prices.loc[t0]), "max": float(after.max()),
                              "max_date": after.idxmax(), "min": float(after.min()), "min_date": after.idxmin(),
                              "last_date": after.index[-1], "n_days": len(after)}
    for lv in levels:
        hit = after[after >= lv]
        out[f"first_touch_{lv:g}"] = hit.index[0] if len(hit) else None
        out[f"days_at_or_above_{lv:g}"] = len(hit)
    return out


def days_in_range(prices: pd.Series, date: DateLike, low: float, high: float) -> int:
    """Number of closes strictly after ``date`` inside ``[low, high]``."""
    after = prices.loc[pd.Timestamp(date) + pd.Timedelta(days=1):]
    return int(((after >= low) & (after <= high)).sum())


# ---------------------------------------------------------------------------------------------
# risks to the thesis (C20)
# ---------------------------------------------------------------------------------------------


def cluster_events(dates: Sequence[DateLike], min_gap_days: int) -> list[pd.Timestamp]:
    """Keep the first of each group of events closer than ``min_gap_days`` to the previous kept one.

    Events days apart (the two SEC suits of June 2023) share their windows; counting them twice
    would overstate N.
    """
    kept: list[pd.Timestamp] = []
    for d in sorted(pd.Timestamp(x).normalize() for x in dates):
        if not kept or (d - kept[-1]).days >= min_gap_days:
            kept.append(d)
    return kept


def episodes(flag: pd.Series, gap_days: int = 0) -> int:
    """Number of independent stress episodes in a daily boolean series (not stress days).

    Parameters
    ----------
    flag : pd.Series
        Daily flag (missing = not flagged), one row per calendar day.
    gap_days : int
        Runs of True separated by fewer than this many unflagged days count as one episode (a
        cluster): runs a few days apart share most of the spread change behind the flag, so they
        are one event, not several. ``0`` counts every run.

    Returns
    -------
    int
        Clusters of runs; with ``gap_days = 0`` the number of runs.
    """
    if gap_days < 0:
        raise ValueError(f"episodes: gap_days must be >= 0, got {gap_days}")
    f = flag.fillna(False).astype(bool).to_numpy()
    on = np.flatnonzero(f)
    if on.size == 0:
        return 0
    gaps = np.diff(on) - 1  # unflagged days between consecutive flagged days
    return int(1 + np.sum(gaps >= max(gap_days, 1)))


def stress_flags(vix: pd.Series, hy_spread: pd.Series, vix_threshold: float = 30.0,
                 widening_pp: float = 1.0, window: int = 30, lag_days: int = 1) -> pd.DataFrame:
    """Daily stress indicators on a calendar grid, each as known at the day's crypto close.

    Parameters
    ----------
    vix : pd.Series
        VIXCLS (business-daily close, 16:15 New York time, before the 00:00 UTC crypto close).
    hy_spread : pd.Series
        BAMLH0A0HYM2 in percent.
    vix_threshold : float
        ``vix_high`` when the last VIX close is above it.
    widening_pp : float
        ``hy_widening`` when the spread rose by at least this many percentage points over the
        last ``window`` calendar days.
    window : int
        Calendar days of the spread change.
    lag_days : int
        Days by which the spread is lagged (ICE's index is published the next morning).

    Returns
    -------
    DataFrame
        Calendar-daily ``vix``, ``hy``, ``hy_change``, ``vix_high`` (on the day),
        ``vix_high_window`` (on some day of the last ``window`` days) and ``hy_widening``;
        missing before the data start.
    """
    v = ev.calendar_daily(vix)
    h = ev.calendar_daily(hy_spread).shift(lag_days)
    frame = pd.concat({"vix": v, "hy": h}, axis=1)
    frame["hy_change"] = frame["hy"] - frame["hy"].shift(window)
    frame["vix_high"] = (frame["vix"] > vix_threshold).where(frame["vix"].notna())
    frame["vix_high_window"] = (frame["vix"].rolling(window, min_periods=1).max() > vix_threshold).where(
        frame["vix"].notna())
    frame["hy_widening"] = (frame["hy_change"] >= widening_pp).where(frame["hy_change"].notna())
    return frame


#: The stress comparisons of :func:`stress_returns`: (label, flag column, timing).
STRESS_SPECS: tuple[tuple[str, str, str], ...] = (
    ("VIX above threshold during the window", "vix_high_window", "during"),
    ("HY spread widening over the window", "hy_widening", "during"),
    ("VIX above threshold on the start day", "vix_high", "after"),
    ("HY spread widening into the start day", "hy_widening", "after"),
)


def stress_returns(prices: pd.Series, flags: pd.DataFrame, window: int = 30, horizon: int = 90,
                   start: DateLike | None = None, reps: int = 1000, seed: int = 0, level: float = 0.95,
                   episode_gap: int = 0) -> pd.DataFrame:
    """BTC log returns in stress against calm, both *during* stress and *after* it.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    flags : DataFrame
        :func:`stress_flags` (same ``window``).
    window : int
        ``during``: the log return over the last ``window`` days, split by the flag at its end.
    horizon : int
        ``after``: the log return over the next ``horizon`` days, split by the flag on the start day.
    start : date, optional
        First day used.
    reps, seed : int
        Stationary bootstrap of each difference, mean block = the return's length in days.
    level : float
        Coverage of the intervals (``1 - alpha / m`` for a Bonferroni interval over ``m`` tests;
        with the same seed the resamples are the same at every coverage).
    episode_gap : int
        Stress runs separated by fewer than this many calm days count as one episode
        (:func:`episodes`).

    Returns
    -------
    DataFrame
        One row per :data:`STRESS_SPECS`: ``timing``, ``days`` (return length), ``mean_stress``,
        ``mean_calm``, ``diff``, ``lo``, ``hi``, ``p_hac``, ``n_stress`` (days), ``runs`` (separate
        stress runs) and ``episodes`` (clusters of runs, the honest N).
    """
    lv = np.log(ev.calendar_daily(prices))
    series = {"during": lv - lv.shift(window), "after": lv.shift(-horizon) - lv}
    rows = []
    for i, (label, col, timing) in enumerate(STRESS_SPECS):
        ret = series[timing].dropna()
        if start is not None:
            ret = ret.loc[pd.Timestamp(start):]
        flag = flags[col].reindex(ret.index)
        comp = st.regime_forward_returns(ret, regime_labels(flag, "stress", "calm"), ("stress", "calm"), reps,
                                         window if timing == "during" else horizon, seed + i, level=level)
        rows.append({"comparison": label, "timing": timing, "days": window if timing == "during" else horizon,
                     "mean_stress": comp.table.loc["stress", "mean"], "mean_calm": comp.table.loc["calm", "mean"],
                     "diff": comp.diff, "lo": comp.lo, "hi": comp.hi, "p_hac": comp.p_hac,
                     "n_stress": int(comp.table.loc["stress", "n"]), "runs": episodes(flag.loc[ret.index] == 1),
                     "episodes": episodes(flag.loc[ret.index] == 1, episode_gap)})
    return pd.DataFrame(rows).set_index("comparison")


def regime_labels(flag: pd.Series, on: str, off: str) -> pd.Series:
    """Boolean flag as labels (``on`` / ``off``), missing where the flag is missing."""
    known = flag.notna()
    out = pd.Series(np.where(flag.where(known, False).astype(bool), on, off), index=flag.index, dtype=object)
    return out.where(known)


def monthly_log_returns(values: pd.Series) -> pd.Series:
    """Calendar-month log returns from the last observation of each month (monthly PeriodIndex)."""
    m = st.month_end_values(values, "last_obs")
    return st.log_returns(m).dropna()


def recession_comparison(values: pd.Series, usrec: pd.Series, start: DateLike | None = None, reps: int = 1000,
                         block: int = 12, seed: int = 0) -> st.RegimeComparison:
    """Monthly log returns in NBER recession months against expansion months.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    usrec : pd.Series
        FRED USREC (1 = recession month), labelled on the first of the month.
    start : date, optional
        First month used.
    reps, block, seed : int
        Stationary bootstrap of the difference (block in months: recessions last months).

    Returns
    -------
    helpers.stats.RegimeComparison
        ``diff`` = mean(recession) - mean(expansion).
    """
    r = monthly_log_returns(values)
    rec = usrec.copy()
    rec.index = pd.DatetimeIndex(rec.index).to_period("M")
    lab = regime_labels(rec.reindex(r.index) == 1, "recession", "expansion").where(rec.reindex(r.index).notna())
    if start is not None:
        r, lab = r.loc[pd.Period(pd.Timestamp(start), "M"):], lab.loc[pd.Period(pd.Timestamp(start), "M"):]
    return st.regime_forward_returns(r, lab, ("recession", "expansion"), reps, block, seed)


def recession_table(assets: Mapping[str, pd.Series], usrec: pd.Series, reps: int = 1000, block: int = 12,
                    seed: int = 0) -> pd.DataFrame:
    """:func:`recession_comparison` for several assets: one row each.

    Returns
    -------
    DataFrame
        ``first_month``, ``n_recession``, ``n_expansion`` (months), ``mean_recession``,
        ``mean_expansion`` (monthly log returns), ``diff``, ``lo``, ``hi``, ``recessions``
        (separate NBER recessions covered).
    """
    rows = {}
    for i, (name, values) in enumerate(assets.items()):
        c = recession_comparison(values, usrec, None, reps, block, seed + i)
        first = monthly_log_returns(values).index[0]
        rec = usrec.loc[first.to_timestamp():]
        rows[name] = {"first_month": str(first), "n_recession": int(c.table.loc["recession", "n"]),
                      "n_expansion": int(c.table.loc["expansion", "n"]),
                      "mean_recession": c.table.loc["recession", "mean"], "mean_expansion": c.table.loc["expansion", "mean"],
                      "diff": c.diff, "lo": c.lo, "hi": c.hi, "recessions": episodes(rec == 1)}
    return pd.DataFrame.from_dict(rows, orient="index")


def event_reactions(prices: pd.Series, groups: Mapping[str, Sequence[DateLike]], horizons: Sequence[int],
                    draws: int = 5000, seed: int = 0, start: DateLike | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """Mean log return from the close before each event to ``h`` days after it, against random days.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    groups : mapping of name to dates
        Event dates (UTC day of the news) per group; the window starts at the close of the day
        before (00:00 UTC of the event day), so the event day's move is inside it.
    horizons : sequence of int
        Days after the event day.
    draws, seed : int
        Random-date placebo draws (:func:`helpers.events.placebo_test`).
    start : date, optional
        First start day of the random-day pool.
    level : float
        Coverage of the interval of the effect (:func:`helpers.events.effect_interval`).

    Returns
    -------
    DataFrame
        One row per (group, horizon): ``n_events``, ``event_mean``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper``, ``p_lower`` (one-sided: the share of random-date
        means at or below the events' mean, i.e. "worse than random days"), ``p_holm`` (Holm
        over all rows), ``effect`` (event minus placebo mean), ``effect_lo`` and ``effect_hi``.
    """
    rows = []
    for i, (name, dates) in enumerate(groups.items()):
        before = [pd.Timestamp(d) - pd.Timedelta(days=1) for d in dates]
        for h in horizons:
            res = ev.placebo_test(prices, before, h + 1, draws, seed + i, start)
            tie = 1e-12 * max(1.0, abs(res.event_mean))
            p_lower = (1 + int(np.sum(res.draws <= res.event_mean + tie))) / (draws + 1)
            effect, lo, hi = ev.effect_interval(res, level)
            rows.append({"group": name, "horizon": h, "n_events": res.n_events, "event_mean": res.event_mean,
                         "placebo_mean": res.placebo_mean, "placebo_lower": res.placebo_lower,
                         "placebo_upper": res.placebo_upper, "p_lower": p_lower, "effect": effect,
                         "effect_lo": lo, "effect_hi": hi})
    table = pd.DataFrame(rows).set_index(["group", "horizon"])
    table["p_holm"] = st.adjust_pvalues(table["p_lower"], "holm")
    return table[["n_events", "event_mean", "placebo_mean", "placebo_lower", "placebo_upper", "p_lower", "p_holm",
                  "effect", "effect_lo", "effect_hi"]]


def event_returns(prices: pd.Series, dates: Sequence[DateLike], horizons: Sequence[int]) -> pd.DataFrame:
    """Each event's log return from the close before the event day to ``h`` days after it (columns ``h``)."""
    out = {h: [ev.change_after(prices, pd.Timestamp(d) - pd.Timedelta(days=1), h + 1) for d in dates]
           for h in horizons}
    return pd.DataFrame(out, index=pd.DatetimeIndex([pd.Timestamp(d) for d in dates], name="date"))


def runup_after_all_days(prices: pd.Series, days: int = 90, start: DateLike | None = None) -> pd.DataFrame:
    """For every day since ``start``: the log return over the previous and over the next ``days`` days."""
    lv = np.log(ev.calendar_daily(prices))
    allday = pd.DataFrame({"runup": lv - lv.shift(days), "after": lv.shift(-days) - lv}).dropna()
    return allday.loc[pd.Timestamp(start):] if start is not None else allday


def runup_reversal(prices: pd.Series, pivots: Sequence[DateLike], days: int = 90,
                   start: DateLike | None = None) -> tuple[pd.DataFrame, dict[str, float]]:
    """"Sell the news": the run-up into each pivot against the return after it, with a random-day base rate.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    pivots : sequence of dates
        Event days (cluster them first, :func:`cluster_events`).
    days : int
        Length of the run-up (days -``days``..0) and of the aftermath (0..+``days``).
    start : date, optional
        First day of the random-day sample.

    Returns
    -------
    table : DataFrame
        Per pivot: ``runup``, ``after`` (log returns) and ``sell_the_news`` (run-up > 0 and
        after < 0); pivots whose aftermath is not complete are dropped.
    summary : dict
        ``n``, ``k`` (pivots with the pattern), ``base_rate`` (share of all days since ``start``
        with the pattern), ``n_days`` (those days), ``p_binom`` (one-sided binomial test of ``k`` out of ``n`` against
        the base rate, ignoring the dependence of neighbouring days), ``corr_pivots`` and
        ``corr_all_days`` (correlation of run-up and aftermath).
    """
    table = pd.DataFrame({"runup": ev.runups(prices, pivots, days),
                          "after": ev.horizon_changes(prices, pivots, [days])[days]}).dropna()
    table["sell_the_news"] = (table["runup"] > 0) & (table["after"] < 0)
    allday = runup_after_all_days(prices, days, start)
    base = float(((allday["runup"] > 0) & (allday["after"] < 0)).mean())
    n, k = len(table), int(table["sell_the_news"].sum())
    p = float(sps.binomtest(k, n, base, alternative="greater").pvalue) if n else math.nan
    corr_p = float(table["runup"].corr(table["after"])) if n > 2 else math.nan
    return table, {"n": n, "k": k, "base_rate": base, "n_days": len(allday), "p_binom": p, "corr_pivots": corr_p,
                   "corr_all_days": float(allday["runup"].corr(allday["after"]))}


# ---------------------------------------------------------------------------------------------
# the four risks of C20, probabilities over samples, key fragments
# ---------------------------------------------------------------------------------------------


def min_touch_probability(touch: pd.DataFrame, level: float, horizon: int) -> float:
    """Smallest ex-ante probability of touching ``level`` within ``horizon`` days over the samples of :func:`touch_table`."""
    return float(touch[(level, horizon)].min())


def one_sided_p(p_two_sided: float, effect: float) -> float:
    """One-sided p-value for ``effect < 0`` (harm) from a two-sided p-value of a symmetric test."""
    return p_two_sided / 2 if effect < 0 else 1 - p_two_sided / 2


def risk_table(stress: pd.DataFrame, reactions: pd.DataFrame, sell_news: Mapping[str, float], horizon: int,
               alpha: float = 0.05, meaningful: float = 0.10, rate_ratio: float = 2.0,
               level: float | None = None, credit_timing: str = "after") -> pd.DataFrame:
    """The four risks of the claim, each with its effect on *forward* returns, a corrected interval, test and N.

    Parameters
    ----------
    stress : DataFrame
        :func:`stress_returns`; its row "HY spread widening into the start day" (the return over
        the next days *after* the spreads widened) stands for recession risk. The "during" rows
        describe what happened while spreads widened, which no investor could act on.
    reactions : DataFrame
        :func:`event_reactions` with groups ``geopolitical (adverse)`` and ``regulation (adverse)``
        and the columns ``effect_lo``, ``effect_hi`` at coverage ``level`` (its own ``p_holm``
        covers the whole table; only the one-sided ``p_lower`` is used here).
    sell_news : mapping
        Summary of :func:`runup_reversal`.
    horizon : int
        Event horizon judged (days).
    alpha : float
        Family-wise level of the four tests.
    meaningful : float
        A meaningful harm for the log-return items (credit stress and events): a loss of this
        size relative to calm or random days.
    rate_ratio : float
        A meaningful "sell the news" effect: the pattern this many times as frequent at the turns
        as on ordinary days (2: twice as frequent).
    level : float, optional
        Coverage of the intervals; default ``1 - alpha / 4`` (Bonferroni over the four risks).
        ``stress`` and ``reactions`` must have been computed at the same coverage.
    credit_timing : {"after", "during"}
        Which credit-stress row stands for recession risk: ``"after"`` (the primary, forward
        returns after the spreads widened) or ``"during"`` (the declared alternative, the return
        over the window in which they widened).

    Returns
    -------
    DataFrame
        Rows :data:`RISK_ITEMS`; columns ``effect`` (negative = harm; a log-return difference, or for
        "sell the news" minus the excess of the pattern's rate over the base rate), ``lo``,
        ``hi`` (interval of the effect: block bootstrap, inverted placebo, or Clopper-Pearson),
        ``meaningful`` (in the row's units), ``p`` (one-sided, for harm), ``p_holm`` (Holm over the
        four rows), ``significant`` and ``n`` (independent events or episodes).
    """
    level = 1 - alpha / len(RISK_ITEMS) if level is None else level
    if credit_timing not in ("after", "during"):
        raise ValueError(f"risk_table: credit_timing must be 'after' or 'during', got {credit_timing!r}")
    hy = stress.loc[STRESS_SPECS[3 if credit_timing == "after" else 1][0]]
    rows = {RISK_ITEMS[0]: (hy["diff"], hy["lo"], hy["hi"], meaningful, one_sided_p(hy["p_hac"], hy["diff"]),
                            int(hy["episodes"]))}
    for label, group in ((RISK_ITEMS[1], "geopolitical (adverse)"), (RISK_ITEMS[2], "regulation (adverse)")):
        r = reactions.loc[(group, horizon)]
        rows[label] = (r["effect"], r["effect_lo"], r["effect_hi"], meaningful, r["p_lower"], int(r["n_events"]))
    n, k, base = int(sell_news["n"]), int(sell_news["k"]), float(sell_news["base_rate"])
    if n:
        ci = sps.binomtest(k, n, base).proportion_ci(level, method="exact")
        rows[RISK_ITEMS[3]] = (-(k / n - base), -(ci.high - base), -(ci.low - base), (rate_ratio - 1) * base,
                               sell_news["p_binom"], n)
    else:
        rows[RISK_ITEMS[3]] = (math.nan, math.nan, math.nan, (rate_ratio - 1) * base, math.nan, 0)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["effect", "lo", "hi", "meaningful", "p", "n"])
    out["p_holm"] = st.adjust_pvalues(out["p"], "holm")
    out["significant"] = out["p_holm"] < alpha
    out = out[["effect", "lo", "hi", "meaningful", "p", "p_holm", "significant", "n"]].copy()
    out.attrs["level"] = level
    return out


def slug(text: str) -> str:
    """A snake_case key fragment from a label (``"since 2020, zero drift"`` -> ``since_2020_zero_drift``)."""
    out = "".join(c.lower() if c.isalnum() else "_" for c in text)
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")
