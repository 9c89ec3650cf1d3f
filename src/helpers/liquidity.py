"""Net liquidity and other balance-sheet quantities, in USD billions, unit-safe.

Net liquidity (a market convention, e.g. Howell 2020; used by the article's sources) is

.. math:: NL_t = \\text{WALCL}_t - \\text{TGA}_t - \\text{RRP}_t

on H.4.1 Wednesdays, where TGA is the Wednesday level WDTGAL (the week-average WTREGEN only
where WDTGAL is missing) and RRP is RRPONTSYD on that Wednesday or the last business day
before it. WALCL and WDTGAL are published in USD millions, RRPONTSYD in USD billions.
"""

from __future__ import annotations

import pandas as pd

from helpers import data


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
    rrp_sorted = rrp.dropna().sort_index()
    rrp_asof = pd.merge_asof(
        pd.DataFrame(index=idx).rename_axis("date").reset_index(),
        rrp_sorted.rename("rrp").rename_axis("date").reset_index(),
        on="date", direction="backward", tolerance=pd.Timedelta(days=7),
    ).set_index("date")["rrp"]
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
