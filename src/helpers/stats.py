"""Time-series statistics for liquidity and prices: changes, alignment, correlation with honest intervals.

Every function here follows the statistics bar of the project (DESIGN.md):

* correlate **changes** (log returns, differences), not trending levels; levels only to show
  why they mislead (:func:`adf`, :func:`spurious_regression_check`, :func:`engle_granger`);
* intervals that allow for autocorrelation: Newey-West (HAC) standard errors and the
  stationary bootstrap of Politis & Romano (1994) via :class:`arch.bootstrap.StationaryBootstrap`;
* stability over time (:func:`rolling_corr`, :func:`subperiod_correlations`), leads and lags
  (:func:`lead_lag_corr`, :func:`granger_test`, :func:`local_projection`);
* several tests at once corrected with Holm or Benjamini-Hochberg (:func:`adjust_pvalues`);
* no value used before it was public (:func:`available_asof`, :func:`weekly_frame`).

Monthly values are indexed by a monthly :class:`pandas.PeriodIndex`; weekly and daily values by
a :class:`pandas.DatetimeIndex`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import pandas as pd
import statsmodels.api as sm
from arch.bootstrap import StationaryBootstrap, optimal_block_length
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import adfuller, coint

PandasT = TypeVar("PandasT", pd.Series, pd.DataFrame)
MonthRule = Literal["calendar_day", "last_obs", "last_weekday"]

#: Weekday names accepted by :func:`weekly_grid` and :func:`month_end_values`.
WEEKDAYS: tuple[str, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
#: Methods accepted by :func:`adjust_pvalues` (statsmodels names).
PVALUE_METHODS: tuple[str, ...] = ("holm", "fdr_bh", "bonferroni")


# ---------------------------------------------------------------------------------------------
# changes
# ---------------------------------------------------------------------------------------------


def log_returns(values: PandasT, periods: int = 1) -> PandasT:
    """Log change over ``periods`` observations, :math:`\\ln x_t - \\ln x_{t-k}`.

    Parameters
    ----------
    values : Series or DataFrame
        Strictly positive levels (prices, balance-sheet totals), in time order.
    periods : int
        Lag ``k`` in observations (not calendar time).

    Returns
    -------
    Series or DataFrame
        Same shape; the first ``periods`` rows are NaN.

    Raises
    ------
    ValueError
        If a value is zero or negative (its log is undefined).

    Notes
    -----
    Log changes add up over time (a month's change is the sum of its weeks') and treat rises
    and falls symmetrically, which is why they, not levels, are correlated here.
    """
    if (values.le(0).to_numpy()).any():
        raise ValueError("log_returns needs strictly positive values; use differences() for yields or spreads")
    return np.log(values).diff(periods)


def differences(values: PandasT, periods: int = 1) -> PandasT:
    """Plain change :math:`x_t - x_{t-k}`, for series that can be zero or negative (yields, spreads)."""
    return values.diff(periods)


# ---------------------------------------------------------------------------------------------
# alignment
# ---------------------------------------------------------------------------------------------


def _weekday_number(weekday: str) -> int:
    key = weekday.upper()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"weekday {weekday!r} must be one of {WEEKDAYS}")
    return WEEKDAYS.index(key)


def month_end_values(values: pd.Series, rule: MonthRule, weekday: str = "WED") -> pd.Series:
    """One value per calendar month, picked by an explicit rule.

    Parameters
    ----------
    values : Series
        Observations on a DatetimeIndex (daily closes, weekly H.4.1 levels, ...).
    rule : {"calendar_day", "last_obs", "last_weekday"}
        ``calendar_day``: the value dated on the month's last calendar day (BTC close on the
        31st), NaN if that day is missing. ``last_obs``: the last observation inside the month
        (WALCL's last weekly observation). ``last_weekday``: the value dated on the month's last
        ``weekday`` (net liquidity on the last Wednesday), NaN if that day is missing.
    weekday : str
        For ``last_weekday``; one of :data:`WEEKDAYS`.

    Returns
    -------
    Series
        Indexed by a monthly PeriodIndex from the first to the last month of ``values``.

    Raises
    ------
    ValueError
        For an unknown ``rule`` or ``weekday``.
    """
    s = values.dropna().sort_index()
    idx = pd.DatetimeIndex(s.index)
    months = pd.period_range(idx[0].to_period("M"), idx[-1].to_period("M"), freq="M")
    if rule == "last_obs":
        out = s.groupby(idx.to_period("M")).last().reindex(months)
    elif rule == "calendar_day":
        out = s.reindex(months.to_timestamp(how="end").normalize()).set_axis(months)
    elif rule == "last_weekday":
        ends = months.to_timestamp(how="end").normalize()
        back = (ends.day_of_week - _weekday_number(weekday)) % 7
        out = s.reindex(ends - pd.to_timedelta(back, unit="D")).set_axis(months)
    else:
        raise ValueError(f"rule {rule!r} must be one of ('calendar_day', 'last_obs', 'last_weekday')")
    out.index.name = "month"
    out.name = values.name
    return out


def monthly_frame(columns: Mapping[str, tuple[pd.Series, MonthRule]], start: str, end: str) -> pd.DataFrame:
    """Month-end levels of several series, each with its own rule, over ``start``..``end`` (``YYYY-MM``).

    Parameters
    ----------
    columns : mapping of str to (Series, rule)
        Output column name to the series and its :func:`month_end_values` rule; ``last_weekday``
        uses Wednesday.
    start, end : str
        First and last month, inclusive. Start one month before the first change you need.

    Returns
    -------
    DataFrame
        Indexed by monthly PeriodIndex; NaN where a rule finds no value.
    """
    months = pd.period_range(start, end, freq="M")
    out = {name: month_end_values(s, rule).reindex(months) for name, (s, rule) in columns.items()}
    frame = pd.DataFrame(out, index=months)
    frame.index.name = "month"
    return frame


def available_asof(values: pd.Series, dates: pd.DatetimeIndex, lag_days: int, tolerance_days: int = 10) -> pd.DataFrame:
    """The latest value that was public on each of ``dates``.

    An observation dated ``d`` becomes usable on ``d + lag_days`` (H.4.1: Wednesday level,
    published Thursday afternoon, ``lag_days=1``), never earlier.

    Parameters
    ----------
    values : Series
        Observations on a DatetimeIndex (observation dates, as FRED labels them).
    dates : DatetimeIndex
        Dates on which the value is to be used.
    lag_days : int
        Publication lag in calendar days (:attr:`helpers.data.catalog.SeriesSpec.publication_lag_days`).
    tolerance_days : int
        Leave NaN where the newest usable observation is older than this (a gap in the data).

    Returns
    -------
    DataFrame
        Index ``dates``; columns ``value`` and ``observed`` (the observation date used), so a
        caller can check ``dates - observed >= lag_days``.

    Notes
    -----
    Implemented with :func:`pandas.merge_asof` on the *availability* date
    :math:`a = d + \\text{lag}`, direction backward: the value used at date :math:`t` is the one
    with the largest :math:`a \\le t`.
    """
    s = values.dropna().sort_index()
    table = pd.DataFrame({"available": pd.DatetimeIndex(s.index) + pd.Timedelta(days=lag_days),
                          "observed": pd.DatetimeIndex(s.index), "value": s.to_numpy()})
    left = pd.DataFrame({"date": pd.DatetimeIndex(dates)})
    merged = pd.merge_asof(left, table, left_on="date", right_on="available", direction="backward",
                           tolerance=pd.Timedelta(days=tolerance_days + lag_days))
    return merged.set_index("date")[["value", "observed"]]


def weekly_grid(start: str, end: str, weekday: str = "THU") -> pd.DatetimeIndex:
    """Every ``weekday`` from ``start`` to ``end`` inclusive."""
    return pd.date_range(start, end, freq=f"W-{WEEKDAYS[_weekday_number(weekday)]}", name="date")


def weekly_frame(prices: Mapping[str, pd.Series], levels: Mapping[str, pd.Series], start: str, end: str,
                 weekday: str = "THU", lag_days: int = 1) -> pd.DataFrame:
    """Weekly levels on one grid: prices as of each grid day, liquidity levels as public on it.

    Parameters
    ----------
    prices : mapping of str to Series
        Daily closes (crypto close of D = 00:00 UTC of D+1; equities' US close); the last close
        on or before each grid day is used (holidays), at most 4 days old.
    levels : mapping of str to Series
        Liquidity levels on their observation dates (H.4.1 Wednesdays).
    start, end : str
        Grid range.
    weekday : str
        Grid day. ``THU`` with ``lag_days=1`` is the earliest day a Wednesday level is public;
        the BTC close of Thursday (00:00 UTC Friday) comes after the 16:30 ET release.
    lag_days : int
        Publication lag of ``levels`` in days; ``0`` reproduces the naive alignment.

    Returns
    -------
    DataFrame
        One column per price and level, indexed by the grid.
    """
    grid = weekly_grid(start, end, weekday)
    out = {name: available_asof(s, grid, 0, tolerance_days=4)["value"] for name, s in prices.items()}
    out |= {name: available_asof(s, grid, lag_days)["value"] for name, s in levels.items()}
    return pd.DataFrame(out, index=grid)


# ---------------------------------------------------------------------------------------------
# correlation with intervals
# ---------------------------------------------------------------------------------------------


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


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule for the HAC bandwidth, :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor`."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def _pairs(x: pd.Series, y: pd.Series) -> pd.DataFrame:
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner").dropna()
    if len(both) < 3:
        raise ValueError(f"need at least 3 overlapping observations, got {len(both)}")
    return both


def _corr_arrays(x: np.ndarray, y: np.ndarray) -> float:
    xs, ys = x - x.mean(), y - y.mean()
    den = math.sqrt(float(xs @ xs) * float(ys @ ys))
    return float(xs @ ys / den) if den > 0 else math.nan


def _percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return math.nan, math.nan
    a = (1 - level) / 2
    lo, hi = np.quantile(finite, [a, 1 - a])
    return float(lo), float(hi)


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
        Mean block length in observations; default :func:`default_block_size` of the standardised product.
    maxlags : int, optional
        HAC bandwidth; default :func:`newey_west_lags`.
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

    References
    ----------
    .. [1] Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite,
       heteroskedasticity and autocorrelation consistent covariance matrix. *Econometrica*
       55(3), 703-708. doi:10.2307/1913610
    .. [2] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
       American Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
    """
    both = _pairs(x, y)
    xv, yv = both["x"].to_numpy(float), both["y"].to_numpy(float)
    n = len(both)
    r = _corr_arrays(xv, yv)
    zx, zy = (xv - xv.mean()) / xv.std(), (yv - yv.mean()) / yv.std()
    fit = sm.OLS(zy, sm.add_constant(zx)).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags or newey_west_lags(n)})
    se, p = float(fit.bse[1]), float(fit.pvalues[1])
    z = float(sps.norm.ppf(0.5 + level / 2))
    out = dict(r=r, n=n, se_hac=se, p_hac=p, lo_hac=max(-1.0, r - z * se), hi_hac=min(1.0, r + z * se))
    if reps > 0:
        bsize = block_size or default_block_size(zx * zy)
        bs = StationaryBootstrap(bsize, xv, yv, seed=np.random.default_rng(seed))
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = bs.apply(lambda a, b: np.array([_corr_arrays(a, b)]), reps).ravel()
        lo, hi = _percentile_interval(draws, level)
        out |= dict(lo_boot=lo, hi_boot=hi, block_size=bsize)
    return Correlation(**out)  # type: ignore[arg-type]


