"""Calendar effects: period changes, years x periods tables, and some periods against the rest.

Notebook-agnostic tools for seasonal claims on any level series (prices, index levels, supplies):

* period log changes (:func:`period_log_changes`), a years x periods table (:func:`by_year`) and the
  within-year scale of a calendar effect (:func:`within_year_sd`);
* the mean of some calendar periods against the rest with a within-year permutation test and a year
  bootstrap (:func:`period_effect`), the month-of-year or quarter-of-year table with Holm-adjusted
  p-values (:func:`period_table`), the share of years each period was the largest (:func:`peak_share`);
* the windows around the turn of the year (:func:`turn_of_year`) and a rank correlation (:func:`spearman`);
* a two-group mean difference with a label-permutation p (:func:`permutation_diff`);
* intervals signed so that positive is a claimed direction (:func:`claimed_interval`,
  :func:`placebo_interval`).

Every p-value and interval comes from :mod:`helpers.methods.inference` (:func:`permutation_p_value`,
:func:`percentile_interval`), so ``level`` means the same as everywhere else in the package.

Conventions
-----------
A *period log change* of a level series :math:`x` over calendar period :math:`p` (a month or a
quarter) is :math:`\\ln x_{e(p)} - \\ln x_{e(p-1)}`, with :math:`x_{e(p)}` the last observation
on or before the period's last calendar day (the BTC close of the 31st; the S&P 500 close of the
last trading day), left NaN when that observation is older than ``tolerance_days``.

Calendar-effect tests compare *within years*: the permutation shuffles the period labels inside
each year, so a year that was good in every month (2017) cannot make one month look good.
Years are the independent units: ten to thirteen of them for crypto, so intervals are wide.

References
----------
.. [1] Rozeff, M. S. and Kinney, W. R. (1976). Capital market seasonality: The case of stock
   returns. *Journal of Financial Economics*, 3(4), 379-402.
   https://doi.org/10.1016/0304-405X(76)90028-3
.. [2] Reinganum, M. R. (1983). The anomalous stock market behavior of small firms in January:
   Empirical tests for tax-loss selling effects. *Journal of Financial Economics*, 12(1), 89-104.
   https://doi.org/10.1016/0304-405X(83)90029-6
.. [3] Good, P. (2005). *Permutation, Parametric and Bootstrap Tests of Hypotheses*, 3rd ed.
   Springer. https://doi.org/10.1007/b138696
.. [4] Holm, S. (1979). A Simple Sequentially Rejective Multiple Test Procedure. *Scandinavian
   Journal of Statistics*, 6(2), 65-70. https://www.jstor.org/stable/4615733
.. [5] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero.
   *Statistical Applications in Genetics and Molecular Biology* 9(1), article 39.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.methods import eventstudy, placebo
from helpers.methods.inference import (
    ALTERNATIVES,
    Alternative,
    adjust_pvalues,
    percentile_interval,
    permutation_p_value,
)

Freq: TypeAlias = Literal["M", "Q"]

#: Month labels, January first.
MONTHS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Quarter labels.
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")

# --------------------------------------------------------------------------------------------
# Period changes and the years x periods table
# --------------------------------------------------------------------------------------------


def period_log_changes(level: pd.Series, freq: Freq = "M", start: str | None = None, end: str | None = None,
                       tolerance_days: int = 4) -> pd.Series:
    """Log change of a level series over each calendar month or quarter.

    Parameters
    ----------
    level : pd.Series
        Strictly positive levels on a DatetimeIndex (daily closes, business-day index levels,
        daily stablecoin supply).
    freq : {"M", "Q"}
        Calendar months or quarters.
    start, end : str, optional
        First and last period kept (any date inside it, e.g. ``"2014-01-01"``). The change of
        the first kept period uses the level at the end of the period before it.
    tolerance_days : int
        A period-end level is the last observation on or before the period's last calendar day;
        NaN when that observation is more than ``tolerance_days`` days older (a data gap, or the
        current, unfinished period). Four days covers weekends and holidays of stock indices.

    Returns
    -------
    pd.Series
        Indexed by a monthly or quarterly PeriodIndex named ``period``; NaN where either end is
        missing.

    Raises
    ------
    ValueError
        For an unknown ``freq`` or a non-positive level.

    Examples
    --------
    >>> s = pd.Series(100.0, index=pd.date_range("2020-01-01", "2020-06-30"))
    >>> s[s.index >= "2020-04-01"] = 200.0
    >>> period_log_changes(s, "Q").round(4).tolist()
    [nan, 0.6931]
    """
    if freq not in ("M", "Q"):
        raise ValueError(f"freq {freq!r} must be 'M' or 'Q'")
    s = level.dropna().sort_index()
    if (s <= 0).any():
        raise ValueError("period_log_changes needs strictly positive levels")
    idx = pd.DatetimeIndex(s.index)
    periods = idx.to_period(freq)
    last = s.groupby(periods).last()
    seen = pd.Series(idx, index=idx).groupby(periods).last()
    full = pd.period_range(periods[0], periods[-1], freq=freq)
    ends = full.to_timestamp(how="end").normalize()
    lag = (ends - pd.DatetimeIndex(seen.reindex(full))).days
    value = last.reindex(full).where(np.asarray(lag <= tolerance_days))
    out = pd.Series(np.log(value.to_numpy(dtype=float)), index=full).diff()
    if start is not None:
        out = out[out.index >= pd.Period(start, freq)]
    if end is not None:
        out = out[out.index <= pd.Period(end, freq)]
    out.index.name = "period"
    out.name = f"{level.name}_{freq}" if level.name is not None else f"log_change_{freq}"
    return out


def by_year(changes: pd.Series) -> pd.DataFrame:
    """Years x periods table of a monthly or quarterly series (NaN where a period is missing).

    Parameters
    ----------
    changes : pd.Series
        :func:`period_log_changes` output (monthly or quarterly PeriodIndex).

    Returns
    -------
    pd.DataFrame
        Index ``year`` (int); columns 1..12 (months) or 1..4 (quarters).
    """
    if not isinstance(changes.index, pd.PeriodIndex):
        raise ValueError("by_year needs a monthly or quarterly PeriodIndex (see period_log_changes)")
    freq = changes.index.freqstr[0]
    n = 12 if freq == "M" else 4
    number = changes.index.month if freq == "M" else changes.index.quarter
    frame = pd.DataFrame({"year": changes.index.year, "period": number, "value": changes.to_numpy(dtype=float)})
    wide = frame.pivot_table(index="year", columns="period", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=range(1, n + 1)).dropna(how="all")
    wide.columns.name = "month" if freq == "M" else "quarter"
    return wide.astype(float)


def within_year_sd(wide: pd.DataFrame) -> float:
    """Standard deviation of period changes around their own year's mean.

    The scale against which a calendar effect is small or large: the year-to-year level
    (a bull year lifts every month) is removed, as in :func:`period_effect`.

    Parameters
    ----------
    wide : pd.DataFrame
        :func:`by_year` table; NaN cells are skipped.

    Returns
    -------
    float
        Sample standard deviation (``ddof=1``) of every observed cell minus its row mean.

    Examples
    --------
    >>> w = pd.DataFrame([[0.1, 0.3], [1.1, 1.3]], index=[2020, 2021], columns=[1, 2])
    >>> round(within_year_sd(w), 4)
    0.1155
    """
    dev = wide.sub(wide.mean(axis=1), axis=0).stack().dropna()
    return float(dev.std(ddof=1)) if len(dev) > 1 else float("nan")

# --------------------------------------------------------------------------------------------
# Some periods against the rest: within-year permutation and year bootstrap
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodEffect:
    """Mean change in some calendar periods minus the mean in the others.

    Attributes
    ----------
    target : tuple of int
        Period numbers tested (12 = December; 1 = Q1 in a quarterly table).
    estimate : float
        Mean over all observed target cells minus mean over all other observed cells.
    lower, upper : float
        Central ``level`` percentile interval (95% by default) from resampling years with replacement.
    p_value : float
        Within-year permutation p-value for ``alternative``.
    alternative : str
        ``two-sided``, ``greater`` (target above the rest) or ``less``.
    n_years : int
        Years with at least one observed target cell.
    n_target : int
        Observed target cells.
    n_other : int
        Observed other cells.
    """

    target: tuple[int, ...]
    estimate: float
    lower: float
    upper: float
    p_value: float
    alternative: str
    n_years: int
    n_target: int
    n_other: int


def _diff_from_sums(sum_t: np.ndarray, cnt_t: np.ndarray | float, sum_all: np.ndarray | float,
                    cnt_all: np.ndarray | float) -> np.ndarray:
    """Mean of target cells minus mean of the other cells, from sums and counts (NaN if empty)."""
    sum_t, cnt_t = np.asarray(sum_t, float), np.asarray(cnt_t, float)
    sum_all, cnt_all = np.asarray(sum_all, float), np.asarray(cnt_all, float)
    cnt_o = cnt_all - cnt_t
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((cnt_t > 0) & (cnt_o > 0), sum_t / cnt_t - (sum_all - sum_t) / cnt_o, np.nan)


def period_effect(wide: pd.DataFrame, target: Iterable[int], alternative: Alternative = "two-sided",
                  n_perm: int = 5000, reps: int = 2000, seed: int = 0, level: float = 0.95) -> PeriodEffect:
    """Are the ``target`` calendar periods different from the rest? Permutation within years.

    Parameters
    ----------
    wide : pd.DataFrame
        :func:`by_year` table (rows years, columns period numbers); NaN cells are skipped.
    target : iterable of int
        Period numbers forming the group, e.g. ``[11, 12]`` for November-December.
    alternative : {"two-sided", "greater", "less"}
        ``greater``: the claim is that target periods beat the rest.
    n_perm : int
        Permutations: in each, the observed values of every year are shuffled among that year's
        observed periods (period labels are exchangeable within a year under the null).
    reps : int
        Bootstrap replications: years resampled with replacement, for the interval.
    seed : int
        Seed of ``numpy.random.default_rng``.
    level : float
        Coverage of the year-bootstrap interval (:func:`helpers.methods.inference.percentile_interval`).

    Returns
    -------
    PeriodEffect

    Raises
    ------
    ValueError
        For an unknown ``alternative`` or a target with no observed cell.

    Notes
    -----
    The statistic is :math:`\\bar r_T - \\bar r_{\\bar T}`, pooled over cells. Shuffling within
    years keeps each year's overall level (a bull year lifts every month), so the test asks
    whether the *calendar position* matters, which is what a seasonal claim says. With
    complete years it equals the mean over years of the within-year difference.
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative {alternative!r} must be one of {ALTERNATIVES}")
    target = tuple(int(t) for t in target)
    x = wide.to_numpy(dtype=float)
    is_t = np.isin(np.asarray(wide.columns, dtype=int), target)
    obs = ~np.isnan(x)
    filled = np.where(obs, x, 0.0)
    row_sum_t, row_cnt_t = (filled * is_t).sum(axis=1), (obs * is_t).sum(axis=1)
    row_sum, row_cnt = filled.sum(axis=1), obs.sum(axis=1)
    if row_cnt_t.sum() == 0:
        raise ValueError(f"no observed value in target periods {target}")
    estimate = float(_diff_from_sums(row_sum_t.sum(), row_cnt_t.sum(), row_sum.sum(), row_cnt.sum()))
    rng = np.random.default_rng(seed)
    perm_sum_t = np.zeros(n_perm)
    for i in range(x.shape[0]):
        pos = np.flatnonzero(obs[i])
        if pos.size == 0:
            continue
        order = np.argsort(rng.random((n_perm, pos.size)), axis=1)
        values = x[i, pos][order]
        perm_sum_t += (values * is_t[pos]).sum(axis=1)
    draws = _diff_from_sums(perm_sum_t, row_cnt_t.sum(), row_sum.sum(), row_cnt.sum())
    p = permutation_p_value(estimate, draws, alternative)
    pick = rng.integers(0, x.shape[0], size=(reps, x.shape[0]))
    boot = _diff_from_sums(row_sum_t[pick].sum(axis=1), row_cnt_t[pick].sum(axis=1), row_sum[pick].sum(axis=1),
                           row_cnt[pick].sum(axis=1))
    lower, upper = percentile_interval(boot, level)
    return PeriodEffect(target, estimate, lower, upper, p, alternative,
                        int((row_cnt_t > 0).sum()), int(row_cnt_t.sum()), int(row_cnt.sum() - row_cnt_t.sum()))


