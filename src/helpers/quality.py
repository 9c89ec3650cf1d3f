"""Data quality: coverage and gaps per series, and cross-source agreement of prices.

Used by the data tour (notebook 00) so that a reader sees what each series covers, where
it has holes, and where two sources of the same price label their days differently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import catalog

#: Largest step between consecutive dates that is not a gap, by catalog frequency (days).
#: Business-daily series skip weekends and holidays (up to 5 days over a long holiday weekend).
_NORMAL_STEP: dict[str, int] = {"daily": 1, "business daily": 5, "weekly (Wed)": 7, "monthly": 31}


def gaps(index: pd.DatetimeIndex, frequency: str) -> pd.DataFrame:
    """Runs of missing dates longer than the frequency allows.

    Parameters
    ----------
    index : DatetimeIndex
        Dates that hold a value, ascending.
    frequency : str
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
