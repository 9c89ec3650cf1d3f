"""Figures for notebook 03 (pivot event studies), built on :mod:`helpers.figures.style`.

Every function returns a finished figure: title stating the question or finding, axes with
units, and the source line with the data's last date (:func:`helpers.figures.style.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.figures import style
from helpers.methods.placebo import PlaceboResult
from helpers.methods.rallies import RallyDefinition

_LOG_NOTE = "cumulative log return (0.69 = doubling)"


def _direction_colors(labels: Sequence[str], directions: Mapping[str, str] | None) -> dict[str, str]:
    """Easing events in greens/blues, tightening in reds (per label)."""
    directions = directions or {}
    easing = [lab for lab in labels if directions.get(lab, "easing") == "easing"]
    tight = [lab for lab in labels if directions.get(lab) == "tightening"]
    qualitative = [c for i, c in enumerate(sns.color_palette("tab10", 10)) if i != 3]  # no red for easing
    cols = {lab: qualitative[i % len(qualitative)] for i, lab in enumerate(easing)}
    cols.update(dict(zip(tight, sns.color_palette("Reds_r", max(len(tight), 1) + 1), strict=False)))
    return {k: mpl_hex(v) for k, v in cols.items()}


def mpl_hex(rgb: Sequence[float]) -> str:
    """An RGB triple as a hex colour string."""
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


def _draw_paths(ax: Axes, paths: pd.DataFrame, band: pd.DataFrame | None, colors: Mapping[str, str],
                highlight: str | None, span: tuple[int, int] | None) -> None:
    if band is not None:
        q = list(band.columns)
        ax.fill_between(band.index, band[q[0]], band[q[-1]], color="0.85", lw=0,
                        label=f"random days, {round(100 * q[0])}-{round(100 * q[-1])}th pct")
        ax.plot(band.index, band[q[len(q) // 2]], color="0.45", ls="--", lw=1, label="random days, median")
    if span is not None:
        ax.axvspan(span[0], span[1], color="0.6", alpha=0.07, lw=0)
    for label in paths.columns:
        lw, z, alpha = (2.8, 5, 1.0) if label == highlight else (1.2, 3, 0.55 if highlight else 1.0)
        ax.plot(paths.index, paths[label], color=colors.get(label, "0.3"), lw=lw, zorder=z, alpha=alpha, label=label)
    ax.axvline(0, color="0.2", lw=0.8)
    ax.axhline(0, color="0.2", lw=0.6)


def event_paths_figure(paths: pd.DataFrame, band: pd.DataFrame | None, title: str, source: str,
                       last_date: str | pd.Timestamp, directions: Mapping[str, str] | None = None,
                       highlight: str | None = None, span: tuple[int, int] | None = (180, 540),
                       ylabel: str = _LOG_NOTE) -> Figure:
    """Event-time paths of one asset, over the band of paths from random days.

    Parameters
    ----------
    paths : pd.DataFrame
        :func:`helpers.methods.eventstudy.event_paths` (index event day, one column per event).
    band : pd.DataFrame or None
        :func:`helpers.methods.eventstudy.unconditional_band` (quantile columns), drawn in grey.
    directions : mapping label -> "easing" / "tightening", optional
        Colours easing turns cool and tightening turns red.
    highlight : str, optional
        Label drawn thicker (the newest event).
    span : (int, int) or None
        Shaded "rally window" (default days 180-540).
    """
    fig, ax = style.new(figsize=(10, 5.2))
    _draw_paths(ax, paths, band, _direction_colors(list(paths.columns), directions), highlight, span)
    ax.set(title=title, xlabel="calendar days from the event (0 = event-day close)", ylabel=ylabel)
    ax.legend(fontsize=7, ncol=3, loc="upper left")
    return style.finish(fig, source, last_date)


def asset_paths_grid(paths: Mapping[str, pd.DataFrame], bands: Mapping[str, pd.DataFrame], title: str,
                     source: str, last_date: str | pd.Timestamp, ylabels: Mapping[str, str] | None = None,
                     directions: Mapping[str, str] | None = None) -> Figure:
    """Small multiples: the same events' paths for several assets, each over its random-day band."""
    names = list(paths)
    ncols = 2
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.6 * nrows), sharex=True, squeeze=False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        colors = _direction_colors(list(paths[name].columns), directions)
        _draw_paths(ax, paths[name], bands.get(name), colors, None, (180, 540))
        ax.set_title(name, fontsize=10)
        ax.set_ylabel((ylabels or {}).get(name, "cumulative log return"), fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("calendar days from the event")
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    spare = axes.ravel()[len(names):]
    for ax in spare:
        ax.set_axis_off()
    if len(spare):
        spare[0].legend(handles, labels, loc="center", fontsize=9, title="event (grey: random days)")
    else:
        fig.legend(handles, labels, loc="outside lower center", ncol=6, fontsize=7)
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def percentile_heatmap(pct: pd.DataFrame, title: str, source: str, last_date: str | pd.Timestamp) -> Figure:
    """Events x horizons heat map of each event's percentile among all windows of that length."""
    fig, ax = style.new(figsize=(8, 0.42 * len(pct) + 1.8))
    sns.heatmap(pct.astype(float), annot=True, fmt=".0f", cmap="RdBu", center=50, vmin=0, vmax=100,
                cbar_kws={"label": "percentile among random days (50 = typical)"}, ax=ax, linewidths=0.5)
    ax.set(title=title, xlabel="horizon (calendar days after the event)", ylabel="event")
    return style.finish(fig, source, last_date)


def placebo_figure(results: Mapping[tuple[str, int], PlaceboResult], title: str, source: str,
                   last_date: str | pd.Timestamp, p_holm: Mapping[tuple[str, int], float] | None = None) -> Figure:
    """Histograms of placebo means (N random days) with the events' mean marked, one panel per test."""
    keys = list(results)
    ncols = 4 if len(keys) > 4 else len(keys)
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(12, 2.8 * nrows), squeeze=False)
    for ax, key in zip(axes.ravel(), keys, strict=False):
        res = results[key]
        ax.hist(res.draws, bins=50, color="0.7")
        ax.axvline(res.event_mean, color=style.QE_COLOR, lw=2)
        p = (p_holm or {}).get(key)
        extra = f", Holm {p:.2f}" if p is not None else ""
        ax.set_title(f"{key[0]}, {key[1]} d (N={res.n_events})\np={res.p_value:.3f}{extra}", fontsize=9)
        ax.set_xlabel("mean log return", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(keys):]:
        ax.set_visible(False)
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def rally_figure(best: pd.Series, definitions: Sequence[RallyDefinition], title: str, source: str,
                 last_date: str | pd.Timestamp, directions: Mapping[str, str] | None = None,
                 partial: Sequence[str] = ()) -> Figure:
    """Best 6-18 month log return after each event, against each definition of "strong rally".

    ``partial`` names events whose window is not complete (drawn hatched: best so far).
    """
    directions = directions or {}
    fig, ax = style.new(figsize=(10, 0.4 * len(best) + 2))
    y = np.arange(len(best))[::-1]
    colors = [style.QT_COLOR if directions.get(k) == "tightening" else style.QE_COLOR for k in best.index]
    bars = ax.barh(y, best.fillna(0).to_numpy(), color=colors)
    for bar, label in zip(bars, best.index, strict=True):
        if label in partial:
            bar.set_hatch("///")
            bar.set_alpha(0.5)
    styles = ["--", ":", "-."]
    for i, d in enumerate(definitions):
        ax.axvline(d.threshold, color="0.2", ls=styles[i % 3], lw=1.2, label=f"{d.name} ({d.threshold:.2f})")
    ax.set_yticks(y, [f"{k}{' (so far)' if k in partial else ''}" for k in best.index], fontsize=8)
    ax.axvline(0, color="0.2", lw=0.6)
    ax.set(title=title, xlabel="best cumulative log return between days 180 and 540 (0.69 = doubling)")
    ax.legend(fontsize=8, loc="lower right")
    return style.finish(fig, source, last_date)


