"""Correlation of changes with honest intervals, over time and across leads and lags.

* intervals that allow for autocorrelation: Newey-West (HAC) standard errors from statsmodels and
  the stationary bootstrap of Politis & Romano (1994) through :func:`helpers.methods.inference.bootstrap_draws`;
  the Fisher z interval (:func:`fisher_interval`) only beside them, since it assumes independent pairs;
* stability over time (:func:`rolling_corr`, :func:`rolling_summary`, :func:`subperiod_correlations`)
  and leads and lags (:func:`lead_lag_corr`).

References
----------
.. [1] Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
   and autocorrelation consistent covariance matrix. *Econometrica* 55(3), 703-708. doi:10.2307/1913610
.. [2] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
   American Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from helpers.aliases import FloatArray
from helpers.methods.hac import newey_west_lags
from helpers.methods.inference import bootstrap_draws, default_block_size, percentile_interval


@dataclass(frozen=True)
class Correlation:
    """A Pearson correlation with a HAC interval and, optionally, a stationary-bootstrap interval.

    Attributes
    ----------
    r : float
        Pearson correlation.
    n : int
        Pairs used.
    se_hac, p_hac, lo_hac, hi_hac : float
        Newey-West standard error of ``r``, two-sided p-value of ``r = 0`` and interval.
    lo_boot, hi_boot : float
        Percentile interval from the stationary bootstrap (NaN when not computed).
    block_size : float
        Mean block length of the bootstrap, in observations (NaN when not computed).
    """

    r: float
    n: int
    se_hac: float
    p_hac: float
    lo_hac: float
    hi_hac: float
    lo_boot: float = math.nan
    hi_boot: float = math.nan
    block_size: float = math.nan

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables)."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class RollingSummary:
    """Summary of a rolling-correlation series.

    Attributes
    ----------
    min, max, sd : float
        Range and standard deviation over time of the rolling correlation.
    share_positive : float
        Share of windows with a positive correlation.
    n : int
        Windows. Neighbouring windows share all but one observation, so ``n`` overstates the
        independent information by a factor of about the window length.
    """

    min: float
    max: float
    sd: float
    share_positive: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables)."""
        return asdict(self)


def pairs(x: pd.Series, y: pd.Series) -> pd.DataFrame:
    """The overlapping, complete pairs of ``x`` and ``y`` as columns ``x`` and ``y`` (at least 3)."""
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner").dropna()
    if len(both) < 3:
        raise ValueError(f"need at least 3 overlapping observations, got {len(both)}")
    return both


def pearson(x: FloatArray, y: FloatArray) -> float:
    """Pearson correlation of two arrays (NaN when either is constant); fast enough for bootstrap loops."""
    xs, ys = x - x.mean(), y - y.mean()
    den = math.sqrt(float(xs @ xs) * float(ys @ ys))
    return float(xs @ ys / den) if den > 0 else math.nan


def _normal_quantile(level: float) -> float:
    return float(sps.norm.ppf(0.5 + level / 2))


def correlation(x: pd.Series, y: pd.Series, reps: int = 0, seed: int = 0, block_size: int | None = None,
                maxlags: int | None = None, level: float = 0.95) -> Correlation:
    """Pearson correlation of two series of *changes*, with HAC and stationary-bootstrap intervals.

    Parameters
    ----------
    x, y : Series
        Changes on a shared index; pairs with a NaN are dropped.
    reps : int
        Bootstrap repetitions; ``0`` skips the bootstrap.
    seed : int
        Seed of :func:`numpy.random.default_rng` for the bootstrap.
    block_size : int, optional
        Mean block length in observations; default :func:`~helpers.methods.inference.default_block_size`
        of the standardised product.
    maxlags : int, optional
        HAC bandwidth; default :func:`~helpers.methods.hac.newey_west_lags`.
    level : float
        Coverage of both intervals.

    Returns
    -------
    Correlation

    Notes
    -----
    With both series standardised, the OLS slope of :math:`z_y` on :math:`z_x` equals
    :math:`r`; its Newey-West standard error gives the HAC interval :math:`r \\pm z_{1-a/2}\\,se`
    (clipped to [-1, 1]). The bootstrap resamples *pairs* in blocks of random length with mean
    ``block_size`` (Politis & Romano 1994), keeping both the cross-correlation and the serial
    dependence; the interval is the percentile interval of the resampled :math:`r`.
    """
    both = pairs(x, y)
    xv, yv = both["x"].to_numpy(float), both["y"].to_numpy(float)
    n = len(both)
    r = pearson(xv, yv)
    zx, zy = (xv - xv.mean()) / xv.std(), (yv - yv.mean()) / yv.std()
    fit = sm.OLS(zy, sm.add_constant(zx)).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags or newey_west_lags(n)})
    se, p = float(fit.bse[1]), float(fit.pvalues[1])
    z = _normal_quantile(level)
    hac = Correlation(r, n, se, p, max(-1.0, r - z * se), min(1.0, r + z * se))
    if reps <= 0:
        return hac
    bsize = block_size or default_block_size(zx * zy)
    draws = bootstrap_draws(np.column_stack([xv, yv]), lambda a: pearson(a[:, 0], a[:, 1]), bsize, reps, seed)
    lo, hi = percentile_interval(draws, level)
    return Correlation(r, n, se, p, hac.lo_hac, hac.hi_hac, lo, hi, bsize)