def period_table(changes: pd.Series, n_perm: int = 5000, reps: int = 2000, seed: int = 0,
                 level: float = 0.95) -> pd.DataFrame:
    """Month-of-year (or quarter-of-year) table: mean, median, interval, N, and a Holm-adjusted test.

    Parameters
    ----------
    changes : pd.Series
        :func:`period_log_changes` output.
    n_perm, reps, seed
        See :func:`period_effect`; ``reps`` also drives the interval of each period's mean.
    level : float
        Coverage of the interval of each period's mean (years resampled).

    Returns
    -------
    pd.DataFrame
        Index period labels (``Jan`` ... ``Dec`` or ``Q1`` ... ``Q4``); columns ``n_years``,
        ``mean``, ``mean_lower``, ``mean_upper`` (``level`` percentile interval, years resampled),
        ``median``, ``share_positive``, ``minus_rest`` (mean of this period minus mean of all
        others, within-year), ``p_value`` (two-sided within-year permutation) and ``p_holm``
        (Holm across the periods of the table).
    """
    wide = by_year(changes)
    labels = MONTHS if wide.shape[1] == 12 else QUARTERS
    rng = np.random.default_rng(seed)
    rows = []
    for j, col in enumerate(wide.columns):
        v = wide[col].dropna().to_numpy()
        means = v[rng.integers(0, v.size, size=(reps, v.size))].mean(axis=1) if v.size else np.array([np.nan])
        eff = period_effect(wide, [int(col)], "two-sided", n_perm, 2, seed + 1 + j)
        mean_lower, mean_upper = percentile_interval(means, level)
        rows.append({"n_years": int(v.size), "mean": float(np.mean(v)) if v.size else np.nan,
                     "mean_lower": mean_lower, "mean_upper": mean_upper,
                     "median": float(np.median(v)) if v.size else np.nan,
                     "share_positive": float(np.mean(v > 0)) if v.size else np.nan,
                     "minus_rest": eff.estimate, "p_value": eff.p_value})
    table = pd.DataFrame(rows, index=pd.Index(labels, name=wide.columns.name))
    table["p_holm"] = adjust_pvalues(table["p_value"], "holm")
    return table


