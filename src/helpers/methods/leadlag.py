"""Lead-lag between two return series: the best lag with a block-bootstrap interval, and beta.

:func:`best_lag` finds the lag ``k`` maximising :math:`\\mathrm{corr}(x_t, y_{t+k})` on one set of
dates shared by every lag, with stationary-bootstrap intervals for the lag and for the asymmetry
of the cross-correlation profile (BTC-leading lags minus lagging ones). :func:`outperformance_lag`
applies it to a benchmark's return and an asset's excess return; :func:`beta` is the OLS slope with
a Newey-West interval. Intervals and p-values come from :mod:`helpers.methods.inference`.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
   American Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
.. [2] Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
   and autocorrelation consistent covariance matrix. *Econometrica* 55(3), 703-708. doi:10.2307/1913610
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from helpers.methods.correlation import lead_lag_corr
from helpers.methods.hac import newey_west_lags
from helpers.methods.inference import bootstrap_draws, percentile_interval, sign_p_value


@dataclass(frozen=True)
class LeadLag:
    """Cross-correlation of ``x`` with later ``y`` and the lag at which it peaks.

    Attributes
    ----------
    lag : int
        Lag ``k`` maximising :math:`\\mathrm{corr}(x_t, y_{t+k})`; ``k > 0``: ``x`` leads.
    r : float
        The correlation at that lag.
    lo, hi : float
        Percentile interval of the best lag over stationary-bootstrap resamples.
    asymmetry : float
        :math:`\\sum_{k=1}^K r(k) - \\sum_{k=1}^K r(-k)`: positive when ``x`` leads ``y`` more than
        ``y`` leads ``x``.
    asym_lo, asym_hi : float
        Its bootstrap interval.
    n : int
        Dates used (all lags share them).
    profile : DataFrame
        :func:`helpers.methods.correlation.lead_lag_corr` on the full sample (``r``, ``n``, ``band``).
    share_at_lag : float
        Share of bootstrap resamples whose best lag equals ``lag``.
    asym_p : float
        Two-sided bootstrap p-value of "asymmetry = 0".
    """

    lag: int
    r: float
    lo: float
    hi: float
    asymmetry: float
    asym_lo: float
    asym_hi: float
    n: int
    profile: pd.DataFrame = field(repr=False)
    share_at_lag: float = math.nan
    asym_p: float = math.nan


def _lead_lag_rows(x: pd.Series, y: pd.Series, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows t with x_t and y_{t+k} for every k in -K..K (all present)."""
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner")
    lags = {f"y{k}": both["y"].shift(-k) for k in range(-max_lag, max_lag + 1)}
    frame = pd.concat([both["x"], pd.DataFrame(lags)], axis=1).dropna()
    if len(frame) < 3 * max_lag + 10:
        raise ValueError(f"too few overlapping observations ({len(frame)}) for max_lag={max_lag}")
    return frame["x"].to_numpy(float), frame.drop(columns="x").to_numpy(float)


