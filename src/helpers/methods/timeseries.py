"""Levels and leads: unit roots, spurious regressions, cointegration, Granger causality, local projections.

Levels are tested only to show why they mislead (:func:`adf`, :func:`adf_table`,
:func:`spurious_regression_check`, :func:`engle_granger`); who leads whom is asked of changes
(:func:`granger_test`, :func:`granger_both_ways`, :func:`local_projection`), with Newey-West
covariances from statsmodels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tsa.stattools import adfuller, coint

from helpers.methods.correlation import pairs
from helpers.methods.hac import newey_west_lags

#: Deterministic terms of a unit-root or cointegration regression: constant, constant and trend, none.
Trend: TypeAlias = Literal["c", "ct", "n"]
#: Information criteria for the lag order.
Criterion: TypeAlias = Literal["aic", "bic"]


@dataclass(frozen=True)
class UnitRootTest:
    """Outcome of :func:`adf`.

    Attributes
    ----------
    stat : float
        ADF statistic.
    p : float
        MacKinnon p-value; a large one means a unit root cannot be rejected.
    lags : int
        Lags of the differences used.
    n : int
        Observations in the regression.
    """

    stat: float
    p: float
    lags: int
    n: int


@dataclass(frozen=True)
class SpuriousCheck:
    """Outcome of :func:`spurious_regression_check`.

    Attributes
    ----------
    slope, r2 : float
        Slope and :math:`R^2` of the levels regression.
    dw : float
        Durbin-Watson statistic of its residuals.
    n : int
        Observations.
    warning : bool
        ``r2 > dw``: the Granger-Newbold sign of a spurious regression.
    """

    slope: float
    r2: float
    dw: float
    n: int
    warning: bool

    def as_dict(self) -> dict[str, float | int | bool]:
        """The fields as a plain dict (for tables and the claim rules)."""
        return asdict(self)


@dataclass(frozen=True)
class CointegrationTest:
    """Outcome of :func:`engle_granger`: ``stat`` (ADF of the residuals), ``p``, ``crit5`` (5% value), ``n``."""

    stat: float
    p: float
    crit5: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables)."""
        return asdict(self)


def adf(values: pd.Series, regression: Trend = "c", autolag: str = "AIC") -> UnitRootTest:
    """Augmented Dickey-Fuller test of a unit root (statsmodels :func:`~statsmodels.tsa.stattools.adfuller`).

    Parameters
    ----------
    values : Series
        Levels (or changes); NaN dropped.
    regression : {"c", "ct", "n"}
        Deterministic terms: constant, constant and trend, none.
    autolag : str
        Lag selection (``AIC``, ``BIC``, ``t-stat``).

    Returns
    -------
    UnitRootTest

    References
    ----------
    .. [1] Dickey, D. A. and Fuller, W. A. (1979). Distribution of the estimators for
       autoregressive time series with a unit root. *JASA* 74(366), 427-431.
       doi:10.1080/01621459.1979.10482531
    """
    res = adfuller(values.dropna().to_numpy(float), regression=regression, autolag=autolag, result_object=False)
    return UnitRootTest(float(res[0]), float(res[1]), int(res[2]), int(res[3]))


def adf_table(levels: pd.DataFrame, log: bool = True, regression: Trend = "c") -> pd.DataFrame:
    """ADF p-values of each column in levels (log levels if ``log``) and in first differences.

    Returns
    -------
    DataFrame
        Indexed by column; ``p_level``, ``p_change``, ``n_level``, ``n_change``.
    """
    rows = {}
    for col in levels.columns:
        s = levels[col].dropna()
        lv = np.log(s) if log else s
        a, b = adf(lv, regression), adf(lv.diff().dropna(), regression)
        rows[col] = {"p_level": a.p, "p_change": b.p, "n_level": a.n + a.lags + 1, "n_change": b.n + b.lags + 1}
    return pd.DataFrame.from_dict(rows, orient="index")