def correlation_table(changes: pd.DataFrame, rows: list[str], cols: list[str], reps: int = 0, seed: int = 0,
                      level: float = 0.95) -> pd.DataFrame:
    """:func:`correlation` for every pair ``rows`` x ``cols`` of columns of ``changes``, long format.

    Returns
    -------
    DataFrame
        One row per pair: ``x`` (row), ``y`` (col) and the fields of :class:`Correlation`.
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
        xs, ys = x.loc[start:end], y.loc[start:end]
        both = _pairs(xs, ys)
        c = correlation(both["x"], both["y"], reps=reps, seed=seed + k, level=level)
        rows[name] = {"start": both.index[0], "end": both.index[-1], **c.as_dict()}
    return pd.DataFrame.from_dict(rows, orient="index")


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
    z = float(sps.norm.ppf(0.5 + level / 2))
    rows = []
    for k in range(-max_lag, max_lag + 1):
        pair = pd.concat([both["x"], both["y"].shift(-k)], axis=1).dropna()
        n = len(pair)
        rows.append({"lag": k, "r": _corr_arrays(pair.iloc[:, 0].to_numpy(float), pair.iloc[:, 1].to_numpy(float)),
                     "n": n, "band": z / math.sqrt(n)})
    return pd.DataFrame(rows).set_index("lag")


def rolling_summary(rolling: pd.Series) -> dict[str, float | int]:
    """Summary of a rolling-correlation series: ``min``, ``max``, ``sd``, ``share_positive`` and ``n`` windows.

    Notes
    -----
    Neighbouring windows share all but one observation, so ``n`` overstates the independent
    information by a factor of about the window length.
    """
    s = rolling.dropna()
    return {"min": float(s.min()), "max": float(s.max()), "sd": float(s.std()),
            "share_positive": float((s > 0).mean()), "n": len(s)}


# ---------------------------------------------------------------------------------------------
# levels: unit roots, spurious regression, cointegration
# ---------------------------------------------------------------------------------------------


def adf(values: pd.Series, regression: Literal["c", "ct", "n"] = "c", autolag: str = "AIC") -> dict[str, float | int]:
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
    dict
        ``stat``, ``p`` (MacKinnon), ``lags`` used and ``n``. A large p-value means a unit
        root cannot be rejected: treat the series as non-stationary.

    References
    ----------
    .. [1] Dickey, D. A. and Fuller, W. A. (1979). Distribution of the estimators for
       autoregressive time series with a unit root. *JASA* 74(366), 427-431.
       doi:10.1080/01621459.1979.10482531
    """
    res = adfuller(values.dropna().to_numpy(float), regression=regression, autolag=autolag, result_object=False)
    return {"stat": float(res[0]), "p": float(res[1]), "lags": int(res[2]), "n": int(res[3])}


