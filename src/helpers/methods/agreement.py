"""Directional agreement of two series, with the base rates and the circular-shift null that put it in context.

A high share of windows in which two series moved the same way means little when both rose most
of the time: :func:`directional_agreement` reports the base rates and the agreement independent
series with those rates would reach, and :func:`agreement_shift_null` the agreement when one
direction series is rotated against the other (keeping each one's persistence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.methods.inference import percentile_interval, permutation_p_value


@dataclass(frozen=True)
class Agreement:
    """Directional agreement of two series over a window, with the base rates that put it in context.

    Attributes
    ----------
    agreement : float
        Share of dates where both changed in the same direction over the window.
    a_up, b_up : float
        Share of dates where ``a`` (``b``) rose over the window: the base rates.
    expected : float
        Agreement expected if the two directions were independent,
        :math:`p_a p_b + (1-p_a)(1-p_b)`.
    n : int
        Dates compared (overlapping windows: about ``n / window`` independent ones).
    window : int
        Window length in observations.
    frame : DataFrame
        Per date: ``a_up``, ``b_up``, ``agree`` (booleans as floats).
    """

    agreement: float
    a_up: float
    b_up: float
    expected: float
    n: int
    window: int
    frame: pd.DataFrame


def directional_agreement(a: pd.Series, b: pd.Series, window: int) -> Agreement:
    """How often ``a`` and ``b`` moved the same way over rolling windows of ``window`` observations.

    Parameters
    ----------
    a, b : Series
        Levels on a shared index (monthly BTC and M2, say).
    window : int
        Window length (6 or 12 months).

    Returns
    -------
    Agreement

    Notes
    -----
    A high agreement means little on its own when one series rose most of the time: if BTC
    rose over 75% of 12-month windows and M2 over 95%, independent coin flips with those odds
    would agree :math:`0.75 \\cdot 0.95 + 0.25 \\cdot 0.05 = 72.5\\%` of the time.
    """
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    da, db = both["a"].diff(window), both["b"].diff(window)
    frame = pd.DataFrame({"a_up": (da > 0).astype(float), "b_up": (db > 0).astype(float)})[da.notna() & db.notna()]
    frame["agree"] = (frame["a_up"] == frame["b_up"]).astype(float)
    pa, pb = float(frame["a_up"].mean()), float(frame["b_up"].mean())
    return Agreement(float(frame["agree"].mean()), pa, pb, pa * pb + (1 - pa) * (1 - pb), len(frame), window, frame)


@dataclass(frozen=True)
class ShiftNull:
    """Agreement of two direction series when one is shifted in a circle against the other.

    Attributes
    ----------
    observed : float
        Agreement with the dates aligned.
    null_mean : float
        Mean agreement over the shifts.
    lo, hi : float
        Central ``level`` interval of the shifted agreements (2.5% and 97.5% quantiles at 0.95).
    p_value : float
        Share of shifts with agreement at least the observed one (one-sided), with the usual +1.
    n_shifts : int
        Shifts used (every shift of at least ``min_shift`` steps in either direction).
    """

    observed: float
    null_mean: float
    lo: float
    hi: float
    p_value: float
    n_shifts: int


def agreement_shift_null(a_up: pd.Series, b_up: pd.Series, min_shift: int, level: float = 0.95) -> ShiftNull:
    """How often two up/down series agree by chance, keeping each one's base rate and persistence.

    Parameters
    ----------
    a_up, b_up : Series
        0/1 direction of each series over overlapping windows, on the same dates
        (:attr:`Agreement.frame`).
    min_shift : int
        Smallest shift (the window length), so that a shifted window never overlaps its own date.
    level : float
        Coverage of the interval ``lo``..``hi`` of the shifted agreements.

    Notes
    -----
    Overlapping 12-month windows make the direction series very persistent: independent coin flips
    understate how often two trending series agree by chance. Rotating ``a_up`` by ``k`` steps for
    every ``k`` in ``[min_shift, n - min_shift]`` breaks the link between the two series while it keeps
    each one's share of up windows and its runs, which is the null the published share must beat.
    """
    a, b = a_up.to_numpy(float), b_up.to_numpy(float)
    if len(a) != len(b):
        raise ValueError(f"direction series differ in length ({len(a)} and {len(b)})")
    n = len(a)
    shifts = range(min_shift, n - min_shift + 1)
    if len(shifts) < 1:
        raise ValueError(f"{n} windows leave no circular shift of at least {min_shift} steps")
    observed = float((a == b).mean())
    draws = np.array([float((np.roll(a, k) == b).mean()) for k in shifts])
    lo, hi = percentile_interval(draws, level)
    p = permutation_p_value(observed, draws, "greater")
    return ShiftNull(observed, float(draws.mean()), lo, hi, p, len(draws))
