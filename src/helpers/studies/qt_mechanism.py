"""Notebook 01: the QT arithmetic: QE/QT regimes, runoff caps, runoff measured from the weekly balance sheet.

The curated QE/QT regimes and runoff caps (``data/fed_balance_sheet_regimes.csv``,
``data/qt_caps.csv``), monthly runoff measured from the weekly H.4.1 holdings against those caps
(:func:`runoff_vs_caps`, :func:`runoff_to_cap`), regimes aligned on their first month
(:func:`align_on_start`, :func:`cumulative_caps`) and the change of the balance sheet over one
month (:func:`month_change`). Net liquidity and both sides of the balance sheet are built in
:mod:`helpers.data.liquidity`; means of weekly changes with HAC intervals are
:func:`helpers.methods.hac.mean_weekly_change`.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from helpers.data import facts
from helpers.errors import MissingDataError

#: A kind of balance-sheet regime.
RegimeKind: TypeAlias = Literal["qe", "qt", "rmp"]
#: A cap column of ``data/qt_caps.csv``.
CapColumn: TypeAlias = Literal["treasury_cap_bn", "mbs_cap_bn"]

#: Kinds of balance-sheet regime in ``data/fed_balance_sheet_regimes.csv``.
REGIME_KINDS: tuple[str, ...] = ("qe", "qt", "rmp")
#: Cap columns of ``data/qt_caps.csv`` (USD bn per month).
CAP_COLUMNS: tuple[str, ...] = ("treasury_cap_bn", "mbs_cap_bn")


def regimes() -> pd.DataFrame:
    """The curated QE, QT and reserve-management-purchase regimes (``data/fed_balance_sheet_regimes.csv``).

    Returns
    -------
    DataFrame
        One row per regime, indexed by ``regime`` (``QE1`` ... ``RMP2025``), with columns
        ``kind`` (``qe``, ``qt`` or ``rmp``), ``announced``, ``start``, ``end`` (Timestamps;
        ``end`` is NaT while a regime is still running), ``description`` and ``source``.

    Notes
    -----
    For QT, ``start`` is the first day of the first month with runoff and ``end`` the first day
    without it (2019-08-01, 2025-12-01), so the QT months run from ``start``'s month to the
    month before ``end``. For QE ``start`` is the announcement and ``end`` the end of net
    purchases; for reserve-management purchases ``start`` is the first purchase.
    """
    table = facts.curated("fed_balance_sheet_regimes", date_columns=("announced", "start"))
    table["end"] = pd.to_datetime(table["end"].replace("", None), format="%Y-%m-%d")
    bad = sorted(set(table["kind"]) - set(REGIME_KINDS))
    if bad:
        raise ValueError(f"fed_balance_sheet_regimes: unknown kind(s) {bad}; allowed: {REGIME_KINDS}")
    return table.set_index("regime")


def reference_qt_ends(mirror: str | None = None) -> list[pd.Timestamp] | None:
    """``qt_end`` dates of the mirror's reference event table, or None where no mirror is available.

    C05's rule checks the curated end of QT against them; on a machine without the mirror the
    curated table (each row with its source) stands alone.
    """
    try:
        ref = facts.reference("fed_events", mirror=mirror)
    except MissingDataError:
        return None
    return [pd.Timestamp(d) for d in ref.loc[ref["event_type"] == "qt_end", "date"]]


def regime_periods(table: pd.DataFrame, kind: RegimeKind) -> list[tuple[pd.Timestamp, pd.Timestamp | None]]:
    """``(start, end)`` pairs of the regimes of one ``kind``, for :func:`helpers.figures.style.shade`.

    ``end`` is None for a regime still running (shade to the right edge).
    """
    if kind not in REGIME_KINDS:
        raise ValueError(f"kind {kind!r} must be one of {REGIME_KINDS}")
    rows = table[table["kind"] == kind]
    return [(r.start, None if pd.isna(r.end) else r.end) for r in rows.itertuples()]


def qt_months(table: pd.DataFrame, regime: str) -> tuple[pd.Period, pd.Period]:
    """First and last calendar month of runoff of a QT regime (``"QT1"``, ``"QT2"``).

    QT2 (start 2022-06-01, end 2025-12-01) gives ``(2022-06, 2025-11)``.
    """
    if regime not in table.index or table.loc[regime, "kind"] != "qt":
        qts = list(table.index[table["kind"] == "qt"])
        raise ValueError(f"{regime!r} is not a QT regime; choose from {qts}")
    start, end = table.loc[regime, "start"], table.loc[regime, "end"]
    if pd.isna(end):
        raise ValueError(f"{regime} has no end date yet; its months are open-ended")
    return pd.Period(start, freq="M"), pd.Period(end, freq="M") - 1


def qt_caps() -> pd.DataFrame:
    """The curated monthly runoff caps (``data/qt_caps.csv``), USD bn per month, by effective date."""
    table = facts.curated("qt_caps", date_columns=("effective_date",))
    for col in CAP_COLUMNS:
        table[col] = pd.to_numeric(table[col])
    return table.sort_values("effective_date").reset_index(drop=True)


def monthly_caps(caps: pd.DataFrame, first_month: str | pd.Period, last_month: str | pd.Period) -> pd.DataFrame:
    """The caps in force in each calendar month from ``first_month`` to ``last_month``.

    Parameters
    ----------
    caps : DataFrame
        Columns ``effective_date`` (first day a cap applies) and the :data:`CAP_COLUMNS`.
    first_month, last_month : str or Period
        Inclusive range of months (``"2022-06"``).

    Returns
    -------
    DataFrame
        Indexed by monthly Period, one column per cap; a cap stays in force until the next
        effective date. Months before the first effective date raise.

    Raises
    ------
    ValueError
        If a month precedes every effective date, or ``last_month`` precedes ``first_month``.
    """
    months = _month_range(first_month, last_month)
    eff = caps.sort_values("effective_date")
    eff_months = pd.PeriodIndex(eff["effective_date"], freq="M")
    pos = eff_months.searchsorted(months, side="right") - 1
    if (pos < 0).any():
        raise ValueError(f"no cap is in force in {months[int((pos < 0).argmax())]}; first effective month {eff_months[0]}")
    out = eff[list(CAP_COLUMNS)].iloc[pos].set_axis(months)
    out.index.name = "month"
    return out


def start_of_month_levels(series: pd.Series, months: pd.PeriodIndex) -> pd.Series:
    """Level of a weekly stock at the start of each month: its first observation on or after day 1.

    Parameters
    ----------
    series : Series
        Weekly (Wednesday) levels with a DatetimeIndex.
    months : PeriodIndex
        Monthly periods.

    Returns
    -------
    Series
        Indexed by ``months``; NaN where the series has no observation within 7 days after
        the month's first day (e.g. past its end).

    Notes
    -----
    Treasury coupons mature on the 15th and the last day of a month and are redeemed on the
    next business day when that is a weekend. The month's *last* Wednesday usually comes
    before the month-end redemption, so measuring a month from last Wednesday to last
    Wednesday shifts that redemption into the next month. Measuring from the first
    Wednesday on or after day 1 to the first Wednesday on or after day 1 of the next month
    keeps both of the month's redemption dates inside the month.
    """
    clean = series.dropna().sort_index()
    firsts = months.to_timestamp(how="start")
    pos = clean.index.searchsorted(firsts, side="left")
    values = []
    for p, first in zip(pos, firsts, strict=True):
        ok = p < len(clean) and clean.index[p] - first <= pd.Timedelta(days=7)
        values.append(float(clean.iloc[p]) if ok else float("nan"))
    return pd.Series(values, index=months, name=series.name, dtype=float)


def monthly_runoff(series: pd.Series, first_month: str | pd.Period, last_month: str | pd.Period) -> pd.Series:
    """Runoff of a weekly holding in each month: level at the month's start minus level at the next month's start.

    Positive = holdings fell. Month boundaries as in :func:`start_of_month_levels`: month M
    runs from the first observation on or after the 1st of M to the first on or after the
    1st of M+1. Months whose end level is not yet observed are NaN.
    """
    months = _month_range(first_month, last_month)
    levels = start_of_month_levels(series, pd.period_range(months[0], months[-1] + 1, freq="M"))
    runoff = (levels - levels.shift(-1)).iloc[:-1]
    runoff.index.name = "month"
    return runoff.rename(f"{series.name}_runoff" if series.name else "runoff")


def runoff_vs_caps(treasuries: pd.Series, mbs: pd.Series, caps: pd.DataFrame,
                   first_month: str | pd.Period, last_month: str | pd.Period) -> pd.DataFrame:
    """Monthly runoff of Treasuries and MBS against their caps, with the ratio of runoff to cap.

    Parameters
    ----------
    treasuries, mbs : Series
        Weekly holdings in USD bn (TREAST, WSHOMCB).
    caps : DataFrame
        Curated caps (:func:`qt_caps`).
    first_month, last_month : str or Period
        Inclusive months of the QT regime (see :func:`qt_months`).

    Returns
    -------
    DataFrame
        Indexed by month: ``treasury_runoff``, ``treasury_cap``, ``treasury_ratio``,
        ``mbs_runoff``, ``mbs_cap``, ``mbs_ratio`` (runoff and caps in USD bn; ratio = runoff /
        cap, NaN where the cap is zero).
    """
    cap = monthly_caps(caps, first_month, last_month)
    out = pd.DataFrame(index=cap.index)
    for name, holding, col in (("treasury", treasuries, "treasury_cap_bn"), ("mbs", mbs, "mbs_cap_bn")):
        out[f"{name}_runoff"] = monthly_runoff(holding, first_month, last_month)
        out[f"{name}_cap"] = cap[col].astype(float)
        out[f"{name}_ratio"] = out[f"{name}_runoff"] / out[f"{name}_cap"].where(out[f"{name}_cap"] > 0)
    return out


def runoff_to_cap(holding: pd.Series, caps: pd.DataFrame, cap_column: CapColumn,
                  first_month: str | pd.Period, last_month: str | pd.Period) -> float:
    """Total runoff of a holding over a run of months divided by the sum of its monthly caps.

    Parameters
    ----------
    holding : Series
        Weekly holdings in USD bn (e.g. TREAST).
    caps : DataFrame
        Curated caps (:func:`qt_caps`).
    cap_column : str
        ``"treasury_cap_bn"`` or ``"mbs_cap_bn"``.
    first_month, last_month : str or Period
        Inclusive months, e.g. ``"2022-06"`` and ``"2025-11"`` for QT2.

    Returns
    -------
    float
        ``(H_start - H_end) / sum(caps)``.

    Notes
    -----
    .. math:: R = \\frac{H(w_0) - H(w_1)}{\\sum_{m=m_0}^{m_1} \\text{cap}_m}

    where :math:`w_0` is the first observation on or after the first day of :math:`m_0` and
    :math:`w_1` the first on or after the first day of the month after :math:`m_1` (see
    :func:`start_of_month_levels` for why). For QT2 with TREAST: :math:`w_0` = 2022-06-01 and
    :math:`w_1` = 2025-12-03, caps summed over June 2022 to November 2025. It equals the sum
    of :func:`monthly_runoff` over the months divided by the summed caps.
    """
    if cap_column not in CAP_COLUMNS:
        raise ValueError(f"cap_column {cap_column!r} must be one of {CAP_COLUMNS}")
    total_cap = float(monthly_caps(caps, first_month, last_month)[cap_column].sum())
    if total_cap <= 0:
        raise ValueError(f"the {cap_column} caps sum to zero from {first_month} to {last_month}")
    runoff = monthly_runoff(holding, first_month, last_month)
    if runoff.isna().any():
        raise ValueError(f"{holding.name}: no observation at the start of month(s) {list(runoff.index[runoff.isna()].astype(str))}")
    return float(runoff.sum()) / total_cap


def align_on_start(series: pd.Series, starts: dict[str, str | pd.Timestamp], n_months: int,
                   ends: dict[str, str | pd.Timestamp] | None = None, relative: bool = False) -> pd.DataFrame:
    """Change in a weekly stock since each regime's first month, month by month.

    Parameters
    ----------
    series : Series
        Weekly levels (USD bn).
    starts : dict
        Label -> first day of the regime's first month (e.g. ``{"QT1": "2017-10-01"}``).
    n_months : int
        Months to follow after the start (rows 0..n_months).
    ends : dict or None
        Label -> first day without runoff (e.g. ``"2019-08-01"``); months after it are NaN,
        so a regime is not followed past its end.
    relative : bool
        Return the change in percent of the starting level instead of USD bn.

    Returns
    -------
    DataFrame
        Index ``months_since_start`` (row k = level at the start of the k-th month after the
        first, so row k is the change after k months of runoff), one column per label;
        NaN past the data's or the regime's end.
    """
    if n_months < 1:
        raise ValueError(f"n_months must be at least 1, got {n_months}")
    cols = {}
    for label, start in starts.items():
        months = pd.period_range(pd.Period(pd.Timestamp(start), freq="M"), periods=n_months + 1, freq="M")
        levels = start_of_month_levels(series, months)
        change = levels - levels.iloc[0]
        if relative:
            change = 100 * change / levels.iloc[0]
        if ends is not None and label in ends:
            change[months > pd.Period(pd.Timestamp(ends[label]), freq="M")] = np.nan
        cols[label] = change.to_numpy()
    return pd.DataFrame(cols, index=pd.RangeIndex(n_months + 1, name="months_since_start"))


def cumulative_caps(caps: pd.DataFrame, starts: dict[str, str | pd.Timestamp], ends: dict[str, str | pd.Timestamp],
                    n_months: int) -> pd.DataFrame:
    """Cumulative sum of the monthly caps (Treasuries + MBS) after each regime's first month.

    Same index and NaN pattern as :func:`align_on_start` with ``ends``: row k is the sum of
    the caps of the first k months (row 0 is zero).
    """
    cols = {}
    for label, start in starts.items():
        first = pd.Period(pd.Timestamp(start), freq="M")
        last = pd.Period(pd.Timestamp(ends[label]), freq="M") - 1
        monthly = monthly_caps(caps, first, last)[list(CAP_COLUMNS)].sum(axis=1).to_numpy()
        path = np.full(n_months + 1, np.nan)
        k = min(len(monthly), n_months)
        path[0] = 0.0
        path[1:k + 1] = np.cumsum(monthly[:k])
        cols[label] = path
    return pd.DataFrame(cols, index=pd.RangeIndex(n_months + 1, name="months_since_start"))


def runoff_summary(tables: dict[str, pd.DataFrame], near: float = 0.9) -> pd.DataFrame:
    """One row per regime and asset: months, total runoff, total cap, ratio, median monthly ratio.

    Parameters
    ----------
    tables : dict
        Regime label -> :func:`runoff_vs_caps` frame.
    near : float
        Threshold for ``months_near_cap``: months whose runoff reached ``near`` times the cap.
    """
    rows = []
    for label, t in tables.items():
        for kind in ("treasury", "mbs"):
            ratio = t[f"{kind}_ratio"]
            rows.append({"regime": label, "asset": kind, "months": int(t[f"{kind}_runoff"].notna().sum()),
                         "runoff_usd_bn": float(t[f"{kind}_runoff"].sum()), "caps_usd_bn": float(t[f"{kind}_cap"].sum()),
                         "runoff_to_cap": float(t[f"{kind}_runoff"].sum() / t[f"{kind}_cap"].sum()),
                         "median_monthly_ratio": float(ratio.median()),
                         "months_near_cap": int((ratio >= near).sum())})
    return pd.DataFrame(rows).set_index(["regime", "asset"])


def month_change(frame: pd.DataFrame, month: str | pd.Period) -> pd.Series:
    """Change of every column over one calendar month, boundaries as in :func:`start_of_month_levels`."""
    m = pd.Period(month, freq="M")
    months = pd.period_range(m, m + 1, freq="M")
    out = {c: float(np.diff(start_of_month_levels(frame[c].astype(float), months).to_numpy())[0]) for c in frame.columns}
    return pd.Series(out, name=str(m))


def _month_range(first_month: str | pd.Period, last_month: str | pd.Period) -> pd.PeriodIndex:
    first, last = pd.Period(first_month, freq="M"), pd.Period(last_month, freq="M")
    if last < first:
        raise ValueError(f"last_month {last} precedes first_month {first}")
    return pd.period_range(first, last, freq="M")
