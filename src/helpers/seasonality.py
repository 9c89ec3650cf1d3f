"""Calendar effects, flow proxies and liquidation-flush proxies (notebook 05).

Four families of tools, each for one group of claims:

* **Calendar effects** (C11, C12): period log changes (:func:`period_log_changes`), a years x
  periods table (:func:`by_year`), the mean of some calendar periods against the rest with a
  within-year permutation test and a year bootstrap (:func:`period_effect`), the month-of-year
  or quarter-of-year table with Holm-adjusted p-values (:func:`period_table`), and the windows
  around the turn of the year (:func:`turn_of_year`).
* **Flows** (C11, C13): the same tools on monthly and quarterly growth of stablecoin supply, after
  flagging and masking one-day coverage jumps of the aggregate (:func:`coverage_breaks`,
  :func:`mask_breaks`), and the share of years in which each quarter was the largest
  (:func:`peak_share`).
* **Liquidation flushes** (C10): no liquidation data are available, so a *proxy*: large daily
  drops of BTC that coincide with a fall of the perpetual funding rate from positive
  (:func:`drop_days`, :func:`flush_episodes`, :func:`flush_sensitivity`), compared with random
  days (:func:`helpers.events.placebo_test`) and with other large drops
  (:func:`permutation_diff`).
* **Corporate treasury purchases** (C14): :func:`purchase_clustering` tests whether purchases
  concentrate in December-February, given a table the mirror does not have.
* **Intervals in the claimed direction** (C11-C13): :func:`claimed_interval` and
  :func:`placebo_interval` sign each part's effect so that positive is the claimed direction; the
  verdict rules and evidence text are in :mod:`helpers.claims.seasonality`.

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
.. [5] Lakens, D. (2017). Equivalence Tests: A Practical Primer for t Tests, Correlations, and
   Meta-Analyses. *Social Psychological and Personality Science*, 8(4), 355-362.
   https://doi.org/10.1177/1948550617697177
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers import events as ev
from helpers import stats

Alternative: TypeAlias = Literal["two-sided", "greater", "less"]
Freq: TypeAlias = Literal["M", "Q"]

#: Month labels, January first.
MONTHS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Quarter labels.
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
#: Columns a corporate-purchase table must have (see :func:`purchase_clustering`).
PURCHASE_COLUMNS: tuple[str, ...] = ("date", "company", "btc_amount")

_ALTERNATIVES = ("two-sided", "greater", "less")
_TIE = 1e-12


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
# Coverage breaks of an aggregate series
# --------------------------------------------------------------------------------------------


def coverage_breaks(level: pd.Series, threshold: float = 0.15, start: str | None = None) -> pd.DataFrame:
    """One-day jumps of an aggregate level series too large to be genuine: coverage changes.

    An aggregate such as DefiLlama's total stablecoin supply grows in one step when the provider
    starts counting a chain or a token that already existed. Such a step is not new money, but
    it enters every period change that contains it.

    Parameters
    ----------
    level : pd.Series
        Strictly positive daily levels on a DatetimeIndex.
    threshold : float
        A day is flagged when the absolute log change from the previous observation exceeds
        this (0.15 = a jump of about 16% in a day, up or down).
    start : str, optional
        Only days on or after ``start`` are flagged (the sample the analysis uses).

    Returns
    -------
    pd.DataFrame
        Index the day of the jump (``date``); columns ``log_change``, ``level_before`` and
        ``level_after``. Empty when no day qualifies.

    Raises
    ------
    ValueError
        For a non-positive threshold or level.

    Notes
    -----
    The change is between consecutive observations, i.e. one day on a daily series. A flag is a
    *suspicion*: a genuine move of that size (a stablecoin collapse) would be flagged too, so
    the flagged days should be shown and checked against the provider's components.

    Examples
    --------
    >>> s = pd.Series([100.0, 101.0, 140.0, 141.0], index=pd.date_range("2020-01-01", periods=4))
    >>> coverage_breaks(s, 0.15).index.strftime("%Y-%m-%d").tolist()
    ['2020-01-03']
    """
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    s = level.dropna().sort_index()
    if (s <= 0).any():
        raise ValueError("coverage_breaks needs strictly positive levels")
    change = np.log(s).diff()
    flagged = change.abs() > threshold
    if start is not None:
        flagged &= s.index >= pd.Timestamp(start)
    out = pd.DataFrame({"log_change": change[flagged], "level_before": s.shift(1)[flagged],
                        "level_after": s[flagged]})
    out.index.name = "date"
    return out


def mask_breaks(level: pd.Series, days: Iterable[pd.Timestamp | str]) -> pd.Series:
    """The level series with the one-day change of each of ``days`` removed.

    Parameters
    ----------
    level : pd.Series
        Strictly positive levels on a DatetimeIndex.
    days : iterable of date-like
        Days whose change from the previous observation is set to zero (e.g. the index of
        :func:`coverage_breaks`). Days not in the index are ignored.

    Returns
    -------
    pd.Series
        Same index; anchored at the last observation (recent levels unchanged), so every level
        before a masked day is scaled by the removed jump. Any period change that does not
        contain a masked day is unchanged; one that does loses exactly that day's log change.

    Examples
    --------
    >>> s = pd.Series([100.0, 101.0, 140.0, 141.0], index=pd.date_range("2020-01-01", periods=4))
    >>> mask_breaks(s, ["2020-01-03"]).round(2).tolist()
    [138.61, 140.0, 140.0, 141.0]
    """
    s = level.dropna().sort_index()
    if (s <= 0).any():
        raise ValueError("mask_breaks needs strictly positive levels")
    change = np.log(s).diff().fillna(0.0)
    masked = change.index.isin(pd.DatetimeIndex([pd.Timestamp(d) for d in days]))
    change[masked] = 0.0
    log_level = np.log(s.iloc[-1]) - (change.sum() - change.cumsum())
    out = pd.Series(np.exp(log_level.to_numpy()), index=s.index, name=level.name)
    return out


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
        95% percentile interval from resampling years with replacement.
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


def _p_value(observed: float, draws: np.ndarray, alternative: Alternative) -> float:
    """Permutation p-value with the observed arrangement counted (Phipson and Smyth, 2010)."""
    tie = _TIE * max(1.0, abs(observed))
    if alternative == "greater":
        hits = np.sum(draws >= observed - tie)
    elif alternative == "less":
        hits = np.sum(draws <= observed + tie)
    else:
        hits = np.sum(np.abs(draws) >= abs(observed) - tie)
    return float((1 + int(hits)) / (draws.size + 1))


def period_effect(wide: pd.DataFrame, target: Iterable[int], alternative: Alternative = "two-sided",
                  n_perm: int = 5000, reps: int = 2000, seed: int = 0) -> PeriodEffect:
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
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative {alternative!r} must be one of {_ALTERNATIVES}")
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
    p = _p_value(estimate, draws, alternative)
    pick = rng.integers(0, x.shape[0], size=(reps, x.shape[0]))
    boot = _diff_from_sums(row_sum_t[pick].sum(axis=1), row_cnt_t[pick].sum(axis=1), row_sum[pick].sum(axis=1),
                           row_cnt[pick].sum(axis=1))
    boot = boot[~np.isnan(boot)]
    lower, upper = np.percentile(boot, [2.5, 97.5]) if boot.size else (np.nan, np.nan)
    return PeriodEffect(target, estimate, float(lower), float(upper), p, alternative,
                        int((row_cnt_t > 0).sum()), int(row_cnt_t.sum()), int(row_cnt.sum() - row_cnt_t.sum()))


def period_table(changes: pd.Series, n_perm: int = 5000, reps: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Month-of-year (or quarter-of-year) table: mean, median, interval, N, and a Holm-adjusted test.

    Parameters
    ----------
    changes : pd.Series
        :func:`period_log_changes` output.
    n_perm, reps, seed
        See :func:`period_effect`; ``reps`` also drives the interval of each period's mean.

    Returns
    -------
    pd.DataFrame
        Index period labels (``Jan`` ... ``Dec`` or ``Q1`` ... ``Q4``); columns ``n_years``,
        ``mean``, ``mean_lower``, ``mean_upper`` (95% percentile interval, years resampled),
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
        rows.append({"n_years": int(v.size), "mean": float(np.mean(v)) if v.size else np.nan,
                     "mean_lower": float(np.percentile(means, 2.5)), "mean_upper": float(np.percentile(means, 97.5)),
                     "median": float(np.median(v)) if v.size else np.nan,
                     "share_positive": float(np.mean(v > 0)) if v.size else np.nan,
                     "minus_rest": eff.estimate, "p_value": eff.p_value})
    table = pd.DataFrame(rows, index=pd.Index(labels, name=wide.columns.name))
    table["p_holm"] = stats.adjust_pvalues(table["p_value"], "holm")
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
        :func:`helpers.events.calendar_daily` (a weekend carries Friday's close).
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
    levels = np.log(ev.calendar_daily(values))

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
# Liquidation-flush proxy (C10)
# --------------------------------------------------------------------------------------------


def funding_rates(column: str = "funding_rate_mean") -> pd.Series:
    """Binance BTCUSDT perpetual funding rate per day, labelled by the day the rates were paid.

    Returns
    -------
    pd.Series
        Fraction per 8 hours (0.0001 = 0.01%, Binance's neutral rate); positive = longs pay
        shorts (longs crowded).

    Notes
    -----
    The day-``D`` value is the mean of the rates paid at 00:00, 08:00 and 16:00 UTC of ``D``, all
    known before the BTC close of ``D`` (00:00 UTC of ``D + 1``). So it keeps its source label:
    unlike prices, the funding file is not an open snapshot, and the shift applied by
    :func:`helpers.data.closes` would move information about day ``D`` onto the close of
    ``D - 1`` (a look-ahead of up to 40 hours).
    """
    from helpers import data

    out = data.load("btc_funding_binance")[column].dropna()
    out.name = "btc_funding"
    return out


def drop_days(close: pd.Series, funding: pd.Series, drop: float = -0.07) -> pd.DataFrame:
    """Days whose close-to-close BTC return is at or below ``drop``, with the funding around them.

    Parameters
    ----------
    close : pd.Series
        Daily closes.
    funding : pd.Series
        :func:`funding_rates` (only days with funding on the day and the day before are kept).
    drop : float
        Simple-return threshold (-0.07 = a fall of 7% or more from the previous close).

    Returns
    -------
    pd.DataFrame
        Index the drop day ``D``; columns ``logret`` (:math:`\\ln P_D/P_{D-1}`), ``funding_prev``
        (day ``D - 1``), ``funding_day`` (day ``D``) and ``funding_change`` (day minus previous).
    """
    if not -1 < drop < 0:
        raise ValueError(f"drop is a simple return between -1 and 0, got {drop}")
    r = np.log(close).diff()
    frame = pd.DataFrame({"logret": r, "funding_prev": funding.shift(1, freq="D"), "funding_day": funding})
    frame = frame.dropna()
    frame["funding_change"] = frame["funding_day"] - frame["funding_prev"]
    out = frame[frame["logret"] <= np.log1p(drop)].copy()
    out.index.name = "date"
    return out


def is_flush(drops: pd.DataFrame, crowded: float = 0.0, fall: float = 0.00005) -> pd.Series:
    """Which drop days look like a long-liquidation flush: funding positive before, then falling.

    Parameters
    ----------
    drops : pd.DataFrame
        :func:`drop_days`.
    crowded : float
        Funding on the day before must exceed this (0: longs paying shorts).
    fall : float
        Funding must fall by at least this much on the drop day (0.00005 = 0.5 basis points per
        8 h, half of Binance's neutral rate).
    """
    out = (drops["funding_prev"] > crowded) & (drops["funding_change"] <= -fall)
    out.name = "flush"
    return out


def flush_episodes(drops: pd.DataFrame, flush: pd.Series, min_gap_days: int = 30) -> pd.DataFrame:
    """Group drop days into episodes; an episode is a flush if any of its days is one.

    Parameters
    ----------
    drops : pd.DataFrame
        :func:`drop_days`.
    flush : pd.Series
        :func:`is_flush` (bool, same index).
    min_gap_days : int
        A drop within ``min_gap_days`` of an episode's first day joins it (declustering:
        the 30-day returns of two days a week apart are mostly the same return).

    Returns
    -------
    pd.DataFrame
        Index the event day (the first flush day of a flush episode, else the first drop day);
        columns ``first_drop`` (ISO date), ``n_drop_days``, ``flush`` (bool), ``logret`` and the
        funding columns of the event day.
    """
    rows = []
    start: pd.Timestamp | None = None
    members: list[pd.Timestamp] = []

    def close_episode() -> None:
        flagged = [d for d in members if bool(flush[d])]
        day = flagged[0] if flagged else members[0]
        rows.append({"event": day, "first_drop": f"{members[0]:%Y-%m-%d}", "n_drop_days": len(members),
                     "flush": bool(flagged),
                     **drops.loc[day, ["logret", "funding_prev", "funding_day", "funding_change"]].to_dict()})

    for d in drops.index:
        if start is None or (d - start).days > min_gap_days:
            if members:
                close_episode()
            start, members = d, [d]
        else:
            members.append(d)
    if members:
        close_episode()
    out = pd.DataFrame(rows, columns=["event", "first_drop", "n_drop_days", "flush", "logret", "funding_prev",
                                      "funding_day", "funding_change"]).set_index("event")
    out["flush"] = out["flush"].astype(bool)
    return out


def episode_returns(close: pd.Series, episodes: pd.DataFrame, horizons: Sequence[int] = (30, 90)) -> pd.DataFrame:
    """:func:`flush_episodes` with the log return from each event day's close to ``h`` days later.

    Returns
    -------
    pd.DataFrame
        ``episodes`` plus one column ``ret_<h>d`` per horizon (:func:`helpers.events.change_after`;
        NaN where the horizon is not reached).
    """
    out = episodes.copy()
    changes = ev.horizon_changes(close, list(episodes.index), list(horizons))
    for h in horizons:
        out[f"ret_{h}d"] = changes[h].to_numpy()
    return out


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
    return observed, _p_value(observed, draws, alternative), n1, n0


def flush_sensitivity(close: pd.Series, funding: pd.Series, drops: Sequence[float], falls: Sequence[float],
                      horizon: int = 90, crowded: float = 0.0, min_gap_days: int = 30, draws: int = 2000,
                      seed: int = 0) -> pd.DataFrame:
    """How the flush result moves with the drop and funding-fall thresholds.

    Returns
    -------
    pd.DataFrame
        One row per (drop, fall): ``n_flush`` and ``n_other`` episodes reaching the horizon,
        ``flush_mean`` and ``other_mean`` (mean ``horizon``-day log return after the event day),
        ``placebo_mean`` (random days since the first funding day) and ``p_vs_random``
        (one-sided placebo p, :func:`helpers.events.placebo_test`).
    """
    rows = []
    for i, d in enumerate(drops):
        days = drop_days(close, funding, d)
        for j, f in enumerate(falls):
            eps = flush_episodes(days, is_flush(days, crowded, f), min_gap_days)
            ret = ev.horizon_changes(close, list(eps.index), [horizon])[horizon].to_numpy()
            fl = eps["flush"].to_numpy()
            row = {"drop": d, "fall": f, "n_flush": int(np.sum(fl & ~np.isnan(ret))),
                   "n_other": int(np.sum(~fl & ~np.isnan(ret))),
                   "flush_mean": float(np.nanmean(ret[fl])) if np.any(fl & ~np.isnan(ret)) else np.nan,
                   "other_mean": float(np.nanmean(ret[~fl])) if np.any(~fl & ~np.isnan(ret)) else np.nan,
                   "placebo_mean": np.nan, "p_vs_random": np.nan}
            if row["n_flush"]:
                res = ev.placebo_test(close, list(eps.index[fl]), horizon, draws, seed + 10 * i + j,
                                      start=funding.index[0])
                row.update(placebo_mean=res.placebo_mean, p_vs_random=res.p_value)
            rows.append(row)
    return pd.DataFrame(rows).set_index(["drop", "fall"])


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


def placebo_interval(res: ev.PlaceboResult) -> tuple[float, float, float]:
    """Event mean minus placebo mean, with a 95% interval from the placebo distribution.

    The placebo means are the spread of a mean of ``n_events`` random windows around the
    unconditional mean. Read as the sampling distribution of the event mean shifted by the effect
    :math:`\\delta`, they give the interval
    :math:`[\\bar r_E - q_{97.5},\\; \\bar r_E - q_{2.5}]` for :math:`\\delta`.

    Returns
    -------
    tuple of float
        ``(effect, lower, upper)`` with ``effect = event_mean - placebo_mean``.
    """
    return (res.event_mean - res.placebo_mean, res.event_mean - res.placebo_upper,
            res.event_mean - res.placebo_lower)


# --------------------------------------------------------------------------------------------
# Corporate treasury purchases (C14)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusteringResult:
    """Do purchases concentrate in the window months?

    Attributes
    ----------
    window : tuple of int
        Months tested (default December, January, February).
    n_purchases : int
        Purchases counted (after ``dedupe``).
    n_companies : int
        Distinct companies.
    share_in_window : float
        Share of purchases dated in the window.
    expected_share : float
        Share expected if purchases were spread over the year (``expected``).
    p_binomial : float
        One-sided exact binomial p (more purchases in the window than expected).
    chi2, p_chi2 : float
        Goodness of fit of the 12 monthly counts to the expected spread (any departure).
    btc_share_in_window : float
        Share of the BTC amount bought in the window.
    p_btc_perm : float
        One-sided p for the BTC-weighted share: months redrawn at random (with the expected
        probabilities) for every purchase, amounts kept.
    monthly : pd.DataFrame
        Index month 1..12; ``count``, ``btc``, ``expected_count``.
    """

    window: tuple[int, ...]
    n_purchases: int
    n_companies: int
    share_in_window: float
    expected_share: float
    p_binomial: float
    chi2: float
    p_chi2: float
    btc_share_in_window: float
    p_btc_perm: float
    monthly: pd.DataFrame = field(repr=False)


def purchase_clustering(purchases: pd.DataFrame, window: Sequence[int] = (12, 1, 2),
                        expected: Literal["days", "uniform"] = "days",
                        dedupe: Literal["none", "company_month"] = "company_month",
                        n_perm: int = 10000, seed: int = 0) -> ClusteringResult:
    """Test whether corporate BTC treasury purchases cluster in the year-end / early-year months.

    Parameters
    ----------
    purchases : pd.DataFrame
        One row per announced purchase with columns ``date`` (announcement or settlement date),
        ``company`` and ``btc_amount`` (BTC bought). E.g. BitcoinTreasuries.net's per-company
        purchase history, or SEC EDGAR 8-K filings parsed to (filing date, company, BTC).
    window : sequence of int
        Calendar months of the claim (12, 1, 2 = December-February).
    expected : {"days", "uniform"}
        Spread under the null: months weighted by their days (Feb = 28.25), or 1/12 each.
    dedupe : {"none", "company_month"}
        ``company_month`` counts a company at most once per calendar month, so one serial buyer
        that files every week (Strategy) cannot make a month look crowded on its own.
    n_perm : int
        Draws of the BTC-weighted permutation test.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ClusteringResult

    Raises
    ------
    ValueError
        If a required column is missing, the table is empty, or a month is not in 1..12.

    Notes
    -----
    The counts test treats purchases (or company-months) as independent draws of a month. They
    are not, quite: companies follow their own reporting cycles and copy each other, so the
    p-values are optimistic; the company-month dedupe removes the worst of it.
    """
    missing = [c for c in PURCHASE_COLUMNS if c not in purchases.columns]
    if missing:
        raise ValueError(f"purchases needs columns {PURCHASE_COLUMNS}; missing {missing}")
    if not set(window) <= set(range(1, 13)) or not window:
        raise ValueError(f"window must be months in 1..12, got {tuple(window)}")
    if expected not in ("days", "uniform") or dedupe not in ("none", "company_month"):
        raise ValueError("expected must be 'days' or 'uniform'; dedupe 'none' or 'company_month'")
    table = purchases.loc[:, list(PURCHASE_COLUMNS)].dropna(subset=["date", "company"]).copy()
    if table.empty:
        raise ValueError("purchases is empty")
    table["date"] = pd.to_datetime(table["date"])
    table["btc_amount"] = table["btc_amount"].fillna(0.0).astype(float)
    if dedupe == "company_month":
        table = (table.assign(ym=table["date"].dt.to_period("M"))
                 .groupby(["company", "ym"], as_index=False).agg(date=("date", "first"), btc_amount=("btc_amount", "sum")))
    month = table["date"].dt.month.to_numpy()
    btc = table["btc_amount"].to_numpy(float)
    days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    probs = days / days.sum() if expected == "days" else np.full(12, 1 / 12)
    counts = np.bincount(month - 1, minlength=12)
    n = int(counts.sum())
    in_win = np.isin(np.arange(1, 13), list(window))
    k = int(counts[in_win].sum())
    p0 = float(probs[in_win].sum())
    chi = sps.chisquare(counts, f_exp=n * probs)
    btc_total = btc.sum()
    btc_share = float(btc[np.isin(month, list(window))].sum() / btc_total) if btc_total > 0 else float("nan")
    p_btc = float("nan")
    if btc_total > 0:
        rng = np.random.default_rng(seed)
        drawn = rng.choice(12, size=(n_perm, n), p=probs) + 1
        shares = (np.isin(drawn, list(window)) * btc).sum(axis=1) / btc_total
        p_btc = _p_value(btc_share, shares, "greater")
    monthly = pd.DataFrame({"count": counts, "btc": np.bincount(month - 1, weights=btc, minlength=12),
                            "expected_count": n * probs}, index=pd.Index(range(1, 13), name="month"))
    return ClusteringResult(tuple(window), n, int(table["company"].nunique()), k / n, p0,
                            float(sps.binomtest(k, n, p0, alternative="greater").pvalue),
                            float(chi.statistic), float(chi.pvalue), btc_share, p_btc, monthly)
