"""Intervals and p-values from resampling draws, block bootstraps, and multiple-testing adjustment.

Every percentile interval and resampling p-value in the package comes from here, so ``level`` means
the same thing everywhere and the +1 of a permutation p-value is written once:

- :func:`percentile_interval`: the central ``level`` interval of bootstrap draws.
- :func:`bootstrap_draws`: draws of a statistic under arch's stationary or circular block bootstrap.
- :func:`sign_p_value`: two-sided p-value of "the effect is zero" from bootstrap draws of the effect.
- :func:`permutation_p_value`: p-value of an observed statistic against permutation or placebo draws,
  with the observed arrangement counted (Phipson and Smyth, 2010).
- :func:`one_sided_p`: the one-sided p-value of a symmetric two-sided test.
- :func:`adjust_pvalues`: Holm or Benjamini-Hochberg adjustment through statsmodels.
- :func:`default_block_size`: the Politis-White block length through arch.

References
----------
.. [1] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero. *Statistical
   Applications in Genetics and Molecular Biology* 9(1), article 39. doi:10.2202/1544-6115.1585
.. [2] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *JASA* 89(428), 1303-1313.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap, optimal_block_length
from statsmodels.stats.multitest import multipletests

#: Which side of the null an alternative hypothesis looks at.
Alternative: TypeAlias = Literal["greater", "less", "two-sided"]
#: arch's block bootstraps used in the package.
BootstrapMethod: TypeAlias = Literal["stationary", "circular"]
#: Multiple-testing adjustments (statsmodels' names).
AdjustMethod: TypeAlias = Literal["holm", "fdr_bh", "bonferroni"]

ALTERNATIVES: tuple[str, ...] = ("greater", "less", "two-sided")
BOOTSTRAP_METHODS: tuple[str, ...] = ("stationary", "circular")
ADJUST_METHODS: tuple[str, ...] = ("holm", "fdr_bh", "bonferroni")
#: Relative tolerance under which a draw counts as equal to the observed value (floating-point ties).
TIE = 1e-12


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level ({level}) must lie strictly between 0 and 1")


def percentile_interval(draws: np.ndarray | pd.Series, level: float = 0.95) -> tuple[float, float]:
    """Central ``level`` percentile interval of resampling draws, ignoring non-finite draws.

    Parameters
    ----------
    draws : array_like
        Bootstrap (or placebo) draws of a statistic.
    level : float
        Coverage, e.g. 0.95 gives the 2.5% and 97.5% quantiles (linear interpolation, numpy's default).

    Returns
    -------
    tuple of float
        ``(lower, upper)``; ``(nan, nan)`` when no draw is finite.
    """
    _check_level(level)
    d = np.asarray(draws, dtype=float).ravel()
    d = d[np.isfinite(d)]
    if d.size == 0:
        return math.nan, math.nan
    tail = (1 - level) / 2
    lower, upper = np.quantile(d, [tail, 1 - tail])
    return float(lower), float(upper)


def bootstrap_draws(data: np.ndarray, statistic: Callable[[np.ndarray], float | np.ndarray], block: int, reps: int,
                    seed: int = 0, method: BootstrapMethod = "stationary") -> np.ndarray:
    """Draws of ``statistic`` over block-bootstrap resamples of the rows of ``data`` (arch).

    Parameters
    ----------
    data : ndarray
        Observations in time order (1-D, or 2-D with rows resampled together).
    statistic : callable
        Function of a resample returning a float (or a 1-element array).
    block : int
        Mean block length (stationary) or block length (circular), capped at the sample size.
    reps : int
        Number of resamples.
    seed : int
        Seed of ``numpy.random.default_rng`` handed to arch, so a run is reproducible.
    method : {"stationary", "circular"}
        :class:`arch.bootstrap.StationaryBootstrap` or :class:`arch.bootstrap.CircularBlockBootstrap`.

    Returns
    -------
    ndarray
        ``reps`` draws (NaN where the statistic is undefined on a resample).
    """
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(f"method {method!r} must be one of {BOOTSTRAP_METHODS}")
    if block < 1 or reps < 1:
        raise ValueError(f"block ({block}) and reps ({reps}) must be positive")
    x = np.asarray(data, dtype=float)
    cls = StationaryBootstrap if method == "stationary" else CircularBlockBootstrap
    bs = cls(max(1, min(block, len(x))), x, seed=np.random.default_rng(seed))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = bs.apply(lambda a: np.atleast_1d(statistic(a)), reps=reps)
    return np.asarray(out, dtype=float).ravel()


def sign_p_value(draws: np.ndarray) -> float:
    """Two-sided bootstrap p-value of "the effect is zero" from draws of the effect.

    Twice the smaller share of draws on either side of zero, floored at ``1 / (n + 1)`` (a finite
    number of draws cannot show a smaller p-value) and capped at 1. Draws centred on zero give 1.
    """
    d = np.asarray(draws, dtype=float).ravel()
    d = d[np.isfinite(d)]
    if d.size == 0:
        return math.nan
    tail = min(float(np.mean(d <= 0)), float(np.mean(d >= 0)))
    return float(min(1.0, max(2 * tail, 1 / (d.size + 1))))


def permutation_p_value(observed: float, draws: np.ndarray, alternative: Alternative = "two-sided",
                        tie: float = TIE) -> float:
    """p-value of ``observed`` against permutation (or placebo) draws, the observed arrangement counted.

    Parameters
    ----------
    observed : float
        The statistic on the real data.
    draws : ndarray
        The statistic on rearranged data (the null distribution); non-finite draws are dropped.
    alternative : {"greater", "less", "two-sided"}
        ``"two-sided"`` compares absolute values (a null symmetric about zero).
    tie : float
        Relative tolerance under which a draw equals ``observed``.

    Returns
    -------
    float
        :math:`(1 + \\#\\{\\text{draws at least as extreme}\\}) / (n + 1)` (Phipson and Smyth, 2010).
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative {alternative!r} must be one of {ALTERNATIVES}")
    d = np.asarray(draws, dtype=float).ravel()
    d = d[np.isfinite(d)]
    if not math.isfinite(observed):
        return math.nan
    eps = tie * max(1.0, abs(observed))
    if alternative == "greater":
        hits = int(np.sum(d >= observed - eps))
    elif alternative == "less":
        hits = int(np.sum(d <= observed + eps))
    else:
        hits = int(np.sum(np.abs(d) >= abs(observed) - eps))
    return float((1 + hits) / (d.size + 1))


def one_sided_p(p_two_sided: float, effect: float, direction: Literal["less", "greater"] = "less") -> float:
    """One-sided p-value for an effect in ``direction`` from the two-sided p-value of a symmetric test.

    Half the two-sided p-value when the estimate lies on the side tested, else one minus that half.
    """
    on_side = effect < 0 if direction == "less" else effect > 0
    return p_two_sided / 2 if on_side else 1 - p_two_sided / 2


def adjust_pvalues(pvalues: pd.Series, method: AdjustMethod = "holm") -> pd.Series:
    """Adjust a family of p-values for multiple testing (statsmodels :func:`multipletests`).

    Parameters
    ----------
    pvalues : Series
        Raw p-values of one family of tests; NaN left as NaN.
    method : {"holm", "fdr_bh", "bonferroni"}
        Holm (1979) controls the family-wise error rate; Benjamini-Hochberg (1995) the false
        discovery rate.

    Returns
    -------
    Series
        Adjusted p-values, same index.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics* 6(2), 65-70.
    .. [2] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate.
       *JRSS B* 57(1), 289-300. doi:10.1111/j.2517-6161.1995.tb02031.x
    """
    if method not in ADJUST_METHODS:
        raise ValueError(f"method {method!r} must be one of {ADJUST_METHODS}")
    out = pd.Series(np.nan, index=pvalues.index, dtype=float)
    ok = pvalues.notna()
    if ok.any():
        out[ok] = multipletests(pvalues[ok].to_numpy(float), method=method)[1]
    return out


def with_adjusted(table: pd.DataFrame, pcol: str = "p",
                  methods: tuple[AdjustMethod, ...] = ("holm", "fdr_bh")) -> pd.DataFrame:
    """``table`` with one adjusted p-value column per method (``p_holm``, ``p_fdr_bh``)."""
    out = table.copy()
    for m in methods:
        out[f"{pcol}_{m}"] = adjust_pvalues(out[pcol], m)
    return out


def default_block_size(values: np.ndarray) -> int:
    """Stationary-bootstrap mean block length from Politis & White (2004), rounded, at least 1.

    Parameters
    ----------
    values : ndarray
        The series whose dependence the blocks must keep (for a correlation, the product of the
        standardised pair).

    References
    ----------
    .. [1] Politis, D. N. and White, H. (2004). Automatic block-length selection for the
       dependent bootstrap. *Econometric Reviews* 23(1), 53-70. doi:10.1081/ETC-120028836
    """
    opt = optimal_block_length(np.asarray(values, dtype=float))
    return max(1, int(round(float(opt["stationary"].iloc[0]))))
