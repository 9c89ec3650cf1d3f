"""Total crypto market cap and BTC dominance: the mirror's series, or a live keyless proxy.

The mirror holds CoinGecko's total market cap (``market_total``), for which no keyless live
source exists. On a machine without the mirror the notebooks use a **proxy**: the sum of each
crypto asset's market cap over a documented asset list (:data:`PROXY_ASSETS`). Live, each
asset's ``market_cap_usd`` is Coin Metrics' ``CapMrktCurUSD`` (community API, no key); on the
mirror it is CoinGecko's per-asset market cap. The proxy omits every token outside the list, so
it is *below* the total and BTC's share of it is *above* BTC's true dominance;
:func:`compare_with_mirror` measures by how much wherever both exist.

A day on which an asset has a price but no market cap (holes in the source) takes the asset's
last known supply times that day's price (:func:`helpers.rotation.implied_caps`), so a hole
does not show as a fall of the total.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from helpers import catalog, data
from helpers.errors import MissingDataError
from helpers.store import Store

#: The assets summed by the proxy: every priced crypto asset of the catalog (coins, DeFi tokens and
#: the three stablecoins), each with a Coin Metrics asset id so that it can be fetched live.
PROXY_ASSETS: tuple[str, ...] = tuple(a for a in catalog.CRYPTO_ASSETS if catalog.get(a).coinmetrics_asset)

#: Label of the mirror's series and of the proxy, for figure source lines and result notes.
MIRROR_LABEL = "CoinGecko total crypto market cap (mirror)"
PROXY_LABEL = (f"proxy: sum of market caps of {len(PROXY_ASSETS)} listed assets (Coin Metrics CapMrktCurUSD live; "
               "CoinGecko via mirror); below the true total")

Prefer = Literal["mirror", "proxy"]


def asset_caps(assets: tuple[str, ...] = PROXY_ASSETS, store: Store | None = None,
               max_age_days: int = 730) -> pd.DataFrame:
    """Daily market caps (USD) of ``assets``, holes filled from the last known supply (see module notes).

    Raises
    ------
    MissingDataError
        If none of the assets has data.
    """
    from helpers.rotation import implied_caps

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


def proxy_total_market_cap(assets: tuple[str, ...] = PROXY_ASSETS, store: Store | None = None) -> pd.Series:
    """The proxy total: the sum of :func:`asset_caps` over ``assets`` on days on which BTC has a cap."""
    caps = asset_caps(assets, store)
    total = caps.sum(axis=1, min_count=1)
    if "btc" in caps:
        total = total[caps["btc"].notna()]
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
