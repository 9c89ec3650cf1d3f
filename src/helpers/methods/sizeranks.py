"""Point-in-time size: market-cap ranks known when they are used, size buckets and size baskets.

A size rank read from today's market caps looks ahead (the tokens that grew are large today).
Here each rank is taken at a date from the median cap of the days strictly before it
(:func:`point_in_time_ranks`), bucketed (:func:`rank_buckets`, or a declared alternative rule
:func:`rank_buckets_rule`), attached to per-episode rallies (:func:`with_point_in_time_size`) and
turned into daily basket membership fixed at each episode's confirmation
(:func:`bucket_membership`, :func:`size_basket_returns`). :func:`size_buckets` is the fixed
one-window snapshot, kept for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.methods.baskets import equal_weight_basket


def size_buckets(market_caps: pd.DataFrame, start: str, end: str, n_large: int = 2, n_mid: int = 9,
                 labels: tuple[str, str, str] = ("large", "mid", "small")) -> pd.DataFrame:
    """Size buckets by median market cap over one window in which every asset has a market cap.

    Parameters
    ----------
    market_caps : DataFrame
        Daily market caps, one column per asset.
    start, end : str
        The window (one fixed snapshot, so buckets do not change over time).
    n_large, n_mid : int
        Assets ranked 1..n_large are ``labels[0]``, the next ``n_mid`` ``labels[1]``, the rest ``labels[2]``.

    Returns
    -------
    DataFrame
        Indexed by asset, sorted by rank: ``median_cap_usd_bn``, ``n_days``, ``rank``, ``bucket``.

    Raises
    ------
    ValueError
        If an asset has no market cap in the window.
    """
    window = market_caps.loc[start:end]
    missing = [c for c in window.columns if window[c].notna().sum() == 0]
    if missing:
        raise ValueError(f"no market cap between {start} and {end} for {missing}; choose another window")
    med = (window.median() / 1e9).sort_values(ascending=False)
    rank = pd.Series(np.arange(1, len(med) + 1), index=med.index)
    bucket = np.where(rank <= n_large, labels[0], np.where(rank <= n_large + n_mid, labels[1], labels[2]))
    return pd.DataFrame({"median_cap_usd_bn": med, "n_days": window[med.index].notna().sum(), "rank": rank,
                         "bucket": bucket})


def point_in_time_ranks(caps: pd.DataFrame, dates: Sequence[pd.Timestamp], trailing_days: int = 90) -> pd.DataFrame:
    """Size ranks at each date from the median market cap of the ``trailing_days`` days before it.

    Parameters
    ----------
    caps : DataFrame
        Daily market caps (e.g. :func:`helpers.data.proxies.implied_caps`).
    dates : sequence of Timestamp
        When the ranks are used (BTC uptrend confirmations); only days strictly before each are read.
    trailing_days : int
        Length of the trailing window.

    Returns
    -------
    DataFrame
        One row per date, one column per asset: rank 1 = largest; NaN for an asset without a cap
        in the window (not yet listed, or its data missing).
    """
    rows = {}
    for d in dates:
        d = pd.Timestamp(d)
        window = caps.loc[d - pd.Timedelta(days=trailing_days):d - pd.Timedelta(days=1)]
        rows[d] = window.median().rank(ascending=False, method="first")
    return pd.DataFrame(rows).T.reindex(columns=caps.columns)


def rank_buckets(ranks: pd.DataFrame, n_large: int = 2, n_mid: int = 9,
                 labels: tuple[str, str, str] = ("large", "mid", "small")) -> pd.DataFrame:
    """Bucket labels from ranks: 1..n_large large, the next n_mid mid, the rest small (NaN stays unranked)."""
    out = pd.DataFrame(np.where(ranks <= n_large, labels[0], np.where(ranks <= n_large + n_mid, labels[1], labels[2])),
                       index=ranks.index, columns=ranks.columns)
    return out.where(ranks.notna())


def rank_buckets_rule(ranks: pd.DataFrame, n_large: int, small: str,
                      labels: tuple[str, str, str] = ("large", "mid", "small")) -> pd.DataFrame:
    """Bucket labels from ranks under a declared small-bucket rule (the C25 alternatives).

    Parameters
    ----------
    ranks : DataFrame
        :func:`point_in_time_ranks`, one row per episode.
    n_large : int
        Ranks 1..n_large are large.
    small : str
        ``"rank K"``: ranks K and beyond are small (``"rank 12"`` with two large caps is
        :func:`rank_buckets` with ``n_mid=9``); ``"bottom F"``: the bottom share F of the tokens
        ranked at that episode (at least one, never a large cap) are small. The rest are mid.

    Raises
    ------
    ValueError
        On a rule that is neither form.
    """
    kind, _, value = small.partition(" ")
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if kind == "rank" and x == int(x) and x > n_large:
        is_small = ranks >= x
    elif kind == "bottom" and 0 < x < 1:
        count = ranks.count(axis=1)
        cut = (count - np.maximum(1, np.floor(count * x))).to_numpy()[:, None]
        is_small = (ranks.to_numpy() > cut) & (ranks.to_numpy() > n_large)
        is_small = pd.DataFrame(is_small, index=ranks.index, columns=ranks.columns)
    else:
        raise ValueError(f"small-bucket rule {small!r}: use 'rank K' (K > {n_large}) or 'bottom F' (0 < F < 1)")
    out = pd.DataFrame(np.where(ranks <= n_large, labels[0], np.where(is_small, labels[2], labels[1])),
                       index=ranks.index, columns=ranks.columns)
    return out.where(ranks.notna())


def with_point_in_time_size(rallies: pd.DataFrame, ranks: pd.DataFrame, buckets: pd.DataFrame) -> pd.DataFrame:
    """Token-episode rallies with the size known at each episode's confirmation.

    Parameters
    ----------
    rallies : DataFrame
        :func:`helpers.methods.rally_anatomy.episode_rallies` rows (``episode`` = confirmation date, ``asset``).
    ranks, buckets : DataFrame
        :func:`point_in_time_ranks` and :func:`rank_buckets`, indexed by confirmation date.

    Returns
    -------
    DataFrame
        ``rallies`` with ``size_pct`` (rank percentile among the tokens ranked then: 0 = largest,
        1 = smallest) and ``bucket``; NaN where the token had no market cap before the episode.
    """
    pct = ranks.sub(1).div(ranks.count(axis=1).sub(1).clip(lower=1), axis=0)

    def look(table: pd.DataFrame, e: pd.Timestamp, a: str) -> object:
        return table.at[e, a] if e in table.index and a in table.columns else np.nan

    keys = list(zip(rallies["episode"], rallies["asset"], strict=True))
    return rallies.assign(size_pct=[look(pct, e, a) for e, a in keys], bucket=[look(buckets, e, a) for e, a in keys])


def bucket_membership(buckets: pd.DataFrame, episodes: pd.DataFrame, index: pd.DatetimeIndex,
                      bucket: str) -> pd.DataFrame:
    """Daily membership of one size bucket, fixed at each episode's confirmation and held until it ends.

    Parameters
    ----------
    buckets : DataFrame
        :func:`rank_buckets` indexed by the episodes' confirmation dates.
    episodes : DataFrame
        With ``confirmed`` and ``ended`` (NaT: still running).
    index : DatetimeIndex
        The daily grid of the result.
    bucket : str
        The bucket label.

    Returns
    -------
    DataFrame
        Boolean, ``index`` x assets: True on the days of an episode in which the asset was ranked
        in ``bucket`` at the episode's confirmation.
    """
    out = pd.DataFrame(False, index=index, columns=buckets.columns)
    for _, ep in episodes.iterrows():
        start = pd.Timestamp(ep["confirmed"])
        if start not in buckets.index:
            continue
        end = pd.Timestamp(ep["ended"]) if pd.notna(ep["ended"]) else index[-1]
        members = buckets.columns[(buckets.loc[start] == bucket).to_numpy()]
        out.loc[(out.index >= start) & (out.index <= end), members] = True
    return out


def size_basket_returns(prices: pd.DataFrame, buckets: pd.DataFrame, episodes: pd.DataFrame,
                        need: Mapping[str, int], start: str) -> pd.DataFrame:
    """Daily log returns of the equal-weight size baskets, members fixed at each episode's confirmation.

    Parameters
    ----------
    prices : DataFrame
        Daily closes (:func:`prepare_prices`).
    buckets : DataFrame
        Labels per episode (:func:`rank_buckets` or :func:`rank_buckets_rule`).
    episodes : DataFrame
        With ``confirmed`` and ``ended``.
    need : mapping of str to int
        Minimum members with a return for each bucket's basket to have one that day.
    start : str
        First day kept.

    Returns
    -------
    DataFrame
        One column per bucket of ``need``, only days on which every basket has a return (none
        when a bucket never has enough members).
    """
    out = {}
    for b, k in need.items():
        members = bucket_membership(buckets, episodes, prices.index, b)
        try:
            out[b] = np.log1p(equal_weight_basket(prices.where(members), k, name=b).returns)
        except ValueError:  # never enough members under this rule: no day with every basket
            out[b] = pd.Series(np.nan, index=prices.index)
    return pd.DataFrame(out).loc[start:].dropna()
