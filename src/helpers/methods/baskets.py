"""Sector baskets: cleaned daily closes, equal-weight indices, relative strength and breadth.

Notebook-agnostic building blocks for comparing a sector with a benchmark:

* cleaned prices on one calendar grid (:func:`prepare_prices`, :func:`data_breaks`);
* equal-weight baskets rebalanced daily from the members that have a price on both days, with a
  minimum number of members (:func:`equal_weight_basket`);
* relative strength :math:`\\ln(A_t / B_t)` (:func:`relative_strength`), which rises when ``A``
  outperforms ``B``;
* breadth (:func:`breadth`): the share of a universe beating the benchmark over a window (an
  "altseason" indicator);
* :func:`trim_after_last`: stale carried-forward values of a resampled frame removed.

Calendar convention: daily crypto closes on a calendar grid (the close of day D is the price at
00:00 UTC of D+1, see :func:`helpers.data.closes`).

References
----------
.. [1] Moskowitz, T. J. and Grinblatt, M. (1999). Do industries explain momentum? *Journal of
   Finance* 54(4), 1249-1290. doi:10.1111/0022-1082.00146
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


def data_breaks(price: pd.Series, max_jump: float = 10.0) -> pd.DatetimeIndex:
    """Dates on which a price moved by more than a factor ``max_jump`` from the previous observation.

    Parameters
    ----------
    price : Series
        Positive closes (missing values dropped first).
    max_jump : float
        A move above ``max_jump`` times (or below ``1 / max_jump`` times) the previous close is a
        break in the data, not a market move. The largest genuine one-day move in the project's
        universe is DOGE on 2021-01-28 (x4.4); BNB's x26 on 2017-10-29 is a CoinGecko error.

    Returns
    -------
    DatetimeIndex
        The dates of the later observation of each break.
    """
    if max_jump <= 1:
        raise ValueError(f"max_jump must exceed 1, got {max_jump}")
    s = price.dropna()
    jump = np.log(s).diff().abs()
    return pd.DatetimeIndex(s.index[(jump > math.log(max_jump)).to_numpy()])


def prepare_prices(prices: Mapping[str, pd.Series], seasoning_days: int = 30, max_jump: float = 10.0) -> pd.DataFrame:
    """Daily closes of several assets on one calendar grid, cleaned by two stated rules.

    Parameters
    ----------
    prices : mapping of str to Series
        Daily closes per asset.
    seasoning_days : int
        Each asset enters this many days after its first close (after its last data break):
        the first weeks after a listing are thin markets with moves of +100% a day.
    max_jump : float
        See :func:`data_breaks`; an asset's data before its last break are dropped.

    Returns
    -------
    DataFrame
        One column per asset on a daily grid from the first to the last date of any asset.
        Holes in a source stay NaN (no filling), so no return is computed across them.
    """
    cols = {}
    for name, s in prices.items():
        s = s.dropna().sort_index()
        breaks = data_breaks(s, max_jump)
        if len(breaks):
            s = s.loc[breaks[-1]:]
        cols[name] = s.loc[s.index[0] + pd.Timedelta(days=seasoning_days):]
    frame = pd.DataFrame(cols)
    grid = pd.date_range(frame.index.min(), frame.index.max(), freq="D", name="date")
    return frame.reindex(grid)


def simple_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Day-on-day simple returns :math:`P_t / P_{t-1} - 1` on the frame's grid; NaN when either day is missing."""
    return prices / prices.shift(1) - 1


@dataclass(frozen=True)
class Basket:
    """An equal-weight index of a sector.

    Attributes
    ----------
    level : Series
        Index level, ``base`` on the day before the first return; NaN where the basket has too
        few members.
    returns : Series
        Daily simple return: the mean of the members' returns that day.
    members : Series
        Members with a return that day.
    """

    level: pd.Series
    returns: pd.Series
    members: pd.Series


def equal_weight_basket(prices: pd.DataFrame, min_members: int = 3, base: float = 100.0,
                        name: str = "basket") -> Basket:
    """Equal-weight basket rebalanced daily from the members available each day.

    Parameters
    ----------
    prices : DataFrame
        Daily closes of the members on a calendar grid (:func:`prepare_prices`).
    min_members : int
        Days on which fewer members have a return get no basket return (NaN level).
    base : float
        Level on the day before the first basket return.
    name : str
        Name of the output series.

    Returns
    -------
    Basket

    Raises
    ------
    ValueError
        If no day has ``min_members`` members.

    Notes
    -----
    :math:`R_t = \\frac{1}{n_t} \\sum_{i \\in M_t} (P_{i,t}/P_{i,t-1} - 1)` with :math:`M_t` the
    members with closes on both days, and :math:`L_t = L_{t-1}(1 + R_t)`. A member joins the
    day after its first close and leaves after its last one; across a hole in its data it is
    left out (its move across the hole is not counted). If the basket itself lacks members
    inside its range, its level resumes from the last valid level.
    """
    rets = simple_returns(prices)
    members = rets.notna().sum(axis=1).rename(f"{name}_members")
    r = rets.mean(axis=1).where(members >= min_members).rename(name)
    valid = r.dropna()
    if valid.empty:
        raise ValueError(f"{name}: no day has at least {min_members} members; lower min_members or add members")
    cum = np.log1p(r).fillna(0.0).cumsum()
    level = base * np.exp(cum)
    start = valid.index[0] - pd.Timedelta(days=1)
    keep = (level.index == start) | r.notna()
    level = level.where(keep & (level.index >= start)).rename(name)
    return Basket(level, r, members)


def relative_strength(asset: pd.Series, benchmark: pd.Series) -> pd.Series:
    """Relative strength :math:`\\ln(A_t / B_t)` on common dates; it rises when ``asset`` outperforms."""
    both = pd.concat([asset.rename("a"), benchmark.rename("b")], axis=1, join="inner").dropna()
    return pd.Series(np.log(both["a"] / both["b"]), index=both.index, name=f"{asset.name}/{benchmark.name}")


def trim_after_last(frame: pd.DataFrame, sources: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Blank each column of a resampled frame after the last date of the series it came from.

    :func:`helpers.methods.transforms.weekly_frame` carries a close forward by up to four days, so a grid day
    just after a series stops would repeat its last close while other series move on; this
    removes those stale values.

    Parameters
    ----------
    frame : DataFrame
        Resampled values (weekly grid), columns named as in ``sources``.
    sources : mapping of str to Series
        The daily series behind each column; columns not in it are left alone.
    """
    out = frame.copy()
    for name, s in sources.items():
        last = s.last_valid_index()
        out.loc[out.index > last, name] = np.nan
    return out


def breadth(prices: pd.DataFrame, benchmark: pd.Series, window: int = 90, min_members: int = 5) -> pd.Series:
    """Share of assets whose ``window``-day log return beats the benchmark's.

    Parameters
    ----------
    prices : DataFrame
        Daily closes of the universe (calendar grid).
    benchmark : Series
        Daily closes of the benchmark (BTC).
    window : int
        Look-back in days (90: the "season" of the common altseason index).
    min_members : int
        Days with fewer assets having both closes are NaN.

    Returns
    -------
    Series
        In [0, 1]. Values of 0.75 or more are called altseason by the index of
        blockchaincenter.net ("75% of the top 50 coins beat BTC over 90 days").
    """
    lp = np.log(prices)
    lb = np.log(benchmark.reindex(prices.index))
    rel = lp.diff(window).sub(lb.diff(window), axis=0)
    n = rel.notna().sum(axis=1)
    share = (rel > 0).sum(axis=1) / n.where(n > 0)
    return share.where(n >= min_members).rename("breadth")