def _corr_profile(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    xs = x - x.mean()
    yc = ys - ys.mean(axis=0)
    den = np.sqrt((xs @ xs) * (yc * yc).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, xs @ yc / den, np.nan)


def best_lag(x: pd.Series, y: pd.Series, max_lag: int, reps: int = 1000, block: int | None = None, seed: int = 0,
             level: float = 0.95) -> LeadLag:
    """The lag at which ``x`` best predicts ``y``, with a stationary-bootstrap interval.

    Parameters
    ----------
    x, y : Series
        Changes (log returns) on a shared regular index (daily or weekly).
    max_lag : int
        Lags ``-K..K`` considered.
    reps : int
        Bootstrap resamples (0 skips the interval).
    block : int, optional
        Mean block length; default :math:`\\max(K, n^{1/3})` so blocks keep the lags together.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    level : float
        Coverage of the intervals.

    Returns
    -------
    LeadLag

    Notes
    -----
    Every lag is computed on the same dates :math:`t` (those with :math:`x_t` and all
    :math:`y_{t+k}`), and the bootstrap resamples these rows in blocks, so a resample keeps each
    pair :math:`(x_t, y_{t+k})` intact. A lag whose interval includes 0 does not establish a lead.
    """
    xv, ys = _lead_lag_rows(x, y, max_lag)
    lags = np.arange(-max_lag, max_lag + 1)

    def summary(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = _corr_profile(a, b)
        return np.array([lags[int(np.nanargmax(r))], np.nansum(r[max_lag + 1:]) - np.nansum(r[:max_lag])])

    est = summary(xv, ys)
    r_full = _corr_profile(xv, ys)
    lo = hi = alo = ahi = share = asym_p = math.nan
    if reps > 0:
        bsize = block or max(max_lag, round(len(xv) ** (1 / 3)))
        rows = np.column_stack([xv, ys])
        draws = bootstrap_draws(rows, lambda a: summary(a[:, 0], a[:, 1:]), bsize, reps, seed).reshape(reps, 2)
        lo, hi = percentile_interval(draws[:, 0], level)
        alo, ahi = percentile_interval(draws[:, 1], level)
        share = float(np.mean(draws[:, 0] == est[0]))
        asym_p = sign_p_value(draws[:, 1])
    profile = lead_lag_corr(x, y, max_lag)
    return LeadLag(int(est[0]), float(r_full[int(est[0]) + max_lag]), float(lo), float(hi), float(est[1]),
                   float(alo), float(ahi), len(xv), profile, share, asym_p)


def outperformance_lag(benchmark: pd.Series, asset: pd.Series, max_lag: int, reps: int = 1000,
                       block: int | None = None, seed: int = 0, level: float = 0.95) -> LeadLag:
    """The lag at which a benchmark move is followed by the asset's outperformance.

    :func:`best_lag` of the benchmark's return :math:`b_t` and the asset's excess return
    :math:`a_{t+k} - b_{t+k}` (the change of :func:`relative_strength`). If the asset repeats
    the benchmark's moves ``L`` periods later, the best lag is ``L``; if it amplifies them in
    the same period (a beta above one), it is 0.

    Parameters
    ----------
    benchmark, asset : Series
        Log returns on a shared index.
    max_lag, reps, block, seed, level
        Passed to :func:`best_lag`.
    """
    both = pd.concat([benchmark.rename("b"), asset.rename("a")], axis=1, join="inner")
    return best_lag(both["b"], both["a"] - both["b"], max_lag, reps, block, seed, level)


def lead_lag_table(results: Mapping[str, LeadLag]) -> pd.DataFrame:
    """One row per :class:`LeadLag`: best lag and interval, its correlation, the asymmetry with interval, N."""
    cols = ["lag", "lo", "hi", "share_at_lag", "r", "asymmetry", "asym_lo", "asym_hi", "asym_p", "n"]
    return pd.DataFrame({k: {c: getattr(v, c) for c in cols} for k, v in results.items()}).T[cols]


@dataclass(frozen=True)
class BetaFit:
    """OLS slope of one return series on another with a Newey-West interval (:func:`beta`).

    Attributes
    ----------
    beta, lo, hi : float
        The slope and its ``level`` interval (normal quantiles of the HAC standard error).
    p_one : float
        Two-sided p-value of "beta = 1"; a beta above one means ``y`` amplifies ``x``'s moves.
    n : int
        Periods with both returns.
    """

    beta: float
    lo: float
    hi: float
    p_one: float
    n: int


def beta(y: pd.Series, x: pd.Series, level: float = 0.95) -> BetaFit:
    """OLS slope of ``y`` on ``x`` (both returns) with a Newey-West interval.

    The HAC lags follow :func:`helpers.methods.hac.newey_west_lags`.

    Returns
    -------
    BetaFit
    """
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1, join="inner").dropna()
    fit = sm.OLS(both["y"], sm.add_constant(both["x"])).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(both))})
    b, se = float(fit.params["x"]), float(fit.bse["x"])
    z = float(sps.norm.ppf(0.5 + level / 2))
    return BetaFit(b, b - z * se, b + z * se, float(2 * sps.norm.sf(abs(b - 1) / se)), len(both))
