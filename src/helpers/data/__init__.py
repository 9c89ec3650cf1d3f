"""The data layer: the catalog of series, the cache, validation, loaders, curated facts and gap checks.

Modules
-------
``catalog``     every series the notebooks use, its units, frequency, source and date convention
``store``       the local cache: merge-only refresh, atomic journalled writes, manifest with provenance
``validation``  one set of checks for live answers and mirror files, before anything is written
``load``        what notebooks call: series in catalog units or USD bn, crypto closes
``facts``       curated reference tables (events, QT caps, regimes) from ``data/`` or the mirror
``quality``     coverage holes reported as :class:`helpers.errors.DataGapWarning`
``vintages``    point-in-time (ALFRED) values of revised FRED series
``proxies``     a live, keyless total crypto market cap built from Coin Metrics

The loaders of :mod:`helpers.data.load` are the package's public face, so a notebook writes
``from helpers import data`` and then ``data.series("WALCL")``. Nothing in this package imports
from the analysis, claims or report layers above it.
"""

from helpers.data.load import (
    Date,
    available,
    cannot_run,
    clear_series_read,
    closes,
    last_dates,
    load,
    missing_reason,
    missing_table,
    primary,
    require_positive,
    series,
    series_read,
    sources_of,
)

__all__ = ["Date", "available", "cannot_run", "clear_series_read", "closes", "last_dates", "load", "missing_reason",
           "missing_table", "primary", "require_positive",
           "series", "series_read", "sources_of"]
