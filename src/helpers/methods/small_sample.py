"""Small-sample tests of a handful of values: rank correlation, sign, t and a share in a band.

The samples here are short (a dozen episodes, twenty tokens), so each test is exact or states its
approximation: :func:`spearman_table` (Fisher-z interval with the Bonett-Wright standard error),
:func:`sign_test` and :func:`band_share_test` (exact binomial), :func:`t_test` (Student t).
Each returns a small frozen dataclass (or a table of them); ``vars(result)`` gives a table row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.methods.inference import Alternative


@dataclass(frozen=True)
class SignTest:
    """Binomial sign test of "values above zero more often than not" (:func:`sign_test`).

    Attributes
    ----------
    n, n_positive : int
        Non-zero values and those above zero.
    share_positive : float
        ``n_positive / n`` (NaN without values).
    p : float
        Exact binomial p-value.
    """

    n: int
    n_positive: int
    share_positive: float
    p: float


@dataclass(frozen=True)
class TTest:
    """One-sample Student t test of "mean equals zero" (:func:`t_test`).

    Attributes
    ----------
    n : int
        Values used.
    mean : float
        Their mean.
    p : float
        Two-sided p-value; NaN with fewer than two values or no spread.
    """

    n: int
    mean: float
    p: float


@dataclass(frozen=True)
class BandShareTest:
    """Test of "at least a claimed share of the lags lies in the band" against fewer (:func:`band_share_test`).

    Attributes
    ----------
    n, n_in_band : int
        Lags and those inside the band.
    share_in_band : float
        ``n_in_band / n``.
    p : float
        Exact one-sided binomial p of so few lags in the band if the true share were the claimed one.
    """

    n: int
    n_in_band: int
    share_in_band: float
    p: float


def spearman_table(x: pd.Series, ys: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Spearman rank correlation of ``x`` with each column of ``ys`` (pairs with NaN dropped), with an interval.

    Returns
    -------
    DataFrame
        Per column: ``rho``, ``lo`` and ``hi`` (Fisher-z interval with the Bonett-Wright standard
        error :math:`\\sqrt{(1 + \\rho^2/2)/(n - 3)}`; NaN with fewer than 4 pairs), ``p``
        (two-sided, scipy's t approximation) and ``n``.

    References
    ----------
    .. [1] Bonett, D. G. and Wright, T. A. (2000). Sample size requirements for estimating Pearson,
       Kendall and Spearman correlations. *Psychometrika* 65(1), 23-28. doi:10.1007/BF02294183
    """
    q = float(sps.norm.ppf(0.5 + level / 2))
    rows = {}
    for col in ys.columns:
        both = pd.concat([x.rename("x"), ys[col].rename("y")], axis=1).dropna()
        res = sps.spearmanr(both["x"], both["y"])
        rho, n = float(res.statistic), len(both)
        lo = hi = math.nan
        if n > 3 and math.isfinite(rho):
            with np.errstate(divide="ignore"):
                z = float(np.arctanh(rho))
            se = math.sqrt((1 + rho**2 / 2) / (n - 3))
            lo, hi = float(np.tanh(z - q * se)), float(np.tanh(z + q * se))
        rows[col] = {"rho": rho, "lo": lo, "hi": hi, "p": float(res.pvalue), "n": n}
    return pd.DataFrame.from_dict(rows, orient="index")


def sign_test(values: pd.Series, alternative: Alternative = "greater") -> SignTest:
    """Binomial sign test of "values above zero more often than not" (zeros and NaN dropped).

    Parameters
    ----------
    values : Series
        The values (e.g. onset lags: positive when the leader was first).
    alternative : {"greater", "less", "two-sided"}
        As in :func:`scipy.stats.binomtest`.

    Returns
    -------
    SignTest
    """
    v = values.dropna()
    v = v[v != 0]
    k, n = int((v > 0).sum()), len(v)
    p = float(sps.binomtest(k, n, 0.5, alternative=alternative).pvalue) if n else math.nan
    return SignTest(n, k, k / n if n else math.nan, p)


def t_test(values: pd.Series) -> TTest:
    """One-sample Student t test of "mean equals zero", two-sided (NaN dropped).

    Returns
    -------
    TTest
    """
    v = values.dropna().to_numpy(float)
    n = len(v)
    if n < 2 or float(np.std(v)) == 0.0:
        return TTest(n, float(v.mean()) if n else math.nan, math.nan)
    return TTest(n, float(v.mean()), float(sps.ttest_1samp(v, 0.0).pvalue))


def band_share_test(lags: pd.Series, band: Sequence[int], claimed_share: float = 0.5) -> BandShareTest:
    """Test of "lags fall inside ``band`` in at least ``claimed_share`` of the episodes" against fewer.

    Parameters
    ----------
    lags : Series
        Onset lags in days (:func:`helpers.methods.episodes.onset_lags`); NaN dropped.
    band : (int, int)
        The claimed range, inclusive (30-90 days for "1-3 months after").
    claimed_share : float
        The share a claim about the usual lag implies at least (0.5: more often than not).

    Returns
    -------
    BandShareTest
        A small ``p`` means the data contradict a lag that is usually inside the band.
    """
    v = lags.dropna()
    k, n = int(v.between(band[0], band[1]).sum()), len(v)
    p = float(sps.binomtest(k, n, claimed_share, alternative="less").pvalue) if n else math.nan
    return BandShareTest(n, k, k / n if n else math.nan, p)