def correlation_table(changes: pd.DataFrame, rows: list[str], cols: list[str], reps: int = 0, seed: int = 0,
                      level: float = 0.95) -> pd.DataFrame:
    """:func:`correlation` for every pair ``rows`` x ``cols`` of columns of ``changes``, long format.

    Returns
    -------
    DataFrame
        One row per pair: ``x`` (row), ``y`` (col) and the fields of :class:`Correlation`; the pair
        ``(i, j)`` is bootstrapped with seed ``seed + 1000 i + j``.
    """
    records = []
    for i, a in enumerate(rows):
        for j, b in enumerate(cols):
            c = correlation(changes[a], changes[b], reps=reps, seed=seed + 1000 * i + j, level=level)
            records.append({"x": a, "y": b, **c.as_dict()})
    return pd.DataFrame.from_records(records)


def subperiod_correlations(x: pd.Series, y: pd.Series, periods: Mapping[str, tuple[str, str | None]],
                           reps: int = 0, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """:func:`correlation` of ``x`` and ``y`` within each named period ``(start, end)``; ``end`` None = to the end.

    Returns
    -------
    DataFrame
        Indexed by period name, with ``start``, ``end`` (dates actually used) and the fields of
        :class:`Correlation`.
    """
    rows = {}
    for k, (name, (start, end)) in enumerate(periods.items()):
        both = pairs(x.loc[start:end], y.loc[start:end])
        c = correlation(both["x"], both["y"], reps=reps, seed=seed + k, level=level)
        rows[name] = {"start": both.index[0], "end": both.index[-1], **c.as_dict()}
    return pd.DataFrame.from_dict(rows, orient="index")


def fisher_interval(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Fisher z interval of a Pearson correlation: tanh(atanh(r) -+ z / sqrt(n - 3)).

    It assumes independent pairs; set it beside the block bootstrap of :func:`correlation`, which
    allows for volatility clustering and serial dependence. NaN for ``n <= 3`` or a non-finite ``r``.
    """
    if n <= 3 or not math.isfinite(r):
        return math.nan, math.nan
    z = _normal_quantile(level)
    centre, half = math.atanh(max(-0.999999, min(0.999999, r))), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def rolling_corr(x: pd.Series, y: pd.Series, window: int, min_periods: int | None = None) -> pd.Series:
    """Correlation of ``x`` and ``y`` over a trailing window of ``window`` observations.

    Parameters
    ----------
    x, y : Series
        Changes on a shared index.
    window : int
        Window length in observations (26 or 52 weeks).
    min_periods : int, optional
        Fewest pairs for a value; default ``window``.

    Returns
    -------
    Series
        Indexed like the inner join of ``x`` and ``y``; NaN until the window fills.
    """
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner")
    return both["x"].rolling(window, min_periods=min_periods or window).corr(both["y"])


def rolling_summary(rolling: pd.Series) -> RollingSummary:
    """Range, SD over time, share positive and number of windows of a rolling-correlation series."""
    s = rolling.dropna()
    return RollingSummary(float(s.min()), float(s.max()), float(s.std()), float((s > 0).mean()), len(s))


def lead_lag_corr(x: pd.Series, y: pd.Series, max_lag: int, level: float = 0.95) -> pd.DataFrame:
    """Cross-correlation :math:`\\rho(k) = \\mathrm{corr}(x_t, y_{t+k})` for :math:`k = -K..K`.

    Parameters
    ----------
    x, y : Series
        Changes on a shared regular index (weekly).
    max_lag : int
        Largest lead and lag :math:`K`.
    level : float
        Coverage of the white-noise band.

    Returns
    -------
    DataFrame
        Indexed by ``lag`` ``k``; columns ``r``, ``n`` and ``band`` (:math:`z/\\sqrt{n}`, the
        band under independence). ``k > 0``: ``x`` *leads* ``y`` by ``k`` periods; ``k < 0``:
        ``y`` leads ``x``.

    Notes
    -----
    The band assumes no autocorrelation in either series; with 2K+1 lags about 5% of them
    cross it by chance at level 0.95, so a lone crossing is weak evidence.
    """
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner")
    z = _normal_quantile(level)
    rows = []
    for k in range(-max_lag, max_lag + 1):
        pair = pd.concat([both["x"], both["y"].shift(-k)], axis=1).dropna()
        n = len(pair)
        rows.append({"lag": k, "r": pearson(pair.iloc[:, 0].to_numpy(float), pair.iloc[:, 1].to_numpy(float)),
                     "n": n, "band": z / math.sqrt(n)})
    return pd.DataFrame(rows).set_index("lag")
