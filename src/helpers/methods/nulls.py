"""Nulls for a pair of series: circular shifts that break their link, and a bootstrapped difference of correlations.

:func:`circular_shift_null` rotates one series against the other, so each keeps its own
autocorrelation and volatility clustering and only the timing of the pair is destroyed: the noise
floor a rolling statistic must clear. :func:`correlation_difference` asks whether one asset follows a
common driver more closely than another, resampling all three series together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from helpers.methods.correlation import pearson, rolling_corr
from helpers.methods.inference import bootstrap_draws, default_block_size, percentile_interval, permutation_p_value


@dataclass(frozen=True)
class CircularShiftNull:
    """A statistic against its circular-shift null (:func:`circular_shift_null`).

    Attributes
    ----------
    observed : float
        The statistic with the series aligned.
    null_mean, null_sd : float
        Mean and SD of the statistic over the shifts.
    null_low, null_high : float
        Central ``level`` interval of the shifted statistic.
    p_upper : float
        One-sided p-value: share of shifts at least the observed, with the +1.
    n_shifts, n : int
        Shifts used and pairs.
    """

    observed: float
    null_mean: float
    null_sd: float
    null_low: float
    null_high: float
    p_upper: float
    n_shifts: int
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables and the claim rules)."""
        return asdict(self)


@dataclass(frozen=True)
class CorrelationDifference:
    """``corr(a, common) - corr(b, common)`` with its bootstrap interval (:func:`correlation_difference`).

    Attributes
    ----------
    r_a, r_b : float
        The two correlations with the common series.
    diff : float
        ``r_a - r_b``.
    lo, hi : float
        Stationary-bootstrap percentile interval of ``diff``.
    n : int
        Rows used.
    block_size : int
        Mean block length of the bootstrap.
    """

    r_a: float
    r_b: float
    diff: float
    lo: float
    hi: float
    n: int
    block_size: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables and the claim rules)."""
        return asdict(self)


def circular_shift_null(x: pd.Series, y: pd.Series, statistic: Callable[[pd.Series, pd.Series], float],
                        n_shifts: int = 500, min_shift: int = 52, seed: int = 0,
                        level: float = 0.95) -> CircularShiftNull:
    """A statistic of a pair of series against its distribution when their link is broken by circular shifts.

    Each draw rotates ``y`` by ``k`` observations (``min_shift <= k <= n - min_shift``) relative to
    ``x``: each series keeps its own autocorrelation and volatility clustering, and only the timing
    of the pair is destroyed. That is the noise floor a rolling statistic must clear before it
    says anything about the *link*.

    Parameters
    ----------
    x, y : Series
        Changes on a shared index; pairs with a NaN are dropped before shifting.
    statistic : callable
        ``statistic(x, y) -> float`` (for example the SD of a 52-week rolling correlation).
    n_shifts : int
        Number of shifts drawn (all admissible shifts when fewer exist).
    min_shift : int
        Smallest rotation, at least the length of the statistic's window.
    seed : int
        Seed of the generator that draws the shifts.
    level : float
        Coverage of the central null interval ``null_low``..``null_high``.

    Returns
    -------
    CircularShiftNull
        ``p_upper`` counts the observed arrangement (:func:`~helpers.methods.inference.permutation_p_value`).

    Raises
    ------
    ValueError
        If the series are too short for ``min_shift``.
    """
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner").dropna()
    n = len(both)
    admissible = np.arange(min_shift, n - min_shift + 1)
    if admissible.size == 0:
        raise ValueError(f"{n} pairs are too few for shifts of at least {min_shift}")
    rng = np.random.default_rng(seed)
    shifts = admissible if admissible.size <= n_shifts else rng.choice(admissible, n_shifts, replace=False)
    xs, yv = both["x"], both["y"].to_numpy()
    observed = float(statistic(xs, both["y"]))
    draws = np.array([statistic(xs, pd.Series(np.roll(yv, int(k)), index=both.index)) for k in shifts], dtype=float)
    lo, hi = percentile_interval(draws, level)
    return CircularShiftNull(observed, float(draws.mean()), float(draws.std(ddof=1)), lo, hi,
                             permutation_p_value(observed, draws, "greater"), int(draws.size), n)


def rolling_corr_sd(window: int) -> Callable[[pd.Series, pd.Series], float]:
    """The statistic "SD over time of the ``window``-observation rolling correlation", for :func:`circular_shift_null`."""

    def sd(x: pd.Series, y: pd.Series) -> float:
        return float(rolling_corr(x, y, window).std())

    return sd


def correlation_difference(a: pd.Series, b: pd.Series, common: pd.Series, reps: int = 2000, seed: int = 0,
                           block_size: int | None = None, level: float = 0.95) -> CorrelationDifference:
    """``corr(a, common) - corr(b, common)`` with a stationary-bootstrap interval that resamples all three together.

    Used to ask whether one asset responds to a common driver (an easing measure) more reliably
    than another: the rows are resampled jointly, so the dependence between the two correlations
    (they share ``common``) is kept.

    Parameters
    ----------
    a, b, common : Series
        Changes on a shared index; rows with any NaN are dropped.
    reps, seed : int
        Bootstrap repetitions and seed.
    block_size : int, optional
        Mean block length; default :func:`~helpers.methods.inference.default_block_size` of the
        product of ``a`` and ``common`` standardised.
    level : float
        Coverage of the percentile interval (``1 - alpha / m`` for a Bonferroni interval).

    Returns
    -------
    CorrelationDifference
    """
    frame = pd.concat([a.rename("a"), b.rename("b"), common.rename("c")], axis=1, join="inner").dropna()
    if len(frame) < 10:
        raise ValueError(f"need at least 10 common observations, got {len(frame)}")
    av, bv, cv = (frame[k].to_numpy(float) for k in ("a", "b", "c"))
    r_a, r_b = pearson(av, cv), pearson(bv, cv)
    za, zc = (av - av.mean()) / av.std(), (cv - cv.mean()) / cv.std()
    bsize = block_size or default_block_size(za * zc)
    draws = bootstrap_draws(np.column_stack([av, bv, cv]),
                            lambda m: pearson(m[:, 0], m[:, 2]) - pearson(m[:, 1], m[:, 2]), bsize, reps, seed)
    lo, hi = percentile_interval(draws, level)
    return CorrelationDifference(r_a, r_b, r_a - r_b, lo, hi, len(frame), bsize)
