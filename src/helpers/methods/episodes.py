"""Uptrend states and episodes of a price, and the lags between the episodes of two series.

An *episode* is a run of days in an established uptrend, defined by a rule that uses only the
closes up to each day (so it can label a forward window without look-ahead):

* the moving-average rule with hysteresis (:func:`uptrend_state`, :func:`uptrend_episodes`);
* the zig-zag rule (:func:`swing_episodes`): an up-leg starts once the price is a given share
  above its running trough and ends after a given fall from its running peak;
* either one from a rule written as a list (:func:`episodes_by_rule`, e.g. ``["ma", 200, 30]``).

Episode tables have the columns :data:`EPISODE_COLUMNS`: ``start`` (the move's first day, known
in hindsight), ``confirmed`` (the day the rule establishes the uptrend) and ``ended`` (NaT while
it runs). :func:`onset_lags` measures how many days after one series' confirmation another series
confirms its own; :func:`true_periods` and :func:`first_true_after` read runs of a daily flag.

Lags and durations are in calendar days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from helpers.methods.eventstudy import calendar_daily

#: The two episode rules of :func:`episodes_by_rule`.
RuleKind: TypeAlias = Literal["ma", "swing"]
RULE_KINDS: tuple[str, ...] = ("ma", "swing")

#: Columns of the episode tables of :func:`uptrend_episodes` and :func:`swing_episodes`.
EPISODE_COLUMNS: tuple[str, ...] = ("start", "confirmed", "ended")


def _run_lengths(flag: np.ndarray) -> np.ndarray:
    """Length of the current run of True at each position (0 where False)."""
    out = np.zeros(flag.size, dtype=int)
    run = 0
    for i, f in enumerate(flag):
        run = run + 1 if f else 0
        out[i] = run
    return out


def uptrend_state(price: pd.Series, window: int = 200, confirm: int = 30, exit_days: int = 30) -> pd.Series:
    """Whether an uptrend is established on each day: a moving-average rule with hysteresis.

    Parameters
    ----------
    price : Series
        Daily closes (gaps carry the last close, :func:`helpers.methods.eventstudy.calendar_daily`).
    window : int
        Moving-average length in days (200: the classic long-term trend line).
    confirm : int
        An uptrend is *established* on the ``confirm``-th consecutive close above the average.
    exit_days : int
        It ends on the ``exit_days``-th consecutive close below the average.

    Returns
    -------
    Series
        Boolean, on the calendar grid; False until the average exists. Uses only closes up to
        each day, so it can label a forward window without look-ahead.
    """
    p = calendar_daily(price)
    sma = p.rolling(window, min_periods=window).mean()
    up = _run_lengths((p > sma).to_numpy())
    down = _run_lengths((p < sma).to_numpy())
    state = np.zeros(p.size, dtype=bool)
    on = False
    for i in range(p.size):
        if not on and up[i] >= confirm:
            on = True
        elif on and down[i] >= exit_days:
            on = False
        state[i] = on
    return pd.Series(state, index=p.index, name=f"{price.name}_uptrend")


def episodes_from_state(state: pd.Series, lead_days: int = 0) -> pd.DataFrame:
    """Runs of True in a boolean daily series as episodes.

    Parameters
    ----------
    state : Series
        Boolean on a daily grid (:func:`uptrend_state`).
    lead_days : int
        Days from the start of the move to the confirmation (``confirm - 1`` for the moving-average
        rule: the first close above the average), so ``start = confirmed - lead_days``.

    Returns
    -------
    DataFrame
        One row per episode: ``start``, ``confirmed`` (first True day), ``ended`` (first False day
        after the run, NaT while it runs at the end of the data).
    """
    s = state.astype(bool)
    change = s.ne(s.shift(1, fill_value=False))
    starts = s.index[(change & s).to_numpy()]
    ends = s.index[(change & ~s).to_numpy()]
    rows = []
    for c in starts:
        after = ends[ends > c]
        rows.append({"start": c - pd.Timedelta(days=lead_days), "confirmed": c,
                     "ended": after[0] if len(after) else pd.NaT})
    return pd.DataFrame(rows, columns=list(EPISODE_COLUMNS))


def state_from_episodes(episodes: pd.DataFrame, index: pd.DatetimeIndex) -> pd.Series:
    """Daily uptrend state from an episode table: True from each ``confirmed`` to the day before ``ended``.

    Works for any rule (:func:`uptrend_episodes`, :func:`swing_episodes`); for the moving-average
    rule it equals :func:`uptrend_state`. A running episode (``ended`` NaT) lasts to the end of ``index``.
    """
    state = pd.Series(False, index=index, name="uptrend")
    for row in episodes.itertuples():
        end = index[-1] if pd.isna(row.ended) else row.ended - pd.Timedelta(days=1)
        state.loc[row.confirmed:end] = True
    return state


def uptrend_episodes(price: pd.Series, window: int = 200, confirm: int = 30, exit_days: int = 30,
                     start: str | None = None) -> pd.DataFrame:
    """Uptrend episodes by the moving-average rule of :func:`uptrend_state`.

    Parameters
    ----------
    price : Series
        Daily closes.
    window, confirm, exit_days : int
        See :func:`uptrend_state`.
    start : str, optional
        Keep episodes confirmed on or after this date.

    Returns
    -------
    DataFrame
        ``start`` (first close of the run above the average), ``confirmed`` (the day the uptrend
        is established), ``ended`` (NaT while running).

    Examples
    --------
    A price that steps from 100 to 200 on day 300 is above its 200-day average from day 300, so
    with ``confirm=30`` the uptrend is established on day 329.
    """
    eps = episodes_from_state(uptrend_state(price, window, confirm, exit_days), lead_days=confirm - 1)
    return eps[eps["confirmed"] >= pd.Timestamp(start)].reset_index(drop=True) if start else eps


def swing_episodes(price: pd.Series, rise: float = 0.3, fall: float = 0.2) -> pd.DataFrame:
    """Up-legs of a zig-zag: an uptrend is established once the price is ``rise`` above its trough.

    Parameters
    ----------
    price : Series
        Daily closes (NaN dropped).
    rise : float
        Simple return from the running trough that establishes an up-leg (0.3 = +30%).
    fall : float
        Decline from the running peak that ends it (0.2 = -20%).

    Returns
    -------
    DataFrame
        ``start`` (the trough), ``confirmed`` (first close at least ``rise`` above it), ``ended``
        (first close at least ``fall`` below the running peak; NaT while running) and ``peak``
        (highest close of the leg).

    Notes
    -----
    Only closes up to each day decide ``confirmed`` and ``ended``; ``start`` and ``peak`` are
    known only in hindsight.
    """
    s = price.dropna()
    x, idx = s.to_numpy(float), s.index
    rows, up, ext = [], False, 0
    for i in range(1, x.size):
        if not up:
            if x[i] < x[ext]:
                ext = i
            elif x[i] >= x[ext] * (1 + rise):
                rows.append({"start": idx[ext], "confirmed": idx[i], "ended": pd.NaT, "peak": idx[i]})
                up, ext = True, i
        else:
            if x[i] > x[ext]:
                ext = i
                rows[-1]["peak"] = idx[i]
            elif x[i] <= x[ext] * (1 - fall):
                rows[-1]["ended"] = idx[i]
                up, ext = False, i
    return pd.DataFrame(rows, columns=[*EPISODE_COLUMNS, "peak"])


def episodes_by_rule(price: pd.Series, rule: Sequence[object]) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Uptrend episodes of ``price`` by a rule given as a list, and the first date the rule can speak.

    Parameters
    ----------
    price : Series
        Daily closes (NaN dropped).
    rule : sequence
        ``["ma", window, confirm]`` (:func:`uptrend_episodes`, exit after ``confirm`` days below)
        or ``["swing", rise, fall]`` (:func:`swing_episodes`).

    Returns
    -------
    (DataFrame, Timestamp)
        The episodes and the warm-up end: first close + ``window`` days for ``ma``, + 180 days
        for ``swing`` (its first trough is the first close, which may sit mid-rally).
    """
    s = price.dropna()
    kind, first, second = parse_rule(rule)
    if kind == "ma":
        window, confirm = int(first), int(second)
        return uptrend_episodes(s, window, confirm, confirm), s.index[0] + pd.Timedelta(days=window)
    return swing_episodes(s, first, second), s.index[0] + pd.Timedelta(days=180)


