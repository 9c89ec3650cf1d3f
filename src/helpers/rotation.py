"""Sector rotation: baskets, relative strength, uptrend episodes, lead-lag, time-to-peak, breadth.

The questions of notebook 04 ("does capital rotate BTC -> ETH -> altcoins -> DeFi after
liquidity turns?") need a few objects that the other modules do not have:

* **baskets** (:func:`prepare_prices`, :func:`equal_weight_basket`): equal-weight indices of
  a sector, rebalanced daily from the members that have a price on both days, with a minimum
  number of members;
* **relative strength** (:func:`relative_strength`): :math:`\\ln(A_t / B_t)`; it rises when
  ``A`` outperforms ``B``;
* **uptrend episodes** (:func:`uptrend_state`, :func:`uptrend_episodes`, :func:`swing_episodes`)
  defined by rules that use only data up to each day, and the **lag** between the episodes of
  two series (:func:`onset_lags`);
* **rally anatomy** (:func:`rally_metrics`, :func:`episode_rallies`): trough, peak, time to
  peak, drawdown after the peak and the half-life of the gain;
* **lead-lag** with a block-bootstrap interval for the lag (:func:`best_lag`) and the lag at
  which a benchmark move is followed by outperformance (:func:`outperformance_lag`);
* **breadth** (:func:`breadth`): the share of a universe beating BTC over a window (an
  "altseason" indicator), and its periods (:func:`true_periods`);
* **regime statistics** with a stationary bootstrap (:func:`regime_means`,
  :func:`risk_adjusted_difference`), and per-asset risk-adjusted returns (:func:`risk_table`);
* **point-in-time size** (:func:`implied_caps`, :func:`point_in_time_ranks`,
  :func:`bucket_membership`): size ranks known at the time they are used, and the share of the
  whole market the survivor universe covers (:func:`survivorship_table`);
* **window returns** (:func:`window_return_table`): a dated window's log return per asset against
  its own typical quarter (the C26 forecast).

Verdict rules and evidence text live in :mod:`helpers.claims.rotation`.

Calendar convention: daily crypto closes on a calendar grid (the close of day D is the price at
00:00 UTC of D+1, see :func:`helpers.data.closes`); lags and durations are in calendar days,
or in weeks on a weekly grid.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
   American Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
.. [2] Moskowitz, T. J. and Grinblatt, M. (1999). Do industries explain momentum? *Journal of
   Finance* 54(4), 1249-1290. doi:10.1111/0022-1082.00146
.. [3] Liu, Y. and Tsyvinski, A. (2021). Risks and returns of cryptocurrency. *Review of
   Financial Studies* 34(6), 2689-2727. doi:10.1093/rfs/hhaa113
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from arch.bootstrap import StationaryBootstrap
from scipy import stats as sps

from helpers import stats

#: Columns of the episode tables of :func:`uptrend_episodes` and :func:`swing_episodes`.
EPISODE_COLUMNS: tuple[str, ...] = ("start", "confirmed", "ended")

# ---------------------------------------------------------------------------------------------
# prices and baskets
# ---------------------------------------------------------------------------------------------


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


def coverage_table(raw: Mapping[str, pd.Series], prepared: pd.DataFrame, sectors: Mapping[str, str],
                   max_jump: float = 10.0) -> pd.DataFrame:
    """What each asset contributes after :func:`prepare_prices`: dates, days, holes and data breaks.

    Returns
    -------
    DataFrame
        Per asset: ``sector``, ``first`` and ``last`` date used, ``days`` with a close, ``holes``
        (missing days between first and last) and ``breaks`` (dates of :func:`data_breaks`).
    """
    rows = {}
    for name, sector in sectors.items():
        s = prepared[name].dropna()
        span = prepared[name].loc[s.index[0]:s.index[-1]]
        rows[name] = {"sector": sector, "first": f"{s.index[0]:%Y-%m-%d}", "last": f"{s.index[-1]:%Y-%m-%d}",
                      "days": len(s), "holes": int(span.isna().sum()),
                      "breaks": ", ".join(f"{d:%Y-%m-%d}" for d in data_breaks(raw[name], max_jump))}
    return pd.DataFrame.from_dict(rows, orient="index")


def trim_after_last(frame: pd.DataFrame, sources: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Blank each column of a resampled frame after the last date of the series it came from.

    :func:`helpers.stats.weekly_frame` carries a close forward by up to four days, so a grid day
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


def implied_caps(caps: pd.DataFrame, prices: pd.DataFrame, max_age_days: int = 730) -> pd.DataFrame:
    """Market caps with gaps filled by the last known supply times the day's price (point in time).

    Parameters
    ----------
    caps : DataFrame
        Daily market caps (USD), one column per asset; holes where the source has none.
    prices : DataFrame
        Daily closes of the same assets.
    max_age_days : int
        The implied supply (cap / price on the last day with both) is carried forward at most
        this many days; older gaps stay missing.

    Returns
    -------
    DataFrame
        On a daily calendar grid: the reported cap where present, else ``price x implied supply``.
        Only past values are used, so each day's figure was knowable on that day.
    """
    cols = [c for c in caps.columns if c in prices.columns]
    grid = pd.date_range(min(caps.index.min(), prices.index.min()), max(caps.index.max(), prices.index.max()),
                         freq="D")
    c, px = caps[cols].reindex(grid), prices[cols].reindex(grid)
    supply = (c / px).where(c.notna() & (px > 0))
    return c.combine_first(px * supply.ffill(limit=max_age_days))


def point_in_time_ranks(caps: pd.DataFrame, dates: Sequence[pd.Timestamp], trailing_days: int = 90) -> pd.DataFrame:
    """Size ranks at each date from the median market cap of the ``trailing_days`` days before it.

    Parameters
    ----------
    caps : DataFrame
        Daily market caps (e.g. :func:`implied_caps`).
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


