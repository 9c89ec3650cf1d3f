"""Spans of days such as tightening cycles: the return gap inside them, and their deepest falls against random windows.

A cycle is a ``(first day, last day)`` span (e.g. a hiking cycle from the first to the last hike).
:func:`cycle_return_gap` compares the mean daily log return inside the cycles with the mean outside
(a stationary block bootstrap, since the label persists for years); :func:`cycle_drawdown_placebo`
compares each cycle's maximum drawdown (the convention of :mod:`helpers.methods.risk`: a positive
fraction of the running peak) with windows of the same length from random start days.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The Stationary Bootstrap. *Journal of the American
   Statistical Association*, 89(428), 1303-1313. https://doi.org/10.1080/01621459.1994.10476870
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from helpers.aliases import DateLike
from helpers.methods.eventstudy import calendar_daily, calendar_levels, percentile_in
from helpers.methods.inference import percentile_interval, permutation_p_value
from helpers.methods.regimes import regime_forward_returns
from helpers.methods.risk import max_drawdown

#: A span of days, first and last inclusive.
Cycle: TypeAlias = tuple[DateLike, DateLike]


def _cycle_mask(index: pd.DatetimeIndex, cycles: Sequence[Cycle]) -> np.ndarray:
    """True on the days inside any ``(first, last)`` cycle (inclusive)."""
    mask = np.zeros(index.size, dtype=bool)
    for a, b in cycles:
        mask |= (index >= pd.Timestamp(a)) & (index <= pd.Timestamp(b))
    return mask


@dataclass(frozen=True)
class CycleReturnGap:
    """Annualised mean log return inside the cycles minus outside, with its block-bootstrap interval.

    Attributes
    ----------
    diff : float
        Inside minus outside, log return per 365 days.
    lo, hi : float
        Percentile interval of ``diff`` at the requested level.
    mean_in, mean_out : float
        Annualised mean daily log return inside and outside the cycles.
    days_in, days_out : int
        Days of the sample inside and outside.
    cycles : int
        Cycles that overlap the sample.
    """

    diff: float
    lo: float
    hi: float
    mean_in: float
    mean_out: float
    days_in: int
    days_out: int
    cycles: int

    def as_series(self) -> pd.Series:
        """The fields as a Series, for a notebook table."""
        return pd.Series({"diff": self.diff, "lo": self.lo, "hi": self.hi, "mean_in": self.mean_in,
                          "mean_out": self.mean_out, "days_in": self.days_in, "days_out": self.days_out,
                          "cycles": self.cycles})


def cycle_return_gap(values: pd.Series, cycles: Sequence[Cycle], start: DateLike | None = None,
                     reps: int = 1000, block: int = 365, seed: int = 0, level: float = 0.95) -> CycleReturnGap:
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
        Stationary bootstrap of the difference (:func:`helpers.methods.regimes.regime_forward_returns`):
        the label is persistent over years, so the mean block should be long (a year).

    Returns
    -------
    CycleReturnGap
    """
    r = calendar_levels(values, "log").diff().dropna() * 365.0
    if start is not None:
        r = r.loc[pd.Timestamp(start):]
    inside = _cycle_mask(pd.DatetimeIndex(r.index), cycles)
    labels = pd.Series(np.where(inside, "in", "out"), index=r.index)
    comp = regime_forward_returns(r, labels, ("in", "out"), reps, block, seed, level=level)
    n_cycles = sum(1 for a, b in cycles if pd.Timestamp(b) >= r.index[0] and pd.Timestamp(a) <= r.index[-1])
    return CycleReturnGap(comp.diff, comp.lo, comp.hi, float(comp.table.loc["in", "mean"]),
                          float(comp.table.loc["out", "mean"]), int(inside.sum()), int((~inside).sum()), n_cycles)


def window_drawdowns(values: pd.Series, length: int, start: DateLike | None = None) -> pd.Series:
    """Maximum drawdown (a fraction, 0.6 = -60%) of every window of ``length`` calendar days from ``start``.

    The drawdown is :func:`helpers.methods.risk.max_drawdown` of the window's closes; the Series is
    indexed by the window's first day.
    """
    if length < 2:
        raise ValueError(f"length must be at least 2 days, got {length}")
    cal = calendar_daily(values)
    if start is not None:
        cal = cal.loc[pd.Timestamp(start):]
    x = cal.to_numpy()
    n = x.size - length + 1
    if n < 1:
        raise ValueError(f"a {length}-day window does not fit in {x.size} days")
    out = np.array([max_drawdown(x[i:i + length]) for i in range(n)], dtype=float)
    return pd.Series(out, index=cal.index[:n], name=f"mdd_{length}d")


@dataclass(frozen=True)
class CycleDrawdowns:
    """The deepest fall inside each cycle against same-length windows from random start days.

    Attributes
    ----------
    table : pd.DataFrame
        One row per cycle (``first to last``): ``days``, ``mdd`` (maximum drawdown inside the
        cycle), ``random_mean`` (mean over all same-length windows), ``excess`` and ``percentile``
        (share of same-length windows with a drawdown at or below the cycle's, in percent).
    effect : float
        Mean excess over the cycles.
    lo, hi : float
        Interval of ``effect`` at ``level`` (the placebo inverted under a location shift).
    p_value : float
        One-sided placebo p-value of "cycles fall deeper than random windows".
    n : int
        Cycles.
    level : float
        Coverage of ``lo`` to ``hi``.
    """

    table: pd.DataFrame
    effect: float
    lo: float
    hi: float
    p_value: float
    n: int
    level: float


def cycle_drawdown_placebo(values: pd.Series, cycles: Sequence[Cycle], start: DateLike | None = None,
                           draws: int = 5000, seed: int = 0, level: float = 0.95) -> CycleDrawdowns:
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
    CycleDrawdowns
        The per-cycle table, the mean excess with its interval, the one-sided placebo p-value
        (:func:`helpers.methods.inference.permutation_p_value`) and the number of cycles.
    """
    rng = np.random.default_rng(seed)
    cal = calendar_daily(values)
    rows, pools = [], []
    for a, b in cycles:
        seg = cal.loc[pd.Timestamp(a):pd.Timestamp(b)]
        if seg.empty:
            raise ValueError(f"cycle {a}..{b} lies outside the data")
        mdd = float(max_drawdown(seg.to_numpy()))
        pool = window_drawdowns(values, len(seg), start).to_numpy()
        pools.append(pool - pool.mean())
        rows.append({"cycle": f"{pd.Timestamp(a):%Y-%m-%d} to {pd.Timestamp(b):%Y-%m-%d}", "days": len(seg),
                     "mdd": mdd, "random_mean": float(pool.mean()), "excess": mdd - float(pool.mean()),
                     "percentile": percentile_in(mdd, pool)})
    table = pd.DataFrame(rows).set_index("cycle")
    means = np.mean([pool[rng.integers(0, pool.size, size=draws)] for pool in pools], axis=0)
    effect = float(table["excess"].mean())
    q_lo, q_hi = percentile_interval(means, level)
    return CycleDrawdowns(table, effect, effect - q_hi, effect - q_lo, permutation_p_value(effect, means, "greater"),
                          len(table), level)
