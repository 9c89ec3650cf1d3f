"""Changes, calendar alignment and "the value as of a date": the transforms every study starts from.

* correlate **changes** (:func:`log_returns`, :func:`differences`, :func:`forward_log_return`), not
  trending levels;
* one value per month or per week picked by an explicit rule (:func:`month_end_values`,
  :func:`monthly_frame`, :func:`weekly_grid`, :func:`weekly_frame`);
* no value used before it was public: :func:`available_asof` is the one as-of helper of the package
  (the latest observation usable on each date, with a publication lag and a staleness tolerance);
  :func:`level_on_or_before` is its one-date form;
* changes between dates built on it (:func:`changes_between_dates`, :func:`change_from_to`,
  :func:`changes_since`, :func:`change_window_range`).

Monthly values are indexed by a monthly :class:`pandas.PeriodIndex`; weekly and daily values by
a :class:`pandas.DatetimeIndex`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias, TypeVar

import numpy as np
import pandas as pd

from helpers.aliases import DateLike

PandasT = TypeVar("PandasT", pd.Series, pd.DataFrame)
#: How :func:`month_end_values` picks a month's value.
MonthRule: TypeAlias = Literal["calendar_day", "last_obs", "last_weekday"]

#: Weekday names accepted by :func:`weekly_grid` and :func:`month_end_values`.
WEEKDAYS: tuple[str, ...] = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MONTH_RULES: tuple[str, ...] = ("calendar_day", "last_obs", "last_weekday")


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


def forward_log_return(price: pd.Series, horizon: int) -> pd.Series:
    """Forward log return :math:`\\ln P_{t+h} - \\ln P_t` over ``horizon`` observations (NaN at the end)."""
    return np.log(price).shift(-horizon) - np.log(price)


# ---------------------------------------------------------------------------------------------
# calendar alignment
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
        raise ValueError(f"rule {rule!r} must be one of {MONTH_RULES}")
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
# as of a date
# ---------------------------------------------------------------------------------------------


def available_asof(values: pd.Series, dates: Sequence[DateLike] | pd.DatetimeIndex, lag_days: int = 0,
                   tolerance_days: int | None = 10) -> pd.DataFrame:
    """The latest value that was public on each of ``dates``: the package's one as-of helper.

    An observation dated ``d`` becomes usable on ``d + lag_days`` (H.4.1: Wednesday level,
    published Thursday afternoon, ``lag_days=1``), never earlier.

    Parameters
    ----------
    values : Series
        Observations on a DatetimeIndex (observation dates, as FRED labels them).
    dates : DatetimeIndex or sequence of dates
        Dates on which the value is to be used, in time order.
    lag_days : int
        Publication lag in calendar days (:attr:`helpers.data.catalog.SeriesSpec.publication_lag_days`);
        ``0`` gives the last observation on or before each date.
    tolerance_days : int or None
        Leave NaN where the newest usable observation is older than this (a gap in the data);
        None accepts any age.

    Returns
    -------
    DataFrame
        Index ``dates`` (named ``date``); columns ``value`` and ``observed`` (the observation date
        used), so a caller can check ``dates - observed >= lag_days``.

    Notes
    -----
    Implemented with :func:`pandas.merge_asof` on the *availability* date
    :math:`a = d + \\text{lag}`, direction backward: the value used at date :math:`t` is the one
    with the largest :math:`a \\le t`.
    """
    s = values.dropna().sort_index()
    observed = pd.DatetimeIndex(s.index)
    table = pd.DataFrame({"available": observed + pd.Timedelta(days=lag_days), "observed": observed,
                          "value": s.to_numpy()})
    left = pd.DataFrame({"date": pd.DatetimeIndex(dates).as_unit(observed.unit)})
    tolerance = None if tolerance_days is None else pd.Timedelta(days=tolerance_days + lag_days)
    merged = pd.merge_asof(left, table, left_on="date", right_on="available", direction="backward",
                           tolerance=tolerance)
    return merged.set_index("date")[["value", "observed"]]


def level_on_or_before(series: pd.Series, date: DateLike) -> tuple[pd.Timestamp, float]:
    """The last observation dated on or before ``date``: ``(its date, its value)`` (:func:`available_asof`).

    Raises
    ------
    ValueError
        If the series starts after ``date``.
    """
    when = pd.Timestamp(date)
    row = available_asof(series, [when], 0, None).iloc[0]
    if pd.isna(row["observed"]):
        raise ValueError(f"{series.name}: no observation on or before {when:%Y-%m-%d}")
    return pd.Timestamp(row["observed"]), float(row["value"])


def changes_between_dates(levels: pd.DataFrame, boundaries: Mapping[str, DateLike],
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


def change_from_to(frame: pd.DataFrame, start: DateLike, end: DateLike) -> pd.Series:
    """Change of every column from its last value on or before ``start`` to its last on or before ``end``."""
    out = {}
    for col in frame.columns:
        s = pd.to_numeric(frame[col], errors="coerce")
        out[col] = level_on_or_before(s, end)[1] - level_on_or_before(s, start)[1]
    return pd.Series(out, name="change")


def changes_since(frame: pd.DataFrame, base: DateLike) -> pd.DataFrame:
    """Each column minus its last value on or before ``base``, for the rows after ``base``."""
    b = pd.Timestamp(base)
    levels = {c: level_on_or_before(frame[c], b)[1] for c in frame.columns}
    return frame.loc[frame.index >= b] - pd.Series(levels)


def change_window_range(series: pd.Series, start: DateLike, end: DateLike, weeks: int = 4) -> pd.Series:
    """How much a change depends on the exact dates: changes between nearby pairs of dates.

    Takes every observation within ``weeks`` weeks either side of ``start`` and every one
    from ``weeks`` weeks before ``end`` up to ``end``, and returns the minimum, median and
    maximum of ``end value - start value`` over all pairs, with the number of pairs ``n``.
    Useful for noisy stocks such as net liquidity, where a single week's TGA swing moves the
    level by a hundred billion.
    """
    clean = series.dropna().sort_index()
    s0, e0 = pd.Timestamp(start), pd.Timestamp(end)
    width = pd.Timedelta(weeks=weeks)
    starts = clean.loc[s0 - width: s0 + width]
    ends = clean.loc[e0 - width: e0]
    if starts.empty or ends.empty:
        raise ValueError(f"{series.name}: no observations near {s0:%Y-%m-%d} or {e0:%Y-%m-%d}")
    diffs = (ends.to_numpy()[None, :] - starts.to_numpy()[:, None]).ravel()
    return pd.Series({"min": diffs.min(), "median": float(np.median(diffs)), "max": diffs.max(), "n": diffs.size})
