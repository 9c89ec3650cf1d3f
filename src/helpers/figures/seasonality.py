"""Figures for notebook 05 (seasonality, flows and liquidation flushes), built on :mod:`helpers.figures.style`.

Every function returns a finished figure: a title that states the finding, axes with units, and
the source line with the data's last date (:func:`helpers.figures.style.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers.figures import style

_BP = 1e4  # funding rate as basis points per 8 h


def month_of_year_figure(tables: Mapping[str, pd.DataFrame], title: str, source: str,
                         last_date: str | pd.Timestamp, alpha: float = 0.05) -> Figure:
    """Mean log change by calendar period with 95% intervals and medians, one panel per series.

    Parameters
    ----------
    tables : mapping name -> DataFrame
        :func:`helpers.methods.seasonal.period_table` outputs (index period labels).
    alpha : float
        Bars whose Holm-adjusted p is below ``alpha`` are drawn in the accent colour.
    """
    names = list(tables)
    fig, axes = plt.subplots(len(names), 1, figsize=(10, 2.9 * len(names)), squeeze=False, sharex=True)
    for ax, name in zip(axes[:, 0], names, strict=True):
        t = tables[name]
        x = np.arange(len(t))
        colors = [style.QT_COLOR if p < alpha else "0.65" for p in t["p_holm"]]
        ax.bar(x, t["mean"], color=colors, width=0.7, label="mean")
        err = np.vstack([t["mean"] - t["mean_lower"], t["mean_upper"] - t["mean"]])
        ax.errorbar(x, t["mean"], yerr=err, fmt="none", ecolor="0.2", lw=1, capsize=3, label="95% interval")
        ax.plot(x, t["median"], "o", color=style.QE_COLOR, ms=5, label="median")
        ax.axhline(0, color="0.2", lw=0.6)
        n = f"N={t['n_years'].min()}-{t['n_years'].max()} years" if t["n_years"].nunique() > 1 \
            else f"N={t['n_years'].iloc[0]} years"
        ax.set_title(f"{name} ({n}); smallest Holm p = {t['p_holm'].min():.2f}", fontsize=10)
        ax.set_ylabel("log change", fontsize=9)
        ax.set_xticks(x, list(t.index))
    axes[0, 0].legend(fontsize=8, ncol=3, loc="upper left")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def year_month_heatmap(wide: pd.DataFrame, title: str, source: str, last_date: str | pd.Timestamp,
                       limit: float = 0.5) -> Figure:
    """Years x months heat map of monthly log returns: which single years drive a month's mean."""
    labels = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    fig, ax = style.new(figsize=(10, 0.38 * len(wide) + 1.6))
    sns.heatmap(wide.set_axis(labels[:wide.shape[1]], axis=1), annot=True, fmt=".2f", cmap="RdBu", center=0,
                vmin=-limit, vmax=limit, annot_kws={"fontsize": 7}, linewidths=0.4, ax=ax,
                cbar_kws={"label": "monthly log return"})
    ax.grid(False)
    ax.set(title=title, xlabel="", ylabel="year")
    return style.finish(fig, source, last_date)


