"""The single source of truth for every series the notebooks use: id, sources, units, frequency, scale.

Money series carry ``scale_to_usd_bn`` so that no notebook ever converts units by hand:
WALCL and the other H.4.1 balance-sheet series are published in USD millions, the
overnight reverse repo (RRPONTSYD) and M2 in USD billions. Mixing them without the
scale is a thousand-fold error.

Crypto prices need a date convention as well as units. Each source labels its daily
values differently (see :data:`DATE_CONVENTIONS`); :func:`helpers.data.closes` uses it so
that every source yields the same *close* series, close(D) = price at 00:00 UTC of D+1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from helpers.errors import UnknownSeriesError

#: Which mirror folder and family of remote sources holds a series.
Kind: TypeAlias = Literal["fred", "crypto"]
#: How a source labels a daily value (see :data:`DATE_CONVENTIONS`).
DateConvention: TypeAlias = Literal["observation", "open_snapshot", "close"]
#: Every source a series can come from: the four remote ones and the local mirror.
SourceName: TypeAlias = Literal["fred", "coinmetrics", "defillama", "binance", "mirror"]
#: The sources reached over the network (``qtlab data check`` probes these).
LiveSourceName: TypeAlias = Literal["fred", "coinmetrics", "defillama", "binance"]
#: Observation frequency of a series: what :mod:`helpers.data.quality` measures gaps against.
Frequency: TypeAlias = Literal["daily", "business daily", "weekly (Wed)", "monthly"]
#: Units a series is published in (money scaled to USD bn by ``scale_to_usd_bn``).
Units: TypeAlias = Literal[
    "USD millions", "USD billions", "USD", "USD; percent", "percent", "index", "index (1971-02-05 = 100)",
    "index (Jan 2006 = 100)", "0/1", "fraction per 8 h",
]

#: Columns of a crypto asset frame, as in the mirror's ``crypto/<symbol>.csv``.
CRYPTO_COLUMNS: tuple[str, ...] = ("price_usd", "market_cap_usd", "volume_usd", "supply")

#: How each source labels a daily crypto value.
#: ``open_snapshot``: the value at 00:00 UTC at the *start* of the labelled day (CoinGecko
#: ``snapped_at``, the mirror). ``close``: the value at 00:00 UTC at the *end* of the labelled
#: day (Coin Metrics ``PriceUSD``). ``observation``: FRED, the day the value refers to.
DATE_CONVENTIONS: dict[str, DateConvention] = {  # keys: a remote source, or "mirror:<kind>"
    "mirror:crypto": "open_snapshot",
    "coinmetrics": "close",
    "defillama": "open_snapshot",
    "fred": "observation",
    "mirror:fred": "observation",
}


@dataclass(frozen=True, kw_only=True)
class SeriesSpec:
    """Metadata of one series, built with keywords only (with this many fields, a positional slip would go unseen).

    Parameters
    ----------
    id : str
        FRED series id (``WALCL``) or crypto file stem (``btc``).
    kind : {"fred", "crypto"}
        Which mirror folder and which family of remote sources holds it.
    description : str
        One line for tables and figure captions.
    units : Units
        Units as published by the source.
    frequency : Frequency
        ``daily``, ``business daily``, ``weekly (Wed)`` or ``monthly``.
    scale_to_usd_bn : float or None
        Multiply a published value by this to get USD billions; ``None`` for non-money series.
    publication_lag_days : int
        Days after the observation date before the value is public (H.4.1: Wednesday level
        published Thursday, lag 1).
    sources : tuple of SourceName
        Remote sources that can fetch it, in order of preference; the mirror always can.
    coinmetrics_asset : str or None
        Asset id in the Coin Metrics community API, for crypto series it covers.
    columns : tuple of str
        Value columns of the stored frame.
    mirror_file : str or None
        Path inside the mirror when it is not ``<kind folder>/<id>.csv``.
    own_convention : DateConvention or None
        Date convention of this series whatever the source, when it differs from its kind's
        (funding rates are labelled with the day they were paid: ``observation``).
    non_negative : bool
        Whether every value must be >= 0 (prices, caps, balance-sheet levels, indexes); rates and
        spreads, which may turn negative, say ``False``. :mod:`helpers.data.validation` refuses a negative
        value of a non-negative series before anything is cached.
    max_jump : float or None
        Largest ratio between consecutive non-zero observations that is plausible in the recent tail
        (default 100: a USD-millions-for-billions mix-up is x1000); ``None`` for signed series where a
        ratio means nothing (funding rates).
    regular_from : str or None
        First date (``YYYY-MM-DD``) from which ``frequency`` holds; holes before it are the series'
        nature, not gaps (FRED reports the overnight reverse repo only on operation days before the
        ON RRP facility began on 2013-09-23).
    """

    id: str
    kind: Kind
    description: str
    units: Units
    frequency: Frequency
    scale_to_usd_bn: float | None = None
    publication_lag_days: int = 0
    sources: tuple[SourceName, ...] = ("mirror",)
    coinmetrics_asset: str | None = None
    columns: tuple[str, ...] = field(default=())
    mirror_file: str | None = None
    own_convention: DateConvention | None = None
    non_negative: bool = True
    max_jump: float | None = 100.0
    regular_from: str | None = None

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns of the stored frame: the series id for FRED, the mirror's columns for crypto."""
        if self.columns:
            return self.columns
        return (self.id,) if self.kind == "fred" else CRYPTO_COLUMNS

    @property
    def mirror_path(self) -> str:
        """Path of the file relative to a mirror root laid out like ../shared/data."""
        if self.mirror_file:
            return self.mirror_file
        return f"{'fred' if self.kind == 'fred' else 'crypto'}/{self.id}.csv"


