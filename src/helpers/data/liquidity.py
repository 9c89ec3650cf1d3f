"""Net liquidity and both sides of the Fed's balance sheet, in USD billions, built from the cached series.

Net liquidity (a market convention, e.g. Howell 2020; used by the article's sources) is

.. math:: NL_t = \\text{WALCL}_t - \\text{TGA}_t - \\text{RRP}_t

on H.4.1 Wednesdays, where TGA is the Wednesday level WDTGAL (the week-average WTREGEN only
where WDTGAL is missing) and RRP is RRPONTSYD on that Wednesday or the last business day
before it. WALCL and WDTGAL are published in USD millions, RRPONTSYD in USD billions; the loaders
convert (``usd_bn=True``).

The daily RRP is read on each Wednesday with the package's one as-of helper,
:func:`helpers.methods.transforms.available_asof` (no publication lag, at most
:data:`RRP_TOLERANCE_DAYS` old).
"""

from __future__ import annotations

import pandas as pd

from helpers import data
from helpers.methods.transforms import available_asof

#: Oldest RRP observation (days) accepted on a Wednesday.
RRP_TOLERANCE_DAYS = 7


def _rrp_on(rrp: pd.Series, dates: pd.DatetimeIndex) -> pd.Series:
    """RRP on or before each of ``dates``, at most :data:`RRP_TOLERANCE_DAYS` old (else NaN)."""
    return available_asof(rrp.dropna().sort_index(), dates, lag_days=0, tolerance_days=RRP_TOLERANCE_DAYS)["value"]


def net_liquidity_from(walcl: pd.Series, wdtgal: pd.Series, wtregen: pd.Series, rrp: pd.Series) -> pd.DataFrame:
    """Net liquidity from series already in USD bn.

    Parameters
    ----------
    walcl : Series
        Fed total assets, USD bn, Wednesday-dated; its dates are the output's dates.
    wdtgal, wtregen : Series
        TGA Wednesday level and week average, USD bn; WTREGEN fills only where WDTGAL is missing.
    rrp : Series
        Overnight reverse repo, USD bn, business-daily; taken as of each Wednesday (last value
        on or before it, at most 7 days old).

    Returns
    -------
    DataFrame
        Columns ``walcl``, ``tga``, ``rrp``, ``net_liquidity`` (USD bn) and ``tga_source``,
        indexed by WALCL's dates; rows lacking any part are dropped.
    """
    idx = walcl.dropna().index
    tga = wdtgal.reindex(idx)
    fill = wtregen.reindex(idx)
    tga_source = pd.Series("WDTGAL", index=idx).where(tga.notna(), "WTREGEN")
    tga = tga.fillna(fill)
    rrp_asof = _rrp_on(rrp, pd.DatetimeIndex(idx)).set_axis(idx)
    out = pd.DataFrame({"walcl": walcl.reindex(idx), "tga": tga, "rrp": rrp_asof, "tga_source": tga_source})
    out = out.dropna(subset=["walcl", "tga", "rrp"])
    out["net_liquidity"] = out["walcl"] - out["tga"] - out["rrp"]
    return out[["walcl", "tga", "rrp", "net_liquidity", "tga_source"]]


def net_liquidity() -> pd.DataFrame:
    """Net liquidity (USD bn, Wednesdays) from the cached WALCL, WDTGAL, WTREGEN and RRPONTSYD."""
    return net_liquidity_from(
        data.series("WALCL", usd_bn=True),
        data.series("WDTGAL", usd_bn=True),
        data.series("WTREGEN", usd_bn=True),
        data.series("RRPONTSYD", usd_bn=True),
    )


def balance_sheet(walcl: pd.Series, treasuries: pd.Series, mbs: pd.Series, reserves: pd.Series,
                  tga: pd.Series, rrp: pd.Series) -> pd.DataFrame:
    """Both sides of the Fed's balance sheet on WALCL's Wednesdays, USD bn.

    Parameters
    ----------
    walcl, treasuries, mbs : Series
        Total assets, Treasuries and MBS held outright (Wednesday levels).
    reserves : Series
        Reserve balances (WRESBAL, a week average ending Wednesday).
    tga : Series
        Treasury General Account, Wednesday level (WDTGAL).
    rrp : Series
        Overnight reverse repo (business daily), taken as of each Wednesday (at most 7 days old).

    Returns
    -------
    DataFrame
        Columns ``total``, ``treasuries``, ``mbs``, ``other_assets`` (= total - treasuries - mbs),
        ``reserves``, ``rrp``, ``tga``, ``other_liabilities`` (= total - reserves - rrp - tga:
        currency, the foreign repo pool, capital and the rest). A part not yet observed is NaN.
    """
    idx = walcl.dropna().index
    out = pd.DataFrame({"total": walcl.reindex(idx), "treasuries": treasuries.reindex(idx), "mbs": mbs.reindex(idx)})
    out["other_assets"] = out["total"] - out["treasuries"] - out["mbs"]
    out["reserves"] = reserves.reindex(idx)
    out["rrp"] = _rrp_on(rrp, pd.DatetimeIndex(idx)).to_numpy()
    out["tga"] = tga.reindex(idx)
    out["other_liabilities"] = out["total"] - out["reserves"] - out["rrp"] - out["tga"]
    return out