def turn_of_year_figure(tables: Mapping[str, pd.DataFrame], title: str, source: str,
                        last_date: str | pd.Timestamp, early_days: int = 14) -> Figure:
    """Per year: the November-December log return and the early-January one, one panel per asset.

    Parameters
    ----------
    tables : mapping name -> DataFrame
        :func:`helpers.methods.seasonal.turn_of_year` outputs (columns ``nov_dec`` and ``early_jan``).
    """
    names = list(tables)
    fig, axes = plt.subplots(len(names), 1, figsize=(10, 2.9 * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=True):
        t = tables[name].dropna(how="all")
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["nov_dec"], 0.4, color=style.QT_COLOR, label="Nov-Dec (31 Oct to 31 Dec)")
        ax.bar(x + 0.2, t["early_jan"], 0.4, color=style.QE_COLOR,
               label=f"early January (31 Dec + {early_days} days, start of next year)")
        ax.axhline(0, color="0.2", lw=0.6)
        ax.set_xticks(x, [str(y) for y in t.index], fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.set_ylabel("log return", fontsize=9)
    axes[-1, 0].legend(fontsize=8, loc="lower right")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def rebalancing_scatter(toy: pd.DataFrame, rho: float, p: float, title: str, source: str,
                        last_date: str | pd.Timestamp) -> Figure:
    """Year-to-date return (to 30 Nov) against the December return, each year labelled.

    Fixed-weight rebalancing sells what rose during the year: it predicts a negative slope.
    """
    t = toy.dropna(subset=["jan_nov", "december"])
    fig, ax = style.new(figsize=(8, 5))
    ax.scatter(t["jan_nov"], t["december"], color=style.QE_COLOR, s=40, zorder=3)
    for y, row in t.iterrows():
        ax.annotate(str(y), (row["jan_nov"], row["december"]), xytext=(4, 3), textcoords="offset points", fontsize=8)
    ax.axhline(0, color="0.2", lw=0.6)
    ax.axvline(0, color="0.2", lw=0.6)
    ax.set(title=title, xlabel="log return 31 Dec (previous year) to 30 Nov",
           ylabel="log return in December (30 Nov to 31 Dec)")
    ax.text(0.02, 0.94, f"Spearman rho = {rho:+.2f}, p = {p:.2f}, N = {len(t)} years", transform=ax.transAxes,
            fontsize=9)
    return style.finish(fig, source, last_date)


def quarter_growth_figure(wide: pd.DataFrame, table: pd.DataFrame, title: str, source: str,
                          last_date: str | pd.Timestamp, ylabel: str = "quarterly log change") -> Figure:
    """Quarterly growth per year (one line per year) with the mean and its 95% interval per quarter.

    Parameters
    ----------
    wide : pd.DataFrame
        :func:`helpers.methods.seasonal.by_year` of quarterly changes (rows years, columns 1..4).
    table : pd.DataFrame
        :func:`helpers.methods.seasonal.period_table` of the same changes.
    """
    fig, ax = style.new(figsize=(9, 5))
    x = np.arange(1, wide.shape[1] + 1)
    palette = sns.color_palette("viridis", len(wide))
    for color, (year, row) in zip(palette, wide.iterrows(), strict=True):
        ax.plot(x, row.to_numpy(), "-o", color=color, lw=1, ms=4, alpha=0.8, label=str(year))
    err = np.vstack([table["mean"] - table["mean_lower"], table["mean_upper"] - table["mean"]])
    ax.errorbar(x + 0.12, table["mean"], yerr=err, fmt="D", color="0.1", ms=7, capsize=4, lw=1.5,
                label="mean, 95% interval")
    ax.axhline(0, color="0.2", lw=0.6)
    ax.set_xticks(x, [f"{q}\n(N={n})" for q, n in zip(table.index, table["n_years"], strict=True)])
    ax.set(title=title, ylabel=ylabel, xlabel="")
    ax.legend(fontsize=8, ncol=2, loc="upper right")
    return style.finish(fig, source, last_date)


def flush_timeline(close: pd.Series, funding: pd.Series, episodes: pd.DataFrame, title: str, source: str,
                   last_date: str | pd.Timestamp, missed: Mapping[str, str] | None = None) -> Figure:
    """BTC (log scale) with the large-drop episodes marked, flush proxies in red; funding below.

    Parameters
    ----------
    episodes : pd.DataFrame
        :func:`helpers.studies.seasonality.flush_episodes` (index event day, column ``flush``).
    missed : mapping label -> date, optional
        Known liquidation events to mark (e.g. 2025-10-10), drawn as grey dotted lines.
    """
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(11, 6.2), sharex=True, height_ratios=[2.2, 1])
    c = close.loc[funding.index[0]:]
    ax.plot(c.index, c.to_numpy(), color="0.15", lw=1)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    for flag, color, label in ((True, style.QT_COLOR, "flush proxy"), (False, "0.55", "other large drop")):
        days = episodes.index[episodes["flush"] == flag]
        ax.scatter(days, c.reindex(days), color=color, s=45, zorder=4, label=f"{label} (N={len(days)})")
        for d in days:
            bx.axvline(d, color=color, lw=0.8, alpha=0.7)
    bx.plot(funding.index, funding.to_numpy() * _BP, color=style.QE_COLOR, lw=0.7)
    bx.axhline(1.0, color="0.3", ls="--", lw=0.8, label="neutral rate 1 bp")
    bx.axhline(0.0, color="0.2", lw=0.6)
    if missed:
        for label, d in missed.items():
            for a in (ax, bx):
                a.axvline(pd.Timestamp(d), color="0.3", ls=":", lw=1.2)
            ax.annotate(label, (pd.Timestamp(d), 0.02), xycoords=("data", "axes fraction"), rotation=90,
                        va="bottom", ha="right", fontsize=7, color="0.3")
    ax.set(title=title, ylabel="BTC close, USD (log scale)")
    ax.legend(fontsize=8, loc="upper left")
    bx.set(ylabel="funding, bp per 8 h", xlabel="")
    bx.set_ylim(-5, 12)
    bx.legend(fontsize=8, loc="upper right")
    return style.finish(fig, source, last_date)


