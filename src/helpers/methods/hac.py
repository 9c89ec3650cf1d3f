"""Means of changes with Newey-West (HAC) intervals, and the Newey-West bandwidth rule.

Weekly and monthly changes of balance-sheet items and of prices are autocorrelated (the monthly
cycle of redemptions and tax receipts, volatility clustering), so an interval of their mean uses a
heteroskedasticity and autocorrelation consistent covariance (statsmodels' ``cov_type="HAC"`` and
``conf_int``), not the i.i.d. standard error.

References
----------
.. [1] Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
   and autocorrelation consistent covariance matrix. *Econometrica* 55(3), 703-708.
   doi:10.2307/1913610
.. [2] Newey, W. K. and West, K. D. (1994). Automatic lag selection in covariance matrix
   estimation. *Review of Economic Studies* 61(4), 631-653. doi:10.2307/2297912
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.aliases import DateLike


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule for the HAC bandwidth, :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor`."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def hac_mean(changes: pd.Series, hac_lags: int = 1, level: float = 0.95) -> pd.Series:
    """Mean of a series of changes (monthly net purchases, say) with a HAC (Newey-West) interval.

    Parameters
    ----------
    changes : Series
        Changes; NaN dropped.
    hac_lags : int
        Newey-West lags.
    level : float
        Confidence level of the interval (statsmodels ``conf_int(alpha=1 - level)``).

    Returns
    -------
    Series
        ``mean``, ``ci_low``, ``ci_high``, ``sd`` (of the changes) and ``n``.

    Raises
    ------
    ValueError
        With fewer than 3 changes.
    """
    values = changes.dropna()
    if len(values) < 3:
        raise ValueError(f"{changes.name}: only {len(values)} changes, need at least 3 for an interval")
    fit = sm.OLS(values.to_numpy(float), np.ones((len(values), 1))).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags})
    low, high = fit.conf_int(alpha=1 - level)[0]
    return pd.Series({"mean": float(fit.params[0]), "ci_low": float(low), "ci_high": float(high),
                      "sd": float(values.std(ddof=1)), "n": float(len(values))})


def mean_weekly_change(series: pd.Series, start: DateLike, end: DateLike | None = None,
                       hac_lags: int = 4, level: float = 0.95) -> pd.Series:
    """Mean weekly change of a weekly stock over a period, with a HAC (Newey-West) interval.

    Parameters
    ----------
    series : Series
        Weekly levels.
    start, end : str or Timestamp
        Changes dated after ``start`` up to ``end`` inclusive (None = to the last observation).
    hac_lags : int
        Newey-West lags (weekly changes of balance-sheet items are autocorrelated, e.g. by the
        monthly cycle of redemptions and tax receipts).
    level : float
        Confidence level of the interval.

    Returns
    -------
    Series
        ``mean``, ``ci_low``, ``ci_high``, ``sd`` (of the weekly changes) and ``n`` (weeks), as
        :func:`hac_mean`.
    """
    changes = series.dropna().sort_index().diff().dropna()
    last = changes.index.max() if end is None else pd.Timestamp(end)
    changes = changes[(changes.index > pd.Timestamp(start)) & (changes.index <= last)]
    if len(changes) < 3:
        raise ValueError(f"{series.name}: only {len(changes)} weekly changes between {start} and {end}")
    return hac_mean(changes, hac_lags, level)
