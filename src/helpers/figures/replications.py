"""Figures for notebook 08 (published results replicated on our data), built on :mod:`helpers.figures.style`.

Each figure sets our estimate, with its interval, beside the published figure, with the source line
and the data's last date (:func:`helpers.figures.style.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.figures import style

_PUB_COLOR = "0.15"


def correlation_figure(rolling: pd.Series, table: pd.DataFrame, published: Mapping[str, float], title: str,
                       source: str, last_date: str | pd.Timestamp, window: int = 60) -> Figure:
    """Top: the rolling correlation of daily BTC and S&P 500 returns; bottom: each period's correlation.

    Parameters
    ----------
    rolling : Series
        :func:`helpers.studies.replications.rolling_correlation`.
    table : DataFrame
        :func:`helpers.studies.replications.period_correlations` (index period labels).
    published : mapping period label -> value
        Published correlations, drawn as black diamonds.
    """
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), height_ratios=[1.2, 1])
    top.plot(rolling.index, rolling.to_numpy(), color=style.QE_COLOR, lw=1)
    top.axhline(0, color="0.2", lw=0.6)
    for label, row in table.iterrows():
        top.hlines(row["r"], row["start"], row["end"], color=style.QT_COLOR, lw=2.5,
                   label="period correlation" if label == table.index[0] else None)
    top.set(ylabel=f"{window}-day rolling correlation", title="Rolling and period correlations of daily returns")
    top.legend(fontsize=8, loc="upper left")
    x = np.arange(len(table))
    lo = table["lo_boot"].where(table["lo_boot"].notna(), table["lo_fisher"])
    hi = table["hi_boot"].where(table["hi_boot"].notna(), table["hi_fisher"])
    bottom.bar(x, table["r"], color=style.QT_COLOR, width=0.6, label="ours")
    bottom.errorbar(x, table["r"], yerr=np.vstack([table["r"] - lo, hi - table["r"]]), fmt="none", ecolor="0.2",
                    capsize=4, lw=1, label="95% block-bootstrap interval")
    pub_x = [i for i, lab in enumerate(table.index) if lab in published]
    if pub_x:
        bottom.plot(pub_x, [published[table.index[i]] for i in pub_x], "D", color=_PUB_COLOR, ms=8,
                    label="published (IMF 2022)")
    bottom.axhline(0, color="0.2", lw=0.6)
    labels = [f"{str(lab).replace('_', '-')}\nN={int(n)} days" for lab, n in zip(table.index, table["n"], strict=True)]
    bottom.set_xticks(x, labels)
    bottom.set(ylabel="correlation of daily log returns")
    bottom.legend(fontsize=8, loc="upper left")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def agreement_figure(table: pd.DataFrame, published: Mapping[int, float], title: str, source: str,
                     last_date: str | pd.Timestamp) -> Figure:
    """Per window: the observed agreement, what unrelated series give (shift null), and the published share.

    Parameters
    ----------
    table : DataFrame
        :func:`helpers.studies.replications.agreement_table` (index window in months).
    published : mapping window -> share
        Callahan and Alden's shares with global M2.
    """
    fig, ax = style.new(figsize=(9, 4.2))
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["agreement"], width=0.38, color=style.QT_COLOR, label="BTC and US M2, same direction")
    ax.bar(x + 0.2, table["null_mean"], width=0.38, color="0.7", label="unrelated (one series shifted)")
    ax.errorbar(x + 0.2, table["null_mean"],
                yerr=np.vstack([table["null_mean"] - table["null_lo"], table["null_hi"] - table["null_mean"]]),
                fmt="none", ecolor="0.2", capsize=4, lw=1, label="95% of shifts")
    ax.plot(x - 0.2, table["btc_up"], "_", color=style.QE_COLOR, ms=30, mew=2.5, label="base rate: BTC rose")
    pub = [(i, published[w]) for i, w in enumerate(table.index) if w in published]
    if pub:
        ax.plot([p[0] - 0.2 for p in pub], [p[1] for p in pub], "D", color=_PUB_COLOR, ms=8,
                label="published, global M2 (Callahan & Alden 2024)")
    ax.set_xticks(x, [f"{w}-month windows\nN={int(n)}" for w, n in zip(table.index, table["n"], strict=True)])
    ax.set(ylim=(0, 1), ylabel="share of windows")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.set_title(title)
    return style.finish(fig, source, last_date)


def weekday_figure(tables: Mapping[str, pd.DataFrame], title: str, source: str,
                   last_date: str | pd.Timestamp, highlight: str = "monday") -> Figure:
    """Mean daily BTC log return by weekday minus the other days, with 95% HAC intervals, one panel per sample.

    Parameters
    ----------
    tables : mapping sample name -> DataFrame
        :func:`helpers.methods.weekday.weekday_effects` outputs.
    highlight : str
        The day the published study singled out, drawn in the accent colour.
    """
    names = list(tables)
    fig, axes = plt.subplots(1, len(names), figsize=(10, 4.2), squeeze=False, sharey=True)
    for ax, name in zip(axes[0], names, strict=True):
        t = tables[name]
        x = np.arange(len(t))
        colors = [style.QT_COLOR if d == highlight else "0.65" for d in t.index]
        ax.bar(x, 100 * t["diff"], color=colors, width=0.7)
        ax.errorbar(x, 100 * t["diff"], yerr=100 * np.vstack([t["diff"] - t["lo"], t["hi"] - t["diff"]]),
                    fmt="none", ecolor="0.2", capsize=3, lw=1)
        ax.axhline(0, color="0.2", lw=0.6)
        ax.set_xticks(x, [d[:3].capitalize() for d in t.index])
        ax.set_title(f"{name}\nN={int(t['n'].iloc[0])} days; smallest Holm p = {t['p_holm'].min():.2f}",
                     fontsize=9)
    axes[0, 0].set_ylabel("day minus other days, % log return")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)
