"""Where series come from: FRED, Coin Metrics, DefiLlama, Binance, or a local mirror directory.

Use :func:`get_source` to build a source by name and :func:`default_source` to pick the name
for a series: the mirror when one is configured (``mirror=`` or ``QTLAB_MIRROR``), else the
series' preferred remote source.

Modules: :mod:`~helpers.sources.base` (the contract), :mod:`~helpers.sources.http` (rate limits,
retries, deadlines, size and page limits), :mod:`~helpers.sources.redaction` (no secret in any
message or log), :mod:`~helpers.sources.remote` (the base of the remote sources), one module per
source, :mod:`~helpers.sources.alfred` (FRED vintages) and :mod:`~helpers.sources.check`
(``qtlab data check``).
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.data.catalog import LiveSourceName, SeriesSpec, SourceName
from helpers.sources.base import Fetched, Source

#: Names accepted by :func:`get_source`.
SOURCE_NAMES: tuple[SourceName, ...] = ("fred", "coinmetrics", "defillama", "binance", "mirror")
#: Environment variable holding the mirror directory.
MIRROR_ENV = "QTLAB_MIRROR"
#: Environment variables that replace a live source's root URL (a proxy, a recorded-answer server in tests):
#: constructor argument -> variable, per source. Unset or empty keeps the provider's URL.
URL_ENV: dict[LiveSourceName, dict[str, str]] = {
    "fred": {"root_url": "QTLAB_FRED_API_URL", "graph_url": "QTLAB_FRED_GRAPH_URL"},
    "coinmetrics": {"base_url": "QTLAB_COINMETRICS_URL"},
    "defillama": {"stablecoins_url": "QTLAB_DEFILLAMA_STABLECOINS_URL", "api_url": "QTLAB_DEFILLAMA_API_URL"},
    "binance": {"base_url": "QTLAB_BINANCE_URL"},
}

__all__ = ["MIRROR_ENV", "SOURCE_NAMES", "URL_ENV", "Fetched", "Source", "default_source", "get_source"]


def get_source(name: SourceName, *, mirror: str | Path | None = None) -> Source:
    """Build the source called ``name``.

    Parameters
    ----------
    name : {"fred", "coinmetrics", "defillama", "binance", "mirror"}
        Source name.
    mirror : str or Path, optional
        Mirror directory for ``"mirror"``; defaults to ``$QTLAB_MIRROR``.

    Returns
    -------
    Source
        A :class:`~helpers.sources.fred.FredSource` (API key from ``FRED_API_KEY`` if set),
        :class:`~helpers.sources.coinmetrics.CoinMetricsSource`,
        :class:`~helpers.sources.defillama.DefiLlamaSource`,
        :class:`~helpers.sources.binance.BinanceFundingSource` or
        :class:`~helpers.sources.mirror.MirrorSource`.

    Raises
    ------
    ValueError
        ``name`` is unknown, or ``"mirror"`` is asked for without a directory.

    Notes
    -----
    A live source's root URL can be replaced through the environment (:data:`URL_ENV`:
    ``QTLAB_FRED_API_URL``, ``QTLAB_FRED_GRAPH_URL``, ``QTLAB_COINMETRICS_URL``,
    ``QTLAB_DEFILLAMA_STABLECOINS_URL``, ``QTLAB_DEFILLAMA_API_URL``, ``QTLAB_BINANCE_URL``).
    """
    if name == "fred":
        from helpers.sources.fred import FRED_API_ROOT, FRED_GRAPH_CSV_URL, FredSource

        return FredSource(root_url=source_url("fred", "root_url", FRED_API_ROOT),
                          graph_url=source_url("fred", "graph_url", FRED_GRAPH_CSV_URL))
    if name == "defillama":
        from helpers.sources.defillama import DEFILLAMA_API_URL, DEFILLAMA_STABLECOINS_URL, DefiLlamaSource

        return DefiLlamaSource(stablecoins_url=source_url("defillama", "stablecoins_url", DEFILLAMA_STABLECOINS_URL),
                               api_url=source_url("defillama", "api_url", DEFILLAMA_API_URL))
    if name == "binance":
        from helpers.sources.binance import BINANCE_FUTURES_URL, BinanceFundingSource

        return BinanceFundingSource(base_url=source_url("binance", "base_url", BINANCE_FUTURES_URL))
    if name == "coinmetrics":
        from helpers.sources.coinmetrics import COINMETRICS_COMMUNITY_URL, CoinMetricsSource

        return CoinMetricsSource(base_url=source_url("coinmetrics", "base_url", COINMETRICS_COMMUNITY_URL))
    if name == "mirror":
        root = mirror or os.environ.get(MIRROR_ENV)
        if not root:
            raise ValueError(f"the mirror source needs a directory: pass mirror=DIR or set {MIRROR_ENV}")
        from helpers.sources.mirror import MirrorSource

        return MirrorSource(Path(root))
    raise ValueError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}")


def source_url(name: LiveSourceName, argument: str, default: str) -> str:
    """The root URL ``argument`` of source ``name``: its :data:`URL_ENV` variable when set, else ``default``."""
    return os.environ.get(URL_ENV[name][argument]) or default


def default_source(spec: SeriesSpec, mirror: str | Path | None = None) -> SourceName:
    """Name of the source to fetch ``spec`` from when the user did not choose one.

    Parameters
    ----------
    spec : SeriesSpec
        The series.
    mirror : str or Path, optional
        Mirror directory given by the caller (e.g. a ``--mirror`` flag).

    Returns
    -------
    SourceName
        ``"mirror"`` when ``mirror`` is given or ``QTLAB_MIRROR`` is set, else ``spec.sources[0]``.
    """
    if mirror or os.environ.get(MIRROR_ENV):
        return "mirror"
    return spec.sources[0]
