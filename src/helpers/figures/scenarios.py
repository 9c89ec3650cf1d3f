"""Figures for notebook 06 (risk scenarios and strategies), built on :mod:`helpers.figures.style`.

Every function returns a finished figure: a title that states the finding (passed in by the
notebook, which knows the numbers), axes with units, and the source line with the data's last
date (:func:`helpers.figures.style.finish`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers.figures import style
from helpers.methods.strategy_comparison import MEASURES

_USD = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
_MEASURE_LABELS = {"mean": "mean return", "median": "median return", "sd": "SD of returns",
                   "q05": "5% quantile", "cvar05": "CVaR 5%", "mdd_mean": "mean max drawdown",
                   "mdd_q95": "95% max drawdown"}
_STRATEGY_LABELS = {"lump_sum": "lump sum", "buy_and_hold": "buy and hold", "ladder": "take-profit ladder",
                    "trailing_stop": "trailing stop"}
_STAGED = re.compile(r"^staged_(\d+)w_(daily|weekly)$")


def strategy_label(code: str) -> str:
    """Plain words for a strategy code (``staged_2w_daily`` -> "staged over 2 weeks, daily buys")."""
    m = _STAGED.match(code)
    if m:
        return f"staged over {m.group(1)} weeks, {m.group(2)} buys"
    return _STRATEGY_LABELS.get(code, code.replace("_", " "))


def fan_chart(quantiles: pd.DataFrame, start: str | pd.Timestamp, start_price: float, realised: pd.Series,
              levels: Sequence[float], title: str, source: str, last_date: str | pd.Timestamp,
              other_medians: Mapping[str, pd.Series] | None = None) -> Figure:
    """Simulated price quantiles from ``start`` with the realised path drawn on top.

    Parameters
    ----------
    quantiles : DataFrame
        :func:`helpers.methods.simulation.fan_quantiles` of *relative* paths (rows days, five quantile
        columns, outermost first and last).
    start, start_price
        Day 0 and its close; the fan is ``start_price`` times the quantiles.
    realised : Series
        Closes from ``start`` on.
    levels : sequence of float
        Price levels drawn as horizontal lines (the article's 90k and 100k).
    other_medians : mapping of label to Series, optional
        Medians of other samples (relative, indexed by day), drawn dashed.
    """
    fig, ax = style.new(figsize=(10, 5.2))
    days = pd.DatetimeIndex(pd.Timestamp(start) + pd.to_timedelta(quantiles.index, unit="D"))
    q = list(quantiles.columns)
    fan = quantiles * start_price
    ax.fill_between(days, fan[q[0]], fan[q[-1]], color=style.QE_COLOR, alpha=0.15, lw=0,
                    label=f"simulated {round(100 * q[0])}-{round(100 * q[-1])}th pct")
    ax.fill_between(days, fan[q[1]], fan[q[-2]], color=style.QE_COLOR, alpha=0.3, lw=0,
                    label=f"simulated {round(100 * q[1])}-{round(100 * q[-2])}th pct")
    ax.plot(days, fan[q[len(q) // 2]], color=style.QE_COLOR, lw=1.5, label="simulated median")
    for i, (label, med) in enumerate((other_medians or {}).items()):
        ax.plot(days, med.to_numpy() * start_price, color=sns.color_palette("deep")[i + 1], lw=1.2, ls="--",
                label=f"median, {label}")
    ax.plot(realised.index, realised.to_numpy(), color="0.1", lw=2, label="realised close")
    for i, lv in enumerate(sorted(levels)):
        ax.axhline(lv, color=style.QT_COLOR, ls=":", lw=1.2)
        ax.annotate(f"{lv:,.0f}", (days[-1], lv), xytext=(-2, -10 if i == 0 else 3), textcoords="offset points",
                    fontsize=8, color=style.QT_COLOR, ha="right")
    ax.set_yscale("log")
    low = min(float(fan[q[0]].min()), float(realised.min()))
    ax.set_ylim(low * 0.9, float(fan[q[-1]].max()) * 1.1)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    ax.yaxis.set_major_formatter(_USD)
    ax.set(title=title, ylabel="BTC close, USD (log scale)", xlabel="")
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    return style.finish(fig, source, last_date)


def improvement_forest(table: pd.DataFrame, strategies: Sequence[str], measures: Sequence[str], title: str,
                       source: str, last_date: str | pd.Timestamp, xlabel: str = "relative change vs baseline "
                       "(positive = less risk or more return)") -> Figure:
    """Dot-and-whisker plot of each strategy's relative improvement on each measure, with its interval.

    Parameters
    ----------
    table : DataFrame
        :func:`helpers.methods.strategy_comparison.compare_to_baseline`, possibly several horizons stacked with an
        outer index level ``horizon``.
    strategies, measures : sequences of str
        Rows drawn (one panel per measure).
    """
    frame = table if "horizon" in (table.index.names or []) else pd.concat({0: table}, names=["horizon"])
    horizons = list(dict.fromkeys(frame.index.get_level_values("horizon")))
    fig, axes = style.new(1, len(measures), figsize=(3.0 * len(measures) + 1.5, 0.45 * len(strategies) + 2.2),
                          sharey=True, squeeze=False)
    palette = sns.color_palette("deep", len(horizons))
    y = np.arange(len(strategies))[::-1]
    for ax, m in zip(axes.ravel(), measures, strict=True):
        sign = 1.0 if MEASURES[m] == "higher" else -1.0
        for i, h in enumerate(horizons):
            rows = frame.loc[h].loc[[(s, m) for s in strategies]]
            scale = rows["baseline"].abs().to_numpy()
            lo, hi = sorted_pair(sign * rows["lo"].to_numpy() / scale, sign * rows["hi"].to_numpy() / scale)
            yy = y + (i - (len(horizons) - 1) / 2) * 0.25
            mid = rows["improvement"].to_numpy()
            ax.errorbar(mid, yy, xerr=[mid - lo, hi - mid], fmt="o", ms=4, color=palette[i], capsize=2,
                        label=f"{h} days" if h else None)
        ax.axvline(0, color="0.2", lw=0.8)
        ax.xaxis.set_major_locator(mticker.MaxNLocator(5))
        ax.set_title(_MEASURE_LABELS.get(m, m), fontsize=10)
        ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
        ax.tick_params(labelsize=8)
    axes.ravel()[0].set_yticks(y, [strategy_label(k) for k in strategies], fontsize=8)
    if horizons != [0]:
        axes.ravel()[-1].legend(fontsize=8, title="holding period", title_fontsize=8)
    fig.supxlabel(xlabel, fontsize=9)
    fig.suptitle(title, fontweight="bold")
    return style.finish(fig, source, last_date)


def sorted_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Element-wise (min, max) of two arrays (an interval after a sign flip)."""
    return np.minimum(a, b), np.maximum(a, b)


def difference_over_time(final: pd.DataFrame, strategy: str, baseline: str, prices: pd.Series, title: str,
                         source: str, last_date: str | pd.Timestamp) -> Figure:
    """Strategy minus baseline final return by start day, above the price: where staging won and lost."""
    fig, (ax0, ax1) = style.new(2, 1, figsize=(10, 6), sharex=True, height_ratios=[1, 1.4])
    p = prices.loc[final.index[0]:final.index[-1]]
    ax0.plot(p.index, p.to_numpy(), color="0.15", lw=1)
    ax0.set_yscale("log")
    ax0.yaxis.set_major_formatter(_USD)
    ax0.set_ylabel("close on the start day, USD", fontsize=8)
    d = final[strategy] - final[baseline]
    ax1.fill_between(d.index, 0, d.clip(lower=0).to_numpy(), color=style.QE_COLOR, lw=0, label=f"{strategy_label(strategy)} ahead")
    ax1.fill_between(d.index, 0, d.clip(upper=0).to_numpy(), color=style.QT_COLOR, lw=0, label=f"{strategy_label(baseline)} ahead")
    ax1.axhline(0, color="0.2", lw=0.6)
    ax1.yaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
    ax1.set_ylabel("difference in final return\n(percentage points of the stake)", fontsize=8)
    ax1.legend(fontsize=8, loc="upper left")
    ax0.set_title(title)
    return style.finish(fig, source, last_date)


def payoff_scatter(final: pd.DataFrame, baseline: str, strategies: Sequence[str], title: str, source: str,
                   last_date: str | pd.Timestamp, max_points: int = 3000) -> Figure:
    """Final value of each strategy against buy-and-hold's on the same path (log-log): the payoff profile."""
    fig, ax = style.new(figsize=(8, 6))
    rows = final.iloc[:: max(1, len(final) // max_points)]
    x = 1 + rows[baseline].to_numpy()
    palette = sns.color_palette("deep", len(strategies))
    for i, s in reversed(list(enumerate(strategies))):  # the first strategy on top
        ax.scatter(x, 1 + rows[s].to_numpy(), s=5, alpha=0.35 if i else 0.6, color=palette[i], label=strategy_label(s),
                   rasterized=True, zorder=3 if i == 0 else 2)
    lim = [min(x.min(), (1 + rows[list(strategies)]).min().min()), x.max()]
    ax.plot(lim, lim, color="0.2", lw=0.8, ls="--", label="same as buy-and-hold")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.set(title=title, xlabel=f"{strategy_label(baseline)}: final value per 1 invested", ylabel="strategy: final value per 1 invested")
    ax.legend(fontsize=8, markerscale=3, loc="upper left")
    return style.finish(fig, source, last_date)


def stress_timeline(prices: pd.Series, flags: pd.DataFrame, recessions: Sequence[tuple[str, str]], title: str,
                    source: str, last_date: str | pd.Timestamp, start: str = "2015-01-01") -> Figure:
    """BTC on a log axis with VIX-above-threshold days, HY-widening days and NBER recessions shaded."""
    fig, ax = style.new(figsize=(11, 4.8))
    p = prices.loc[start:]
    ax.plot(p.index, p.to_numpy(), color="0.15", lw=1, label="BTC close")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(_USD)
    style.shade(ax, [p for p in recessions if p[1] >= start], "0.4", "NBER recession", alpha=0.25)
    for col, color, label, alpha in (("vix_high", "#e9c46a", "VIX above threshold", 0.35),
                                     ("hy_widening", style.QT_COLOR, "HY spread widening", 0.6)):
        f = flags[col].loc[start:last_date].fillna(False).astype(bool)
        style.shade(ax, _runs(f), color, label, alpha=alpha)
    ax.set(title=title, ylabel="USD (log scale)", xlabel="")
    ax.legend(fontsize=8, loc="upper left")
    return style.finish(fig, source, last_date)


def _runs(flag: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Start and end dates of the runs of True in a daily boolean series."""
    f = flag.to_numpy()
    idx = flag.index
    starts = np.flatnonzero(f & ~np.r_[False, f[:-1]])
    ends = np.flatnonzero(f & ~np.r_[f[1:], False])
    return [(idx[a], idx[b] + pd.Timedelta(days=1)) for a, b in zip(starts, ends, strict=True)]


def event_strip(returns: pd.DataFrame, groups: pd.Series, horizon: int, band: tuple[float, float, float],
                title: str, source: str, last_date: str | pd.Timestamp) -> Figure:
    """Each event's log return by group, against the 5-50-95th percentiles of random days.

    Parameters
    ----------
    returns : DataFrame
        :func:`helpers.studies.scenarios.event_returns` (rows events, columns horizons).
    groups : Series
        Group label per event (same index).
    horizon : int
        Column drawn.
    band : (float, float, float)
        5th, 50th, 95th percentile of the same-length return over random days.
    """
    order = list(dict.fromkeys(groups))
    fig, ax = style.new(figsize=(10, 0.6 * len(order) + 2.2))
    ax.axvspan(band[0], band[2], color="0.88", lw=0, label="random days, 5-95th pct")
    ax.axvline(band[1], color="0.45", ls="--", lw=1, label="random days, median")
    for i, g in enumerate(order):
        r = returns.loc[(groups == g).to_numpy(), horizon]
        y = np.full(len(r), len(order) - 1 - i) + np.linspace(-0.15, 0.15, len(r)) if len(r) > 1 else \
            np.array([len(order) - 1 - i])
        ax.scatter(r.to_numpy(), y, s=28, color=style.QT_COLOR if "adverse" in g else style.QE_COLOR, zorder=3)
        for x, yy, d in zip(r.to_numpy(), y, r.index, strict=True):
            ax.annotate(f"{d:%Y-%m}", (x, yy), xytext=(0, 5), textcoords="offset points", fontsize=6, ha="center")
        ax.plot([r.mean()], [len(order) - 1 - i], marker="|", ms=22, mew=2.5, color="0.1")
    ax.set_yticks(np.arange(len(order))[::-1], [f"{str(g).replace('_', ' ')}\n{int((groups == g).sum())} events" for g in order], fontsize=8)
    ax.axvline(0, color="0.2", lw=0.6)
    ax.set(title=title, xlabel=f"BTC log return from the close before the event to {horizon} days after "
           "(black bar: group mean)")
    ax.legend(fontsize=8, loc="lower right")
    return style.finish(fig, source, last_date)


def runup_scatter(table: pd.DataFrame, all_days: pd.DataFrame, days: int, title: str, source: str,
                  last_date: str | pd.Timestamp) -> Figure:
    """Run-up into each pivot against the return after it, over the cloud of all days.

    Parameters
    ----------
    table : DataFrame
        :func:`helpers.studies.scenarios.runup_reversal` table (``runup``, ``after``; index labels).
    all_days : DataFrame
        ``runup`` and ``after`` for every day of the sample (the cloud).
    days : int
        Length of both windows.
    """
    fig, ax = style.new(figsize=(8, 6))
    ax.hexbin(all_days["runup"], all_days["after"], gridsize=40, cmap="Greys", mincnt=1, bins="log", alpha=0.6)
    ax.axhline(0, color="0.2", lw=0.6)
    ax.axvline(0, color="0.2", lw=0.6)
    ax.fill_between([0, max(1.0, float(all_days["runup"].max()))], 0, float(all_days["after"].min()),
                    color=style.QT_COLOR, alpha=0.15, lw=0, zorder=2, label="sell the news: rose before, fell after")
    ax.scatter(table["runup"], table["after"], s=50, color=style.QE_COLOR, edgecolor="0.1", zorder=3,
               label="Fed easing turn")
    for i, (label, row) in enumerate(table.iterrows()):
        ax.annotate(str(label), (row["runup"], row["after"]), xytext=(5, 5 if i % 2 == 0 else -10),
                    textcoords="offset points", fontsize=7)
    ax.set(title=title, xlabel=f"BTC log return, day -{days} to 0", ylabel=f"BTC log return, day 0 to +{days}")
    ax.legend(fontsize=8, loc="upper left")
    return style.finish(fig, source, last_date)