def parse_rule(rule: Sequence[object]) -> tuple[RuleKind, float, float]:
    """A rule written as a list (a notebook parameter) as its kind and two numbers.

    Raises
    ------
    ValueError
        If the rule does not start with one of :data:`RULE_KINDS` or its two settings are not numbers.
    """
    if len(rule) != 3 or rule[0] not in RULE_KINDS:
        raise ValueError(f"rule {rule!r} must start with 'ma' or 'swing' and give two numbers")
    try:
        first, second = float(str(rule[1])), float(str(rule[2]))
    except ValueError:
        raise ValueError(f"rule {rule!r}: its two settings must be numbers") from None
    return ("ma" if rule[0] == "ma" else "swing"), first, second


def onset_lags(reference: pd.DataFrame, other: pd.DataFrame, max_days: int = 365,
               valid_from: str | pd.Timestamp | None = None) -> pd.Series:
    """Days from each reference episode's confirmation to the other series' uptrend.

    Parameters
    ----------
    reference : DataFrame
        Episodes of the leader candidate (BTC), with ``confirmed``.
    other : DataFrame
        Episodes of the follower candidate (a basket), with ``confirmed`` and ``ended``.
    max_days : int
        How long after the reference confirmation to look.
    valid_from : str or Timestamp, optional
        First date on which the other series' rule can say anything (its first close plus the
        rule's warm-up, e.g. 200 days for a 200-day average); earlier reference episodes get NaN.

    Returns
    -------
    Series
        Indexed by the reference confirmation dates: the confirmation of the matching episode of
        ``other`` minus the reference date, in days; positive when ``other`` followed, zero or
        negative when it was first; NaN when none matches or the other rule cannot speak yet.

    Notes
    -----
    The candidates are the episodes of ``other`` that are running on the reference date and
    those confirmed within ``max_days`` after it; the one whose confirmation is nearest to the
    reference date matches (ties: the earlier). Nearest, rather than "running first", keeps a
    follower that echoes the leader from being matched to the echo of the leader's *previous*
    episode when two episodes are close together.
    """
    out = {}
    first = pd.Timestamp(valid_from) if valid_from is not None else pd.Timestamp.min
    conf = pd.DatetimeIndex(other["confirmed"])
    for ref in pd.DatetimeIndex(reference["confirmed"]):
        if ref < first:
            out[ref] = math.nan
            continue
        running = (conf <= ref) & (other["ended"].isna().to_numpy() | (pd.DatetimeIndex(other["ended"]) > ref))
        later = (conf > ref) & (conf <= ref + pd.Timedelta(days=max_days))
        lags = np.asarray((conf[running | later] - ref).days, dtype=float)
        out[ref] = float(lags[np.argmin(np.abs(lags))]) if lags.size else math.nan
    return pd.Series(out, name="lag_days", dtype=float)