def _fred(
    sid: str, description: str, units: Units, frequency: Frequency, scale: float | None = None, lag: int = 1,
    max_jump: float | None = 100.0, regular_from: str | None = None,
) -> SeriesSpec:
    # rates and spreads (percent) may be negative; levels, indexes and prices may not
    return SeriesSpec(id=sid, kind="fred", description=description, units=units, frequency=frequency,
                      scale_to_usd_bn=scale, publication_lag_days=lag, sources=("fred", "mirror"),
                      non_negative=units != "percent", max_jump=max_jump, regular_from=regular_from)


def _coin(sid: str, description: str, cm: str | None = None) -> SeriesSpec:
    sources: tuple[SourceName, ...] = ("coinmetrics", "mirror") if cm else ("mirror",)
    return SeriesSpec(id=sid, kind="crypto", description=description, units="USD", frequency="daily",
                      sources=sources, coinmetrics_asset=cm)


def _aggregate(sid: str, description: str, units: Units, columns: tuple[str, ...],
               sources: tuple[SourceName, ...] = ("mirror",)) -> SeriesSpec:
    return SeriesSpec(id=sid, kind="crypto", description=description, units=units, frequency="daily",
                      sources=sources, columns=columns)


_SERIES: list[SeriesSpec] = [
    # H.4.1 balance sheet (Wednesday levels, published Thursday afternoon)
    _fred("WALCL", "Fed total assets (less eliminations), Wednesday level", "USD millions", "weekly (Wed)", 1e-3),
    _fred("TREAST", "Treasury securities held outright, Wednesday level", "USD millions", "weekly (Wed)", 1e-3),
    _fred("WSHOMCB", "Mortgage-backed securities held outright, Wednesday level", "USD millions", "weekly (Wed)", 1e-3),
    _fred("WRESBAL", "Reserve balances with Federal Reserve Banks, week average", "USD millions", "weekly (Wed)", 1e-3),
    _fred("WDTGAL", "Treasury General Account, Wednesday level", "USD millions", "weekly (Wed)", 1e-3),
    _fred("WTREGEN", "Treasury General Account, week average", "USD millions", "weekly (Wed)", 1e-3),
    _fred("RRPONTSYD", "Overnight reverse repurchase agreements (Treasuries sold by the Fed)", "USD billions", "business daily", 1.0,
          regular_from="2013-09-23"),
    _fred("M2SL", "M2 money stock, seasonally adjusted", "USD billions", "monthly", 1.0, lag=25),
    # rates and policy
    _fred("DFF", "Federal funds effective rate", "percent", "daily"),
    _fred("DFEDTARU", "Fed funds target range, upper limit", "percent", "daily", lag=0),
    _fred("DFEDTARL", "Fed funds target range, lower limit", "percent", "daily", lag=0),
    _fred("DGS10", "10-year Treasury constant-maturity yield", "percent", "business daily"),
    _fred("DGS2", "2-year Treasury constant-maturity yield", "percent", "business daily"),
    _fred("T10YIE", "10-year breakeven inflation rate", "percent", "business daily"),
    _fred("BAMLH0A0HYM2", "ICE BofA US high-yield option-adjusted spread", "percent", "business daily"),
    # markets and the economy
    _fred("SP500", "S&P 500 index, daily close", "index", "business daily"),
    _fred("NASDAQCOM", "NASDAQ Composite index, daily close", "index (1971-02-05 = 100)", "business daily"),
    _fred("DTWEXBGS", "Nominal broad US dollar index", "index (Jan 2006 = 100)", "business daily"),
    _fred("VIXCLS", "CBOE VIX, daily close", "index", "business daily"),
    _fred("USREC", "NBER recession indicator (1 = recession month)", "0/1", "monthly", lag=0, max_jump=None),
    _fred("CBBTCUSD", "Coinbase Bitcoin price (FRED)", "USD", "daily"),
    _fred("CBETHUSD", "Coinbase Ether price (FRED)", "USD", "daily"),
    # crypto assets (mirror: CoinGecko 00:00 UTC snapshots; live: Coin Metrics community API)
    _coin("btc", "Bitcoin", "btc"),
    _coin("eth", "Ether", "eth"),
    _coin("sol", "Solana", "sol"),
    _coin("bnb", "BNB", "bnb"),
    _coin("xrp", "XRP", "xrp"),
    _coin("ada", "Cardano", "ada"),
    _coin("doge", "Dogecoin", "doge"),
    _coin("avax", "Avalanche", "avaxc"),
    _coin("dot", "Polkadot", "dot"),
    _coin("ltc", "Litecoin", "ltc"),
    _coin("trx", "TRON", "trx"),
    _coin("link", "Chainlink", "link"),
    _coin("uni", "Uniswap (DeFi)", "uni"),
    _coin("aave", "Aave (DeFi)", "aave"),
    _coin("mkr", "Maker (DeFi)", "mkr"),
    _coin("comp", "Compound (DeFi)", "comp"),
    _coin("crv", "Curve (DeFi)", "crv"),
    _coin("ldo", "Lido (DeFi)", "ldo"),
    _coin("snx", "Synthetix (DeFi)", "snx"),
    _coin("sushi", "SushiSwap (DeFi)", "sushi"),
    _coin("usdt", "Tether (stablecoin)", "usdt"),
    _coin("usdc", "USD Coin (stablecoin)", "usdc"),
    _coin("dai", "Dai (stablecoin)", "dai"),
    _aggregate("market_total", "Total crypto market cap, volume and BTC dominance (CoinGecko)", "USD; percent",
               ("total_market_cap_usd", "total_volume_usd", "btc_dominance_pct")),
    _aggregate("stablecoins_total_supply", "Total stablecoin supply (DefiLlama)", "USD", ("total_stablecoin_supply_usd",),
               ("defillama", "mirror")),
    _aggregate("defi_tvl", "Total DeFi total value locked (DefiLlama)", "USD", ("defi_tvl_usd",), ("defillama", "mirror")),
    SeriesSpec(id="btc_funding_binance", kind="crypto",
               description="BTCUSDT perpetual funding rate, daily mean of 8-hourly rates (Binance)",
               units="fraction per 8 h", frequency="daily", sources=("binance", "mirror"),
               columns=("funding_rate_mean", "funding_rate_abs_mean"),
               mirror_file="crypto/derivatives/btc_funding_rate_binance_daily.csv", own_convention="observation",
               non_negative=False, max_jump=None),
]

