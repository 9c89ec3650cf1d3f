"""Figures for notebook 04 (sector rotation), built on :mod:`helpers.figures.style`.

Every function returns a finished figure: a title that states the finding (passed by the
notebook, which knows the numbers), axes with units, BTC's uptrend episodes shaded where time is
on the x-axis, and the source line with the data's last date (:func:`helpers.figures.style.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.patches as mpatches
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.figures import style

#: Colours of the sectors, used in every figure of the notebook.
SECTOR_COLORS: dict[str, str] = {"btc": "#f2a900", "eth": "#627eea", "alt": "#2a9d8f", "defi": "#9b5de5",
                                 "large": "#f2a900", "mid": "#2a9d8f", "small": "#9b5de5"}
UPTREND_COLOR = "#8ecae6"
ALTSEASON_COLOR = "#e76f51"


def _color(name: str, i: int) -> str:
    base = name.split("/")[0].split(" ")[0].lower()
    if base in SECTOR_COLORS:
        return SECTOR_COLORS[base]
    pal = sns.color_palette("tab10", 10)
    return "#" + "".join(f"{round(255 * c):02x}" for c in pal[i % 10])


def _shade_episodes(ax: Axes, episodes: pd.DataFrame, end: pd.Timestamp, label: str = "BTC uptrend") -> None:
    spans = [(r.confirmed, end if pd.isna(r.ended) else r.ended) for r in episodes.itertuples()]
    style.shade(ax, spans, UPTREND_COLOR, label, alpha=0.35)


def sector_levels(levels: pd.DataFrame, members: pd.DataFrame, episodes: pd.DataFrame, title: str, source: str,
                  last_date: str | pd.Timestamp) -> Figure:
    """Sector indices on a log scale over BTC's uptrend episodes, and the number of basket members.

    Parameters
    ----------
    levels : DataFrame
        Daily levels (BTC first, then ETH and the baskets). Each later line is rebased to BTC's
        level on its first date, so it starts on BTC's line and its distance from it is its
        performance relative to BTC since then.
    members : DataFrame
        Daily member counts of the baskets.
    episodes : DataFrame
        BTC uptrend episodes (``confirmed``, ``ended``).
    """
    fig, (ax, ax2) = style.new(2, 1, figsize=(10, 6.4), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    btc = levels.iloc[:, 0].dropna()
    for i, col in enumerate(levels.columns):
        s = levels[col].dropna()
        base = btc.reindex([s.index[0]]).iloc[0] if s.index[0] >= btc.index[0] else s.iloc[0]
        ax.plot(s.index, s / s.iloc[0] * base, color=_color(col, i), lw=1.2, label=col)
    ax.set_yscale("log")
    _shade_episodes(ax, episodes, levels.index[-1])
    ax.set(title=title, ylabel="index, log scale (BTC in USD; others\nrebased to BTC's level on their first day)")
    ax.legend(fontsize=8, ncol=5, loc="upper left")
    for i, col in enumerate(members.columns):
        ax2.step(members.index, members[col], where="post", color=_color(col, i), lw=1.2, label=col)
    ax2.set(ylabel="basket members", xlabel="date (daily close, 00:00 UTC)")
    ax2.legend(fontsize=8, loc="upper left")
    return style.finish(fig, source, last_date)


def relative_strength_lines(rs: pd.DataFrame, episodes: pd.DataFrame, title: str, source: str,
                            last_date: str | pd.Timestamp) -> Figure:
    """Relative strength ln(sector / BTC) over time, each line starting at 0, BTC uptrends shaded."""
    fig, ax = style.new(figsize=(10, 4.8))
    for i, col in enumerate(rs.columns):
        s = rs[col].dropna()
        ax.plot(s.index, s - s.iloc[0], color=_color(col, i), lw=1.1, label=col)
    _shade_episodes(ax, episodes, rs.index[-1])
    ax.axhline(0, color="0.3", lw=0.7)
    ax.set(title=title, ylabel="ln(sector / BTC), 0 at the line's start", xlabel="date")
    ax.legend(fontsize=8, ncol=4, loc="upper left")
    return style.finish(fig, source, last_date)


def episode_paths(paths: Mapping[str, pd.DataFrame], band: tuple[int, int], title: str, source: str,
                  last_date: str | pd.Timestamp, ylabel: str = "change of ln(sector / BTC) since day 0") -> Figure:
    """Relative-strength paths after each BTC uptrend confirmation, one panel per sector.

    Parameters
    ----------
    paths : mapping of str to DataFrame
        :func:`helpers.methods.eventstudy.event_paths` of each sector's relative strength (index event day,
        one column per episode).
    band : (int, int)
        The claimed window (days 30-90), shaded.
    """
    fig, axes = style.new(1, len(paths), figsize=(4.2 * len(paths), 4.6), sharey=True, squeeze=False)
    episodes = sorted({str(c) for frame in paths.values() for c in frame.columns})
    colors = dict(zip(episodes, sns.color_palette("tab10", max(len(episodes), 1)), strict=False))
    for ax, (name, frame) in zip(axes[0], paths.items(), strict=True):
        ax.axvspan(*band, color=ALTSEASON_COLOR, alpha=0.12, lw=0)
        for col in frame.columns:
            ax.plot(frame.index, frame[col], lw=0.9, alpha=0.75, color=colors[str(col)])
        ax.plot(frame.index, frame.median(axis=1), color="0.1", lw=2.4)
        ax.axhline(0, color="0.3", lw=0.7)
        ax.set(title=f"{name}: N={frame.iloc[0].notna().sum()} episodes",
               xlabel="days after BTC's uptrend is established")
    axes[0][0].set_ylabel(ylabel)
    handles: list[Artist] = [plt.Line2D([], [], color=colors[e], lw=1.2) for e in episodes]
    handles += [plt.Line2D([], [], color="0.1", lw=2.4), mpatches.Patch(color=ALTSEASON_COLOR, alpha=0.3)]
    widest = max(range(len(paths)), key=lambda i: list(paths.values())[i].shape[1])
    axes[0][widest].legend(handles, [*episodes, "median", f"days {band[0]}-{band[1]}"], loc="upper left", ncol=2,
                           fontsize=7)
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def onset_lags_figure(lags: pd.DataFrame, band: tuple[int, int], title: str, source: str,
                      last_date: str | pd.Timestamp, clip: int | None = None) -> Figure:
    """Days from BTC's uptrend to each sector's own uptrend, per BTC episode.

    The x axis is linear within +-100 days (where the claim and most lags lie) and logarithmic
    beyond, so that lags of several hundred days stay on the axes instead of being cut off.

    Parameters
    ----------
    lags : DataFrame
        Rows BTC episodes (confirmation dates), columns sectors; NaN where not measurable.
    band : (int, int)
        The claimed lag (30-90 days), shaded.
    clip : int, optional
        If given, lags beyond +-clip are drawn at the edge with their value written beside them.
    """
    fig, ax = style.new(figsize=(10, 4.6))
    ax.axvspan(*band, color=ALTSEASON_COLOR, alpha=0.15, lw=0, label=f"claim: {band[0]}-{band[1]} days after BTC")
    ax.axvline(0, color="0.3", lw=0.8)
    y = np.arange(len(lags))
    for i, col in enumerate(lags.columns):
        v = lags[col].to_numpy(float)
        shown = np.clip(v, -clip, clip) if clip is not None else v
        ax.scatter(shown, y + (i - 1) * 0.18, color=_color(col, i), s=40, label=col, zorder=3)
        for yy, vv in zip(y, v, strict=True):
            if clip is not None and np.isfinite(vv) and abs(vv) > clip:
                ax.annotate(f"{vv:+.0f}", (np.sign(vv) * clip, yy + (i - 1) * 0.18), fontsize=7,
                            ha="right" if vv > 0 else "left", va="bottom")
    finite = lags.to_numpy(float)[np.isfinite(lags.to_numpy(float))]
    reach = max([float(np.abs(finite).max()) if finite.size else 0.0, float(band[1])]) * 1.15
    ax.set_xscale("symlog", linthresh=100, linscale=2)
    ax.set_xlim(-reach if clip is None else -clip * 1.1, reach if clip is None else clip * 1.1)
    ticks = [t for t in (-1000, -300, -100, -50, 0, 30, 90, 300, 1000) if abs(t) <= reach]
    ax.set_xticks(ticks, [f"{t:+d}" if t else "0" for t in ticks])
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.set_yticks(y, [f"{d:%Y-%m-%d}" for d in lags.index])
    ax.invert_yaxis()
    ax.set(title=title, xlabel="days from BTC's uptrend to the sector's own (negative: the sector was first; "
                               "log scale beyond ±100)", ylabel="BTC uptrend established on")
    ax.legend(fontsize=8, loc="lower right")
    return style.finish(fig, source, last_date)


def cross_correlation_grid(profiles: Mapping[str, pd.DataFrame], title: str, source: str,
                           last_date: str | pd.Timestamp, unit: str = "weeks") -> Figure:
    """Cross-correlations corr(BTC_t, sector_{t+k}) with the band under independence, one panel per sector."""
    fig, axes = style.new(1, len(profiles), figsize=(4.2 * len(profiles), 3.8), sharey=True, squeeze=False)
    for i, (ax, (name, prof)) in enumerate(zip(axes[0], profiles.items(), strict=True)):
        ax.bar(prof.index, prof["r"], color=_color(name, i), width=0.8)
        ax.fill_between(prof.index, -prof["band"], prof["band"], color="0.5", alpha=0.2, lw=0,
                        label="95% band, no link")
        ax.axhline(0, color="0.3", lw=0.7)
        ax.set(title=name, xlabel=f"k ({unit}; k > 0: BTC leads)")
    axes[0][0].set_ylabel("correlation of log returns")
    axes[0][0].legend(fontsize=7, loc="upper left")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def dominance_breadth(dominance: pd.Series, breadth: pd.Series, episodes: pd.DataFrame,
                      altseasons: Sequence[tuple[pd.Timestamp, pd.Timestamp]], threshold: float, title: str,
                      source: str, last_date: str | pd.Timestamp) -> Figure:
    """BTC dominance and altcoin breadth, BTC uptrends and altseasons shaded.

    Parameters
    ----------
    dominance : Series
        BTC market cap / total crypto market cap, percent.
    breadth : Series
        :func:`helpers.methods.baskets.breadth` (share of tokens beating BTC over 90 days).
    altseasons : sequence of (start, end)
        Periods with breadth at or above ``threshold``.
    """
    fig, (ax, ax2) = style.new(2, 1, figsize=(10, 6.2), sharex=True)
    ax.plot(dominance.index, dominance, color=SECTOR_COLORS["btc"], lw=1.1)
    _shade_episodes(ax, episodes, dominance.index[-1])
    style.shade(ax, altseasons, ALTSEASON_COLOR, f"altseason (breadth >= {threshold:.0%})", alpha=0.35)
    ax.set(title=title, ylabel="BTC dominance (%)")
    ax.legend(fontsize=8, loc="upper right")
    ax2.plot(breadth.index, breadth, color=SECTOR_COLORS["alt"], lw=0.9)
    ax2.axhline(threshold, color=ALTSEASON_COLOR, ls="--", lw=1)
    style.shade(ax2, altseasons, ALTSEASON_COLOR, None, alpha=0.35)
    ax2.yaxis.set_major_formatter(mticker.PercentFormatter(1.0))
    ax2.set(ylabel="share beating BTC (90 d)", xlabel="date")
    return style.finish(fig, source, last_date)


def interval_plot(table: pd.DataFrame, title: str, xlabel: str, source: str, last_date: str | pd.Timestamp,
                  est: str = "diff", lo: str = "lo", hi: str = "hi", n: str | None = "n") -> Figure:
    """Point estimates with intervals, one row per line of ``table`` (labelled by its index), zero marked."""
    fig, ax = style.new(figsize=(10, 0.55 * len(table) + 1.6))
    y = np.arange(len(table))
    colors = [_color(str(k), i) for i, k in enumerate(table.index)]
    ax.hlines(y, table[lo], table[hi], colors=colors, lw=2.5)
    ax.scatter(table[est], y, color=colors, s=45, zorder=3)
    ax.axvline(0, color="0.3", lw=0.8)
    labels = [f"{k} (N={int(table.loc[k, n])})" if n else str(k) for k in table.index]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel)
    return style.finish(fig, source, last_date)


def rally_anatomy(rallies: pd.DataFrame, order: Sequence[str], title: str, source: str,
                  last_date: str | pd.Timestamp) -> Figure:
    """Gain, time to peak and drawdown after the peak, by size bucket (one dot per asset and episode).

    The drawdown panel keeps only peaks followed by a full year of data.

    Parameters
    ----------
    rallies : DataFrame
        :func:`helpers.methods.rally_anatomy.episode_rallies` with a ``bucket`` column.
    order : sequence of str
        Buckets from the largest to the smallest.
    """
    panels = [("gain", "trough-to-peak gain (log; 0.69 = doubling)"), ("days_to_peak", "days from trough to peak"),
              ("drawdown_after", "fall within 365 days after the peak (log)")]
    fig, axes = style.new(1, 3, figsize=(12, 4.4))
    palette = {b: SECTOR_COLORS.get(b, "0.4") for b in order}
    rallies = rallies.assign(drawdown_after=rallies["drawdown_after"].where(rallies["after_complete"]))
    for ax, (col, label) in zip(axes, panels, strict=True):
        sns.boxplot(data=rallies, x="bucket", y=col, order=list(order), ax=ax, color="0.92", fliersize=0, width=0.5)
        for i, b in enumerate(order):  # dots with a fixed jitter (seaborn's stripplot jitter is not seeded)
            v = rallies.loc[rallies["bucket"] == b, col].dropna().to_numpy()
            jitter = np.random.default_rng(i).uniform(-0.18, 0.18, v.size)
            ax.scatter(i + jitter, v, s=12, color=palette[b], zorder=3)
        counts = rallies.dropna(subset=[col]).groupby("bucket").size().reindex(list(order)).fillna(0).astype(int)
        ax.set_xticks(range(len(order)), [f"{b}\nN={counts[b]}" for b in order])
        ax.set(ylabel=label, xlabel="")
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, f"{source.rstrip('.')}. Boxes: median and quartiles, one dot per token and episode; the buckets are "
                             "described, not tested here: the tests with intervals (Holm) are in the C19 table",
                        last_date)
