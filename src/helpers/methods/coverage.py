"""Coverage breaks of an aggregate series: one-day jumps that are new counting, not new money.

An aggregate such as DefiLlama's total stablecoin supply grows in one step when the provider starts
counting a chain or a token that already existed. :func:`coverage_breaks` flags such days and
:func:`mask_breaks` removes exactly their one-day change, so that period changes measure flows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


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