#: Every series by id.
CATALOG: dict[str, SeriesSpec] = {s.id: s for s in _SERIES}

#: Crypto assets with prices (excludes aggregates and derivatives).
CRYPTO_ASSETS: tuple[str, ...] = tuple(
    s.id for s in _SERIES if s.kind == "crypto" and s.value_columns == CRYPTO_COLUMNS
)
FRED_SERIES: tuple[str, ...] = tuple(s.id for s in _SERIES if s.kind == "fred")


def get(series_id: str) -> SeriesSpec:
    """Return the spec of ``series_id``; raise naming the known ids when it is unknown."""
    try:
        return CATALOG[series_id]
    except KeyError:
        raise UnknownSeriesError(
            f"unknown series {series_id!r}; known: {', '.join(sorted(CATALOG))}"
        ) from None


def resolve(series: str | SeriesSpec) -> SeriesSpec:
    """The spec of ``series``: a :class:`SeriesSpec` as given, an id looked up once with :func:`get`.

    Entry points (the loaders of :mod:`helpers.data.load`, :class:`helpers.data.store.Store`'s public
    methods) accept either and resolve here, once; everything below them takes the spec, so a series
    is looked up in the catalog once however far its spec travels.
    """
    return series if isinstance(series, SeriesSpec) else get(series)


def date_convention(source: str, spec: SeriesSpec) -> DateConvention:
    """How ``source`` labels the dates of ``spec`` (see :data:`DATE_CONVENTIONS`).

    ``source`` is a :data:`SourceName`, typed ``str`` because it is read back from the manifest.
    """
    if spec.own_convention is not None:
        return spec.own_convention
    if source == "mirror":
        return DATE_CONVENTIONS[f"mirror:{spec.kind}"]
    return DATE_CONVENTIONS[source]