def adf_table(levels: pd.DataFrame, log: bool = True, regression: Literal["c", "ct", "n"] = "c") -> pd.DataFrame:
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
        rows[col] = {"p_level": a["p"], "p_change": b["p"], "n_level": a["n"] + a["lags"] + 1,
                     "n_change": b["n"] + b["lags"] + 1}
    return pd.DataFrame.from_dict(rows, orient="index")


def spurious_regression_check(y: pd.Series, x: pd.Series) -> dict[str, float | int | bool]:
    """Granger-Newbold warning sign: a levels regression whose :math:`R^2` exceeds its Durbin-Watson.

    Parameters
    ----------
    y, x : Series
        Levels (e.g. log BTC and log net liquidity).

    Returns
    -------
    dict
        ``slope``, ``r2``, ``dw`` (Durbin-Watson of the residuals), ``n`` and ``warning``
        (``r2 > dw``).

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
    both = _pairs(x, y)
    fit = sm.OLS(both["y"].to_numpy(float), sm.add_constant(both["x"].to_numpy(float))).fit()
    dw = float(sm.stats.stattools.durbin_watson(fit.resid))
    return {"slope": float(fit.params[1]), "r2": float(fit.rsquared), "dw": dw, "n": len(both),
            "warning": bool(fit.rsquared > dw)}


def engle_granger(y: pd.Series, x: pd.Series, trend: Literal["c", "ct", "n"] = "c") -> dict[str, float | int]:
    """Engle-Granger two-step cointegration test (statsmodels :func:`~statsmodels.tsa.stattools.coint`).

    Parameters
    ----------
    y, x : Series
        Levels, both I(1) by :func:`adf` (test that first; the test means nothing otherwise).
    trend : {"c", "ct", "n"}
        Deterministic terms in the cointegrating regression.

    Returns
    -------
    dict
        ``stat`` (ADF statistic of the residuals), ``p`` (MacKinnon 2010), ``crit5`` and ``n``.
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
    both = _pairs(x, y)
    stat, p, crit = coint(both["y"].to_numpy(float), both["x"].to_numpy(float), trend=trend)
    return {"stat": float(stat), "p": float(p), "crit5": float(crit[1]), "n": len(both)}


