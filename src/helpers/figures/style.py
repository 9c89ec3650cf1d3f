"""One house style for every figure: titles that state the finding, units, and a source line.

Every figure carries, under it, the sources and the data's last date (:func:`finish`).
Output is deterministic (fixed hash salt, no timestamps) so re-rendering leaves git clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

QE_COLOR = "#2a9d8f"
QT_COLOR = "#e76f51"


def setup() -> None:
    """Apply the house style (seaborn whitegrid, readable sizes, deterministic output)."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(
        {
            "figure.figsize": (10, 4.8),
            "figure.dpi": 90,
            "savefig.dpi": 90,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "svg.hashsalt": "qtlab",
            "figure.constrained_layout.use": True,
        }
    )


def finish(fig: Figure, source: str, last_date: str | pd.Timestamp | None = None) -> Figure:
    """Add the source line (and last data date) under ``fig``."""
    text = f"Source: {source}"
    if last_date is not None:
        text += f". Data to {pd.Timestamp(last_date):%Y-%m-%d}."
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=8, color="0.35")
    return fig


def shade(ax: Axes, periods: Iterable[tuple[str | pd.Timestamp, str | pd.Timestamp | None]],
          color: str, label: str | None = None, alpha: float = 0.15) -> None:
    """Shade date ranges (``end`` None = to the right edge) and label the first once for the legend."""
    for i, (start, end) in enumerate(periods):
        right = pd.Timestamp(end) if end is not None else mdates.num2date(ax.get_xlim()[1]).replace(tzinfo=None)
        ax.axvspan(pd.Timestamp(start), right, color=color, alpha=alpha, lw=0, label=label if i == 0 else None)


def mark_events(ax: Axes, dates: Sequence[str | pd.Timestamp], labels: Sequence[str] | None = None,
                color: str = "0.3") -> None:
    """Vertical dashed lines at ``dates``, with optional labels at the top of the axes."""
    for i, d in enumerate(dates):
        ax.axvline(pd.Timestamp(d), color=color, ls="--", lw=0.8)
        if labels is not None:
            ax.annotate(labels[i], (pd.Timestamp(d), 1.0), xycoords=("data", "axes fraction"),
                        rotation=90, va="top", ha="right", fontsize=7, color=color)


def new(nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Figure, Any]:
    """A new figure in the house style (``plt.subplots``): one Axes, or an array of them for a grid."""
    fig, ax = plt.subplots(nrows, ncols, **kw)
    return fig, ax