def peak_share(wide: pd.DataFrame) -> pd.Series:
    """Share of complete years in which each period had the largest change.

    Returns
    -------
    pd.Series
        Index period numbers; values sum to 1 over the complete years (``attrs["n_years"]``).
    """
    complete = wide.dropna(how="any")
    top = complete.to_numpy().argmax(axis=1)
    share = pd.Series(np.bincount(top, minlength=wide.shape[1]) / max(len(complete), 1), index=wide.columns)
    share.attrs["n_years"] = int(len(complete))
    return share


# --------------------------------------------------------------------------------------------
# The turn of the year
# --------------------------------------------------------------------------------------------


def turn_of_year(values: pd.Series, years: Iterable[int], early_days: int = 14) -> pd.DataFrame:
    """Log returns over the windows of the year-end claims, one row per year.

    Parameters
    ----------
    values : pd.Series
        Daily closes (crypto) or business-day closes (indices); put on a calendar grid with
        :func:`helpers.methods.eventstudy.calendar_daily` (a weekend carries Friday's close).
    years : iterable of int
        Calendar years ``y``; the row holds the windows that end in ``y`` or start on 31 Dec ``y``.
    early_days : int
        Length of the early-January window in calendar days from 31 December (14 calendar days
        = about the first 10 NYSE trading days).

    Returns
    -------
    pd.DataFrame
        Index ``year``; columns ``jan_nov`` (31 Dec y-1 to 30 Nov y: the year to date before
        December), ``december`` (30 Nov to 31 Dec), ``nov_dec`` (31 Oct to 31 Dec), and
        ``early_jan`` (31 Dec y to 31 Dec y + ``early_days``, i.e. the start of year y+1). NaN
        where the data do not reach.
    """
    levels = np.log(eventstudy.calendar_daily(values))

    def at(day: pd.Timestamp) -> float:
        return float(levels.at[day]) if levels.index[0] <= day <= levels.index[-1] else float("nan")

    rows = {}
    for y in years:
        d_prev, oct31, nov30, dec31 = (pd.Timestamp(f"{y - 1}-12-31"), pd.Timestamp(f"{y}-10-31"),
                                       pd.Timestamp(f"{y}-11-30"), pd.Timestamp(f"{y}-12-31"))
        rows[int(y)] = {"jan_nov": at(nov30) - at(d_prev), "december": at(dec31) - at(nov30),
                        "nov_dec": at(dec31) - at(oct31),
                        "early_jan": at(dec31 + pd.Timedelta(days=early_days)) - at(dec31)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def spearman(x: pd.Series, y: pd.Series) -> tuple[float, float, int]:
    """Spearman rank correlation of two aligned series: ``(rho, two-sided p, N)``, NaN pairs dropped."""
    pair = pd.concat([x, y], axis=1).dropna()
    if len(pair) < 3:
        return float("nan"), float("nan"), int(len(pair))
    res = sps.spearmanr(pair.iloc[:, 0], pair.iloc[:, 1])
    return float(res.statistic), float(res.pvalue), int(len(pair))


# --------------------------------------------------------------------------------------------
# Two groups: a label-permutation test
# --------------------------------------------------------------------------------------------


def permutation_diff(values: pd.Series, group: pd.Series, alternative: Alternative = "greater",
                     n_perm: int = 5000, seed: int = 0) -> tuple[float, float, int, int]:
    """Mean of ``values`` where ``group`` is True minus mean where False, with a label-permutation p.

    Returns
    -------
    tuple
        ``(difference, p_value, n_true, n_false)``; NaN difference and p when a group is empty.
    """
    pair = pd.concat([values.rename("v"), group.rename("g")], axis=1).dropna()
    v, g = pair["v"].to_numpy(float), pair["g"].to_numpy(bool)
    n1, n0 = int(g.sum()), int((~g).sum())
    if n1 == 0 or n0 == 0:
        return float("nan"), float("nan"), n1, n0
    observed = float(v[g].mean() - v[~g].mean())
    rng = np.random.default_rng(seed)
    perms = np.argsort(rng.random((n_perm, v.size)), axis=1)[:, :n1]
    s1 = v[perms].sum(axis=1)
    draws = s1 / n1 - (v.sum() - s1) / n0
    return observed, permutation_p_value(observed, draws, alternative), n1, n0


# --------------------------------------------------------------------------------------------
# Intervals in the claimed direction
# --------------------------------------------------------------------------------------------


def claimed_interval(effect: PeriodEffect, claimed: Literal["greater", "less"]) -> tuple[float, float, float]:
    """A :class:`PeriodEffect` signed so that positive is the claimed direction.

    Parameters
    ----------
    effect : PeriodEffect
        Target periods minus the rest.
    claimed : {"greater", "less"}
        ``less`` for a claim that the target periods are *weaker* (tax-loss selling in
        November-December): estimate and interval are negated, and the interval's ends swap.

    Returns
    -------
    tuple of float
        ``(estimate, lower, upper)`` in the claimed direction.

    Examples
    --------
    >>> e = PeriodEffect((11, 12), 0.017, -0.079, 0.110, 0.61, "less", 12, 24, 126)
    >>> tuple(round(v, 3) for v in claimed_interval(e, "less"))
    (-0.017, -0.11, 0.079)
    """
    if claimed == "greater":
        return effect.estimate, effect.lower, effect.upper
    if claimed == "less":
        return -effect.estimate, -effect.upper, -effect.lower
    raise ValueError(f"claimed {claimed!r} must be 'greater' or 'less'")


def placebo_interval(res: placebo.PlaceboResult, level: float = 0.95) -> tuple[float, float, float]:
    """Event mean minus placebo mean, with a ``level`` interval from the placebo distribution.

    The placebo means are the spread of a mean of ``n_events`` random windows around the
    unconditional mean. Read as the sampling distribution of the event mean shifted by the effect
    :math:`\\delta`, they give the interval
    :math:`[\\bar r_E - q_{1-a},\\; \\bar r_E - q_{a}]` for :math:`\\delta`, with :math:`a = (1 - level) / 2`
    (the 2.5% and 97.5% quantiles at the default 95%).

    Parameters
    ----------
    res : PlaceboResult
        :func:`helpers.methods.placebo.placebo_test` (its ``draws`` are the placebo means).
    level : float
        Coverage (:func:`helpers.methods.inference.percentile_interval` of the draws).

    Returns
    -------
    tuple of float
        ``(effect, lower, upper)`` with ``effect = event_mean - placebo_mean``.
    """
    q_lo, q_hi = percentile_interval(res.draws, level)
    return res.event_mean - res.placebo_mean, res.event_mean - q_hi, res.event_mean - q_lo
