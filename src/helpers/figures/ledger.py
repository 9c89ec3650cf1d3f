"""Figures of the claims ledger (notebook 07)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from helpers.figures import style

VERDICT_COLORS = {
    "supported": "#1b7f3b",
    "partly supported": "#e9c46a",
    "not supported": "#b00020",
    "inconclusive": "#8d99ae",
    "untestable here": "#cfd4dc",
    "not yet tested": "#f1f1f1",
}


def verdict_bar(counts: pd.Series, title: str) -> Figure:
    """Horizontal bars: number of claims per verdict."""
    fig, ax = style.new(figsize=(9, 3.2))
    ax.barh(counts.index, counts.to_numpy(), color=[VERDICT_COLORS[v] for v in counts.index], edgecolor="0.4")
    for y, n in enumerate(counts.to_numpy()):
        ax.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center")
    ax.invert_yaxis()
    ax.set_xlabel(f"number of claims (of {int(counts.sum())})")
    ax.set_title(title)
    return fig


def verdict_grid(table: pd.DataFrame, title: str) -> Figure:
    """One coloured tile per claim, grouped by notebook: the ledger at a glance."""
    fig, ax = style.new(figsize=(10, 2.6))
    for x, (claim_id, row) in enumerate(table.iterrows()):
        ax.add_patch(Rectangle((x, 0), 0.92, 1, color=VERDICT_COLORS[row["verdict"]], ec="0.4"))
        ax.annotate(str(claim_id), (x + 0.46, 0.5), ha="center", va="center", fontsize=7, rotation=90)
        ax.annotate(str(row["notebook"])[:2], (x + 0.46, -0.15), ha="center", va="top", fontsize=6, color="0.4")
    ax.set_xlim(0, len(table))
    ax.set_ylim(-0.5, 1.05)
    ax.axis("off")
    handles = [Patch(color=c, label=v) for v, c in VERDICT_COLORS.items()]
    ax.legend(handles=handles, ncol=6, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False)
    ax.set_title(title)
    return fig
