"""Notebook 04 (sector rotation): the tables its questions need, composed from :mod:`helpers.methods`.

Does capital rotate BTC -> ETH -> altcoins -> DeFi after liquidity turns? The reusable pieces
live in :mod:`helpers.methods` (baskets, episodes, leadlag, masked_bootstrap, sizeranks, rally_anatomy,
small_sample); this module holds the glue of the notebook's sections:

* what each asset contributes to the baskets (:func:`coverage_table`);
* onset lags under several episode rules (:func:`onset_lag_table`) and relative strength in
  windows after BTC's uptrends against random days (:func:`window_placebo_table`);
* rally amplification and anatomy by size (:func:`amplification_table`, :func:`bucket_summary`,
  :func:`asset_rally_profile`) and the survivorship check (:func:`survivorship_table`);
* C25's declared specifications, large minus small caps (:func:`large_small_curve`,
  :func:`dimension_agreement`);
* C26's dated window (:func:`window_return_table`, :func:`extreme_moves`);
* the per-claim multiple-testing table (:func:`adjust_by_claim`).

Verdict rules and evidence text live in :mod:`helpers.claims.rotation`.

References
----------
.. [1] Liu, Y. and Tsyvinski, A. (2021). Risks and returns of cryptocurrency. *Review of
   Financial Studies* 34(6), 2689-2727. doi:10.1093/rfs/hhaa113
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.methods.baskets import data_breaks
from helpers.methods.episodes import episode_days, episodes_by_rule, onset_lags
from helpers.methods.eventstudy import horizon_changes
from helpers.methods.inference import adjust_pvalues
from helpers.methods.masked_bootstrap import risk_adjusted_difference
from helpers.methods.placebo import placebo_test
from helpers.methods.rally_anatomy import excess_over
from helpers.methods.sizeranks import rank_buckets_rule, size_basket_returns
from helpers.methods.speccurve import agrees

# ---------------------------------------------------------------------------------------------
# data and baskets
# ---------------------------------------------------------------------------------------------


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
        :func:`helpers.methods.placebo.placebo_test` settings (random start days from the whole series).

    Returns
    -------
    DataFrame
        One row per (series, window): ``n_events`` (events whose window lies inside the data),
        ``event_mean`` (mean :math:`\\ln(L_{t_0+b}/L_{t_0+a})`), ``share_positive``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper`` and ``p`` (one-sided: events above random days).
    """
    rows = []
    for i, (name, values) in enumerate(levels.items()):
        for a, b in windows:
            shifted = [pd.Timestamp(e) + pd.Timedelta(days=int(a)) for e in events]
            try:
                res = placebo_test(values, shifted, int(b) - int(a), draws, seed + i)
            except ValueError:
                continue
            ch = horizon_changes(values, shifted, [int(b) - int(a)]).iloc[:, 0].dropna()
            rows.append({"series": name, "window": f"{a}-{b}", "n_events": res.n_events, "event_mean": res.event_mean,
                         "share_positive": float((ch > 0).mean()), "placebo_mean": res.placebo_mean,
                         "placebo_lower": res.placebo_lower, "placebo_upper": res.placebo_upper, "p": res.p_value})
    return pd.DataFrame(rows).set_index(["series", "window"])


# ---------------------------------------------------------------------------------------------
# rallies: amplification, anatomy by size, survivorship
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# C25: large minus small caps on liquidity-driven rally days, one choice varied at a time
# ---------------------------------------------------------------------------------------------


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

    Agreement is :func:`helpers.methods.speccurve.agrees` (same sign, same status of the interval against zero).

    Returns
    -------
    DataFrame
        Indexed by dimension: ``n`` alternatives, ``agree`` and ``share``.
    """
    ref = curve[curve["dimension"] == "primary"].iloc[0]
    alt = curve[curve["dimension"] != "primary"]
    flags = alt.apply(lambda row: agrees(row, ref), axis=1).astype(bool)
    out = pd.DataFrame({"n": alt.groupby("dimension").size(), "agree": flags.groupby(alt["dimension"]).sum()})
    out["share"] = out["agree"] / out["n"]
    return out


# ---------------------------------------------------------------------------------------------
# C26: a dated window's returns and a bound on the days without data
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# multiple testing
# ---------------------------------------------------------------------------------------------


def adjust_by_claim(tests: pd.DataFrame, group: str = "claim", pcol: str = "p") -> pd.DataFrame:
    """Holm-adjusted p-values within each group (claim), and Benjamini-Hochberg over all rows.

    Returns
    -------
    DataFrame
        ``tests`` with ``p_holm`` (within its group) and ``p_bh_all`` (false discovery rate over the table).
    """
    out = tests.copy()
    out["p_holm"] = np.nan
    for _, idx in out.groupby(group).groups.items():
        out.loc[idx, "p_holm"] = adjust_pvalues(out.loc[idx, pcol], "holm")
    out["p_bh_all"] = adjust_pvalues(out[pcol], "fdr_bh")
    return out
