"""Notebook 06's study: the risks to the thesis (claim C20), stress regimes, recessions, shocks, sell the news.

The glue notebook 06 calls beside :mod:`helpers.methods.simulation` (paths and touch probabilities),
:mod:`helpers.methods.strategies` and :mod:`helpers.methods.strategy_comparison` (staged entries and
ladders): stress regimes (:func:`stress_flags`, :func:`stress_returns`), NBER recessions
(:func:`recession_table`), returns around dated shocks against random days
(:func:`event_reactions`), "sell the news" after Fed pivots (:func:`runup_reversal`), and the four
risks' effects with corrected intervals (:func:`thesis_risk_table`). The decision rules and evidence
texts of the claims (C20-C23, C27) live in :mod:`helpers.claims.scenarios`; this module computes
what they decide on.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the American
   Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.aliases import DateLike
from helpers.methods import eventstudy, inference, transforms
from helpers.methods import placebo as placebo_methods
from helpers.methods import regimes as regimes_methods

#: The four risks of claim C20, in the order of :func:`thesis_risk_table` (the verdict's family of tests).
#: When a stress return is measured: over the window in which stress appeared, or after the start day.
Timing: TypeAlias = Literal["during", "after"]

RISK_ITEMS: tuple[str, ...] = ("recession (credit stress)", "geopolitical shock", "regulation", "sell the news")


def cluster_events(dates: Sequence[DateLike], min_gap_days: int) -> list[pd.Timestamp]:
    """Keep the first of each group of events closer than ``min_gap_days`` to the previous kept one.

    Events days apart (the two SEC suits of June 2023) share their windows; counting them twice
    would overstate N.
    """
    kept: list[pd.Timestamp] = []
    for d in sorted(pd.Timestamp(x).normalize() for x in dates):
        if not kept or (d - kept[-1]).days >= min_gap_days:
            kept.append(d)
    return kept


def count_episodes(flag: pd.Series, gap_days: int = 0) -> int:
    """Number of independent stress episodes in a daily boolean series (not stress days).

    Parameters
    ----------
    flag : pd.Series
        Daily flag (missing = not flagged), one row per calendar day.
    gap_days : int
        Runs of True separated by fewer than this many unflagged days count as one episode (a
        cluster): runs a few days apart share most of the spread change behind the flag, so they
        are one event, not several. ``0`` counts every run.

    Returns
    -------
    int
        Clusters of runs; with ``gap_days = 0`` the number of runs.
    """
    if gap_days < 0:
        raise ValueError(f"count_episodes: gap_days must be >= 0, got {gap_days}")
    f = flag.fillna(False).astype(bool).to_numpy()
    on = np.flatnonzero(f)
    if on.size == 0:
        return 0
    gaps = np.diff(on) - 1  # unflagged days between consecutive flagged days
    return int(1 + np.sum(gaps >= max(gap_days, 1)))


def stress_flags(vix: pd.Series | None, hy_spread: pd.Series, vix_threshold: float = 30.0,
                 widening_pp: float = 1.0, window: int = 30, lag_days: int = 1) -> pd.DataFrame:
    """Daily stress indicators on a calendar grid, each as known at the day's crypto close.

    Parameters
    ----------
    vix : pd.Series or None
        VIXCLS (business-daily close, 16:15 New York time, before the 00:00 UTC crypto close);
        ``None`` when it is unavailable here, and then the VIX columns are missing throughout.
    hy_spread : pd.Series
        BAMLH0A0HYM2 in percent.
    vix_threshold : float
        ``vix_high`` when the last VIX close is above it.
    widening_pp : float
        ``hy_widening`` when the spread rose by at least this many percentage points over the
        last ``window`` calendar days.
    window : int
        Calendar days of the spread change.
    lag_days : int
        Days by which the spread is lagged (ICE's index is published the next morning).

    Returns
    -------
    DataFrame
        Calendar-daily ``vix``, ``hy``, ``hy_change``, ``vix_high`` (on the day),
        ``vix_high_window`` (on some day of the last ``window`` days) and ``hy_widening``;
        missing before the data start.
    """
    h = eventstudy.calendar_daily(hy_spread).shift(lag_days)
    v = eventstudy.calendar_daily(vix) if vix is not None else pd.Series(np.nan, index=h.index)
    frame = pd.concat({"vix": v, "hy": h}, axis=1)
    frame["hy_change"] = frame["hy"] - frame["hy"].shift(window)
    frame["vix_high"] = (frame["vix"] > vix_threshold).where(frame["vix"].notna())
    frame["vix_high_window"] = (frame["vix"].rolling(window, min_periods=1).max() > vix_threshold).where(
        frame["vix"].notna())
    frame["hy_widening"] = (frame["hy_change"] >= widening_pp).where(frame["hy_change"].notna())
    return frame


#: The stress comparisons of :func:`stress_returns`: (label, flag column, timing).
STRESS_SPECS: tuple[tuple[str, str, Timing], ...] = (
    ("VIX above threshold during the window", "vix_high_window", "during"),
    ("HY spread widening over the window", "hy_widening", "during"),
    ("VIX above threshold on the start day", "vix_high", "after"),
    ("HY spread widening into the start day", "hy_widening", "after"),
)


def stress_returns(prices: pd.Series, flags: pd.DataFrame, window: int = 30, horizon: int = 90,
                   start: DateLike | None = None, reps: int = 1000, seed: int = 0, level: float = 0.95,
                   episode_gap: int = 0) -> pd.DataFrame:
    """BTC log returns in stress against calm, both *during* stress and *after* it.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    flags : DataFrame
        :func:`stress_flags` (same ``window``).
    window : int
        ``during``: the log return over the last ``window`` days, split by the flag at its end.
    horizon : int
        ``after``: the log return over the next ``horizon`` days, split by the flag on the start day.
    start : date, optional
        First day used.
    reps, seed : int
        Stationary bootstrap of each difference, mean block = the return's length in days.
    level : float
        Coverage of the intervals (``1 - alpha / m`` for a Bonferroni interval over ``m`` tests;
        with the same seed the resamples are the same at every coverage).
    episode_gap : int
        Stress runs separated by fewer than this many calm days count as one episode
        (:func:`count_episodes`).

    Returns
    -------
    DataFrame
        One row per :data:`STRESS_SPECS`: ``timing``, ``days`` (return length), ``mean_stress``,
        ``mean_calm``, ``diff``, ``lo``, ``hi``, ``p_hac``, ``n_stress`` (days), ``runs`` (separate
        stress runs) and ``episodes`` (clusters of runs, the honest N). A comparison whose flag
        is missing throughout (the VIX rows when VIXCLS is unavailable) has no row.
    """
    lv = np.log(eventstudy.calendar_daily(prices))
    series = {"during": lv - lv.shift(window), "after": lv.shift(-horizon) - lv}
    rows = []
    for i, (label, col, timing) in enumerate(STRESS_SPECS):
        ret = series[timing].dropna()
        if start is not None:
            ret = ret.loc[pd.Timestamp(start):]
        flag = flags[col].reindex(ret.index)
        if flag.isna().all():
            continue
        comp = regimes_methods.regime_forward_returns(ret, regime_labels(flag, "stress", "calm"), ("stress", "calm"), reps,
                                         window if timing == "during" else horizon, seed + i, level=level)
        rows.append({"comparison": label, "timing": timing, "days": window if timing == "during" else horizon,
                     "mean_stress": comp.table.loc["stress", "mean"], "mean_calm": comp.table.loc["calm", "mean"],
                     "diff": comp.diff, "lo": comp.lo, "hi": comp.hi, "p_hac": comp.p_hac,
                     "n_stress": int(comp.table.loc["stress", "n"]), "runs": count_episodes(flag.loc[ret.index] == 1),
                     "episodes": count_episodes(flag.loc[ret.index] == 1, episode_gap)})
    return pd.DataFrame(rows).set_index("comparison")


def regime_labels(flag: pd.Series, on: str, off: str) -> pd.Series:
    """Boolean flag as labels (``on`` / ``off``), missing where the flag is missing."""
    known = flag.notna()
    out = pd.Series(np.where(flag.where(known, False).astype(bool), on, off), index=flag.index, dtype=object)
    return out.where(known)


def monthly_log_returns(values: pd.Series) -> pd.Series:
    """Calendar-month log returns from the last observation of each month (monthly PeriodIndex)."""
    m = transforms.month_end_values(values, "last_obs")
    return transforms.log_returns(m).dropna()


def recession_comparison(values: pd.Series, usrec: pd.Series, start: DateLike | None = None, reps: int = 1000,
                         block: int = 12, seed: int = 0) -> regimes_methods.RegimeComparison:
    """Monthly log returns in NBER recession months against expansion months.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    usrec : pd.Series
        FRED USREC (1 = recession month), labelled on the first of the month.
    start : date, optional
        First month used.
    reps, block, seed : int
        Stationary bootstrap of the difference (block in months: recessions last months).

    Returns
    -------
    helpers.methods.regimes.RegimeComparison
        ``diff`` = mean(recession) - mean(expansion).
    """
    r = monthly_log_returns(values)
    rec = usrec.copy()
    rec.index = pd.DatetimeIndex(rec.index).to_period("M")
    lab = regime_labels(rec.reindex(r.index) == 1, "recession", "expansion").where(rec.reindex(r.index).notna())
    if start is not None:
        r, lab = r.loc[pd.Period(pd.Timestamp(start), "M"):], lab.loc[pd.Period(pd.Timestamp(start), "M"):]
    return regimes_methods.regime_forward_returns(r, lab, ("recession", "expansion"), reps, block, seed)


def recession_table(assets: Mapping[str, pd.Series], usrec: pd.Series, reps: int = 1000, block: int = 12,
                    seed: int = 0) -> pd.DataFrame:
    """:func:`recession_comparison` for several assets: one row each.

    Returns
    -------
    DataFrame
        ``first_month``, ``n_recession``, ``n_expansion`` (months), ``mean_recession``,
        ``mean_expansion`` (monthly log returns), ``diff``, ``lo``, ``hi``, ``recessions``
        (separate NBER recessions covered).
    """
    rows = {}
    for i, (name, values) in enumerate(assets.items()):
        c = recession_comparison(values, usrec, None, reps, block, seed + i)
        first = monthly_log_returns(values).index[0]
        rec = usrec.loc[first.to_timestamp():]
        rows[name] = {"first_month": str(first), "n_recession": int(c.table.loc["recession", "n"]),
                      "n_expansion": int(c.table.loc["expansion", "n"]),
                      "mean_recession": c.table.loc["recession", "mean"], "mean_expansion": c.table.loc["expansion", "mean"],
                      "diff": c.diff, "lo": c.lo, "hi": c.hi, "recessions": count_episodes(rec == 1)}
    return pd.DataFrame.from_dict(rows, orient="index")


def event_reactions(prices: pd.Series, groups: Mapping[str, Sequence[DateLike]], horizons: Sequence[int],
                    draws: int = 5000, seed: int = 0, start: DateLike | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """Mean log return from the close before each event to ``h`` days after it, against random days.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    groups : mapping of name to dates
        Event dates (UTC day of the news) per group; the window starts at the close of the day
        before (00:00 UTC of the event day), so the event day's move is inside it.
    horizons : sequence of int
        Days after the event day.
    draws, seed : int
        Random-date placebo draws (:func:`helpers.methods.placebo.placebo_test`).
    start : date, optional
        First start day of the random-day pool.
    level : float
        Coverage of the interval of the effect (:func:`helpers.methods.placebo.effect_interval`).

    Returns
    -------
    DataFrame
        One row per (group, horizon): ``n_events``, ``event_mean``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper``, ``p_lower`` (one-sided: the share of random-date
        means at or below the events' mean, i.e. "worse than random days"), ``p_holm`` (Holm
        over all rows), ``effect`` (event minus placebo mean), ``effect_lo`` and ``effect_hi``.
    """
    rows = []
    for i, (name, dates) in enumerate(groups.items()):
        before = [pd.Timestamp(d) - pd.Timedelta(days=1) for d in dates]
        for h in horizons:
            res = placebo_methods.placebo_test(prices, before, h + 1, draws, seed + i, start)
            p_lower = inference.permutation_p_value(res.event_mean, res.draws, "less")
            effect, lo, hi = placebo_methods.effect_interval(res, level)
            rows.append({"group": name, "horizon": h, "n_events": res.n_events, "event_mean": res.event_mean,
                         "placebo_mean": res.placebo_mean, "placebo_lower": res.placebo_lower,
                         "placebo_upper": res.placebo_upper, "p_lower": p_lower, "effect": effect,
                         "effect_lo": lo, "effect_hi": hi})
    table = pd.DataFrame(rows).set_index(["group", "horizon"])
    table["p_holm"] = inference.adjust_pvalues(table["p_lower"], "holm")
    return table[["n_events", "event_mean", "placebo_mean", "placebo_lower", "placebo_upper", "p_lower", "p_holm",
                  "effect", "effect_lo", "effect_hi"]]


def event_returns(prices: pd.Series, dates: Sequence[DateLike], horizons: Sequence[int]) -> pd.DataFrame:
    """Each event's log return from the close before the event day to ``h`` days after it (columns ``h``)."""
    out = {h: [eventstudy.change_after(prices, pd.Timestamp(d) - pd.Timedelta(days=1), h + 1) for d in dates]
           for h in horizons}
    return pd.DataFrame(out, index=pd.DatetimeIndex([pd.Timestamp(d) for d in dates], name="date"))


def runup_after_all_days(prices: pd.Series, days: int = 90, start: DateLike | None = None) -> pd.DataFrame:
    """For every day since ``start``: the log return over the previous and over the next ``days`` days."""
    lv = np.log(eventstudy.calendar_daily(prices))
    allday = pd.DataFrame({"runup": lv - lv.shift(days), "after": lv.shift(-days) - lv}).dropna()
    return allday.loc[pd.Timestamp(start):] if start is not None else allday


@dataclass(frozen=True)
class SellTheNews:
    """Summary of :func:`runup_reversal`: how often a run-up into a pivot was followed by a fall.

    Attributes
    ----------
    n : int
        Pivots with a complete aftermath.
    k : int
        Pivots with the pattern (run-up > 0 and aftermath < 0).
    base_rate : float
        Share of all days since the start with the pattern.
    n_days : int
        Those days (overlapping windows).
    p_binom : float
        One-sided binomial p-value of ``k`` out of ``n`` against the base rate (ignores the dependence
        of neighbouring days); NaN without pivots.
    corr_pivots, corr_all_days : float
        Correlation of run-up and aftermath at the pivots and over all days.
    """

    n: int
    k: int
    base_rate: float
    n_days: int
    p_binom: float
    corr_pivots: float
    corr_all_days: float


def runup_reversal(prices: pd.Series, pivots: Sequence[DateLike], days: int = 90,
                   start: DateLike | None = None) -> tuple[pd.DataFrame, SellTheNews]:
    """"Sell the news": the run-up into each pivot against the return after it, with a random-day base rate.

    Parameters
    ----------
    prices : pd.Series
        Daily closes.
    pivots : sequence of dates
        Event days (cluster them first, :func:`cluster_events`).
    days : int
        Length of the run-up (days -``days``..0) and of the aftermath (0..+``days``).
    start : date, optional
        First day of the random-day sample.

    Returns
    -------
    table : DataFrame
        Per pivot: ``runup``, ``after`` (log returns) and ``sell_the_news`` (run-up > 0 and
        after < 0); pivots whose aftermath is not complete are dropped.
    summary : SellTheNews
        Count, base rate, binomial p-value and correlations.
    """
    table = pd.DataFrame({"runup": eventstudy.runups(prices, pivots, days),
                          "after": eventstudy.horizon_changes(prices, pivots, [days])[days]}).dropna()
    table["sell_the_news"] = (table["runup"] > 0) & (table["after"] < 0)
    allday = runup_after_all_days(prices, days, start)
    base = float(((allday["runup"] > 0) & (allday["after"] < 0)).mean())
    n, k = len(table), int(table["sell_the_news"].sum())
    p = float(sps.binomtest(k, n, base, alternative="greater").pvalue) if n else math.nan
    corr_p = float(table["runup"].corr(table["after"])) if n > 2 else math.nan
    return table, SellTheNews(n=n, k=k, base_rate=base, n_days=len(allday), p_binom=p, corr_pivots=corr_p,
                              corr_all_days=float(allday["runup"].corr(allday["after"])))


def thesis_risk_table(stress: pd.DataFrame, reactions: pd.DataFrame, sell_news: SellTheNews, horizon: int,
                      alpha: float = 0.05, meaningful: float = 0.10, rate_ratio: float = 2.0,
                      level: float | None = None, credit_timing: Timing = "after") -> pd.DataFrame:
    """The four risks of the claim, each with its effect on *forward* returns, a corrected interval, test and N.

    Parameters
    ----------
    stress : DataFrame
        :func:`stress_returns`; its row "HY spread widening into the start day" (the return over
        the next days *after* the spreads widened) stands for recession risk. The "during" rows
        describe what happened while spreads widened, which no investor could act on.
    reactions : DataFrame
        :func:`event_reactions` with groups ``geopolitical (adverse)`` and ``regulation (adverse)``
        and the columns ``effect_lo``, ``effect_hi`` at coverage ``level`` (its own ``p_holm``
        covers the whole table; only the one-sided ``p_lower`` is used here).
    sell_news : SellTheNews
        Summary of :func:`runup_reversal`.
    horizon : int
        Event horizon judged (days).
    alpha : float
        Family-wise level of the four tests.
    meaningful : float
        A meaningful harm for the log-return items (credit stress and events): a loss of this
        size relative to calm or random days.
    rate_ratio : float
        A meaningful "sell the news" effect: the pattern this many times as frequent at the turns
        as on ordinary days (2: twice as frequent).
    level : float, optional
        Coverage of the intervals; default ``1 - alpha / 4`` (Bonferroni over the four risks).
        ``stress`` and ``reactions`` must have been computed at the same coverage.
    credit_timing : {"after", "during"}
        Which credit-stress row stands for recession risk: ``"after"`` (the primary, forward
        returns after the spreads widened) or ``"during"`` (the declared alternative, the return
        over the window in which they widened).

    Returns
    -------
    DataFrame
        Rows :data:`RISK_ITEMS`; columns ``effect`` (negative = harm; a log-return difference, or for
        "sell the news" minus the excess of the pattern's rate over the base rate), ``lo``,
        ``hi`` (interval of the effect: block bootstrap, inverted placebo, or Clopper-Pearson),
        ``meaningful`` (in the row's units), ``p`` (one-sided, for harm), ``p_holm`` (Holm over the
        four rows), ``significant`` and ``n`` (independent events or episodes).
    """
    level = 1 - alpha / len(RISK_ITEMS) if level is None else level
    if credit_timing not in ("after", "during"):
        raise ValueError(f"thesis_risk_table: credit_timing must be 'after' or 'during', got {credit_timing!r}")
    hy = stress.loc[STRESS_SPECS[3 if credit_timing == "after" else 1][0]]
    rows = {RISK_ITEMS[0]: (hy["diff"], hy["lo"], hy["hi"], meaningful, inference.one_sided_p(hy["p_hac"], hy["diff"], "less"),
                            int(hy["episodes"]))}
    for label, group in ((RISK_ITEMS[1], "geopolitical (adverse)"), (RISK_ITEMS[2], "regulation (adverse)")):
        r = reactions.loc[(group, horizon)]
        rows[label] = (r["effect"], r["effect_lo"], r["effect_hi"], meaningful, r["p_lower"], int(r["n_events"]))
    n, k, base = sell_news.n, sell_news.k, sell_news.base_rate
    if n:
        ci = sps.binomtest(k, n, base).proportion_ci(level, method="exact")
        rows[RISK_ITEMS[3]] = (-(k / n - base), -(ci.high - base), -(ci.low - base), (rate_ratio - 1) * base,
                               sell_news.p_binom, n)
    else:
        rows[RISK_ITEMS[3]] = (math.nan, math.nan, math.nan, (rate_ratio - 1) * base, math.nan, 0)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["effect", "lo", "hi", "meaningful", "p", "n"])
    out["p_holm"] = inference.adjust_pvalues(out["p"], "holm")
    out["significant"] = out["p_holm"] < alpha
    out = out[["effect", "lo", "hi", "meaningful", "p", "p_holm", "significant", "n"]].copy()
    out.attrs["level"] = level
    return out


def key_fragment(text: str) -> str:
    """A snake_case key fragment from a label (``"since 2020, zero drift"`` -> ``since_2020_zero_drift``)."""
    out = "".join(c.lower() if c.isalnum() else "_" for c in text)
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")