def spurious_regression_check(y: pd.Series, x: pd.Series) -> SpuriousCheck:
    """Granger-Newbold warning sign: a levels regression whose :math:`R^2` exceeds its Durbin-Watson.

    Parameters
    ----------
    y, x : Series
        Levels (e.g. log BTC and log net liquidity).

    Returns
    -------
    SpuriousCheck

    Notes
    -----
    Regressing one random walk on another independent one gives a "significant" slope and a
    high :math:`R^2` most of the time, with strongly autocorrelated residuals (DW near 0).
    Granger and Newbold's rule of thumb: :math:`R^2 > DW` suggests the regression is spurious.

    References
    ----------
    .. [1] Granger, C. W. J. and Newbold, P. (1974). Spurious regressions in econometrics.
       *Journal of Econometrics* 2(2), 111-120. doi:10.1016/0304-4076(74)90034-7
    """
    both = pairs(x, y)
    fit = sm.OLS(both["y"].to_numpy(float), sm.add_constant(both["x"].to_numpy(float))).fit()
    dw = float(sm.stats.stattools.durbin_watson(fit.resid))
    return SpuriousCheck(float(fit.params[1]), float(fit.rsquared), dw, len(both), bool(fit.rsquared > dw))


def engle_granger(y: pd.Series, x: pd.Series, trend: Trend = "c") -> CointegrationTest:
    """Engle-Granger two-step cointegration test (statsmodels :func:`~statsmodels.tsa.stattools.coint`).

    Parameters
    ----------
    y, x : Series
        Levels, both I(1) by :func:`adf` (test that first; the test means nothing otherwise).
    trend : {"c", "ct", "n"}
        Deterministic terms in the cointegrating regression.

    Returns
    -------
    CointegrationTest
        A small p-value rejects "no cointegration".

    Notes
    -----
    Caveats: low power in short samples; the result depends on which series is ``y``; one
    structural break (a regime change of the Fed) can hide or fake a long-run relation.

    References
    ----------
    .. [1] Engle, R. F. and Granger, C. W. J. (1987). Co-integration and error correction:
       representation, estimation, and testing. *Econometrica* 55(2), 251-276.
       doi:10.2307/1913236
    """
    both = pairs(x, y)
    stat, p, crit = coint(both["y"].to_numpy(float), both["x"].to_numpy(float), trend=trend)
    return CointegrationTest(float(stat), float(p), float(crit[1]), len(both))


@dataclass(frozen=True)
class GrangerResult:
    """Outcome of :func:`granger_test`: does ``cause`` help predict ``effect``?

    Attributes
    ----------
    cause, effect : str
        Names of the series.
    lags : int
        Lag order chosen by the information criterion.
    stat : float
        Wald F statistic of "all lags of ``cause`` are zero".
    p : float
        Its p-value.
    n : int
        Observations in the regression.
    """

    cause: str
    effect: str
    lags: int
    stat: float
    p: float
    n: int


def _lag_matrix(frame: pd.DataFrame, lags: int) -> pd.DataFrame:
    parts = {f"{c}_l{k}": frame[c].shift(k) for c in frame.columns for k in range(1, lags + 1)}
    return pd.DataFrame(parts, index=frame.index)


def granger_test(effect: pd.Series, cause: pd.Series, max_lag: int = 8, ic: Criterion = "bic",
                 hac: bool = True) -> GrangerResult:
    """Granger causality test of ``cause`` -> ``effect`` with the lag order chosen by AIC or BIC.

    Parameters
    ----------
    effect, cause : Series
        Stationary series (changes) on a shared index.
    max_lag : int
        Largest lag order tried (1..max_lag, on a common sample).
    ic : {"aic", "bic"}
        Information criterion of the unrestricted regression.
    hac : bool
        Newey-West covariance for the Wald test (robust to the heteroskedasticity of crypto
        returns); ``False`` gives the classic F test of :func:`statsmodels.tsa.stattools.grangercausalitytests`.

    Returns
    -------
    GrangerResult

    Notes
    -----
    Unrestricted regression
    :math:`e_t = c + \\sum_{k=1}^p a_k e_{t-k} + \\sum_{k=1}^p b_k x_{t-k} + u_t`;
    :math:`H_0: b_1 = \\dots = b_p = 0`. "Granger causes" means "helps forecast", not "causes".

    References
    ----------
    .. [1] Granger, C. W. J. (1969). Investigating causal relations by econometric models and
       cross-spectral methods. *Econometrica* 37(3), 424-438. doi:10.2307/1912791
    """
    if ic not in ("aic", "bic"):
        raise ValueError(f"ic {ic!r} must be 'aic' or 'bic'")
    frame = pd.concat([effect.rename("e"), cause.rename("x")], axis=1, join="inner").dropna()
    full = pd.concat([frame["e"], _lag_matrix(frame, max_lag)], axis=1).dropna()
    scores = {}
    for p in range(1, max_lag + 1):
        cols = [f"{c}_l{k}" for c in ("e", "x") for k in range(1, p + 1)]
        fit = sm.OLS(full["e"], sm.add_constant(full[cols])).fit()
        scores[p] = getattr(fit, ic)
    p = min(scores, key=lambda k: scores[k])
    data = pd.concat([frame["e"], _lag_matrix(frame, p)], axis=1).dropna()
    cols = [f"{c}_l{k}" for c in ("e", "x") for k in range(1, p + 1)]
    kw = {"cov_type": "HAC", "cov_kwds": {"maxlags": newey_west_lags(len(data))}} if hac else {}
    fit = sm.OLS(data["e"], sm.add_constant(data[cols])).fit(**kw)
    wald = fit.wald_test(" = 0, ".join(f"x_l{k}" for k in range(1, p + 1)) + " = 0", use_f=True, scalar=True)
    return GrangerResult(str(cause.name), str(effect.name), p, float(wald.statistic), float(wald.pvalue), len(data))


