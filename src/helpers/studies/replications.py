"""Notebook 08: published results replicated on the project's data, their tables, records and text.

Three studies, each set beside its published figure, the sample it used and ours:

* Adrian, Iyer and Qureshi (IMF, 2022): the correlation of daily BTC and S&P 500 moves,
  0.01 in 2017-2019 and 0.36 in 2020-2021 (:func:`aligned_daily_returns`,
  :func:`period_correlations`, :func:`rolling_period_means`);
* Callahan and Alden (2024): BTC and global M2 moved the same way in 83% of 12-month periods
  (74% of 6-month ones), May 2013 to July 2024; here with US M2 against the base rates and a
  circular-shift null (:func:`agreement_table`, :func:`realtime_m2`);
* Caporale and Plastun (2019): BTC returns higher on Mondays than on other days, 2013-2017;
  tested in their sample and after it (:mod:`helpers.methods.weekday`, :func:`weekday_records`).

Date conventions
----------------
BTC's close of day D is the price at 00:00 UTC of D+1 (:func:`helpers.data.closes`), which is
19:00 or 20:00 New York time on D, after the S&P 500's 16:00 close of D. Daily pairs therefore
take both closes dated D, on the S&P 500's business days only, and a return is the log change
between consecutive business days: BTC's Monday return spans the weekend (Friday close to
Monday close), as the index's does.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.errors import QtlabError
from helpers.methods.agreement import agreement_shift_null, directional_agreement
from helpers.methods.correlation import correlation, fisher_interval, rolling_corr
from helpers.methods.transforms import monthly_frame
from helpers.methods.weekday import AcrossDays

#: Published figures, keyed as the notebook records them (``<key>_published``).
PUBLISHED: dict[str, float] = {
    "aiq_corr_btc_spx_2017_2019": 0.01,
    "aiq_corr_btc_spx_2020_2021": 0.36,
    "ca_btc_m2_agree_12m": 0.83,
    "ca_btc_m2_agree_6m": 0.74,
}


# ---------------------------------------------------------------------------------------------
# Adrian, Iyer and Qureshi (2022): BTC and the S&P 500
# ---------------------------------------------------------------------------------------------


def aligned_daily_returns(btc: pd.Series, spx: pd.Series) -> pd.DataFrame:
    """Daily log returns of BTC and the S&P 500 on the index's business days.

    Parameters
    ----------
    btc : Series
        BTC closes (close of D labelled D, as :func:`helpers.data.closes` returns them).
    spx : Series
        S&P 500 closes (FRED ``SP500``), one per business day.

    Returns
    -------
    DataFrame
        Columns ``btc`` and ``spx``: ln(P_D / P_D') with D' the previous date on which both closes
        exist, so that a weekend or holiday sits inside the next business day's return.
    """
    both = pd.concat([btc.rename("btc"), spx.rename("spx")], axis=1, join="inner").dropna().sort_index()
    if len(both) < 3:
        raise ValueError(f"BTC and the S&P 500 share {len(both)} dates; need at least 3 to correlate returns")
    out = np.log(both).diff().dropna()
    out.index.name = "date"
    return out


def period_label(start: str, end: str) -> str:
    """Key fragment of a period from its years: ``("2017-01-01", "2019-12-31")`` -> ``"2017_2019"``."""
    y0, y1 = pd.Timestamp(start).year, pd.Timestamp(end).year
    return f"{y0}" if y0 == y1 else f"{y0}_{y1}"


def period_correlations(returns: pd.DataFrame, periods: Sequence[Sequence[str]], reps: int = 1000, seed: int = 0,
                        level: float = 0.95) -> pd.DataFrame:
    """Correlation of ``btc`` and ``spx`` returns in each period, with Fisher and block-bootstrap intervals.

    Parameters
    ----------
    returns : DataFrame
        :func:`aligned_daily_returns`.
    periods : sequence of [start, end]
        ISO dates, inclusive.
    reps : int
        Stationary-bootstrap repetitions (:func:`helpers.methods.correlation.correlation`); 0 skips it.

    Returns
    -------
    DataFrame
        Indexed by :func:`period_label`: ``start``, ``end`` (first and last return used), ``n``,
        ``r``, ``lo_fisher``, ``hi_fisher``, ``lo_boot``, ``hi_boot``, ``block_size``.
    """
    rows: dict[str, dict[str, object]] = {}
    for k, (start, end) in enumerate(periods):
        part = returns.loc[start:end]
        if len(part) < 10:
            raise ValueError(f"period {start}..{end}: {len(part)} daily returns; the data do not reach it")
        c = correlation(part["btc"], part["spx"], reps=reps, seed=seed + k, level=level)
        lo_f, hi_f = fisher_interval(c.r, c.n, level)
        rows[period_label(start, end)] = {
            "start": part.index[0], "end": part.index[-1], "n": c.n, "r": c.r, "lo_fisher": lo_f,
            "hi_fisher": hi_f, "lo_boot": c.lo_boot if reps else math.nan, "hi_boot": c.hi_boot if reps else math.nan,
            "block_size": c.block_size if reps else math.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "period"
    return table


def rolling_period_means(returns: pd.DataFrame, periods: Sequence[Sequence[str]], window: int = 60) -> pd.Series:
    """Mean of the ``window``-day rolling correlation inside each period (the IMF's chart is a rolling one).

    The rolling correlation is computed over the whole sample first, so a period's first windows
    reach back into the previous one; the mean of rolling correlations is not the correlation of the
    period, and the difference shows how much the published figure depends on that choice.
    """
    rolling = rolling_corr(returns["btc"], returns["spx"], window)
    out = pd.Series({period_label(s, e): float(rolling.loc[s:e].mean()) for s, e in periods}, name="rolling_mean")
    out.index.name = "period"
    return out


def rolling_correlation(returns: pd.DataFrame, window: int = 60) -> pd.Series:
    """The ``window``-business-day rolling correlation of BTC and S&P 500 returns (for the figure)."""
    return rolling_corr(returns["btc"], returns["spx"], window).dropna()


# ---------------------------------------------------------------------------------------------
# Callahan and Alden (2024): BTC and M2 in the same direction
# ---------------------------------------------------------------------------------------------


def monthly_levels(btc: pd.Series, m2: pd.Series, start: str, end: str) -> pd.DataFrame:
    """Month-end BTC close and the month's M2 level (FRED dates a monthly average on the 1st).

    ``start`` and ``end`` are months (``YYYY-MM``), inclusive; rows where either is missing are dropped.
    """
    frame = monthly_frame({"btc": (btc, "calendar_day"), "m2": (m2, "last_obs")}, start, end)
    return frame.dropna()


def agreement_table(levels: pd.DataFrame, windows: Sequence[int]) -> pd.DataFrame:
    """Directional agreement of ``btc`` and ``m2`` over each window, with base rates and the shift null.

    Parameters
    ----------
    levels : DataFrame
        :func:`monthly_levels` (columns ``btc`` and ``m2``).
    windows : sequence of int
        Window lengths in months (12 and 6 in Callahan and Alden).

    Returns
    -------
    DataFrame
        Indexed by window: ``agreement``, ``btc_up`` and ``m2_up`` (base rates), ``expected``
        (agreement of independent series with those base rates), ``null_mean``, ``null_lo``,
        ``null_hi``, ``p_shift`` (:func:`~helpers.methods.agreement.agreement_shift_null`), ``n`` (windows), ``first`` and ``last``
        (end months of the first and last window).
    """
    rows = {}
    for w in windows:
        a = directional_agreement(levels["btc"], levels["m2"], w)
        null = agreement_shift_null(a.frame["a_up"], a.frame["b_up"], w)
        rows[w] = {"agreement": a.agreement, "btc_up": a.a_up, "m2_up": a.b_up, "expected": a.expected,
                   "null_mean": null.null_mean, "null_lo": null.lo, "null_hi": null.hi, "p_shift": null.p_value,
                   "n": a.n, "first": str(a.frame.index[0]), "last": str(a.frame.index[-1])}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "window_months"
    return table


def realtime_m2(series_id: str = "M2SL") -> tuple[pd.Series | None, str]:
    """The real-time (as first known) M2, when the point-in-time module can give it, and why not otherwise.

    Returns
    -------
    (Series or None, str)
        The series from ``helpers.data.vintages.realtime(series_id)`` and an empty reason, or ``None``
        and one line saying why the latest (revised) values are used instead: the module is not
        installed, or it raised (no ``FRED_API_KEY``, offline); the message never holds the key.

    Notes
    -----
    The real-time series is each month's *first-published* value (``helpers.data.vintages.realtime``), the
    figure a reader saw when it came out; the revised series is today's.
    """
    try:
        from helpers.data import vintages
    except ImportError:
        return None, "the point-in-time module (helpers.data.vintages) is not available: the latest revised M2 is used"
    try:
        values = vintages.realtime(series_id)
    except QtlabError as exc:  # the project's errors carry a one-line reason (VintagesUnavailableError: no key)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        key = os.environ.get("FRED_API_KEY")
        if key:
            reason = reason.replace(key, "***")
        return None, reason if "latest" in reason else f"{reason}; the latest revised M2 is used"
    except Exception as exc:  # noqa: BLE001 - any other failure: fall back too, naming only the error's type
        return None, f"real-time {series_id} unavailable ({type(exc).__name__}): the latest revised M2 is used"
    if isinstance(values, pd.DataFrame):
        values = values[series_id] if series_id in values else values.iloc[:, 0]
    if not isinstance(values, pd.Series) or values.dropna().empty:
        return None, f"helpers.data.vintages.realtime({series_id!r}) returned no values: the latest revised M2 is used"
    return values.dropna().astype(float), ""


# ---------------------------------------------------------------------------------------------
# records and text
# ---------------------------------------------------------------------------------------------

#: One headline figure as :func:`helpers.claims.results.record` takes it: key, value, unit, note.
Record = tuple[str, float | int | str | None, str, str]


def correlation_records(table: pd.DataFrame, prefix: str = "aiq_corr_btc_spx_",
                        published: Mapping[str, float] = PUBLISHED) -> list[Record]:
    """Records of :func:`period_correlations`: ``<prefix><period>`` with ``_lo``, ``_hi``, ``_n`` and ``_published``."""
    out: list[Record] = []
    for label, row in table.iterrows():
        key = f"{prefix}{label}"
        span = f"{row['start']:%Y-%m-%d} to {row['end']:%Y-%m-%d}; N={int(row['n'])} S&P 500 business days"
        out.append((key, float(row["r"]), "correlation",
                    f"Pearson r of daily log returns, BTC close vs S&P 500 close on the same date, {span}"))
        for end in ("lo", "hi"):
            out.append((f"{key}_{end}", float(row[f"{end}_boot"]), "correlation",
                        f"{'lower' if end == 'lo' else 'upper'} end of the 95% stationary block-bootstrap interval "
                        f"(mean block {row['block_size']} days), {span}"))
        out.append((f"{key}_n", int(row["n"]), "days", f"daily return pairs, {span}"))
        if key in published:
            out.append((f"{key}_published", published[key], "correlation",
                        f"Adrian, Iyer and Qureshi (IMF blog, 2022-01-11), daily BTC and S&P 500 moves, {label}; "
                        "N= not stated"))
    return out


def agreement_records(table: pd.DataFrame, suffix: str = "", published: Mapping[str, float] = PUBLISHED,
                      what: str = "US M2 (M2SL, latest revised values)") -> list[Record]:
    """Records of :func:`agreement_table`: ``ca_btc_m2_agree_<w>m<suffix>``, base rates, chance and shift p.

    ``suffix`` tells samples or vintages apart (``""`` for Callahan and Alden's sample, ``"_to_latest"``,
    ``"_realtime"``); the published shares are recorded once, with the empty suffix.
    """
    out: list[Record] = []
    for w, row in table.iterrows():
        span = f"{row['first']} to {row['last']} (window end months); N={int(row['n'])} overlapping {w}-month windows"
        key = f"ca_btc_m2_agree_{w}m"
        out += [
            (f"{key}{suffix}", float(row["agreement"]), "share",
             f"share of windows in which BTC (month-end close) and {what} changed in the same direction, {span}"),
            (f"ca_btc_up_{w}m{suffix}", float(row["btc_up"]), "share", f"base rate: BTC rose over the window, {span}"),
            (f"ca_m2_up_{w}m{suffix}", float(row["m2_up"]), "share", f"base rate: M2 rose over the window, {span}"),
            (f"ca_agree_expected_{w}m{suffix}", float(row["expected"]), "share",
             f"agreement of independent series with these base rates, p_btc p_m2 + (1-p_btc)(1-p_m2); {span}"),
            (f"ca_agree_shift_p_{w}m{suffix}", float(row["p_shift"]), "p-value",
             f"one-sided p: share of circular shifts of BTC's direction series agreeing at least as often; {span}"),
        ]
        if not suffix and key in published:
            out.append((f"{key}_published", published[key], "share",
                        f"Callahan and Alden (2024), BTC and global M2, {w}-month periods, May 2013 to July 2024; "
                        "N= not stated"))
    return out


def weekday_records(effects: pd.DataFrame, anova: AcrossDays, day: str, suffix: str) -> list[Record]:
    """Records of :func:`helpers.methods.weekday.weekday_effects` for ``day`` in one sample (``suffix`` ``"in_sample"``, ``"after"``, ...)."""
    row = effects.loc[day]
    span = f"N={int(row['n'])} daily log returns, {int(row['n_day'])} on {day.capitalize()}s"
    return [
        (f"cp_{day}_minus_rest_{suffix}", float(row["diff"]), "log return",
         f"mean {day} BTC log return minus the mean on other days; 95% HAC interval {row['lo']:.4f} to "
         f"{row['hi']:.4f}; {span}"),
        (f"cp_{day}_minus_rest_p_{suffix}", float(row["p"]), "p-value", f"two-sided HAC p of the dummy; {span}"),
        (f"cp_min_p_holm_{suffix}", float(effects["p_holm"].min()), "p-value",
         f"smallest Holm-adjusted p over the seven day-vs-rest tests (day {effects['p_holm'].idxmin()}); {span}"),
        (f"cp_kruskal_p_{suffix}", anova.p_kruskal, "p-value",
         f"Kruskal-Wallis test that the seven days' returns share one distribution; {span}"),
    ]


def describe_correlations(table: pd.DataFrame, published: Mapping[str, float], prefix: str) -> str:
    """One sentence per period: ours with its bootstrap interval and N, and the published figure where there is one."""
    parts = []
    for label, row in table.iterrows():
        pub = published.get(f"{prefix}{label}")
        interval = (f"95% interval {row['lo_boot']:.2f} to {row['hi_boot']:.2f}" if math.isfinite(row["lo_boot"])
                    else f"Fisher interval {row['lo_fisher']:.2f} to {row['hi_fisher']:.2f}")
        text = f"{str(label).replace('_', '-')}: r = {row['r']:.2f} ({interval}, N={int(row['n'])} days)"
        if pub is not None:
            text += f" against {pub:.2f} published"
        parts.append(text)
    return "; ".join(parts) + "."


def describe_agreement(table: pd.DataFrame, published: Mapping[str, float], prefix: str) -> str:
    """One sentence per window: agreement, the base rates, what chance gives, and the published share."""
    parts = []
    for w, row in table.iterrows():
        pub = published.get(f"{prefix}{w}m")
        text = (f"over {w} months BTC and US M2 moved the same way in {row['agreement']:.0%} of N={int(row['n'])} "
                f"overlapping windows ({row['first']} to {row['last']}); BTC rose in {row['btc_up']:.0%} of them and "
                f"M2 in {row['m2_up']:.0%}, so unrelated series would agree {row['expected']:.0%} of the time "
                f"({row['null_mean']:.0%} on average when one is shifted against the other, 95% of shifts between "
                f"{row['null_lo']:.0%} and {row['null_hi']:.0%}; one-sided p = {row['p_shift']:.2f})")
        if pub is not None:
            text += f"; published with global M2: {pub:.0%}"
        parts.append(text)
    return "; ".join(parts) + "."
