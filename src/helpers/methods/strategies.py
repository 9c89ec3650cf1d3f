"""Investment strategies as value paths: lump sum, staged entry, exposure-matched mix, take-profit ladder, stops.

Each strategy maps a matrix of relative price paths (:mod:`helpers.methods.simulation`: one row per
path, column ``k`` = day ``k``, column 0 equal to 1) to a matrix of portfolio values (start value 1,
cash earns nothing, no fees or taxes): lump sum (the path itself), staged entry
(:func:`staged_values`), an exposure-matched lump sum that keeps part of the stake in cash
(:func:`static_mix_values`, :func:`matched_weight`), a take-profit ladder with a trailing stop
(:func:`ladder_values`) and a plain trailing stop (:func:`trailing_stop_values`). Outcomes are the
final simple return and the maximum drawdown of the value path (:func:`strategy_outcomes`, with the
drawdown of :func:`helpers.methods.risk.max_drawdown`); :mod:`helpers.methods.strategy_comparison`
compares them.

References
----------
.. [1] Constantinides, G. M. (1979). A note on the suboptimality of dollar-cost averaging as an
   investment policy. *Journal of Financial and Quantitative Analysis* 14(2), 443-450.
   doi:10.2307/2330513
.. [2] Kaminski, K. M. and Lo, A. W. (2014). When do stop-loss rules stop losses? *Journal of
   Financial Markets* 18, 234-254. doi:10.1016/j.finmar.2013.07.001
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from helpers.aliases import FloatArray, IntArray
from helpers.methods import risk

#: A strategy: relative price paths in, portfolio values out (same shape).
Strategy: TypeAlias = Callable[[FloatArray], FloatArray]
#: Which units a trailing stop covers (:func:`exit_days`).
StopScope: TypeAlias = Literal["rest", "all"]
#: How often a staged entry buys (:func:`entry_offsets`).
Frequency: TypeAlias = Literal["daily", "weekly"]

#: Allowed entry frequencies of :func:`entry_offsets`.
FREQUENCIES: tuple[str, ...] = ("daily", "weekly")


#: Allowed scopes of the trailing stop in :func:`ladder_values`.
STOP_SCOPES: tuple[str, ...] = ("rest", "all")


#: The article's ladder: sell 1/3 at +20%, 1/3 at +50%, trailing stop on the rest.
ARTICLE_RUNGS: tuple[tuple[float, float], ...] = ((0.20, 1 / 3), (0.50, 1 / 3))


def entry_offsets(weeks: int, frequency: Frequency) -> IntArray:
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
        Relative price paths (:func:`~helpers.methods.simulation.start_windows` or :func:`~helpers.methods.simulation.bootstrap_paths`).
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
    if len(parts) != 3 or parts[0] != "staged" or not parts[1].endswith("w") or not parts[1][:-1].isdigit() \
            or parts[2] not in FREQUENCIES:
        raise ValueError(f"staged_offsets: {name!r} is not a name like 'staged_4w_daily'")
    return entry_offsets(int(parts[1][:-1]), cast(Frequency, parts[2]))


def staged_strategies(weeks: Sequence[int], frequencies: Sequence[str]) -> dict[str, Strategy]:
    """``lump_sum`` and one staged entry per (weeks, frequency), named ``staged_<w>w_<frequency>``.

    ``frequencies`` are checked against :data:`FREQUENCIES` (they come from notebook parameters).
    """
    out: dict[str, Strategy] = {"lump_sum": lambda p: p}
    for f in frequencies:
        if f not in FREQUENCIES:
            raise ValueError(f"frequency {f!r} must be one of {FREQUENCIES}")
    for w in weeks:
        for f in frequencies:
            out[f"staged_{w}w_{f}"] = _staged(entry_offsets(w, cast(Frequency, f)))
    return out


def exit_strategies(rungs: Sequence[tuple[float, float]] = ARTICLE_RUNGS, trail: float = 0.25,
                    scope: StopScope = "rest") -> dict[str, Strategy]:
    """``buy_and_hold``, the take-profit ``ladder`` (:func:`ladder_values`) and a plain ``trailing_stop``."""
    pairs = [(float(g), float(f)) for g, f in rungs]
    return {"buy_and_hold": lambda p: p,
            "ladder": lambda p: ladder_values(p, pairs, trail, scope),
            "trailing_stop": lambda p: trailing_stop_values(p, trail)}


def final_returns(values: FloatArray) -> FloatArray:
    """Simple return at the end of each value path, :math:`V_H / V_0 - 1`."""
    return values[:, -1] / values[:, 0] - 1.0


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
        final[name], mdd[name] = final_returns(v), np.asarray(risk.max_drawdown(v), dtype=float)
    return pd.DataFrame(final, index=index), pd.DataFrame(mdd, index=index)
