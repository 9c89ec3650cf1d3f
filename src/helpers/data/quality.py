"""Data quality: coverage and gaps per series, and cross-source agreement of prices.

Used by the data tour (notebook 00) so that a reader sees what each series covers, where
it has holes, and where two sources of the same price label their days differently.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from helpers.data import catalog
from helpers.data.catalog import Frequency, SeriesSpec
from helpers.errors import DataGapWarning

#: Largest step between consecutive dates that is not a gap, by catalog frequency (days).
#: Business-daily series skip weekends and holidays (up to 5 days over a long holiday weekend).
_NORMAL_STEP: dict[Frequency, int] = {"daily": 1, "business daily": 5, "weekly (Wed)": 7, "monthly": 31}


def gaps(index: pd.DatetimeIndex, frequency: Frequency) -> pd.DataFrame:
    """Runs of missing dates longer than the frequency allows.

    Parameters
    ----------
    index : DatetimeIndex
        Dates that hold a value, ascending.
    frequency : Frequency
        A catalog frequency (``daily``, ``business daily``, ``weekly (Wed)``, ``monthly``).

    Returns
    -------
    DataFrame
        One row per gap: ``after`` (last date before), ``before`` (first date after) and
        ``missing_days`` (calendar days between them minus one).
    """
    if frequency not in _NORMAL_STEP:
        raise ValueError(f"frequency {frequency!r} must be one of {sorted(_NORMAL_STEP)}")
    steps = index.to_series().diff().dt.days
    bad = steps > _NORMAL_STEP[frequency]
    after = index[:-1][bad.to_numpy()[1:]]
    before = index[1:][bad.to_numpy()[1:]]
    return pd.DataFrame({"after": after, "before": before, "missing_days": (before - after).days - 1})


#: Largest step between consecutive observations before a hole is reported to an analysis (days), by
#: catalog frequency. Looser than :data:`_NORMAL_STEP`: one or two missing days of a daily series, a long
#: holiday weekend or a market closure of under a week (2001-09-11 to 09-17) is not a gap that changes
#: an analysis; three missing days of a daily series, a missing week of a weekly series or a missing
#: month of a monthly one is.
GAP_STEP_DAYS: dict[Frequency, int] = {"daily": 3, "business daily": 7, "weekly (Wed)": 10, "monthly": 35}


@dataclass(frozen=True)
class GapRecord:
    """A hole in a series inside the window an analysis read.

    ``start`` and ``end`` are the first and last missing calendar dates (``YYYY-MM-DD``), clipped
    to the window; ``days`` counts them.
    """

    series_id: str
    start: str
    end: str
    days: int
    frequency: Frequency

    def to_dict(self) -> dict[str, str | int]:
        """JSON-able form, for a notebook's results file."""
        return dict(asdict(self))

    def message(self) -> str:
        """The one line of the :class:`helpers.errors.DataGapWarning`."""
        return (f"data gap: {self.series_id} has no values from {self.start} to {self.end} ({self.days} days, "
                f"more than its {self.frequency} frequency allows); figures over this window bridge the hole")


_GAPS_SEEN: list[GapRecord] = []


def gaps_seen() -> list[GapRecord]:
    """Every gap the loaders of :mod:`helpers.data` reported in this process, in the order first seen."""
    return list(_GAPS_SEEN)


def clear_gaps_seen() -> None:
    """Forget the gaps seen (a new notebook run starts afresh)."""
    _GAPS_SEEN.clear()


def window_gaps(spec: SeriesSpec, index: pd.DatetimeIndex, start: pd.Timestamp | str | None = None,
                end: pd.Timestamp | str | None = None) -> list[GapRecord]:
    """Holes of the series ``spec`` longer than :data:`GAP_STEP_DAYS` allows that overlap ``[start, end]``.

    Parameters
    ----------
    spec : SeriesSpec
        The catalog entry (its frequency and ``regular_from`` decide what counts as a gap), resolved
        by the loader that read the values.
    index : DatetimeIndex
        Dates that hold a value, ascending.
    start, end : Timestamp or str, optional
        The window the analysis reads (default: the whole series). Dates before the first or after
        the last observation are coverage, not gaps, and are not reported.

    Returns
    -------
    list of GapRecord
        Missing runs clipped to the window.
    """
    if spec.frequency not in GAP_STEP_DAYS:
        raise ValueError(f"frequency {spec.frequency!r} of {spec.id} must be one of {sorted(GAP_STEP_DAYS)}")
    if len(index) < 2:
        return []
    stamps = index.to_numpy()
    steps = (stamps[1:] - stamps[:-1]) / np.timedelta64(1, "D")
    bad = np.flatnonzero(steps > GAP_STEP_DAYS[spec.frequency])
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    regular = pd.Timestamp(spec.regular_from) if spec.regular_from else None
    one = pd.Timedelta(days=1)
    out = []
    for i in bad:
        first, last = pd.Timestamp(stamps[i]) + one, pd.Timestamp(stamps[i + 1]) - one
        if regular is not None and last < regular:
            continue
        if lo is not None:
            first = max(first, lo)
        if hi is not None:
            last = min(last, hi)
        if first > last:
            continue
        out.append(GapRecord(spec.id, f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}", (last - first).days + 1,
                             spec.frequency))
    return out