# ---------------------------------------------------------------------------------------------
# who leads: Granger causality and local projections
# ---------------------------------------------------------------------------------------------


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


def granger_test(effect: pd.Series, cause: pd.Series, max_lag: int = 8, ic: Literal["aic", "bic"] = "bic",
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


def granger_both_ways(a: pd.Series, b: pd.Series, max_lag: int = 8, ic: Literal["aic", "bic"] = "bic",
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
    z = float(sps.norm.ppf(0.5 + level / 2))
    rows = []
    for h in range(horizons + 1):
        lead = sum(frame["y"].shift(-j) for j in range(h + 1)) if cumulative else frame["y"].shift(-h)
        data = pd.concat([lead.rename("lhs"), frame["s"], controls], axis=1).dropna()
        bw = max(h + 1, newey_west_lags(len(data)))
        fit = sm.OLS(data["lhs"], sm.add_constant(data.drop(columns="lhs"))).fit(cov_type="HAC", cov_kwds={"maxlags": bw})
        b, se = float(fit.params["s"]) * scale, float(fit.bse["s"]) * abs(scale)
        rows.append({"horizon": h, "beta": b, "se": se, "lo": b - z * se, "hi": b + z * se,
                     "p": float(fit.pvalues["s"]), "n": len(data)})
    return pd.DataFrame(rows).set_index("horizon")


# ---------------------------------------------------------------------------------------------
# regimes and direction
# ---------------------------------------------------------------------------------------------


def regime_from_change(level: pd.Series, window: int, labels: tuple[str, str] = ("expanding", "contracting")) -> pd.Series:
    """Label each date by the sign of the change of ``level`` over the last ``window`` observations.

    Returns
    -------
    Series
        ``labels[0]`` where :math:`x_t - x_{t-w} > 0`, ``labels[1]`` where it is :math:`\\le 0`,
        missing where the change is undefined. Uses only values up to ``t``.
    """
    change = level.diff(window)
    out = pd.Series(np.where(change > 0, labels[0], labels[1]), index=level.index, dtype=object)
    return out.where(change.notna())


def forward_log_return(price: pd.Series, horizon: int) -> pd.Series:
    """Forward log return :math:`\\ln P_{t+h} - \\ln P_t` over ``horizon`` observations (NaN at the end)."""
    return np.log(price).shift(-horizon) - np.log(price)


@dataclass(frozen=True)
class RegimeComparison:
    """Forward returns by regime and the difference between the first two regimes.

    Attributes
    ----------
    table : DataFrame
        Per regime: ``mean``, ``median``, ``share_up`` and ``n``.
    diff : float
        Mean of the first regime minus mean of the second.
    lo, hi : float
        Stationary-bootstrap percentile interval of ``diff``.
    p_hac : float
        Two-sided p-value of ``diff`` from a regression on a regime dummy with HAC errors.
    n : int
        Observations used (overlapping when the horizon exceeds the spacing).
    block_size : int
        Mean block length of the bootstrap.
    sd : float
        Standard deviation of all forward returns used; ``diff / sd`` is the effect in SD units,
        comparable across assets of different volatility.
    """

    table: pd.DataFrame
    diff: float
    lo: float
    hi: float
    p_hac: float
    n: int
    block_size: int
    sd: float


def regime_forward_returns(forward: pd.Series, regime: pd.Series, order: tuple[str, str] = ("expanding", "contracting"),
                           reps: int = 2000, block_size: int = 26, seed: int = 0, hac_lags: int | None = None,
                           level: float = 0.95) -> RegimeComparison:
    """Compare forward returns across two regimes, with a stationary-bootstrap interval for the difference.

    Parameters
    ----------
    forward : Series
        Forward returns (e.g. 13-week log return from :func:`forward_log_return`).
    regime : Series
        Regime label at the start of each forward window (:func:`regime_from_change`).
    order : (str, str)
        The regimes compared; ``diff = mean(order[0]) - mean(order[1])``.
    reps : int
        Bootstrap repetitions.
    block_size : int
        Mean block length; keep it at least the forward horizon, since overlapping windows and
        persistent regimes make neighbouring observations dependent.
    seed : int
        Seed of the bootstrap generator.
    hac_lags : int, optional
        Newey-West bandwidth for ``p_hac``; default ``block_size``.
    level : float
        Coverage of the interval.

    Returns
    -------
    RegimeComparison

    Notes
    -----
    The bootstrap resamples (return, regime) pairs jointly in blocks, so a resample can put
    more or fewer weeks in each regime, as another history could have.

    References
    ----------
    .. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *JASA* 89(428),
       1303-1313. doi:10.1080/01621459.1994.10476870
    """
    both = pd.concat([forward.rename("f"), regime.rename("g")], axis=1, join="inner").dropna()
    both = both[both["g"].isin(order)]
    table = both.groupby("g")["f"].agg(mean="mean", median="median", share_up=lambda v: float((v > 0).mean()),
                                       n="count").reindex(list(order))
    f, d = both["f"].to_numpy(float), (both["g"] == order[0]).to_numpy(float)
    diff = _mean_diff(f, d)
    bs = StationaryBootstrap(block_size, f, d, seed=np.random.default_rng(seed))
    draws = bs.apply(lambda a, b: np.array([_mean_diff(a, b)]), reps).ravel()
    lo, hi = _percentile_interval(draws, level)
    fit = sm.OLS(f, sm.add_constant(d)).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags or block_size})
    return RegimeComparison(table, diff, lo, hi, float(fit.pvalues[1]), len(both), block_size, float(f.std(ddof=1)))