def with_point_in_time_size(rallies: pd.DataFrame, ranks: pd.DataFrame, buckets: pd.DataFrame) -> pd.DataFrame:
    """Token-episode rallies with the size known at each episode's confirmation.

    Parameters
    ----------
    rallies : DataFrame
        :func:`episode_rallies` rows (``episode`` = confirmation date, ``asset``).
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


def survivorship_table(total_cap: pd.Series, listed_caps: pd.DataFrame, alts: Sequence[str],
                       episodes: pd.DataFrame) -> pd.DataFrame:
    """How much of the market the listed tokens cover, and how they grew against the unlisted rest, per episode.

    Parameters
    ----------
    total_cap : Series
        Total crypto market cap (all tokens, including those that later died).
    listed_caps : DataFrame
        Daily caps of every listed token (:func:`implied_caps`), stablecoins included so that the
        rest is what the list omits.
    alts : sequence of str
        The survivor tokens whose bias is in question (the alt and DeFi tokens).
    episodes : DataFrame
        With ``confirmed`` and ``ended`` (NaT: to the last date with all data).

    Returns
    -------
    DataFrame
        Per episode: ``coverage_start``, ``coverage_end`` (listed share of the total),
        ``alts_log_change`` (the survivor alts' summed cap), ``rest_log_change`` (total minus every
        listed token) and ``gap`` (the first minus the second). The rest also grows by new
        listings, so a positive gap understates how much the survivors outgrew the tokens of
        their time.
    """
    listed = listed_caps.sum(axis=1, min_count=1)
    frame = pd.DataFrame({"total": total_cap, "listed": listed, "alts": listed_caps[list(alts)].sum(axis=1, min_count=1)})
    frame = frame.dropna()
    frame["rest"] = frame["total"] - frame["listed"]
    rows = {}
    for _, ep in episodes.iterrows():
        start = pd.Timestamp(ep["confirmed"])
        end = pd.Timestamp(ep["ended"]) if pd.notna(ep["ended"]) else frame.index[-1]
        span = frame.loc[start:end]
        span = span[span["rest"] > 0]
        if len(span) < 2:
            continue
        a, b = span.iloc[0], span.iloc[-1]
        rows[start] = {"coverage_start": a["listed"] / a["total"], "coverage_end": b["listed"] / b["total"],
                       "alts_log_change": math.log(b["alts"] / a["alts"]),
                       "rest_log_change": math.log(b["rest"] / a["rest"])}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if not out.empty:
        out["gap"] = out["alts_log_change"] - out["rest_log_change"]
    return out


def window_return_table(prices: pd.DataFrame, categories: Mapping[str, str], start: str, end: str) -> pd.DataFrame:
    """Each asset's log return over a dated window, against its own typical calendar quarter.

    Parameters
    ----------
    prices : DataFrame
        Daily closes.
    categories : mapping of str to str
        The declared assets and the category of each (declared before looking at the window).
    start, end : str
        The window: from the close of the day before ``start`` to the close of ``end`` or the
        last close before it.

    Returns
    -------
    DataFrame
        Per asset: ``category``, ``log_return`` (NaN without closes at both ends), ``last_close``
        (date of the window's last close used), ``typical_quarter`` (median log return of the
        asset's complete calendar quarters before the window), ``n_quarters`` and ``percentile``
        (share of those quarters below the window's return).
    """
    t0, t1 = pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end)
    rows = {}
    for asset, cat in categories.items():
        p = prices[asset].dropna() if asset in prices else pd.Series(dtype=float)
        if p.empty:
            rows[asset] = {"category": cat, "log_return": math.nan, "last_close": pd.NaT,
                           "typical_quarter": math.nan, "n_quarters": 0, "percentile": math.nan}
            continue
        before = p.loc[:t0]
        inside = p.loc[:t1]
        ok = not before.empty and before.index[-1] == t0 and inside.index[-1] > t0
        ret = math.log(inside.iloc[-1] / before.iloc[-1]) if ok else math.nan
        q = np.log(p.loc[:t0].resample("QE").last()).diff()
        q = q[q.index > p.index[0] + pd.offsets.QuarterEnd(1)].dropna()
        rows[asset] = {"category": cat, "log_return": ret, "last_close": inside.index[-1] if ok else pd.NaT,
                       "typical_quarter": float(q.median()) if len(q) else math.nan, "n_quarters": len(q),
                       "percentile": float((q < ret).mean()) if len(q) and ok else math.nan}
    return pd.DataFrame.from_dict(rows, orient="index")


# ---------------------------------------------------------------------------------------------
# uptrends and episodes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveBound:
    """The largest rise and fall of an equal-weight mean log return over a fixed number of days.

    Attributes
    ----------
    days : int
        Length of the span in days.
    rise, fall : float
        Largest and smallest (most negative) mean log return over any such span.
    rise_end, fall_end : str
        Last day of those spans (YYYY-MM-DD).
    first, last : str
        First and last day of the sample (every asset with a close).
    n : int
        Spans in the sample.
    """

    days: int
    rise: float
    fall: float
    rise_end: str
    fall_end: str
    first: str
    last: str
    n: int


def extreme_moves(prices: pd.DataFrame, days: int, end: str | pd.Timestamp) -> MoveBound:
    """Largest rise and fall of the assets' mean ``days``-day log return, on days up to ``end`` when all have closes.

    A bound on what unobserved days could do to a window's result (C26: the window's last days
    after the data end): the assets move together, so their mean is bounded by the largest joint
    moves seen, not by the sum of each asset's own record.

    Raises
    ------
    ValueError
        If ``days`` < 1 or no span has closes of every asset.
    """
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days!r}")
    lp = np.log(prices.loc[:end].asfreq("D"))
    change = (lp - lp.shift(days)).dropna()
    if change.empty:
        raise ValueError(f"no {days}-day span up to {end} with closes of every one of {list(prices.columns)}")
    mean = change.mean(axis=1)
    return MoveBound(days, float(mean.max()), float(mean.min()), f"{mean.idxmax():%Y-%m-%d}",
                     f"{mean.idxmin():%Y-%m-%d}", f"{mean.index[0]:%Y-%m-%d}", f"{mean.index[-1]:%Y-%m-%d}", len(mean))


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
        Daily closes (gaps carry the last close, :func:`helpers.events.calendar_daily`).
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
    from helpers.events import calendar_daily

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


# ---------------------------------------------------------------------------------------------
# rally anatomy: time to peak, drawdown after it, half-life
# ---------------------------------------------------------------------------------------------


def time_to_peak(price: pd.Series, start: str | pd.Timestamp,
                 end: str | pd.Timestamp | None = None) -> dict[str, object]:
    """Highest close between ``start`` and ``end`` and how long it took to get there.

    Returns
    -------
    dict
        ``peak`` (date; the first one if tied), ``days`` (calendar days from ``start``) and
        ``gain`` (:math:`\\ln(P_{peak}/P_{start})`, with :math:`P_{start}` the first close on or
        after ``start``).
    """
    seg = price.loc[pd.Timestamp(start):None if end is None else pd.Timestamp(end)].dropna()
    if seg.empty:
        raise ValueError(f"no closes between {start} and {end}")
    peak = seg.idxmax()
    return {"peak": peak, "days": int((peak - pd.Timestamp(start)).days),
            "gain": float(np.log(seg[peak] / seg.iloc[0]))}


def half_life(price: pd.Series, trough: pd.Timestamp, peak: pd.Timestamp) -> float:
    """Days after ``peak`` until the price has given back half of the trough-to-peak log gain.

    Returns
    -------
    float
        First day :math:`d > peak` with :math:`\\ln P_d \\le \\ln P_{peak} - \\tfrac12 \\ln(P_{peak}/P_{trough})`,
        in days after the peak; NaN if it has not happened by the end of the data (censored).
    """
    lp = np.log(price.dropna())
    level = lp[peak] - 0.5 * (lp[peak] - lp[trough])
    after = lp.loc[peak + pd.Timedelta(days=1):]
    hit = after[after <= level]
    return float((hit.index[0] - peak).days) if len(hit) else math.nan


def rally_metrics(price: pd.Series, trough_window: tuple[pd.Timestamp, pd.Timestamp],
                  peak_end: pd.Timestamp, after_days: int = 365,
                  peak_start: pd.Timestamp | None = None) -> dict[str, object]:
    """Anatomy of one rally: trough, peak, gain, speed, drawdown after the peak and half-life.

    Parameters
    ----------
    price : Series
        Daily closes.
    trough_window : (Timestamp, Timestamp)
        Where to look for the lowest close (before the rally).
    peak_end : Timestamp
        Last day in which to look for the highest close.
    peak_start : Timestamp, optional
        First day in which to look for it (default: the trough).
    after_days : int
        Horizon for the drawdown after the peak.

    Returns
    -------
    dict
        ``trough``, ``peak`` (dates), ``gain`` (log), ``days_to_peak``, ``drawdown_after`` (log
        change from the peak to the lowest close within ``after_days``; negative),
        ``after_complete`` (the data reach ``after_days`` past the peak), ``half_life_days``
        (:func:`half_life`) and ``half_within`` (half the gain given back within ``after_days``:
        1.0 or 0.0, NaN when the data stop before it could be known); NaN/NaT when the asset has
        no data in the windows.
    """
    p = price.dropna()
    pre = p.loc[trough_window[0]:trough_window[1]]
    if pre.empty:
        return {"trough": pd.NaT, "peak": pd.NaT, "gain": math.nan, "days_to_peak": math.nan,
                "drawdown_after": math.nan, "after_complete": False, "half_life_days": math.nan,
                "half_within": math.nan}
    trough = pre.idxmin()
    seg = p.loc[max(trough, peak_start) if peak_start is not None else trough:peak_end]
    if seg.empty:
        seg = p.loc[trough:peak_end]
    peak = seg.idxmax()
    after = p.loc[peak:peak + pd.Timedelta(days=after_days)]
    complete = bool(p.index[-1] >= peak + pd.Timedelta(days=after_days))
    hl = half_life(p, trough, peak)
    within = 1.0 if hl <= after_days else (0.0 if complete else math.nan)
    return {"trough": trough, "peak": peak, "gain": float(np.log(p[peak] / p[trough])),
            "days_to_peak": float((peak - trough).days), "drawdown_after": float(np.log(after.min() / p[peak])),
            "after_complete": complete, "half_life_days": hl, "half_within": within}


def episode_rallies(prices: pd.DataFrame, episodes: pd.DataFrame, lookback: int = 365, slack: int = 180,
                    after_days: int = 365, exit_days: int = 30) -> pd.DataFrame:
    """:func:`rally_metrics` of every asset in every episode of a reference series (BTC).

    Parameters
    ----------
    prices : DataFrame
        Daily closes, one column per asset.
    episodes : DataFrame
        Reference episodes (``confirmed``, ``ended``), e.g. :func:`uptrend_episodes` of BTC, in
        time order.
    lookback : int
        The trough is the lowest close in the ``lookback`` days up to the confirmation, but not
        before the previous episode's decline began (its ``ended`` minus ``exit_days``), so the
        previous rally's own start is not taken for this one's trough.
    slack : int
        The peak is the highest close from the confirmation to ``slack`` days after the episode
        ends (or the day before the next confirmation, whichever is first; the end of the data for
        a running one), so a sector that peaks after BTC is still caught.
    after_days : int
        Horizon of the drawdown after the peak.
    exit_days : int
        Days the exit rule needs (30 for the 200-day rule), see ``lookback``.

    Returns
    -------
    DataFrame
        One row per (episode, asset) with data: ``episode`` (confirmation date), ``asset`` and the
        fields of :func:`rally_metrics`, plus ``peak_after_confirm_days`` (peak minus confirmation).
    """
    rows = []
    confirmed = list(pd.DatetimeIndex(episodes["confirmed"]))
    ended = list(episodes["ended"])
    last = prices.index[-1]
    for k, row in enumerate(episodes.itertuples()):
        nxt = confirmed[k + 1] - pd.Timedelta(days=1) if k + 1 < len(confirmed) else last
        end = last if pd.isna(row.ended) else min(row.ended + pd.Timedelta(days=slack), nxt)
        lo = row.confirmed - pd.Timedelta(days=lookback)
        if k > 0 and not pd.isna(ended[k - 1]):
            lo = max(lo, ended[k - 1] - pd.Timedelta(days=exit_days))
        for asset in prices.columns:
            m = rally_metrics(prices[asset], (lo, row.confirmed), end, after_days, peak_start=row.confirmed)
            if pd.isna(m["trough"]):
                continue
            rows.append({"episode": row.confirmed, "asset": asset, **m,
                         "peak_after_confirm_days": float((m["peak"] - row.confirmed).days)})
    return pd.DataFrame(rows)


def episode_volatility(prices: pd.DataFrame, episodes: pd.DataFrame, periods_per_year: int = 365) -> pd.DataFrame:
    """Annualised volatility of daily log returns of each asset from each confirmation to the episode's end.

    Returns
    -------
    DataFrame
        Rows the confirmation dates, columns the assets; NaN with fewer than 20 returns.
    """
    lr = np.log(prices).diff()
    rows = {}
    for row in episodes.itertuples():
        seg = lr.loc[row.confirmed:None if pd.isna(row.ended) else row.ended]
        rows[row.confirmed] = (seg.std() * math.sqrt(periods_per_year)).where(seg.notna().sum() >= 20)
    return pd.DataFrame.from_dict(rows, orient="index")


def baseline_volatility_ratio(prices: pd.DataFrame, episodes: pd.DataFrame, uptrend: pd.Series,
                              names: Sequence[str], reference: str = "btc", lookback: int = 365,
                              min_days: int = 20) -> pd.DataFrame:
    """Each series' usual volatility relative to the reference's, before each episode and outside uptrends.

    The base rate that "amplified volatility in a rally" must beat: the volatility ratio of daily
    log returns over the days of the ``lookback`` days before the confirmation on which the
    reference was *not* in an uptrend (only past days, with both returns).

    Parameters
    ----------
    prices : DataFrame
        Daily closes or basket levels, including ``reference`` and ``names``.
    episodes : DataFrame
        With ``confirmed``.
    uptrend : Series
        Boolean uptrend state of the reference on the daily grid (:func:`state_from_episodes`).
    names : sequence of str
        The series compared with the reference.
    reference : str
        The benchmark (BTC).
    lookback : int
        Calendar days before each confirmation.
    min_days : int
        Fewer such days with both returns give NaN.

    Returns
    -------
    DataFrame
        Rows the confirmation dates; columns ``<name>_base_vol_ratio`` and ``<name>_base_days``.
    """
    lr = np.log(prices).diff()
    up = uptrend.reindex(lr.index).fillna(False).astype(bool)
    rows = {}
    for c in pd.DatetimeIndex(episodes["confirmed"]):
        window = lr.loc[c - pd.Timedelta(days=lookback):c - pd.Timedelta(days=1)]
        window = window[~up.reindex(window.index).to_numpy()]
        row: dict[str, float] = {}
        for name in names:
            pair = window[[name, reference]].dropna()
            ok = len(pair) >= min_days and float(pair[reference].std()) > 0
            row[f"{name}_base_vol_ratio"] = float(pair[name].std() / pair[reference].std()) if ok else math.nan
            row[f"{name}_base_days"] = float(len(pair))
        rows[c] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def leave_one_out(values: pd.Series, statistic: Callable[[pd.Series], tuple[float, float, float]]) -> pd.DataFrame:
    """``statistic`` recomputed with each value left out in turn (an episode-level sensitivity check).

    Parameters
    ----------
    values : Series
        One value per episode (NaN dropped first).
    statistic : callable
        Maps the remaining values to ``(estimate, low, high)``.

    Returns
    -------
    DataFrame
        Indexed by the left-out label: ``estimate``, ``low``, ``high`` and ``n`` (values used).
    """
    v = values.dropna()
    rows = {}
    for label in v.index:
        rest = v.drop(index=label)
        est, lo, hi = statistic(rest)
        rows[label] = {"estimate": est, "low": lo, "high": hi, "n": len(rest)}
    return pd.DataFrame.from_dict(rows, orient="index")


def excess_over(table: pd.DataFrame, column: str, reference: str = "btc") -> pd.Series:
    """A column of :func:`episode_rallies` minus the reference asset's value in the same episode."""
    ref = table.loc[table["asset"] == reference].set_index("episode")[column]
    return table[column] - table["episode"].map(ref)


def amplification_table(rallies: pd.DataFrame, volatility: pd.DataFrame, names: Sequence[str],
                        reference: str = "btc") -> pd.DataFrame:
    """Per episode: each sector's trough-to-peak gain minus the reference's, and its volatility over the reference's.

    Parameters
    ----------
    rallies : DataFrame
        :func:`episode_rallies` including ``reference`` and ``names``.
    volatility : DataFrame
        :func:`episode_volatility` (rows episodes, columns assets).
    names : sequence of str
        Sectors or assets compared with the reference.

    Returns
    -------
    DataFrame
        Rows episodes; columns ``<name>_excess_gain`` (log) and ``<name>_vol_ratio``.
    """
    excess = rallies.assign(excess=excess_over(rallies, "gain", reference))
    wide = excess.pivot(index="episode", columns="asset", values="excess")
    out = {}
    for name in names:
        out[f"{name}_excess_gain"] = wide[name] if name in wide else pd.Series(math.nan, index=wide.index)
        out[f"{name}_vol_ratio"] = (volatility[name] / volatility[reference]).reindex(wide.index)
    return pd.DataFrame(out)


def bucket_summary(rallies: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Median rally anatomy by size bucket (:func:`episode_rallies` with a ``bucket`` column).

    Returns
    -------
    DataFrame
        Per bucket: ``n`` (asset-episodes), ``assets``, medians of ``gain``, ``days_to_peak``,
        ``peak_after_confirm_days`` and ``drawdown_after`` (complete 365-day windows only, ``n_after``)
        and ``half_within_share`` (share giving back half the gain within 365 days, ``n_half``).
    """
    rows = {}
    for b in order:
        g = rallies[rallies["bucket"] == b]
        done = g[g["after_complete"]]
        rows[b] = {"n": len(g), "assets": g["asset"].nunique(), "gain": g["gain"].median(),
                   "days_to_peak": g["days_to_peak"].median(),
                   "peak_after_confirm_days": g["peak_after_confirm_days"].median(),
                   "drawdown_after": done["drawdown_after"].median(), "n_after": len(done),
                   "half_within_share": g["half_within"].mean(), "n_half": int(g["half_within"].notna().sum())}
    return pd.DataFrame.from_dict(rows, orient="index")


def asset_rally_profile(rallies: pd.DataFrame, reference: str = "btc") -> pd.DataFrame:
    """Per asset, median rally anatomy relative to the reference asset in the same episodes.

    Returns
    -------
    DataFrame
        Per asset: ``excess_gain`` (median gain minus the reference's), ``speed`` (median log gain
        per 30 days from trough to peak), ``excess_drawdown`` (median drawdown after the peak
        minus the reference's, complete windows), ``half_within`` (share of episodes giving back
        half the gain within the horizon) and ``n_episodes``.
    """
    drawdown = excess_over(rallies, "drawdown_after", reference).where(rallies["after_complete"])
    r = rallies.assign(excess_gain=excess_over(rallies, "gain", reference), excess_drawdown=drawdown,
                       speed=30 * rallies["gain"] / rallies["days_to_peak"].clip(lower=1))
    g = r.groupby("asset")
    return pd.DataFrame({"excess_gain": g["excess_gain"].median(), "speed": g["speed"].median(),
                         "excess_drawdown": g["excess_drawdown"].median(), "half_within": g["half_within"].mean(),
                         "n_episodes": g.size()})


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
    kind = str(rule[0])
    if kind == "ma":
        window, confirm = int(rule[1]), int(rule[2])  # type: ignore[call-overload]
        return uptrend_episodes(s, window, confirm, confirm), s.index[0] + pd.Timedelta(days=window)
    if kind == "swing":
        rise, fall = float(rule[1]), float(rule[2])  # type: ignore[arg-type]
        return swing_episodes(s, rise, fall), s.index[0] + pd.Timedelta(days=180)
    raise ValueError(f"rule {rule!r} must start with 'ma' or 'swing'")


def onset_lag_table(leader: pd.Series, others: Mapping[str, pd.Series], rules: Sequence[Sequence[object]],
                    start: str, max_days: int = 365, band: tuple[int, int] = (30, 90)) -> pd.DataFrame:
    """Onset lags of several series behind a leader under several episode rules.

    Parameters
    ----------
    leader : Series
        Daily closes of the leader candidate (BTC).
    others : mapping of str to Series
        Daily closes or basket levels of the followers.
    rules : sequence of rules
        See :func:`episodes_by_rule`.
    start : str
        Leader episodes confirmed from this date on.
    max_days : int
        See :func:`onset_lags`.
    band : (int, int)
        The claimed lag range in days (1-3 months).

    Returns
    -------
    DataFrame
        One row per (rule, series): ``n`` (episodes with a lag), ``median``, ``mean``,
        ``share_in_band``, ``share_leader_first`` (lag > 0), ``lags`` (the values, as text).
    """
    rows = []
    for rule in rules:
        lead_eps, _ = episodes_by_rule(leader, rule)
        lead_eps = lead_eps[lead_eps["confirmed"] >= pd.Timestamp(start)]
        for name, series in others.items():
            eps, valid = episodes_by_rule(series, rule)
            lags = onset_lags(lead_eps, eps, max_days, valid).dropna()
            rows.append({"rule": " ".join(str(r) for r in rule), "series": name, "n": len(lags),
                         "median": float(lags.median()) if len(lags) else math.nan,
                         "mean": float(lags.mean()) if len(lags) else math.nan,
                         "share_in_band": float(lags.between(*band).mean()) if len(lags) else math.nan,
                         "share_leader_first": float((lags > 0).mean()) if len(lags) else math.nan,
                         "lags": ", ".join(f"{v:+.0f}" for v in lags)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# lead-lag with a bootstrap interval for the lag
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadLag:
    """Cross-correlation of ``x`` with later ``y`` and the lag at which it peaks.

    Attributes
    ----------
    lag : int
        Lag ``k`` maximising :math:`\\mathrm{corr}(x_t, y_{t+k})`; ``k > 0``: ``x`` leads.
    r : float
        The correlation at that lag.
    lo, hi : float
        Percentile interval of the best lag over stationary-bootstrap resamples.
    asymmetry : float
        :math:`\\sum_{k=1}^K r(k) - \\sum_{k=1}^K r(-k)`: positive when ``x`` leads ``y`` more than
        ``y`` leads ``x``.
    asym_lo, asym_hi : float
        Its bootstrap interval.
    n : int
        Dates used (all lags share them).
    profile : DataFrame
        :func:`helpers.stats.lead_lag_corr` on the full sample (``r``, ``n``, ``band``).
    share_at_lag : float
        Share of bootstrap resamples whose best lag equals ``lag``.
    asym_p : float
        Two-sided bootstrap p-value of "asymmetry = 0".
    """

    lag: int
    r: float
    lo: float
    hi: float
    asymmetry: float
    asym_lo: float
    asym_hi: float
    n: int
    profile: pd.DataFrame = field(repr=False)
    share_at_lag: float = math.nan
    asym_p: float = math.nan


def _lag_matrix(x: pd.Series, y: pd.Series, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows t with x_t and y_{t+k} for every k in -K..K (all present)."""
    both = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner")
    lags = {f"y{k}": both["y"].shift(-k) for k in range(-max_lag, max_lag + 1)}
    frame = pd.concat([both["x"], pd.DataFrame(lags)], axis=1).dropna()
    if len(frame) < 3 * max_lag + 10:
        raise ValueError(f"too few overlapping observations ({len(frame)}) for max_lag={max_lag}")
    return frame["x"].to_numpy(float), frame.drop(columns="x").to_numpy(float)


def _corr_profile(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    xs = x - x.mean()
    yc = ys - ys.mean(axis=0)
    den = np.sqrt((xs @ xs) * (yc * yc).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, xs @ yc / den, np.nan)


def best_lag(x: pd.Series, y: pd.Series, max_lag: int, reps: int = 1000, block: int | None = None, seed: int = 0,
             level: float = 0.95) -> LeadLag:
    """The lag at which ``x`` best predicts ``y``, with a stationary-bootstrap interval.

    Parameters
    ----------
    x, y : Series
        Changes (log returns) on a shared regular index (daily or weekly).
    max_lag : int
        Lags ``-K..K`` considered.
    reps : int
        Bootstrap resamples (0 skips the interval).
    block : int, optional
        Mean block length; default :math:`\\max(K, n^{1/3})` so blocks keep the lags together.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    level : float
        Coverage of the intervals.

    Returns
    -------
    LeadLag

    Notes
    -----
    Every lag is computed on the same dates :math:`t` (those with :math:`x_t` and all
    :math:`y_{t+k}`), and the bootstrap resamples these rows in blocks, so a resample keeps each
    pair :math:`(x_t, y_{t+k})` intact. A lag whose interval includes 0 does not establish a lead.
    """
    xv, ys = _lag_matrix(x, y, max_lag)
    lags = np.arange(-max_lag, max_lag + 1)

    def summary(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = _corr_profile(a, b)
        return np.array([lags[int(np.nanargmax(r))], np.nansum(r[max_lag + 1:]) - np.nansum(r[:max_lag])])

    est = summary(xv, ys)
    r_full = _corr_profile(xv, ys)
    lo = hi = alo = ahi = share = asym_p = math.nan
    if reps > 0:
        bsize = block or max(max_lag, round(len(xv) ** (1 / 3)))
        bs = StationaryBootstrap(bsize, xv, ys, seed=np.random.default_rng(seed))
        draws = bs.apply(summary, reps)
        a = (1 - level) / 2
        lo, hi = np.quantile(draws[:, 0], [a, 1 - a])
        alo, ahi = np.quantile(draws[:, 1], [a, 1 - a])
        share = float(np.mean(draws[:, 0] == est[0]))
        asym_p = _two_sided_p(draws[:, 1])
    profile = stats.lead_lag_corr(x, y, max_lag)
    return LeadLag(int(est[0]), float(r_full[int(est[0]) + max_lag]), float(lo), float(hi), float(est[1]),
                   float(alo), float(ahi), len(xv), profile, share, asym_p)


def outperformance_lag(benchmark: pd.Series, asset: pd.Series, max_lag: int, reps: int = 1000,
                       block: int | None = None, seed: int = 0) -> LeadLag:
    """The lag at which a benchmark move is followed by the asset's outperformance.

    :func:`best_lag` of the benchmark's return :math:`b_t` and the asset's excess return
    :math:`a_{t+k} - b_{t+k}` (the change of :func:`relative_strength`). If the asset repeats
    the benchmark's moves ``L`` periods later, the best lag is ``L``; if it amplifies them in
    the same period (a beta above one), it is 0.

    Parameters
    ----------
    benchmark, asset : Series
        Log returns on a shared index.
    max_lag, reps, block, seed
        Passed to :func:`best_lag`.
    """
    both = pd.concat([benchmark.rename("b"), asset.rename("a")], axis=1, join="inner")
    return best_lag(both["b"], both["a"] - both["b"], max_lag, reps, block, seed)


def lead_lag_table(results: Mapping[str, LeadLag]) -> pd.DataFrame:
    """One row per :class:`LeadLag`: best lag and interval, its correlation, the asymmetry with interval, N."""
    cols = ["lag", "lo", "hi", "share_at_lag", "r", "asymmetry", "asym_lo", "asym_hi", "asym_p", "n"]
    return pd.DataFrame({k: {c: getattr(v, c) for c in cols} for k, v in results.items()}).T[cols]


def beta(y: pd.Series, x: pd.Series, level: float = 0.95) -> dict[str, float | int]:
    """OLS slope of ``y`` on ``x`` (both returns) with a Newey-West interval.

    Returns
    -------
    dict
        ``beta``, ``lo``, ``hi``, ``p_one`` (two-sided p-value of beta = 1) and ``n``. A beta
        above one means ``y`` amplifies ``x``'s moves.
    """
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1, join="inner").dropna()
    fit = sm.OLS(both["y"], sm.add_constant(both["x"])).fit(
        cov_type="HAC", cov_kwds={"maxlags": stats.newey_west_lags(len(both))})
    b, se = float(fit.params["x"]), float(fit.bse["x"])
    z = float(sps.norm.ppf(0.5 + level / 2))
    return {"beta": b, "lo": b - z * se, "hi": b + z * se, "p_one": float(2 * sps.norm.sf(abs(b - 1) / se)),
            "n": len(both)}


# ---------------------------------------------------------------------------------------------
# breadth ("altseason")
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# regime statistics and risk-adjusted returns with a stationary bootstrap
# ---------------------------------------------------------------------------------------------


def bootstrap_indices(n: int, block: int, reps: int, seed: int) -> np.ndarray:
    """Row positions of ``reps`` stationary-bootstrap resamples of ``n`` rows (mean block ``block``).

    The draws are those of :class:`arch.bootstrap.StationaryBootstrap` seeded with
    ``numpy.random.default_rng(seed)``, so a statistic computed from them with numpy equals the
    one :func:`bootstrap_frame` computes from resampled frames.

    Returns
    -------
    ndarray
        Shape ``(reps, n)`` of integer positions.
    """
    if block < 1 or reps < 1:
        raise ValueError(f"block ({block}) and reps ({reps}) must be positive")
    bs = StationaryBootstrap(min(block, n), np.arange(n), seed=np.random.default_rng(seed))
    return np.vstack([data[0][0] for data in bs.bootstrap(reps)])


def bootstrap_frame(frame: pd.DataFrame, func: Callable[[pd.DataFrame], np.ndarray], block: int, reps: int,
                    seed: int) -> np.ndarray:
    """Stationary-bootstrap draws of ``func`` applied to resampled rows of ``frame``.

    Rows are resampled in blocks of random length (mean ``block``), so a statistic computed
    within a regime (rows with a label) keeps the serial dependence of the returns and the
    persistence of the regimes.

    Returns
    -------
    ndarray
        Shape ``(reps, k)`` for a ``func`` returning ``k`` values.
    """
    idx = bootstrap_indices(len(frame), block, reps, seed)
    draws = [np.atleast_1d(func(frame.iloc[i])) for i in idx]
    return np.vstack(draws).astype(float)


def _masked_means(values: np.ndarray, masks: Sequence[np.ndarray], idx: np.ndarray) -> np.ndarray:
    """Mean of ``values[idx]`` over each mask, per resample row of ``idx`` (NaN for an empty group)."""
    v = values[idx]
    out = []
    for m in masks:
        sel = m[idx]
        cnt = sel.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(cnt > 0, np.where(sel, v, 0.0).sum(axis=1) / cnt, np.nan))
    return np.column_stack(out)


@dataclass(frozen=True)
class RegimeMeans:
    """Mean of a return series in each of two regimes, and their difference, with intervals.

    Attributes
    ----------
    table : DataFrame
        Per regime: ``mean``, ``lo``, ``hi``, ``share_positive`` and ``n``.
    diff, lo, hi : float
        Mean of the first regime minus the second, with its percentile interval.
    p_diff : float
        Two-sided bootstrap p-value of ``diff = 0`` (twice the smaller tail share of draws on the
        other side of zero, at least ``1 / (reps + 1)``).
    p_first : float
        The same for "the first regime's mean = 0".
    block, reps : int
        Bootstrap settings.
    """

    table: pd.DataFrame
    diff: float
    lo: float
    hi: float
    p_diff: float
    p_first: float
    block: int
    reps: int


def _two_sided_p(draws: np.ndarray) -> float:
    d = draws[np.isfinite(draws)]
    if d.size == 0:
        return math.nan
    tail = min(np.mean(d <= 0), np.mean(d >= 0))
    return float(min(1.0, max(2 * tail, 1 / (d.size + 1))))


def regime_means(values: pd.Series, regime: pd.Series, order: tuple[str, str], reps: int = 2000, block: int = 8,
                 seed: int = 0, level: float = 0.95) -> RegimeMeans:
    """Means of ``values`` in two regimes with a stationary-bootstrap interval for each and for the difference.

    Parameters
    ----------
    values : Series
        Returns over the period that *follows* each label (e.g. next week's ETH/BTC log return).
    regime : Series
        Label known at the start of each period.
    order : (str, str)
        The two labels compared; ``diff = mean(order[0]) - mean(order[1])``.
    reps, block, seed, level
        Bootstrap settings (block in observations).

    Returns
    -------
    RegimeMeans

    Notes
    -----
    Interval of a regime mean and p-values are percentile-based: the resample draws blocks of
    (value, label) pairs, so the number of periods in each regime varies as in another history.
    """
    both = pd.concat([values.rename("v"), regime.rename("g")], axis=1, join="inner").dropna()
    both = both[both["g"].isin(order)]

    v = both["v"].to_numpy(float)
    masks = [(both["g"] == g).to_numpy(bool) for g in order]
    ab = _masked_means(v, masks, np.arange(len(v))[None, :])[0]
    est = np.array([ab[0], ab[1], ab[0] - ab[1]])
    m = _masked_means(v, masks, bootstrap_indices(len(v), block, reps, seed))
    draws = np.column_stack([m[:, 0], m[:, 1], m[:, 0] - m[:, 1]])
    a = (1 - level) / 2
    q = np.nanquantile(draws, [a, 1 - a], axis=0)
    grp = both.groupby("g")["v"]
    table = pd.DataFrame({"mean": est[:2], "lo": q[0, :2], "hi": q[1, :2],
                          "share_positive": [float((grp.get_group(g) > 0).mean()) for g in order],
                          "n": [int(grp.size()[g]) for g in order]}, index=list(order))
    return RegimeMeans(table, float(est[2]), float(q[0, 2]), float(q[1, 2]), _two_sided_p(draws[:, 2]),
                       _two_sided_p(draws[:, 0]), block, reps)


def regime_means_table(results: Mapping[str, RegimeMeans]) -> pd.DataFrame:
    """One row per labelled :class:`RegimeMeans`: both regime means with intervals and N, the difference, p-values."""
    rows = {}
    for label, r in results.items():
        on, off = r.table.index
        rows[label] = {"mean_on": r.table.loc[on, "mean"], "lo_on": r.table.loc[on, "lo"],
                       "hi_on": r.table.loc[on, "hi"], "n_on": int(r.table.loc[on, "n"]),
                       "mean_off": r.table.loc[off, "mean"], "n_off": int(r.table.loc[off, "n"]),
                       "diff": r.diff, "diff_lo": r.lo, "diff_hi": r.hi, "p_on": r.p_first, "p_diff": r.p_diff}
    return pd.DataFrame.from_dict(rows, orient="index")


def regime_means_long(results: Mapping[str, RegimeMeans]) -> pd.DataFrame:
    """Every regime mean of several :class:`RegimeMeans` as rows ``"<label>: <regime>"`` (for :func:`interval_plot`)."""
    rows = {}
    for label, r in results.items():
        for regime, row in r.table.iterrows():
            rows[f"{label}: {regime}"] = {"mean": row["mean"], "lo": row["lo"], "hi": row["hi"], "n": int(row["n"])}
    return pd.DataFrame.from_dict(rows, orient="index")


def max_drawdown(log_returns: pd.Series) -> float:
    """Largest peak-to-trough fall of the cumulated log returns (a negative log change; 0 if none)."""
    path = np.concatenate([[0.0], np.cumsum(log_returns.dropna().to_numpy(float))])
    return float(np.min(path - np.maximum.accumulate(path)))


def risk_table(returns: pd.DataFrame, mask: pd.Series | None = None, periods_per_year: int = 365) -> pd.DataFrame:
    """Return per unit of volatility and drawdown of each column, over the days where ``mask`` is True.

    Parameters
    ----------
    returns : DataFrame
        Daily log returns, one column per asset or basket.
    mask : Series, optional
        Days to use (e.g. liquidity-driven rallies); all days if None.
    periods_per_year : int
        365 for daily crypto returns.

    Returns
    -------
    DataFrame
        Per column: ``mean_ann`` (mean log return x periods), ``vol_ann`` (SD x sqrt(periods)),
        ``ratio`` (their quotient: return per unit of volatility), ``worst_drawdown`` (the deepest
        :func:`max_drawdown` within one contiguous run of mask days) and ``n`` days.
    """
    m = pd.Series(True, index=returns.index) if mask is None else mask.reindex(returns.index).fillna(False).astype(bool)
    runs = m.ne(m.shift(1, fill_value=False)).cumsum()[m]
    rows = {}
    for col in returns.columns:
        r = returns.loc[m, col].dropna()
        mean, sd = float(r.mean()) * periods_per_year, float(r.std()) * math.sqrt(periods_per_year)
        dd = min((max_drawdown(g) for _, g in returns.loc[m, col].groupby(runs)), default=math.nan)
        rows[col] = {"mean_ann": mean, "vol_ann": sd, "ratio": mean / sd if sd > 0 else math.nan,
                     "worst_drawdown": dd, "n": len(r)}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class RiskAdjustedDifference:
    """Return per unit of volatility of two baskets on the same days, and their difference.

    Attributes
    ----------
    ratio_a, ratio_b : float
        Annualised mean / annualised SD of daily log returns of ``a`` and ``b`` on the mask days.
    diff, lo, hi : float
        ``ratio_a - ratio_b`` with its stationary-bootstrap percentile interval.
    p : float
        Two-sided bootstrap p-value of ``diff = 0``.
    n : int
        Mask days with both returns.
    """

    ratio_a: float
    ratio_b: float
    diff: float
    lo: float
    hi: float
    p: float
    n: int


def _masked_sharpe(values: np.ndarray, sel: np.ndarray, periods: int) -> np.ndarray:
    """Annualised mean / SD (ddof 1) of ``values`` per row where ``sel``; NaN with 2 or fewer values."""
    cnt = sel.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sel, values, 0.0).sum(axis=1) / cnt
        dev = np.where(sel, values - mean[:, None], 0.0)
        sd = np.sqrt((dev * dev).sum(axis=1) / (cnt - 1))
        return np.where(cnt > 2, mean / sd * math.sqrt(periods), np.nan)


def risk_adjusted_difference(a: pd.Series, b: pd.Series, mask: pd.Series, reps: int = 2000, block: int = 30,
                             seed: int = 0, level: float = 0.95) -> RiskAdjustedDifference:
    """Return-per-volatility of ``a`` minus that of ``b`` over the mask days, with a bootstrap interval.

    Parameters
    ----------
    a, b : Series
        Daily log returns (e.g. the large-cap and the small-cap basket).
    mask : Series
        Days to use (True), on the same grid.
    reps, block, seed, level
        Stationary bootstrap over all days (rows of a, b and the mask together; block in days).

    Returns
    -------
    RiskAdjustedDifference
    """
    frame = pd.concat([a.rename("a"), b.rename("b"), mask.rename("m")], axis=1, join="inner").dropna()
    va, vb = frame["a"].to_numpy(float), frame["b"].to_numpy(float)
    m = frame["m"].astype(bool).to_numpy()

    def stat(idx: np.ndarray) -> np.ndarray:
        sel = m[idx]
        ra, rb = _masked_sharpe(va[idx], sel, 365), _masked_sharpe(vb[idx], sel, 365)
        return np.column_stack([ra, rb, ra - rb])

    est = stat(np.arange(len(frame))[None, :])[0]
    draws = stat(bootstrap_indices(len(frame), block, reps, seed))
    lo, hi = np.nanquantile(draws[:, 2], [(1 - level) / 2, (1 + level) / 2])
    return RiskAdjustedDifference(float(est[0]), float(est[1]), float(est[2]), float(lo), float(hi),
                                  _two_sided_p(draws[:, 2]), int(m.sum()))


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


def episode_days(episodes: pd.DataFrame, index: pd.DatetimeIndex, confirmed: pd.Timestamp) -> pd.Series:
    """True on the days of ``index`` inside the episode confirmed on ``confirmed`` (to its end, or the last day)."""
    ep = episodes.loc[pd.DatetimeIndex(episodes["confirmed"]) == pd.Timestamp(confirmed)]
    if ep.empty:
        raise ValueError(f"no episode confirmed on {pd.Timestamp(confirmed):%Y-%m-%d}")
    end = ep["ended"].iloc[0]
    end = pd.Timestamp(end) if pd.notna(end) else index[-1]
    return pd.Series((index >= pd.Timestamp(confirmed)) & (index <= end), index=index)


def large_small_curve(prices: pd.DataFrame, ranks: pd.DataFrame, episodes: pd.DataFrame, rally: pd.Series, *,
                      n_large: int, primary_small: str, small_rules: Sequence[str], min_members: int,
                      small_minimums: Sequence[int], start: str, reps: int = 2000, block: int = 30,
                      seed: int = 0) -> pd.DataFrame:
    """C25's declared specifications, one choice varied at a time from the primary: large minus small caps.

    Parameters
    ----------
    prices, ranks, episodes
        Daily closes, :func:`point_in_time_ranks` at every episode's confirmation, the episodes.
    rally : Series
        Boolean on the daily grid: the liquidity-driven rally days (BTC uptrend and net
        liquidity expanding, as public).
    n_large : int
        Size of the large bucket (its basket needs ``min(min_members, n_large)`` members).
    primary_small, small_rules : str, sequence of str
        The primary small-bucket rule and its alternatives (:func:`rank_buckets_rule`).
    min_members : int
        The primary minimum of members with a return for the small and mid baskets.
    small_minimums : sequence of int
        Alternative minima for the small basket.
    start : str
        First day used.
    reps, block, seed
        Stationary bootstrap of :func:`risk_adjusted_difference` (the same seed for every row).

    Returns
    -------
    DataFrame
        One row per specification: ``dimension`` (``primary``, ``small bucket``, ``small minimum``,
        ``left out``), the choices ``small bucket``, ``small minimum`` and ``left out`` (an episode's
        confirmation date, or ``none``), then ``estimate``, ``low``, ``high``, ``n`` (rally days),
        ``clear_of_zero``, ``first`` (first rally day used), ``ratio_large`` and ``ratio_small``.
        The ``left out`` rows drop, one at a time, each episode that has rally days in the primary
        sample.
    """
    def one(small: str, k_small: int, leave_out: str) -> dict[str, object]:
        buckets = rank_buckets_rule(ranks, n_large, small)
        need = {"large": min(min_members, n_large), "mid": min_members, "small": k_small}
        daily = size_basket_returns(prices, buckets, episodes, need, start)
        mask = rally.reindex(daily.index).fillna(False).astype(bool)
        if leave_out != "none":
            mask &= ~episode_days(episodes, daily.index, pd.Timestamp(leave_out))
        if int(mask.sum()) < 3:
            return {"estimate": math.nan, "low": math.nan, "high": math.nan, "n": int(mask.sum()),
                    "first": None, "ratio_large": math.nan, "ratio_small": math.nan, "days": daily, "mask": mask}
        r = risk_adjusted_difference(daily["large"], daily["small"], mask, reps, block, seed)
        return {"estimate": r.diff, "low": r.lo, "high": r.hi, "n": r.n, "first": f"{mask[mask].index[0]:%Y-%m-%d}",
                "ratio_large": r.ratio_a, "ratio_small": r.ratio_b, "days": daily, "mask": mask}

    specs: list[tuple[str, str, int, str]] = [("primary", primary_small, min_members, "none")]
    specs += [("small bucket", r, min_members, "none") for r in small_rules if r != primary_small]
    specs += [("small minimum", primary_small, k, "none") for k in small_minimums if k != min_members]
    rows = []
    for dim, small, k, out in specs:
        rows.append({"dimension": dim, "small bucket": small, "small minimum": k, "left out": out} | one(small, k, out))
    primary_mask = rows[0]["mask"]
    assert isinstance(primary_mask, pd.Series)
    confirmed = pd.DatetimeIndex(episodes["confirmed"])
    for c in confirmed:
        if bool((primary_mask & episode_days(episodes, primary_mask.index, c)).any()):
            out = f"{c:%Y-%m-%d}"
            rows.append({"dimension": "left out", "small bucket": primary_small, "small minimum": min_members,
                         "left out": out} | one(primary_small, min_members, out))
    curve = pd.DataFrame(rows).drop(columns=["days", "mask"])
    curve["clear_of_zero"] = (curve["low"] > 0) | (curve["high"] < 0)
    return curve


def dimension_agreement(curve: pd.DataFrame) -> pd.DataFrame:
    """Per declared dimension of a :func:`large_small_curve`, how many alternatives agree with the primary.

    Agreement is :func:`helpers.speccurve.agrees` (same sign, same status of the interval against zero).

    Returns
    -------
    DataFrame
        Indexed by dimension: ``n`` alternatives, ``agree`` and ``share``.
    """
    from helpers.speccurve import agrees

    ref = curve[curve["dimension"] == "primary"].iloc[0]
    alt = curve[curve["dimension"] != "primary"]
    flags = alt.apply(lambda row: agrees(row, ref), axis=1).astype(bool)
    out = pd.DataFrame({"n": alt.groupby("dimension").size(), "agree": flags.groupby(alt["dimension"]).sum()})
    out["share"] = out["agree"] / out["n"]
    return out


def spearman_table(x: pd.Series, ys: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Spearman rank correlation of ``x`` with each column of ``ys`` (pairs with NaN dropped), with an interval.

    Returns
    -------
    DataFrame
        Per column: ``rho``, ``lo`` and ``hi`` (Fisher-z interval with the Bonett-Wright standard
        error :math:`\\sqrt{(1 + \\rho^2/2)/(n - 3)}`; NaN with fewer than 4 pairs), ``p``
        (two-sided, scipy's t approximation) and ``n``.

    References
    ----------
    .. [1] Bonett, D. G. and Wright, T. A. (2000). Sample size requirements for estimating Pearson,
       Kendall and Spearman correlations. *Psychometrika* 65(1), 23-28. doi:10.1007/BF02294183
    """
    q = float(sps.norm.ppf(0.5 + level / 2))
    rows = {}
    for col in ys.columns:
        both = pd.concat([x.rename("x"), ys[col].rename("y")], axis=1).dropna()
        res = sps.spearmanr(both["x"], both["y"])
        rho, n = float(res.statistic), len(both)
        lo = hi = math.nan
        if n > 3 and math.isfinite(rho):
            with np.errstate(divide="ignore"):
                z = float(np.arctanh(rho))
            se = math.sqrt((1 + rho**2 / 2) / (n - 3))
            lo, hi = float(np.tanh(z - q * se)), float(np.tanh(z + q * se))
        rows[col] = {"rho": rho, "lo": lo, "hi": hi, "p": float(res.pvalue), "n": n}
    return pd.DataFrame.from_dict(rows, orient="index")


def sign_test(values: pd.Series, alternative: str = "greater") -> dict[str, float | int]:
    """Binomial sign test of "values above zero more often than not" (zeros and NaN dropped).

    Returns
    -------
    dict
        ``n``, ``n_positive``, ``share_positive`` and ``p`` (exact binomial, ``alternative``
        as in :func:`scipy.stats.binomtest`).
    """
    v = values.dropna()
    v = v[v != 0]
    k, n = int((v > 0).sum()), len(v)
    p = float(sps.binomtest(k, n, 0.5, alternative=alternative).pvalue) if n else math.nan
    return {"n": n, "n_positive": k, "share_positive": k / n if n else math.nan, "p": p}


def t_test(values: pd.Series) -> dict[str, float | int]:
    """One-sample Student t test of "mean equals zero", two-sided (NaN dropped).

    Returns
    -------
    dict
        ``n``, ``mean`` and ``p`` (two-sided; NaN with fewer than two values or no spread).
    """
    v = values.dropna().to_numpy(float)
    n = len(v)
    if n < 2 or float(np.std(v)) == 0.0:
        return {"n": n, "mean": float(v.mean()) if n else math.nan, "p": math.nan}
    return {"n": n, "mean": float(v.mean()), "p": float(sps.ttest_1samp(v, 0.0).pvalue)}


def band_share_test(lags: pd.Series, band: Sequence[int], claimed_share: float = 0.5) -> dict[str, float | int]:
    """Test of "lags fall inside ``band`` in at least ``claimed_share`` of the episodes" against fewer.

    Parameters
    ----------
    lags : Series
        Onset lags in days (:func:`onset_lags`); NaN dropped.
    band : (int, int)
        The claimed range, inclusive (30-90 days for "1-3 months after").
    claimed_share : float
        The share a claim about the usual lag implies at least (0.5: more often than not).

    Returns
    -------
    dict
        ``n``, ``n_in_band``, ``share_in_band`` and ``p``: exact one-sided binomial p of so few
        lags in the band if the true share were ``claimed_share``. A small ``p`` means the data
        contradict a lag that is usually inside the band.
    """
    v = lags.dropna()
    k, n = int(v.between(band[0], band[1]).sum()), len(v)
    p = float(sps.binomtest(k, n, claimed_share, alternative="less").pvalue) if n else math.nan
    return {"n": n, "n_in_band": k, "share_in_band": k / n if n else math.nan, "p": p}


# ---------------------------------------------------------------------------------------------
# relative strength in windows after events, against random days
# ---------------------------------------------------------------------------------------------


def window_placebo_table(levels: Mapping[str, pd.Series], events: Sequence[pd.Timestamp],
                         windows: Sequence[Sequence[int]], draws: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Change of each level series from day ``a`` to day ``b`` after the events, against random days.

    Parameters
    ----------
    levels : mapping of str to Series
        Positive levels, e.g. ``exp`` of a relative strength (sector / BTC).
    events : sequence of Timestamp
        Event days (BTC uptrend confirmations).
    windows : sequence of (a, b)
        Day ranges after the event, ``0 <= a < b``.
    draws, seed : int
        :func:`helpers.events.placebo_test` settings (random start days from the whole series).

    Returns
    -------
    DataFrame
        One row per (series, window): ``n_events`` (events whose window lies inside the data),
        ``event_mean`` (mean :math:`\\ln(L_{t_0+b}/L_{t_0+a})`), ``share_positive``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper`` and ``p`` (one-sided: events above random days).
    """
    from helpers import events as ev

    rows = []
    for i, (name, values) in enumerate(levels.items()):
        for a, b in windows:
            shifted = [pd.Timestamp(e) + pd.Timedelta(days=int(a)) for e in events]
            try:
                res = ev.placebo_test(values, shifted, int(b) - int(a), draws, seed + i)
            except ValueError:
                continue
            ch = ev.horizon_changes(values, shifted, [int(b) - int(a)]).iloc[:, 0].dropna()
            rows.append({"series": name, "window": f"{a}-{b}", "n_events": res.n_events, "event_mean": res.event_mean,
                         "share_positive": float((ch > 0).mean()), "placebo_mean": res.placebo_mean,
                         "placebo_lower": res.placebo_lower, "placebo_upper": res.placebo_upper, "p": res.p_value})
    return pd.DataFrame(rows).set_index(["series", "window"])


# ---------------------------------------------------------------------------------------------
# multiple testing
# ---------------------------------------------------------------------------------------------


def adjust_by_group(tests: pd.DataFrame, group: str = "claim", pcol: str = "p") -> pd.DataFrame:
    """Holm-adjusted p-values within each group (claim), and Benjamini-Hochberg over all rows.

    Returns
    -------
    DataFrame
        ``tests`` with ``p_holm`` (within its group) and ``p_bh_all`` (false discovery rate over the table).
    """
    out = tests.copy()
    out["p_holm"] = np.nan
    for _, idx in out.groupby(group).groups.items():
        out.loc[idx, "p_holm"] = stats.adjust_pvalues(out.loc[idx, pcol], "holm")
    out["p_bh_all"] = stats.adjust_pvalues(out[pcol], "fdr_bh")
    return out
