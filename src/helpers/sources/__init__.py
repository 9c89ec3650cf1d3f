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

from helpers.catalog import SeriesSpec
from helpers.sources.base import Fetched, Source

#: Names accepted by :func:`get_source`.
SOURCE_NAMES: tuple[str, ...] = ("fred", "coinmetrics", "defillama", "binance", "mirror")
#: Environment variable holding the mirror directory.
MIRROR_ENV = "QTLAB_MIRROR"

__all__ = ["MIRROR_ENV", "SOURCE_NAMES", "Fetched", "Source", "default_source", "get_source"]


def get_source(name: str, *, mirror: str | Path | None = None) -> Source:
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
    """
    if name == "fred":
        from helpers.sources.fred import FredSource

        return FredSource()
    if name == "defillama":
        from helpers.sources.defillama import DefiLlamaSource

        return DefiLlamaSource()
    if name == "binance":
        from helpers.sources.binance import BinanceFundingSource

        return BinanceFundingSource()
    if name == "coinmetrics":
        from helpers.sources.coinmetrics import CoinMetricsSource

        return CoinMetricsSource()
    if name == "mirror":
        root = mirror or os.environ.get(MIRROR_ENV)
        if not root:
            raise ValueError(f"the mirror source needs a directory: pass mirror=DIR or set {MIRROR_ENV}")
        from helpers.sources.mirror import MirrorSource

        return MirrorSource(Path(root))
    raise ValueError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}")


def default_source(spec: SeriesSpec, mirror: str | Path | None = None) -> str:
    """Name of the source to fetch ``spec`` from when the user did not choose one.

    Parameters
    ----------
    spec : SeriesSpec
        The series.
    mirror : str or Path, optional
        Mirror directory given by the caller (e.g. a ``--mirror`` flag).

    Returns
    -------
    str
        ``"mirror"`` when ``mirror`` is given or ``QTLAB_MIRROR`` is set, else ``spec.sources[0]``.
    """
    if mirror or os.environ.get(MIRROR_ENV):
        return "mirror"
    return spec.sources[0]
