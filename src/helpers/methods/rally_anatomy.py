"""Rally anatomy: trough, peak, gain, time to peak, the fall after the peak and the half-life of the gain.

For one price and a reference set of episodes (a leader's uptrends), :func:`episode_rallies`
measures every asset's rally in every episode with :func:`rally_metrics`; :func:`episode_volatility`
and :func:`baseline_volatility_ratio` give the volatility inside an episode and the usual ratio
to the reference outside uptrends (the base rate an "amplified volatility" must beat).

Conventions: gains and the fall after the peak are log changes (``drawdown_after`` is
:math:`\\ln(\\min P / P_{peak})` within a horizon, zero or negative; it is the anatomy of one rally,
not the running drawdown of :mod:`helpers.methods.risk`); durations in calendar days.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PeakTiming:
    """Highest close of a window and how long it took to get there (:func:`time_to_peak`).

    Attributes
    ----------
    peak : Timestamp
        Date of the highest close (the first one if tied).
    days : int
        Calendar days from the window's start.
    gain : float
        :math:`\\ln(P_{peak}/P_{start})`, with :math:`P_{start}` the first close on or after the start.
    """

    peak: pd.Timestamp
    days: int
    gain: float


@dataclass(frozen=True)
class RallyMetrics:
    """Anatomy of one rally (:func:`rally_metrics`); NaN/NaT when the asset has no data in the windows.

    Attributes
    ----------
    trough, peak : Timestamp
        Lowest close before the rally and highest close after it.
    gain : float
        Trough-to-peak log gain.
    days_to_peak : float
        Calendar days from trough to peak.
    drawdown_after : float
        Log change from the peak to the lowest close within the horizon (zero or negative).
    after_complete : bool
        Whether the data reach the horizon past the peak.
    half_life_days : float
        :func:`half_life` (NaN: censored).
    half_within : float
        1.0 if half the gain was given back within the horizon, 0.0 if not, NaN when the data stop
        before it could be known.
    """

    trough: pd.Timestamp
    peak: pd.Timestamp
    gain: float
    days_to_peak: float
    drawdown_after: float
    after_complete: bool
    half_life_days: float
    half_within: float


def time_to_peak(price: pd.Series, start: str | pd.Timestamp,
                 end: str | pd.Timestamp | None = None) -> PeakTiming:
    """Highest close between ``start`` and ``end`` and how long it took to get there.

    Returns
    -------
    PeakTiming

    Raises
    ------
    ValueError
        If there is no close in the window.
    """
    seg = price.loc[pd.Timestamp(start):None if end is None else pd.Timestamp(end)].dropna()
    if seg.empty:
        raise ValueError(f"no closes between {start} and {end}")
    peak = seg.idxmax()
    return PeakTiming(peak, int((peak - pd.Timestamp(start)).days), float(np.log(seg[peak] / seg.iloc[0])))


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
                  peak_start: pd.Timestamp | None = None) -> RallyMetrics:
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
    RallyMetrics
        ``drawdown_after`` is the log change from the peak to the lowest close within
        ``after_days`` (zero or negative); all NaN/NaT when the asset has no close in ``trough_window``.
    """
    p = price.dropna()
    pre = p.loc[trough_window[0]:trough_window[1]]
    if pre.empty:
        return RallyMetrics(pd.NaT, pd.NaT, math.nan, math.nan, math.nan, False, math.nan, math.nan)
    trough = pre.idxmin()
    seg = p.loc[max(trough, peak_start) if peak_start is not None else trough:peak_end]
    if seg.empty:
        seg = p.loc[trough:peak_end]
    peak = seg.idxmax()
    after = p.loc[peak:peak + pd.Timedelta(days=after_days)]
    complete = bool(p.index[-1] >= peak + pd.Timedelta(days=after_days))
    hl = half_life(p, trough, peak)
    within = 1.0 if hl <= after_days else (0.0 if complete else math.nan)
    return RallyMetrics(trough, peak, float(np.log(p[peak] / p[trough])), float((peak - trough).days),
                        float(np.log(after.min() / p[peak])), complete, hl, within)


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
            if pd.isna(m.trough):
                continue
            rows.append({"episode": row.confirmed, "asset": asset, **asdict(m),
                         "peak_after_confirm_days": float((m.peak - row.confirmed).days)})
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


def excess_over(table: pd.DataFrame, column: str, reference: str = "btc") -> pd.Series:
    """A column of :func:`episode_rallies` minus the reference asset's value in the same episode."""
    ref = table.loc[table["asset"] == reference].set_index("episode")[column]
    return table[column] - table["episode"].map(ref)


def leave_one_episode_out(values: pd.Series,
                          statistic: Callable[[pd.Series], tuple[float, float, float]]) -> pd.DataFrame:
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