def timeline_figure(prices: pd.Series, pivots: pd.DataFrame, confounders: Mapping[str, str | pd.Timestamp],
                    title: str, source: str, last_date: str | pd.Timestamp,
                    recessions: Sequence[tuple[str, str]] = (), start: str = "2018-06-01") -> Figure:
    """Price on a log axis with pivots (colour by direction) and confounders on the same timeline.

    Parameters
    ----------
    pivots : pd.DataFrame
        Columns ``date`` and ``direction`` (``easing`` / ``tightening``).
    confounders : mapping label -> date
        Other shocks (halvings, ETF approval, COVID crash), drawn grey and labelled.
    recessions : sequence of (start, end)
        Shaded periods (e.g. the NBER COVID recession).
    """
    fig, ax = style.new(figsize=(11, 5))
    p = prices.loc[start:]
    ax.plot(p.index, p.to_numpy(), color="0.15", lw=1)
    ax.set_yscale("log")
    if recessions:
        style.shade(ax, list(recessions), "0.5", "NBER recession", alpha=0.2)
    labelled: list[pd.Timestamp] = []
    for direction, color in (("easing", style.QE_COLOR), ("tightening", style.QT_COLOR)):
        dates = pivots.loc[pivots["direction"] == direction, "date"]
        for i, d in enumerate(dates):
            ax.axvline(d, color=color, lw=1.4, alpha=0.9, label=f"Fed {direction} turn" if i == 0 else None)
            if all(abs((d - x).days) > 45 for x in labelled):  # one label per cluster of close dates
                labelled.append(d)
                ax.annotate(f"{d:%Y-%m-%d}", (d, 0.01), xycoords=("data", "axes fraction"), rotation=90,
                            va="bottom", ha="right", fontsize=7, color=color)
    style.mark_events(ax, list(confounders.values()), list(confounders.keys()), color="0.45")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set(title=title, ylabel="USD (log scale)", xlabel="")
    ax.legend(fontsize=8, loc="upper left")
    return style.finish(fig, source, last_date)


def runup_figure(runups: pd.DataFrame, title: str, source: str, last_date: str | pd.Timestamp,
                 band: tuple[float, float, float] | None = None) -> Figure:
    """Pre-event run-up (-90 to 0 days) per event and asset, against the random-day 10/50/90th pct.

    Parameters
    ----------
    runups : pd.DataFrame
        Rows events, columns assets (log returns).
    band : (float, float, float), optional
        10th, 50th, 90th percentile of 90-day log returns of the first column's asset.
    """
    fig, ax = style.new(figsize=(10, 4.8))
    runups.plot.bar(ax=ax, width=0.8, color=sns.color_palette("deep", runups.shape[1]))
    if band is not None:
        ax.axhspan(band[0], band[2], color="0.85", zorder=0,
                   label=f"{runups.columns[0]}: 10-90th pct of random 90-day returns")
        ax.axhline(band[1], color="0.45", ls="--", lw=1, label=f"{runups.columns[0]}: median")
    ax.axhline(0, color="0.2", lw=0.6)
    ax.set(title=title, ylabel="log return from day -90 to day 0", xlabel="")
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8, ncol=3)
    return style.finish(fig, source, last_date)