def flush_returns_figure(episodes: pd.DataFrame, bands: Mapping[int, tuple[float, float, float]], title: str,
                         source: str, last_date: str | pd.Timestamp) -> Figure:
    """Log return after each drop episode at each horizon: flush proxies vs other drops vs random days.

    Parameters
    ----------
    episodes : pd.DataFrame
        :func:`helpers.studies.seasonality.episode_returns` (columns ``flush`` and ``ret_<h>d``).
    bands : mapping horizon -> (10th, 50th, 90th percentile)
        Random-day h-day log returns over the same sample.
    """
    horizons = list(bands)
    fig, axes = plt.subplots(1, len(horizons), figsize=(5 * len(horizons), 4.4), squeeze=False)
    for ax, h in zip(axes[0], horizons, strict=True):
        lo, mid, hi = bands[h]
        ax.axhspan(lo, hi, color="0.88", zorder=0, label="random days, 10-90th pct")
        ax.axhline(mid, color="0.45", ls="--", lw=1, label="random days, median")
        for i, (flag, color, label) in enumerate(((True, style.QT_COLOR, "flush proxy"),
                                                  (False, "0.45", "other large drops"))):
            v = episodes.loc[episodes["flush"] == flag, f"ret_{h}d"].dropna()
            jitter = np.linspace(-0.12, 0.12, len(v)) if len(v) > 1 else np.zeros(len(v))
            ax.scatter(i + jitter, v, color=color, s=30, zorder=3)
            ax.plot([i - 0.25, i + 0.25], [v.mean()] * 2, color=color, lw=2.5, label=f"{label}: mean (N={len(v)})")
        ax.set_xticks([0, 1], ["flush proxy", "other drops"])
        ax.axhline(0, color="0.2", lw=0.6)
        ax.set_title(f"{h} days after the event-day close", fontsize=10)
        ax.set_ylabel("log return")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def setting_figure(close: pd.Series, funding: pd.Series, start: str, end: str, marks: Mapping[str, str],
                   title: str, source: str, last_date: str | pd.Timestamp) -> Figure:
    """BTC close and funding rate over a short window, with dated marks (the article's setting).

    Parameters
    ----------
    marks : mapping label -> date
        E.g. the QT-end announcement, the QT end, the December cut.
    """
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(10, 5.6), sharex=True, height_ratios=[2, 1])
    c, f = close.loc[start:end], funding.loc[start:end]
    ax.plot(c.index, c.to_numpy(), color="0.15", lw=1.3)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    bx.bar(f.index, f.to_numpy() * _BP, color=[style.QE_COLOR if v >= 0 else style.QT_COLOR for v in f], width=0.9)
    bx.axhline(1.0, color="0.3", ls="--", lw=0.8, label="neutral rate 1 bp")
    for a in (ax, bx):
        style.mark_events(a, list(marks.values()), list(marks.keys()) if a is ax else None)
    locator = mdates.AutoDateLocator()
    bx.xaxis.set_major_locator(locator)
    bx.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set(title=title, ylabel="BTC close, USD")
    bx.set(ylabel="funding, bp per 8 h", xlabel="")
    bx.legend(fontsize=8, loc="upper right")
    return style.finish(fig, source, last_date)


def clustering_figure(monthly: pd.DataFrame, window: Sequence[int], title: str, source: str,
                      last_date: str | pd.Timestamp | None = None) -> Figure:
    """Purchases per calendar month against the count expected without clustering."""
    fig, ax = style.new(figsize=(9, 4))
    x = np.arange(1, 13)
    colors = [style.QT_COLOR if m in window else "0.6" for m in x]
    ax.bar(x, monthly["count"], color=colors)
    ax.step(np.r_[0.5, x + 0.5], np.r_[monthly["expected_count"].iloc[0], monthly["expected_count"]], where="pre",
            color="0.1", lw=1.2, label="expected if spread over the year")
    ax.set_xticks(x, ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    ax.set(title=title, ylabel="purchases (company-months)")
    ax.legend(fontsize=8)
    return style.finish(fig, source, last_date)