def report_gaps(spec: SeriesSpec, index: pd.DatetimeIndex, start: pd.Timestamp | str | None = None,
                end: pd.Timestamp | str | None = None) -> list[GapRecord]:
    """Find :func:`window_gaps`, record each new one in :func:`gaps_seen` and warn once per gap.

    Each gap is a :class:`helpers.errors.DataGapWarning` the first time this process sees it, so a
    notebook shows it next to the numbers, and a record the runner copies into the results.
    """
    found = window_gaps(spec, index, start, end)
    for gap in found:
        if gap not in _GAPS_SEEN:
            _GAPS_SEEN.append(gap)
            # an explicit, path-free location: a notebook's stderr shows "qtlab:1: DataGapWarning: ...",
            # the same bytes on every machine and run (a kernel's cell file name changes with its pid)
            warnings.warn_explicit(DataGapWarning(gap.message()), DataGapWarning, "qtlab", 1, module="helpers.data")
    return found


def coverage(frames: dict[str, pd.Series], sources: dict[str, str]) -> pd.DataFrame:
    """Coverage table: per series its source, units, frequency, first/last date, rows and gaps.

    Parameters
    ----------
    frames : dict of str to Series
        Each series' values with missing values already dropped.
    sources : dict of str to str
        The source each series came from (from the store's manifest).
    """
    rows = []
    for sid, values in frames.items():
        spec = catalog.get(sid)
        g = gaps(pd.DatetimeIndex(values.index), spec.frequency)
        rows.append(
            {
                "series": sid,
                "source": sources.get(sid, "?"),
                "description": spec.description,
                "units": spec.units,
                "to USD bn": spec.scale_to_usd_bn,
                "frequency": spec.frequency,
                "first": values.index[0].date(),
                "last": values.index[-1].date(),
                "rows": len(values),
                "gaps": len(g),
                "longest gap (days)": int(g["missing_days"].max()) if len(g) else 0,
            }
        )
    return pd.DataFrame(rows).set_index("series")


def abs_pct_diff(a: pd.Series, b: pd.Series, lag_days: int = 0) -> pd.Series:
    """|a(D) / b(D + lag) - 1| in percent, on dates where both exist.

    A positive ``lag_days`` compares ``a`` on day D with ``b`` on day D + lag.
    """
    shifted = b.copy()
    shifted.index = shifted.index - pd.Timedelta(days=lag_days)
    both = pd.concat([a.rename("a"), shifted.rename("b")], axis=1, join="inner").dropna()
    return (both["a"] / both["b"] - 1).abs() * 100


def median_abs_diff_by_year(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Median absolute percentage difference of two price series by calendar year, with N days."""
    diff = abs_pct_diff(a, b)
    by_year = diff.groupby(diff.index.year)
    return pd.DataFrame({"median_abs_diff_pct": by_year.median(), "n_days": by_year.size()}).rename_axis("year")


def best_lag_by_quarter(a: pd.Series, b: pd.Series, lags: range = range(-2, 3)) -> pd.DataFrame:
    """For each quarter, the day lag of ``b`` that best matches ``a`` (least median |% diff|).

    A best lag of 0 means both sources label the same close with the same day; +1 means
    ``b`` labels it one day later than ``a``.

    Returns
    -------
    DataFrame
        Index quarter (``2024Q3``), columns ``best_lag_days``, ``median_abs_diff_pct`` at that
        lag, ``at_lag_0_pct`` and ``n_days``.
    """
    table = {lag: abs_pct_diff(a, b, lag) for lag in lags}
    medians = pd.DataFrame({lag: d.groupby(d.index.to_period("Q")).median() for lag, d in table.items()})
    counts = table[0].groupby(table[0].index.to_period("Q")).size() if 0 in table else None
    best = medians.idxmin(axis=1)
    out = pd.DataFrame(
        {
            "best_lag_days": best.astype(int),
            "median_abs_diff_pct": medians.min(axis=1),
            "at_lag_0_pct": medians[0] if 0 in medians else np.nan,
            "n_days": counts,
        }
    )
    out.index = out.index.astype(str)
    return out.rename_axis("quarter")