def true_periods(mask: pd.Series, min_days: int = 1) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of True in a daily boolean series as ``(first, last)`` dates, keeping runs of ``min_days`` or more."""
    m = mask.fillna(False).astype(bool)
    groups = m.ne(m.shift(1, fill_value=False)).cumsum()
    out = []
    for _, run in m[m].groupby(groups[m]):
        if len(run) >= min_days:
            out.append((run.index[0], run.index[-1]))
    return out


def first_true_after(mask: pd.Series, dates: Sequence[pd.Timestamp], max_days: int = 365) -> pd.Series:
    """Days from each date to the first True of ``mask`` on or after it (within ``max_days``; else NaN)."""
    m = mask.fillna(False).astype(bool)
    out = {}
    for d in pd.DatetimeIndex(dates):
        seg = m.loc[d:d + pd.Timedelta(days=max_days)]
        hit = seg[seg]
        out[d] = float((hit.index[0] - d).days) if len(hit) else math.nan
    return pd.Series(out, dtype=float, name="days")


def episode_days(episodes: pd.DataFrame, index: pd.DatetimeIndex, confirmed: pd.Timestamp) -> pd.Series:
    """True on the days of ``index`` inside the episode confirmed on ``confirmed`` (to its end, or the last day)."""
    ep = episodes.loc[pd.DatetimeIndex(episodes["confirmed"]) == pd.Timestamp(confirmed)]
    if ep.empty:
        raise ValueError(f"no episode confirmed on {pd.Timestamp(confirmed):%Y-%m-%d}")
    end = ep["ended"].iloc[0]
    end = pd.Timestamp(end) if pd.notna(end) else index[-1]
    return pd.Series((index >= pd.Timestamp(confirmed)) & (index <= end), index=index)