def liquidity_regime_returns(price: pd.Series, level: pd.Series, start: str, horizon: int = 13, window: int = 13,
                             reps: int = 2000, block_size: int = 26, seed: int = 0,
                             level_ci: float = 0.95) -> RegimeComparison:
    """Forward returns of ``price`` when ``level`` was expanding versus contracting (one call of the pipeline).

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level on one grid, the level as public on each date
        (:func:`weekly_frame`).
    start : str
        First date of the sample (the regime and the forward window start on or after it).
    horizon : int
        Forward-return horizon (:func:`forward_log_return`).
    window : int
        Regime window (:func:`regime_from_change`).
    reps, block_size, seed : int
        Passed to :func:`regime_forward_returns`.
    level_ci : float
        Coverage of the bootstrap interval (``1 - 0.05 / m`` for a Bonferroni interval over
        ``m`` measures); with the same ``seed`` the resamples are the same at every coverage.

    Returns
    -------
    RegimeComparison
    """
    fwd = forward_log_return(price.dropna(), horizon).loc[start:]
    lab = regime_from_change(level.dropna(), window).loc[start:]
    return regime_forward_returns(fwd, lab, reps=reps, block_size=block_size, seed=seed, level=level_ci)


def regime_table(comparisons: Mapping[str, RegimeComparison]) -> pd.DataFrame:
    """One row per labelled :class:`RegimeComparison`: means, difference, interval, p-value, N, SD units.

    Returns
    -------
    DataFrame
        Indexed by label; ``mean_first``, ``mean_second``, ``diff``, ``lo``, ``hi``, ``p_hac``,
        ``n``, ``n_first``, ``n_second`` and ``diff_sd`` (``diff / sd``).
    """
    rows = {}
    for label, c in comparisons.items():
        first, second = c.table.index[0], c.table.index[1]
        rows[label] = {"mean_first": c.table.loc[first, "mean"], "mean_second": c.table.loc[second, "mean"],
                       "diff": c.diff, "lo": c.lo, "hi": c.hi, "p_hac": c.p_hac, "n": c.n,
                       "n_first": c.table.loc[first, "n"], "n_second": c.table.loc[second, "n"],
                       "diff_sd": c.diff / c.sd}
    return pd.DataFrame.from_dict(rows, orient="index")


