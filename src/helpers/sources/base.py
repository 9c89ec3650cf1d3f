"""The contract every source meets: a frame of dated values, as the source labels them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from helpers.data.catalog import SeriesSpec, SourceName


@dataclass(frozen=True)
class Fetched:
    """What a source returns for one series.

    ``frame`` has a tz-naive ``DatetimeIndex`` named ``date`` (ascending, unique) and float
    columns ``spec.value_columns``; missing values are NaN. Values are in the units the source
    publishes (the catalog scales them) and dates follow the source's convention
    (:func:`helpers.data.catalog.date_convention`). ``as_of`` is the UTC time the source's data
    were retrieved, ISO 8601. ``expected_rows`` and ``expected_last`` (``YYYY-MM-DD``) are what
    the source said it would send (a count or last date in its answer's metadata), when it says
    so; :func:`helpers.data.validation.validate_fetched` refuses an answer that does not match them.
    """

    frame: pd.DataFrame
    source: SourceName
    as_of: str
    expected_rows: int | None = None
    expected_last: str | None = None


class Source(Protocol):
    """A place series come from: FRED, Coin Metrics, or a local mirror directory."""

    @property
    def name(self) -> SourceName:
        """The source's name, stamped on what it fetches (``Fetched.source``) and in the manifest."""
        ...

    def fetch(self, spec: SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        """Fetch ``spec`` from ``start`` (inclusive; ``None`` = full history)."""
        ...