def granger_both_ways(a: pd.Series, b: pd.Series, max_lag: int = 8, ic: Criterion = "bic",
                      hac: bool = True) -> pd.DataFrame:
    """:func:`granger_test` of ``a`` -> ``b`` and ``b`` -> ``a``; one row per direction."""
    tests = [granger_test(b, a, max_lag, ic, hac), granger_test(a, b, max_lag, ic, hac)]
    return pd.DataFrame([t.__dict__ for t in tests])


def local_projection(y: pd.Series, shock: pd.Series, horizons: int, n_lags: int = 4, cumulative: bool = True,
                     scale: float = 1.0, level: float = 0.95) -> pd.DataFrame:
    """Impulse response of ``y`` to ``shock`` by local projections (Jorda 2005) with HAC bands.

    Parameters
    ----------
    y : Series
        Per-period outcome (weekly BTC log returns).
    shock : Series
        Per-period impulse variable (weekly change in net liquidity), same index.
    horizons : int
        Largest horizon ``H``; responses for ``h = 0..H``.
    n_lags : int
        Lags of ``y`` and ``shock`` used as controls.
    cumulative : bool
        ``True``: response of :math:`\\sum_{j=0}^{h} y_{t+j}` (the cumulative log return, i.e.
        :math:`\\ln P_{t+h} - \\ln P_{t-1}`); ``False``: of :math:`y_{t+h}`.
    scale : float
        Size of the impulse in units of ``shock`` (e.g. one standard deviation).
    level : float
        Coverage of the bands.

    Returns
    -------
    DataFrame
        Indexed by ``horizon``; ``beta`` (response to an impulse of ``scale``), ``se``, ``lo``,
        ``hi``, ``p`` and ``n``.

    Notes
    -----
    For each :math:`h` one OLS regression
    :math:`Y_{t,h} = \\alpha_h + \\beta_h s_t + \\sum_{k=1}^{L}(\\gamma_{hk} y_{t-k} + \\delta_{hk} s_{t-k}) + e_{t+h}`;
    :math:`\\beta_h` is the response. The errors of horizon :math:`h` overlap over :math:`h+1`
    periods, so the Newey-West bandwidth is :math:`\\max(h + 1, \\text{NW rule})`.

    References
    ----------
    .. [1] Jorda, O. (2005). Estimation and inference of impulse responses by local
       projections. *American Economic Review* 95(1), 161-182. doi:10.1257/0002828053828518
    """
    frame = pd.concat([y.rename("y"), shock.rename("s")], axis=1, join="inner")
    controls = _lag_matrix(frame, n_lags)
    rows = []
    for h in range(horizons + 1):
        lead = sum(frame["y"].shift(-j) for j in range(h + 1)) if cumulative else frame["y"].shift(-h)
        data = pd.concat([lead.rename("lhs"), frame["s"], controls], axis=1).dropna()
        bw = max(h + 1, newey_west_lags(len(data)))
        fit = sm.OLS(data["lhs"], sm.add_constant(data.drop(columns="lhs"))).fit(cov_type="HAC", cov_kwds={"maxlags": bw})
        b, se = float(fit.params["s"]) * scale, float(fit.bse["s"]) * abs(scale)
        lo, hi = sorted(float(v) * scale for v in fit.conf_int(alpha=1 - level).loc["s"])  # HAC, normal quantiles
        rows.append({"horizon": h, "beta": b, "se": se, "lo": lo, "hi": hi,
                     "p": float(fit.pvalues["s"]), "n": len(data)})
    return pd.DataFrame(rows).set_index("horizon")