def liquidity_regime_table(specs: Mapping[str, tuple[pd.Series, pd.Series]], start: str, family: Sequence[str],
                           horizon: int = 13, window: int = 13, reps: int = 2000, block_size: int = 26,
                           seed: int = 0, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`regime_table` of several (price, level) pairs, with a multiple-testing correction over a family.

    Parameters
    ----------
    specs : mapping of str to (Series, Series)
        Label to weekly (price, liquidity level), as for :func:`liquidity_regime_returns`. The
        ``k``-th pair is bootstrapped with seed ``seed + k``.
    start : str
        First date of the sample.
    family : sequence of str
        Labels tested together for one claim (BTC against three liquidity measures, say).
    horizon, window, reps, block_size, seed : int
        Passed to :func:`liquidity_regime_returns`.
    alpha : float
        Family-wise error rate.

    Returns
    -------
    DataFrame
        :func:`regime_table` (95% intervals ``lo``, ``hi``) plus, for the ``family`` rows only,
        ``p_holm`` (Holm-adjusted ``p_hac``) and ``lo_bonf``, ``hi_bonf`` (bootstrap interval of
        coverage :math:`1 - \\alpha / m` for ``m`` members, from the same resamples), and
        ``shows_effect``: a positive difference with ``p_holm < alpha`` and ``lo_bonf > 0``.

    Raises
    ------
    ValueError
        If a ``family`` label is not in ``specs``.
    """
    missing = [k for k in family if k not in specs]
    if missing:
        raise ValueError(f"family labels {missing} are not in specs")
    level_bonf = 1 - alpha / len(family)
    main, wide = {}, {}
    for k, (label, (price, level)) in enumerate(specs.items()):
        args = (price, level, start, horizon, window, reps, block_size, seed + k)
        main[label] = liquidity_regime_returns(*args)
        if label in family:
            wide[label] = liquidity_regime_returns(*args, level_ci=level_bonf)
    table = regime_table(main)
    fam = list(family)
    table.loc[fam, "p_holm"] = adjust_pvalues(table.loc[fam, "p_hac"], "holm").to_numpy()
    table.loc[fam, "lo_bonf"] = [wide[k].lo for k in fam]
    table.loc[fam, "hi_bonf"] = [wide[k].hi for k in fam]
    shows = (table["diff"] > 0) & (table["p_holm"] < alpha) & (table["lo_bonf"] > 0)
    table["shows_effect"] = shows.where(table.index.isin(fam))
    return table


def weekly_link_summary(price: pd.Series, level: pd.Series, start: str, horizon: int = 13, window: int = 13,
                        reps: int = 2000, block_size: int = 26, seed: int = 0) -> dict[str, float | int]:
    """Same-week and next-week correlation, and the regime difference, for one weekly alignment.

    Used to show what an alignment choice changes (publication lag): pass the same price and
    liquidity level sampled two ways and compare the outputs.

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level on one grid (from :func:`weekly_frame`).
    start : str
        First date of the changes used.
    horizon, window : int
        Forward-return horizon and regime window, in weeks.
    reps, block_size, seed : int
        Passed to :func:`regime_forward_returns`.

    Returns
    -------
    dict
        ``r_same_week``, ``r_next_week`` (liquidity change leads the price change by one week),
        ``regime_diff`` and ``n``.
    """
    both = pd.concat([price.rename("p"), level.rename("l")], axis=1).dropna()
    ch = log_returns(both).loc[start:]
    ll = lead_lag_corr(ch["l"], ch["p"], 1)
    reg = liquidity_regime_returns(both["p"], both["l"], start, horizon, window, reps, block_size, seed)
    return {"r_same_week": float(ll.loc[0, "r"]), "r_next_week": float(ll.loc[1, "r"]),
            "regime_diff": reg.diff, "n": int(ll.loc[0, "n"])}


def _mean_diff(values: np.ndarray, is_first: np.ndarray) -> float:
    first = is_first > 0.5
    if first.all() or not first.any():
        return math.nan
    return float(values[first].mean() - values[~first].mean())


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


def drawdown_split(price: pd.Series, peak_window: tuple[str, str], trough_window: tuple[str, str],
                   split: str) -> dict[str, float | pd.Timestamp]:
    """Split a peak-to-trough log decline into the parts before and after a date.

    Parameters
    ----------
    price : Series
        Daily closes.
    peak_window, trough_window : (str, str)
        Date ranges in which to look for the highest and the lowest close.
    split : str
        The date that splits the decline (e.g. the start of QT); the close of the day before is
        the split level.

    Returns
    -------
    dict
        ``peak``, ``trough`` (dates), ``total``, ``before``, ``after`` (log changes) and
        ``share_before`` (:math:`\text{before} / \text{total}`).

    Raises
    ------
    ValueError
        If ``split`` does not fall between the peak and the trough.
    """
    peak = price.loc[peak_window[0]:peak_window[1]].idxmax()
    trough = price.loc[trough_window[0]:trough_window[1]].idxmin()
    cut = pd.Timestamp(split)
    if not peak < cut <= trough:
        raise ValueError(f"split {split} must fall after the peak {peak:%Y-%m-%d} and by the trough {trough:%Y-%m-%d}")
    at_split = float(price.loc[: cut - pd.Timedelta(days=1)].iloc[-1])
    before = math.log(at_split / float(price[peak]))
    total = math.log(float(price[trough]) / float(price[peak]))
    return {"peak": peak, "trough": trough, "total": total, "before": before, "after": total - before,
            "share_before": before / total}


def drawdown_splits(price: pd.Series, peak_window: tuple[str, str], trough_window: tuple[str, str],
                    splits: Mapping[str, str]) -> pd.DataFrame:
    """:func:`drawdown_split` of one peak-to-trough decline at several candidate dates.

    Used when the date of an event is itself a choice (QT first signalled, announced, or
    started), to show how much a timing argument depends on that choice.

    Parameters
    ----------
    price : Series
        Daily closes.
    peak_window, trough_window : (str, str)
        Date ranges in which to look for the highest and the lowest close.
    splits : mapping of str to str
        Label to candidate split date, in any order.

    Returns
    -------
    DataFrame
        Indexed by label, in date order: ``date`` (Timestamp), ``before``, ``after`` (log
        changes before the split date and from it to the trough), ``total`` and
        ``share_before``. The peak and trough are the same for every row.

    Raises
    ------
    ValueError
        If a date does not fall between the peak and the trough.
    """
    rows = {}
    for label, date in sorted(splits.items(), key=lambda kv: pd.Timestamp(kv[1])):
        out = drawdown_split(price, peak_window, trough_window, date)
        rows[label] = {"date": pd.Timestamp(date), "before": out["before"], "after": out["after"],
                       "total": out["total"], "share_before": out["share_before"]}
    return pd.DataFrame.from_dict(rows, orient="index")


def timing_consensus(shares: pd.Series, threshold: float) -> Literal["before", "after", "mixed"]:
    """Whether a timing finding holds for every candidate date of an event.

    Parameters
    ----------
    shares : Series
        Share of a decline that came before each candidate date (``share_before`` of
        :func:`drawdown_splits`).
    threshold : float
        A share at or above it counts as "a large part came before the event".

    Returns
    -------
    {"before", "after", "mixed"}
        ``before`` if every share is at least ``threshold``, ``after`` if every share is
        below it, ``mixed`` when the answer depends on the date chosen (then a verdict built
        on the timing would be an artefact of that choice).

    Raises
    ------
    ValueError
        If ``shares`` is empty or holds NaN.
    """
    if shares.empty or shares.isna().any():
        raise ValueError("timing_consensus needs at least one share and no NaN")
    at_least = shares >= threshold
    if at_least.all():
        return "before"
    if not at_least.any():
        return "after"
    return "mixed"


def changes_between(levels: pd.DataFrame, boundaries: Mapping[str, str | pd.Timestamp],
                    tolerance_days: int = 10) -> pd.DataFrame:
    """Change of every column of ``levels`` between consecutive boundary dates.

    Parameters
    ----------
    levels : DataFrame
        Levels on a DatetimeIndex (weekly net liquidity and its parts, say).
    boundaries : mapping of str to date
        Label to date, in time order; the value used at a boundary is the last observation on
        or before it (pass "the day before" to exclude the date itself).
    tolerance_days : int
        Refuse an observation older than this at a boundary (a gap in the data).

    Returns
    -------
    DataFrame
        One row per pair of consecutive boundaries, indexed ``"a -> b"``: ``from`` and ``to``
        (observation dates used), then the change of each column. Changes add up: the sum of
        the rows is the change from the first to the last boundary.

    Raises
    ------
    ValueError
        If the boundaries are not in time order, or a boundary has no observation within
        ``tolerance_days``.
    """
    names, dates = list(boundaries), pd.DatetimeIndex([pd.Timestamp(d) for d in boundaries.values()])
    if not dates.is_monotonic_increasing:
        raise ValueError("boundaries must be in time order")
    frame = levels.dropna().sort_index()
    used = available_asof(frame.iloc[:, 0], dates, 0, tolerance_days)["observed"]
    if used.isna().any():
        missing = [n for n, u in zip(names, used, strict=True) if pd.isna(u)]
        raise ValueError(f"no observation within {tolerance_days} days of boundary {missing}")
    values = frame.loc[pd.DatetimeIndex(used)]
    rows = {}
    for k in range(1, len(names)):
        rows[f"{names[k - 1]} -> {names[k]}"] = {"from": used.iloc[k - 1], "to": used.iloc[k],
                                                 **(values.iloc[k] - values.iloc[k - 1]).to_dict()}
    return pd.DataFrame.from_dict(rows, orient="index")


# ---------------------------------------------------------------------------------------------
# multiple testing
# ---------------------------------------------------------------------------------------------


def adjust_pvalues(pvalues: pd.Series, method: str = "holm") -> pd.Series:
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
    if method not in PVALUE_METHODS:
        raise ValueError(f"method {method!r} must be one of {PVALUE_METHODS}")
    out = pd.Series(np.nan, index=pvalues.index, dtype=float)
    ok = pvalues.notna()
    if ok.any():
        out[ok] = multipletests(pvalues[ok].to_numpy(float), method=method)[1]
    return out


def with_adjusted(table: pd.DataFrame, pcol: str = "p", methods: tuple[str, ...] = ("holm", "fdr_bh")) -> pd.DataFrame:
    """``table`` with one adjusted p-value column per method (``p_holm``, ``p_fdr_bh``)."""
    out = table.copy()
    for m in methods:
        out[f"{pcol}_{m}"] = adjust_pvalues(out[pcol], m)
    return out



# ---------------------------------------------------------------------------------------------
# null distributions, differences of correlations, specification curves
# ---------------------------------------------------------------------------------------------


def circular_shift_null(x: pd.Series, y: pd.Series, statistic: Callable[[pd.Series, pd.Series], float],
                        n_shifts: int = 500, min_shift: int = 52, seed: int = 0) -> dict[str, float | int]:
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

    Returns
    -------
    dict
        ``observed``, ``null_mean``, ``null_sd``, ``null_low`` and ``null_high`` (2.5% and 97.5%
        quantiles), ``p_upper`` (share of shifts at least the observed, with the +1 correction),
        ``n_shifts`` and ``n``.

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
    lo, hi = np.quantile(draws, [0.025, 0.975])
    return {"observed": observed, "null_mean": float(draws.mean()), "null_sd": float(draws.std(ddof=1)),
            "null_low": float(lo), "null_high": float(hi),
            "p_upper": float((1 + (draws >= observed).sum()) / (1 + draws.size)), "n_shifts": int(draws.size), "n": n}


def rolling_corr_sd(window: int) -> Callable[[pd.Series, pd.Series], float]:
    """The statistic "SD over time of the ``window``-observation rolling correlation", for :func:`circular_shift_null`."""

    def sd(x: pd.Series, y: pd.Series) -> float:
        return float(rolling_corr(x, y, window).std())

    return sd


def correlation_difference(a: pd.Series, b: pd.Series, common: pd.Series, reps: int = 2000, seed: int = 0,
                           block_size: int | None = None, level: float = 0.95) -> dict[str, float | int]:
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
        Mean block length; default :func:`default_block_size` of the product of ``a`` and ``common``.
    level : float
        Coverage of the percentile interval (``1 - alpha / m`` for a Bonferroni interval).

    Returns
    -------
    dict
        ``r_a``, ``r_b``, ``diff``, ``lo``, ``hi``, ``n`` and ``block_size``.
    """
    frame = pd.concat([a.rename("a"), b.rename("b"), common.rename("c")], axis=1, join="inner").dropna()
    if len(frame) < 10:
        raise ValueError(f"need at least 10 common observations, got {len(frame)}")
    av, bv, cv = (frame[k].to_numpy(float) for k in ("a", "b", "c"))
    r_a, r_b = _corr_arrays(av, cv), _corr_arrays(bv, cv)
    za, zc = (av - av.mean()) / av.std(), (cv - cv.mean()) / cv.std()
    bsize = block_size or default_block_size(za * zc)
    bs = StationaryBootstrap(bsize, av, bv, cv, seed=np.random.default_rng(seed))
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = bs.apply(lambda x, y, z: np.array([_corr_arrays(x, z) - _corr_arrays(y, z)]), reps).ravel()
    lo, hi = _percentile_interval(draws, level)
    return {"r_a": r_a, "r_b": r_b, "diff": r_a - r_b, "lo": lo, "hi": hi, "n": len(frame), "block_size": bsize}


def regime_spec_curve(price: pd.Series, level: pd.Series, start: str, windows: Sequence[int], horizons: Sequence[int],
                      hac_lags: int = 26) -> pd.DataFrame:
    """The regime difference of :func:`liquidity_regime_returns` over a grid of regime windows and horizons.

    One row per (window, horizon): the forward-return difference, expanding minus contracting,
    and its HAC p-value (no bootstrap: the grid shows how far the answer depends on the choice).

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level as public on each date (:func:`weekly_frame`).
    start : str
        First date of the sample.
    windows, horizons : sequence of int
        Regime windows and forward horizons, in weeks.
    hac_lags : int
        Newey-West bandwidth; keep it at least the longest horizon's overlap.

    Returns
    -------
    DataFrame
        Columns ``window``, ``horizon``, ``diff``, ``p_hac``, ``n``.
    """
    rows = []
    for w in windows:
        lab = regime_from_change(level.dropna(), w).loc[start:]
        for h in horizons:
            fwd = forward_log_return(price.dropna(), h).loc[start:]
            both = pd.concat([fwd.rename("f"), lab.rename("g")], axis=1, join="inner").dropna()
            f, d = both["f"].to_numpy(float), (both["g"] == "expanding").to_numpy(float)
            fit = sm.OLS(f, sm.add_constant(d)).fit(cov_type="HAC", cov_kwds={"maxlags": max(hac_lags, h)})
            rows.append({"window": w, "horizon": h, "diff": _mean_diff(f, d), "p_hac": float(fit.pvalues[1]),
                         "n": len(both)})
    return pd.DataFrame(rows)


def period_labels(index: pd.DatetimeIndex, periods: Sequence[tuple[pd.Timestamp, pd.Timestamp | None]],
                  inside: str = "inside", outside: str = "outside") -> pd.Series:
    """Label each date ``inside`` when it falls in one of ``periods`` (start exclusive, end inclusive; None = open)."""
    out = pd.Series(outside, index=index, dtype=object)
    for start, end in periods:
        mask = (index > pd.Timestamp(start)) & (index <= (pd.Timestamp(end) if end is not None else index.max()))
        out[mask] = inside
    return out
