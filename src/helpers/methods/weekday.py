"""Day-of-the-week effects in daily returns: each day against the rest, Holm-corrected, and tests across all days.

The dummy regression ``ret = a + b [day]`` gives ``b = mean(day) - mean(rest)``; Newey-West errors
allow for the volatility clustering of daily returns, and Welch's t-test is reported beside them
(the test of Caporale and Plastun, 2019).

References
----------
.. [1] Caporale, G. M. and Plastun, A. (2019). The day of the week effect in the cryptocurrency
   market. *Finance Research Letters* 31, 258-269. doi:10.1016/j.frl.2018.11.012
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from helpers.methods.hac import newey_west_lags
from helpers.methods.inference import adjust_pvalues

#: The weekday names of :func:`weekday_frame`, Monday first (pandas' ``day_of_week`` order).
DAY_NAMES: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: How a daily return is named: after the day whose close ends it, or after the next day's 00:00 snapshot.
DayLabel: TypeAlias = Literal["close", "snapshot"]


@dataclass(frozen=True)
class DayEffect:
    """One weekday against the rest (:func:`day_minus_rest`).

    Attributes
    ----------
    diff : float
        Mean return on the day minus the mean on the other days.
    lo, hi : float
        HAC interval of ``diff``.
    p : float
        Two-sided HAC p-value of ``diff = 0``.
    p_t : float
        Welch's t-test p-value.
    n_day, n : int
        Returns on the day, and in all.
    """

    diff: float
    lo: float
    hi: float
    p: float
    p_t: float
    n_day: int
    n: int


@dataclass(frozen=True)
class AcrossDays:
    """Whether returns differ across the seven days at all: ANOVA F and Kruskal-Wallis p-values, and N."""

    p_anova: float
    p_kruskal: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables)."""
        return asdict(self)


def weekday_frame(close: pd.Series, start: str, end: str | None = None, label: DayLabel = "close") -> pd.DataFrame:
    """Daily log returns of ``close`` from ``start`` to ``end`` (None = last), each with its weekday.

    Parameters
    ----------
    close : Series
        Daily closes, close of D labelled D (:func:`helpers.data.closes`).
    start, end : str
        ISO dates of the returns kept (by the close convention's date).
    label : {"close", "snapshot"}
        ``close``: a return is named after the UTC day whose close ends it (the project's convention,
        and CoinMarketCap's 23:59:59 UTC close). ``snapshot``: after the date of the 00:00 UTC price
        that ends it, one day later (CoinGecko's ``snapped_at`` label): Sunday's return becomes "Monday".

    Returns
    -------
    DataFrame
        Columns ``ret`` (ln(P_D / P_(D-1)), consecutive calendar days only) and ``day``
        (``"monday"`` ... ``"sunday"``).
    """
    if label not in ("close", "snapshot"):
        raise ValueError(f"label {label!r} must be 'close' or 'snapshot'")
    s = close.dropna().sort_index()
    ret = np.log(s).diff()
    gap = s.index.to_series().diff() == pd.Timedelta(days=1)
    ret = ret[gap].loc[start:end]
    if ret.empty:
        raise ValueError(f"no daily returns between {start} and {end or 'the last close'}")
    named = pd.DatetimeIndex(ret.index) + pd.Timedelta(days=1 if label == "snapshot" else 0)
    days = pd.Categorical([DAY_NAMES[d] for d in named.day_of_week], categories=DAY_NAMES)
    return pd.DataFrame({"ret": ret.to_numpy(float), "day": days}, index=ret.index)


def day_minus_rest(frame: pd.DataFrame, day: str, maxlags: int | None = None, level: float = 0.95) -> DayEffect:
    """Mean return on ``day`` minus the mean on the other days, from a dummy regression with HAC errors.

    Parameters
    ----------
    frame : DataFrame
        :func:`weekday_frame`.
    day : str
        One of :data:`DAY_NAMES`.
    maxlags : int, optional
        Newey-West bandwidth; default :func:`~helpers.methods.hac.newey_west_lags`.
    level : float
        Coverage of the HAC interval.

    Returns
    -------
    DayEffect
    """
    if day not in DAY_NAMES:
        raise ValueError(f"day {day!r} must be one of {DAY_NAMES}")
    y = frame["ret"].to_numpy(float)
    x = (frame["day"] == day).to_numpy(float)
    if x.sum() < 2 or x.sum() > len(x) - 2:
        raise ValueError(f"{int(x.sum())} {day} returns out of {len(x)}: too few to compare")
    fit = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags or newey_west_lags(len(y))})
    b = float(fit.params[1])
    lo, hi = (float(v) for v in fit.conf_int(alpha=1 - level)[1])  # HAC standard error, normal quantiles
    welch = sps.ttest_ind(y[x > 0.5], y[x < 0.5], equal_var=False)
    return DayEffect(b, lo, hi, float(fit.pvalues[1]), float(welch.pvalue), int(x.sum()), len(y))


def weekday_effects(frame: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Every weekday against the rest (:func:`day_minus_rest`), Holm-corrected over the seven tests.

    Returns
    -------
    DataFrame
        Indexed by day: ``mean`` (of that day's returns), the fields of :class:`DayEffect` and ``p_holm``.
    """
    rows = {d: {"mean": float(frame.loc[frame["day"] == d, "ret"].mean()), **asdict(day_minus_rest(frame, d, level=level))}
            for d in DAY_NAMES}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["p_holm"] = adjust_pvalues(table["p"], "holm")
    table.index.name = "day"
    return table


def weekday_anova(frame: pd.DataFrame) -> AcrossDays:
    """Whether mean (ANOVA F) or typical (Kruskal-Wallis) returns differ across the seven days at all."""
    groups = [frame.loc[frame["day"] == d, "ret"].to_numpy(float) for d in DAY_NAMES]
    return AcrossDays(float(sps.f_oneway(*groups).pvalue), float(sps.kruskal(*groups).pvalue),
                      int(sum(len(g) for g in groups)))
