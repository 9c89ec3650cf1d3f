"""Figures of the data tour (notebook 00): coverage timeline and cross-source agreement."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from helpers.figures import style


def coverage_timeline(values: dict[str, pd.Series], kinds: dict[str, str]) -> Figure:
    """One horizontal bar per series from first to last date, with gaps left blank.

    Parameters
    ----------
    values : dict of str to Series
        Each series' non-missing values.
    kinds : dict of str to str
        ``fred`` or ``crypto`` per series, for colour.
    """
    fig, ax = style.new(figsize=(10, 0.22 * len(values) + 1.2))
    colors = {"fred": "#264653", "crypto": "#f4a261"}
    for row, (sid, s) in enumerate(values.items()):
        idx = pd.DatetimeIndex(s.index)
        # split into runs where the step exceeds 40 days (a gap visible at this scale)
        breaks = [0, *list((idx.to_series().diff().dt.days > 40).to_numpy().nonzero()[0]), len(idx)]
        for a, b in zip(breaks[:-1], breaks[1:], strict=True):
            ax.plot([idx[a], idx[b - 1]], [row, row], lw=5, color=colors[kinds[sid]], solid_capstyle="butt")
    left = pd.Timestamp("2002-01-01")
    for row, s in enumerate(values.values()):
        if s.index[0] < left:
            ax.annotate(f"from {s.index[0]:%Y}", (left, row), xytext=(2, 0), textcoords="offset points",
                        va="center", fontsize=6, color="white")
    last = max(pd.DatetimeIndex(s.index).max() for s in values.values())
    ax.set_xlim(left, last + pd.Timedelta(days=180))  # the axis ends with the data, not years after it
    ax.set_yticks(range(len(values)), list(values), fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("date")
    ax.set_title("Coverage: balance-sheet series start in 2002, most crypto after 2017")
    return fig


def cross_source_by_year(by_year: pd.DataFrame, label_a: str, label_b: str) -> Figure:
    """Bar chart of the median absolute % difference between two sources by year, N on each bar."""
    fig, ax = style.new(figsize=(10, 3.8))
    ax.bar(by_year.index.astype(str), by_year["median_abs_diff_pct"], color="#457b9d")
    for x, (v, n) in enumerate(zip(by_year["median_abs_diff_pct"], by_year["n_days"], strict=True)):
        ax.annotate(f"N={n}", (x, v), ha="center", va="bottom", fontsize=7)
    ax.set_ylabel("median |difference| (%)")
    ax.set_title(f"{label_a} vs {label_b}: median absolute difference of daily closes by year")
    return fig


def best_lag_timeline(by_quarter: pd.DataFrame) -> Figure:
    """Best-aligned day lag per quarter: where it leaves 0 the two sources label days differently."""
    fig, ax = style.new(figsize=(10, 3.2))
    ax.step(by_quarter.index, by_quarter["best_lag_days"], where="mid", color="#e63946")
    ax.set_ylabel("best lag (days)")
    ax.set_yticks([-2, -1, 0, 1, 2])
    ax.tick_params(axis="x", labelrotation=90, labelsize=6)
    ax.set_title("Day lag that best aligns the two sources, by quarter (0 = same day labels)")
    return fig
