"""Total crypto market cap and BTC dominance: the mirror's series, or a live keyless proxy.

The mirror holds CoinGecko's total market cap (``market_total``), for which no keyless live
source exists. On a machine without the mirror the notebooks use a **proxy**: the sum of each
crypto asset's market cap over a documented asset list (:data:`PROXY_ASSETS`). Live, each
asset's ``market_cap_usd`` is Coin Metrics' ``CapMrktCurUSD`` (community API, no key); on the
mirror it is CoinGecko's per-asset market cap. The proxy omits every token outside the list, so
it is *below* the total and BTC's share of it is *above* BTC's true dominance;
:func:`compare_with_mirror` measures by how much wherever both exist.

A day on which an asset has a price but no market cap (holes in the source) takes the asset's
last known supply times that day's price (:func:`implied_caps`), so a hole
does not show as a fall of the total.

**Coverage rule.** A hole in the *price* (an asset without any close that day, or a series that
has ended) cannot be filled, and summing whatever is left would show the missing asset as a
fall of the total (in the mirror the alt data stop in March 2026 and stablecoin prices have
gaps, so the sum fell 37% in a day and later became BTC alone, at 100% "dominance"). So the
proxy exists only on days whose assets with data cover at least :data:`MIN_COVERAGE` (95%) of
the proxy on the last day it existed, measured with that day's caps (:func:`proxy_coverage`). A
gap *inside* an asset's series keeps its last cap (:func:`fill_interior_holes`: right for a
stablecoin, stale for others, and a day on which assets worth more than 5% are stale fails). A constituent worth less than 5% may leave for good
(MKR's migration to SKY) and the proxy goes on without it; a larger lasting loss ends the proxy
there instead of continuing as a different, smaller basket. The fall the rule can let through
from a change of constituents is therefore at most 5%, once, when a small asset's data end.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from helpers import data
from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import MissingDataError

#: The assets summed by the proxy: every priced crypto asset of the catalog (coins, DeFi tokens and
#: the three stablecoins), each with a Coin Metrics asset id so that it can be fetched live.
PROXY_ASSETS: tuple[str, ...] = tuple(a for a in catalog.CRYPTO_ASSETS if catalog.get(a).coinmetrics_asset)

#: Label of the mirror's series and of the proxy, for figure source lines and result notes.
MIRROR_LABEL = "CoinGecko total crypto market cap (mirror)"
PROXY_LABEL = (f"proxy: sum of market caps of {len(PROXY_ASSETS)} listed assets (Coin Metrics CapMrktCurUSD live; "
               "CoinGecko via mirror); below the true total")

Prefer = Literal["mirror", "proxy"]

#: Share of the last valid day's proxy that the assets present on a day must hold for that day to count.
MIN_COVERAGE: float = 0.95


def asset_caps(assets: tuple[str, ...] = PROXY_ASSETS, store: Store | None = None,
               max_age_days: int = 730) -> pd.DataFrame:
    """Daily market caps (USD) of ``assets``, holes filled from the last known supply (see module notes).

    Raises
    ------
    MissingDataError
        If none of the assets has data.
    """
    caps, prices = {}, {}
    with warnings.catch_warnings():  # per-asset gap warnings: the holes are filled below, as documented
        warnings.simplefilter("ignore")
        for a in assets:
            try:
                caps[a] = data.closes(a, "market_cap_usd", store=store)
                prices[a] = data.closes(a, store=store)
            except MissingDataError:
                continue
    if not caps:
        raise MissingDataError(f"no market caps for any of {', '.join(assets)}: fetch them with `qtlab fetch`")
    return implied_caps(pd.DataFrame(caps), pd.DataFrame(prices), max_age_days)


def implied_caps(caps: pd.DataFrame, prices: pd.DataFrame, max_age_days: int = 730) -> pd.DataFrame:
    """Market caps with gaps filled by the last known supply times the day's price (point in time).

    A market cap is supply x price. Where a source has a price but no cap for a day, the supply
    implied by the last day with both (cap / price) times that day's price stands in for it, so a
    hole in the caps does not show as a fall of a sum of caps (the proxy total, a basket's size).

    Parameters
    ----------
    caps : DataFrame
        Daily market caps (USD), one column per asset; holes where the source has none.
    prices : DataFrame
        Daily closes of the same assets (columns not in ``caps`` are ignored).
    max_age_days : int
        The implied supply (cap / price on the last day with both) is carried forward at most
        this many days; older gaps stay missing.

    Returns
    -------
    DataFrame
        On a daily calendar grid from the first to the last date of either frame, one column per
        asset present in both: the reported cap where present, else ``price x implied supply``.
        Only past values are used, so each day's figure was knowable on that day.
    """
    cols = [c for c in caps.columns if c in prices.columns]
    grid = pd.date_range(min(caps.index.min(), prices.index.min()), max(caps.index.max(), prices.index.max()),
                         freq="D")
    c, px = caps[cols].reindex(grid), prices[cols].reindex(grid)
    supply = (c / px).where(c.notna() & (px > 0))
    return c.combine_first(px * supply.ffill(limit=max_age_days))


def fill_interior_holes(caps: pd.DataFrame) -> pd.DataFrame:
    """Caps with each asset's holes *between* two of its values filled by its last value (not past its end).

    A stablecoin's missing price leaves its cap where it was (about right for a coin pegged near
    one dollar); any other asset's filled value is stale, which :func:`proxy_coverage` bounds.
    """
    return caps.ffill().where(caps.bfill().notna())


def proxy_coverage(caps: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> pd.DataFrame:
    """Which days the proxy may use: assets with real data that day holding most of the last valid day's proxy.

    Parameters
    ----------
    caps : DataFrame
        Daily market caps (USD) of the proxy's assets (:func:`asset_caps`); NaN where an asset
        has no data that day.
    min_coverage : float
        The assets with real data on a day must have held at least this share of the proxy on the
        last day that counted (measured with that day's caps, so price moves do not enter).

    Returns
    -------
    DataFrame
        Per day with any cap: ``coverage`` (that share; 1 on the first day), ``stale`` (share of
        the day's proxy made of :func:`fill_interior_holes` values) and ``valid``. A day that
        fails does not become the reference, so when assets holding more than
        ``1 - min_coverage`` stop for good the proxy ends there rather than going on as a smaller
        basket, and a short gap in a large asset drops the day instead of showing as a fall.

    Raises
    ------
    ValueError
        If ``min_coverage`` is not in (0, 1].
    """
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage!r}")
    frame = caps.dropna(how="all")
    filled = fill_interior_holes(frame)
    values = np.nan_to_num(filled.to_numpy(float), nan=0.0)
    present = frame.notna().to_numpy()
    day_total = values.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        stale = np.where(day_total > 0, (values * ~present).sum(axis=1) / day_total, 0.0)
    coverage = np.ones(len(frame))
    valid = np.zeros(len(frame), dtype=bool)
    ref: int | None = None
    for i in range(len(frame)):
        if ref is not None:
            total = float(values[ref].sum())
            coverage[i] = float(values[ref][present[i]].sum()) / total if total > 0 else 0.0
        if coverage[i] >= min_coverage:
            valid[i] = True
            ref = i
    return pd.DataFrame({"coverage": coverage, "stale": stale, "valid": valid}, index=frame.index)


def proxy_total_market_cap(assets: tuple[str, ...] = PROXY_ASSETS, store: Store | None = None,
                           min_coverage: float = MIN_COVERAGE) -> pd.Series:
    """The proxy total: the sum of :func:`asset_caps` (interior holes filled) on the days :func:`proxy_coverage` accepts.

    Days on which BTC has no cap are dropped too. Between valid days the series has gaps; after the
    last valid day (a lasting loss of constituents) it ends.
    """
    caps = asset_caps(assets, store)
    if "btc" in caps:
        caps = caps[caps["btc"].notna()]
    ok = proxy_coverage(caps, min_coverage)["valid"]
    total = fill_interior_holes(caps).loc[ok[ok].index].sum(axis=1, min_count=1)
    total.name = "total_market_cap_usd"
    return total.dropna()


def total_market_cap(prefer: Prefer = "mirror", store: Store | None = None) -> tuple[pd.Series, str]:
    """Total crypto market cap in USD and the label of what it is.

    Parameters
    ----------
    prefer : {"mirror", "proxy"}
        ``mirror``: the mirror's CoinGecko series when it is cached or a mirror is configured,
        else the proxy; ``proxy``: always the proxy.

    Returns
    -------
    (Series, str)
        The daily series and :data:`MIRROR_LABEL` or :data:`PROXY_LABEL`.
    """
    if prefer not in ("mirror", "proxy"):
        raise ValueError(f"prefer must be 'mirror' or 'proxy', got {prefer!r}")
    if prefer == "mirror" and data.available("market_total", store):
        return data.closes("market_total", "total_market_cap_usd", store=store), MIRROR_LABEL
    return proxy_total_market_cap(store=store), PROXY_LABEL


def btc_dominance(prefer: Prefer = "mirror", store: Store | None = None) -> tuple[pd.Series, str]:
    """BTC's share of the total crypto market cap in percent, and the label of what it is.

    The mirror's own ``btc_dominance_pct`` when available (``prefer="mirror"``), else BTC's market
    cap over :func:`proxy_total_market_cap` (above the true dominance: the proxy omits tokens).
    """
    if prefer == "mirror" and data.available("market_total", store):
        return data.closes("market_total", "btc_dominance_pct", store=store), MIRROR_LABEL
    total = proxy_total_market_cap(store=store)
    btc = data.closes("btc", "market_cap_usd", store=store)
    dom = (100 * btc / total).dropna()
    dom.name = "btc_dominance_pct"
    return dom, PROXY_LABEL


@dataclass(frozen=True)
class ProxyComparison:
    """How the proxy differs from the mirror's series on the days both exist.

    Attributes
    ----------
    n_days : int
        Days with both series.
    first, last : str
        First and last such day (YYYY-MM-DD).
    median_ratio : float
        Median of proxy / mirror total (below 1: the proxy omits tokens).
    ratio_p05, ratio_p95 : float
        5th and 95th percentiles of that ratio.
    median_ratio_last_year : float
        Median ratio over the last 365 of those days.
    dominance_diff_pp_median : float
        Median of proxy dominance minus the mirror's, in percentage points.
    log_change_corr : float
        Correlation of daily log changes of the two totals (how well the proxy tracks moves).
    """

    n_days: int
    first: str
    last: str
    median_ratio: float
    ratio_p05: float
    ratio_p95: float
    median_ratio_last_year: float
    dominance_diff_pp_median: float
    log_change_corr: float

    def text(self) -> str:
        """One plain sentence for a report."""
        return (f"The proxy total was a median {self.median_ratio:.0%} of the mirror's CoinGecko total "
                f"(5-95% range {self.ratio_p05:.0%}-{self.ratio_p95:.0%}; {self.median_ratio_last_year:.0%} over the "
                f"last year) on N={self.n_days} days {self.first}..{self.last}; proxy BTC dominance is a median "
                f"{self.dominance_diff_pp_median:+.1f} percentage points above the mirror's, and daily log changes "
                f"correlate at {self.log_change_corr:.3f}.")


def compare_with_mirror(store: Store | None = None) -> ProxyComparison | None:
    """Compare the proxy with the mirror's total and dominance; None when the mirror's series is missing."""
    if not data.available("market_total", store):
        return None
    mirror = data.closes("market_total", "total_market_cap_usd", store=store)
    mirror_dom = data.closes("market_total", "btc_dominance_pct", store=store)
    proxy = proxy_total_market_cap(store=store)
    proxy_dom, _ = btc_dominance("proxy", store)
    both = pd.concat([proxy.rename("p"), mirror.rename("m")], axis=1, join="inner").dropna()
    both = both[(both["m"] > 0) & (both["p"] > 0)]
    if both.empty:
        return None
    ratio = both["p"] / both["m"]
    dom = (proxy_dom - mirror_dom).dropna()
    changes = both.apply(lambda s: s.apply(math.log)).diff().dropna()
    return ProxyComparison(len(both), f"{both.index[0]:%Y-%m-%d}", f"{both.index[-1]:%Y-%m-%d}",
                           float(ratio.median()), float(ratio.quantile(0.05)), float(ratio.quantile(0.95)),
                           float(ratio.iloc[-365:].median()), float(dom.median()) if len(dom) else math.nan,
                           float(changes["p"].corr(changes["m"])))
