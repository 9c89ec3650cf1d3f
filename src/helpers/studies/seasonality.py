"""Notebook 05's study glue: the liquidation-flush proxy (C10) and corporate purchase clustering (C14).

The calendar tools the notebook also uses are notebook-agnostic and live in
:mod:`helpers.methods.seasonal` (period changes, period effects, the turn of the year) and
:mod:`helpers.methods.coverage` (coverage jumps of an aggregate); the verdict rules and evidence text
are in :mod:`helpers.claims.seasonality`.

* **Liquidation flushes** (C10): no liquidation data are available, so a *proxy*: large daily
  drops of BTC that coincide with a fall of the perpetual funding rate from positive
  (:func:`drop_days`, :func:`flush_episodes`, :func:`flush_sensitivity`), compared with random
  days (:func:`helpers.methods.placebo.placebo_test`) and with other large drops
  (:func:`helpers.methods.seasonal.permutation_diff`).
* **Corporate treasury purchases** (C14): :func:`purchase_clustering` tests whether purchases
  concentrate in December-February, given a table the mirror does not have.

References
----------
.. [1] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero.
   *Statistical Applications in Genetics and Molecular Biology* 9(1), article 39.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers import data
from helpers.methods import eventstudy, placebo
from helpers.methods.inference import permutation_p_value

#: Columns a corporate-purchase table must have (see :func:`purchase_clustering`).
PURCHASE_COLUMNS: tuple[str, ...] = ("date", "company", "btc_amount")


# --------------------------------------------------------------------------------------------
# Liquidation-flush proxy (C10)
# --------------------------------------------------------------------------------------------



def funding_rates(column: str = "funding_rate_mean") -> pd.Series:
    """Binance BTCUSDT perpetual funding rate per day, labelled by the day the rates were paid.

    Returns
    -------
    pd.Series
        Fraction per 8 hours (0.0001 = 0.01%, Binance's neutral rate); positive = longs pay
        shorts (longs crowded).

    Notes
    -----
    The day-``D`` value is the mean of the rates paid at 00:00, 08:00 and 16:00 UTC of ``D``, all
    known before the BTC close of ``D`` (00:00 UTC of ``D + 1``). So it keeps its source label:
    unlike prices, the funding file is not an open snapshot, and the shift applied by
    :func:`helpers.data.closes` would move information about day ``D`` onto the close of
    ``D - 1`` (a look-ahead of up to 40 hours).
    """
    out = data.load("btc_funding_binance")[column].dropna()
    out.name = "btc_funding"
    return out


#: Catalog id of the funding rates the flush proxy reads.
FUNDING_ID = "btc_funding_binance"


def funding_available() -> bool:
    """Whether the funding rates of :func:`funding_rates` can be read here (cached, or fetchable).

    Binance refuses some countries (HTTP 451): then the flush proxy's sections say they cannot run
    (:func:`funding_missing_note`) and C10 is recorded from :func:`funding_missing_evidence`.
    """
    return data.available(FUNDING_ID)


def funding_missing_note(what: str = "the liquidation-flush proxy") -> str:
    """The one line a section prints when the funding rates are unavailable (names the series and why)."""
    return data.cannot_run(FUNDING_ID, what)


def funding_missing_evidence() -> str:
    """Evidence of C10 when the funding rates are missing: why, and what would decide it."""
    return (f"No liquidation data, and the funding rates the flush proxy is built from ({FUNDING_ID}) are missing "
            f"({data.missing_reason(FUNDING_ID)}), so the proxy was not run. Would decide it: Coinglass or exchange "
            "(Binance, Bybit, OKX) liquidation history by side, hourly, with open interest.")


def drop_days(close: pd.Series, funding: pd.Series, drop: float = -0.07) -> pd.DataFrame:
    """Days whose close-to-close BTC return is at or below ``drop``, with the funding around them.

    Parameters
    ----------
    close : pd.Series
        Daily closes.
    funding : pd.Series
        :func:`funding_rates` (only days with funding on the day and the day before are kept).
    drop : float
        Simple-return threshold (-0.07 = a fall of 7% or more from the previous close).

    Returns
    -------
    pd.DataFrame
        Index the drop day ``D``; columns ``logret`` (:math:`\\ln P_D/P_{D-1}`), ``funding_prev``
        (day ``D - 1``), ``funding_day`` (day ``D``) and ``funding_change`` (day minus previous).
    """
    if not -1 < drop < 0:
        raise ValueError(f"drop is a simple return between -1 and 0, got {drop}")
    r = np.log(close).diff()
    frame = pd.DataFrame({"logret": r, "funding_prev": funding.shift(1, freq="D"), "funding_day": funding})
    frame = frame.dropna()
    frame["funding_change"] = frame["funding_day"] - frame["funding_prev"]
    out = frame[frame["logret"] <= np.log1p(drop)].copy()
    out.index.name = "date"
    return out


def is_flush(drops: pd.DataFrame, crowded: float = 0.0, fall: float = 0.00005) -> pd.Series:
    """Which drop days look like a long-liquidation flush: funding positive before, then falling.

    Parameters
    ----------
    drops : pd.DataFrame
        :func:`drop_days`.
    crowded : float
        Funding on the day before must exceed this (0: longs paying shorts).
    fall : float
        Funding must fall by at least this much on the drop day (0.00005 = 0.5 basis points per
        8 h, half of Binance's neutral rate).
    """
    out = (drops["funding_prev"] > crowded) & (drops["funding_change"] <= -fall)
    out.name = "flush"
    return out


def flush_episodes(drops: pd.DataFrame, flush: pd.Series, min_gap_days: int = 30) -> pd.DataFrame:
    """Group drop days into episodes; an episode is a flush if any of its days is one.

    Parameters
    ----------
    drops : pd.DataFrame
        :func:`drop_days`.
    flush : pd.Series
        :func:`is_flush` (bool, same index).
    min_gap_days : int
        A drop within ``min_gap_days`` of an episode's first day joins it (declustering:
        the 30-day returns of two days a week apart are mostly the same return).

    Returns
    -------
    pd.DataFrame
        Index the event day (the first flush day of a flush episode, else the first drop day);
        columns ``first_drop`` (ISO date), ``n_drop_days``, ``flush`` (bool), ``logret`` and the
        funding columns of the event day.
    """
    rows = []
    start: pd.Timestamp | None = None
    members: list[pd.Timestamp] = []

    def close_episode() -> None:
        flagged = [d for d in members if bool(flush[d])]
        day = flagged[0] if flagged else members[0]
        rows.append({"event": day, "first_drop": f"{members[0]:%Y-%m-%d}", "n_drop_days": len(members),
                     "flush": bool(flagged),
                     **drops.loc[day, ["logret", "funding_prev", "funding_day", "funding_change"]].to_dict()})

    for d in drops.index:
        if start is None or (d - start).days > min_gap_days:
            if members:
                close_episode()
            start, members = d, [d]
        else:
            members.append(d)
    if members:
        close_episode()
    out = pd.DataFrame(rows, columns=["event", "first_drop", "n_drop_days", "flush", "logret", "funding_prev",
                                      "funding_day", "funding_change"]).set_index("event")
    out["flush"] = out["flush"].astype(bool)
    return out


def episode_returns(close: pd.Series, episodes: pd.DataFrame, horizons: Sequence[int] = (30, 90)) -> pd.DataFrame:
    """:func:`flush_episodes` with the log return from each event day's close to ``h`` days later.

    Returns
    -------
    pd.DataFrame
        ``episodes`` plus one column ``ret_<h>d`` per horizon (:func:`helpers.methods.eventstudy.change_after`;
        NaN where the horizon is not reached).
    """
    out = episodes.copy()
    changes = eventstudy.horizon_changes(close, list(episodes.index), list(horizons))
    for h in horizons:
        out[f"ret_{h}d"] = changes[h].to_numpy()
    return out


def flush_sensitivity(close: pd.Series, funding: pd.Series, drops: Sequence[float], falls: Sequence[float],
                      horizon: int = 90, crowded: float = 0.0, min_gap_days: int = 30, draws: int = 2000,
                      seed: int = 0) -> pd.DataFrame:
    """How the flush result moves with the drop and funding-fall thresholds.

    Returns
    -------
    pd.DataFrame
        One row per (drop, fall): ``n_flush`` and ``n_other`` episodes reaching the horizon,
        ``flush_mean`` and ``other_mean`` (mean ``horizon``-day log return after the event day),
        ``placebo_mean`` (random days since the first funding day) and ``p_vs_random``
        (one-sided placebo p, :func:`helpers.methods.placebo.placebo_test`).
    """
    rows = []
    for i, d in enumerate(drops):
        days = drop_days(close, funding, d)
        for j, f in enumerate(falls):
            eps = flush_episodes(days, is_flush(days, crowded, f), min_gap_days)
            ret = eventstudy.horizon_changes(close, list(eps.index), [horizon])[horizon].to_numpy()
            fl = eps["flush"].to_numpy()
            row = {"drop": d, "fall": f, "n_flush": int(np.sum(fl & ~np.isnan(ret))),
                   "n_other": int(np.sum(~fl & ~np.isnan(ret))),
                   "flush_mean": float(np.nanmean(ret[fl])) if np.any(fl & ~np.isnan(ret)) else np.nan,
                   "other_mean": float(np.nanmean(ret[~fl])) if np.any(~fl & ~np.isnan(ret)) else np.nan,
                   "placebo_mean": np.nan, "p_vs_random": np.nan}
            if row["n_flush"]:
                res = placebo.placebo_test(close, list(eps.index[fl]), horizon, draws, seed + 10 * i + j,
                                           start=funding.index[0])
                row.update(placebo_mean=res.placebo_mean, p_vs_random=res.p_value)
            rows.append(row)
    return pd.DataFrame(rows).set_index(["drop", "fall"])


# --------------------------------------------------------------------------------------------
# Corporate treasury purchases (C14)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusteringResult:
    """Do purchases concentrate in the window months?

    Attributes
    ----------
    window : tuple of int
        Months tested (default December, January, February).
    n_purchases : int
        Purchases counted (after ``dedupe``).
    n_companies : int
        Distinct companies.
    share_in_window : float
        Share of purchases dated in the window.
    expected_share : float
        Share expected if purchases were spread over the year (``expected``).
    p_binomial : float
        One-sided exact binomial p (more purchases in the window than expected).
    chi2, p_chi2 : float
        Goodness of fit of the 12 monthly counts to the expected spread (any departure).
    btc_share_in_window : float
        Share of the BTC amount bought in the window.
    p_btc_perm : float
        One-sided p for the BTC-weighted share: months redrawn at random (with the expected
        probabilities) for every purchase, amounts kept.
    monthly : pd.DataFrame
        Index month 1..12; ``count``, ``btc``, ``expected_count``.
    """

    window: tuple[int, ...]
    n_purchases: int
    n_companies: int
    share_in_window: float
    expected_share: float
    p_binomial: float
    chi2: float
    p_chi2: float
    btc_share_in_window: float
    p_btc_perm: float
    monthly: pd.DataFrame = field(repr=False)


def purchase_clustering(purchases: pd.DataFrame, window: Sequence[int] = (12, 1, 2),
                        expected: Literal["days", "uniform"] = "days",
                        dedupe: Literal["none", "company_month"] = "company_month",
                        n_perm: int = 10000, seed: int = 0) -> ClusteringResult:
    """Test whether corporate BTC treasury purchases cluster in the year-end / early-year months.

    Parameters
    ----------
    purchases : pd.DataFrame
        One row per announced purchase with columns ``date`` (announcement or settlement date),
        ``company`` and ``btc_amount`` (BTC bought). E.g. BitcoinTreasuries.net's per-company
        purchase history, or SEC EDGAR 8-K filings parsed to (filing date, company, BTC).
    window : sequence of int
        Calendar months of the claim (12, 1, 2 = December-February).
    expected : {"days", "uniform"}
        Spread under the null: months weighted by their days (Feb = 28.25), or 1/12 each.
    dedupe : {"none", "company_month"}
        ``company_month`` counts a company at most once per calendar month, so one serial buyer
        that files every week (Strategy) cannot make a month look crowded on its own.
    n_perm : int
        Draws of the BTC-weighted permutation test.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ClusteringResult

    Raises
    ------
    ValueError
        If a required column is missing, the table is empty, or a month is not in 1..12.

    Notes
    -----
    The counts test treats purchases (or company-months) as independent draws of a month. They
    are not, quite: companies follow their own reporting cycles and copy each other, so the
    p-values are optimistic; the company-month dedupe removes the worst of it.
    """
    missing = [c for c in PURCHASE_COLUMNS if c not in purchases.columns]
    if missing:
        raise ValueError(f"purchases needs columns {PURCHASE_COLUMNS}; missing {missing}")
    if not set(window) <= set(range(1, 13)) or not window:
        raise ValueError(f"window must be months in 1..12, got {tuple(window)}")
    if expected not in ("days", "uniform") or dedupe not in ("none", "company_month"):
        raise ValueError("expected must be 'days' or 'uniform'; dedupe 'none' or 'company_month'")
    table = purchases.loc[:, list(PURCHASE_COLUMNS)].dropna(subset=["date", "company"]).copy()
    if table.empty:
        raise ValueError("purchases is empty")
    table["date"] = pd.to_datetime(table["date"])
    table["btc_amount"] = table["btc_amount"].fillna(0.0).astype(float)
    if dedupe == "company_month":
        table = (table.assign(ym=table["date"].dt.to_period("M"))
                 .groupby(["company", "ym"], as_index=False)
                 .agg(date=("date", "first"), btc_amount=("btc_amount", "sum")))
    month = table["date"].dt.month.to_numpy()
    btc = table["btc_amount"].to_numpy(float)
    days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    probs = days / days.sum() if expected == "days" else np.full(12, 1 / 12)
    counts = np.bincount(month - 1, minlength=12)
    n = int(counts.sum())
    in_win = np.isin(np.arange(1, 13), list(window))
    k = int(counts[in_win].sum())
    p0 = float(probs[in_win].sum())
    chi = sps.chisquare(counts, f_exp=n * probs)
    btc_total = btc.sum()
    btc_share = float(btc[np.isin(month, list(window))].sum() / btc_total) if btc_total > 0 else float("nan")
    p_btc = float("nan")
    if btc_total > 0:
        rng = np.random.default_rng(seed)
        drawn = rng.choice(12, size=(n_perm, n), p=probs) + 1
        shares = (np.isin(drawn, list(window)) * btc).sum(axis=1) / btc_total
        p_btc = permutation_p_value(btc_share, shares, "greater")
    monthly = pd.DataFrame({"count": counts, "btc": np.bincount(month - 1, weights=btc, minlength=12),
                            "expected_count": n * probs}, index=pd.Index(range(1, 13), name="month"))
    return ClusteringResult(tuple(window), n, int(table["company"].nunique()), k / n, p0,
                            float(sps.binomtest(k, n, p0, alternative="greater").pvalue),
                            float(chi.statistic), float(chi.pvalue), btc_share, p_btc, monthly)
