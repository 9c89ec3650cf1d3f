"""Figures of notebook 02 (liquidity versus BTC): levels against changes, stability, leads, regimes.

Each function draws one figure that answers one question; its title states the finding using
numbers computed from the data passed in. The caller adds the source line with
:func:`helpers.figures.style.finish`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers.figures import style

BTC_COLOR = "#f4a261"
LIQ_COLOR = "#264653"
EQ_COLOR = "#457b9d"
PALETTE = ("#f4a261", "#264653", "#457b9d", "#8d99ae", "#e63946", "#2a9d8f")

Periods = Sequence[Sequence[str]]


def _dates(index: pd.Index) -> pd.DatetimeIndex:
    """Plot-ready dates: month periods become month-end timestamps."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp(how="end").normalize()
    return pd.DatetimeIndex(index)


def _shade_policy(ax: object, qe: Periods, qt: Periods) -> None:
    style.shade(ax, [(a, b) for a, b in qe], style.QE_COLOR, "QE")  # type: ignore[arg-type]
    style.shade(ax, [(a, b) for a, b in qt], style.QT_COLOR, "QT")  # type: ignore[arg-type]


def levels_over_time(price: pd.Series, liquidity: pd.Series, price_label: str, liquidity_label: str,
                     qe: Periods = (), qt: Periods = ()) -> Figure:
    """Log price and a liquidity level on twin axes: two trending levels that seem to move together.

    Parameters
    ----------
    price : Series
        Monthly price level (PeriodIndex or DatetimeIndex), drawn on a log axis.
    liquidity : Series
        Liquidity level in USD bn on the same index.
    price_label, liquidity_label : str
        Axis labels with units.
    qe, qt : sequence of (start, end)
        Periods to shade.
    """
    fig, ax = style.new(figsize=(10, 4.4))
    r = float(np.corrcoef(np.log(price), np.log(liquidity))[0, 1])
    ax.plot(_dates(price.index), price.to_numpy(), color=BTC_COLOR, lw=1.8, label=price_label)
    ax.set_yscale("log")
    ax.set_ylabel(price_label)
    ax2 = ax.twinx()
    ax2.plot(_dates(liquidity.index), liquidity.to_numpy(), color=LIQ_COLOR, lw=1.8, label=liquidity_label)
    ax2.set_ylabel(liquidity_label)
    ax2.grid(False)
    _shade_policy(ax, qe, qt)
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(lines, [str(h.get_label()) for h in lines], loc="upper left", fontsize=8)
    ax.set_title(f"Two trending levels: log BTC and net liquidity correlate at r = {r:.2f} (N = {len(price)} months)")
    return fig


def levels_vs_changes(levels: pd.DataFrame, changes: pd.DataFrame, x: str, y: str, x_label: str,
                      y_label: str) -> Figure:
    """Side by side: scatter of log levels and scatter of monthly log changes, each with its r.

    Parameters
    ----------
    levels : DataFrame
        Monthly levels with columns ``x`` and ``y``.
    changes : DataFrame
        Monthly log changes with the same columns.
    x, y : str
        Columns for the horizontal and vertical axes.
    x_label, y_label : str
        Names for the axes (units are added).
    """
    fig, axes = style.new(1, 2, figsize=(10, 4.4))
    lv = np.log(levels[[x, y]].dropna())
    ch = changes[[x, y]].dropna()
    years = _dates(lv.index).year
    sc = axes[0].scatter(lv[x], lv[y], c=years, cmap="viridis", s=14)
    fig.colorbar(sc, ax=axes[0], label="year")
    axes[0].set(xlabel=f"log {x_label}", ylabel=f"log {y_label}",
                title=f"Levels: r = {np.corrcoef(lv[x], lv[y])[0, 1]:.2f} (N = {len(lv)})")
    axes[1].scatter(ch[x] * 100, ch[y] * 100, color=EQ_COLOR, s=14, alpha=0.8)
    axes[1].axhline(0, color="0.5", lw=0.6)
    axes[1].axvline(0, color="0.5", lw=0.6)
    axes[1].set(xlabel=f"{x_label}, monthly log change (%)", ylabel=f"{y_label}, monthly log change (%)",
                title=f"Monthly changes: r = {np.corrcoef(ch[x], ch[y])[0, 1]:.2f} (N = {len(ch)})")
    fig.suptitle(f"{y_label} against {x_label}: what the levels show and what the monthly changes show",
                 fontweight="bold")
    return fig


def correlation_heatmap(table: pd.DataFrame, row_labels: Mapping[str, str], col_labels: Mapping[str, str],
                        title: str) -> Figure:
    """Heatmap of correlations (``x`` rows, ``y`` columns) annotated with r and N.

    Parameters
    ----------
    table : DataFrame
        Long table from :func:`helpers.methods.correlation.correlation_table` (columns ``x``, ``y``, ``r``, ``n``).
    row_labels, col_labels : mapping
        Display names of ``x`` and ``y`` values, in display order.
    title : str
        The finding.
    """
    r = table.pivot(index="x", columns="y", values="r").loc[list(row_labels), list(col_labels)]
    n = table.pivot(index="x", columns="y", values="n").loc[list(row_labels), list(col_labels)]
    annot = r.map(lambda v: f"{v:+.2f}") + "\nN=" + n.astype(int).astype(str)
    fig, ax = style.new(figsize=(8, 0.7 * len(r) + 1.8))
    sns.heatmap(r.set_axis(list(row_labels.values())).set_axis(list(col_labels.values()), axis=1), annot=annot,
                fmt="", cmap="RdBu_r", vmin=-1, vmax=1, ax=ax, cbar_kws={"label": "correlation of changes"})
    ax.set(xlabel="liquidity measure", ylabel="asset", title=title)
    return fig


def rolling_correlations(rolls: Mapping[str, pd.Series], title: str, qe: Periods = (), qt: Periods = ()) -> Figure:
    """Rolling correlations over time, one line per label, with QE/QT shading and a zero line.

    Parameters
    ----------
    rolls : mapping of str to Series
        Label (say "BTC, 52 weeks") to a rolling-correlation series.
    title : str
        The finding.
    qe, qt : sequence of (start, end)
        Periods to shade.
    """
    fig, ax = style.new(figsize=(10, 4.4))
    for (label, s), color in zip(rolls.items(), PALETTE, strict=False):
        ax.plot(_dates(s.index), s.to_numpy(), lw=1.4, color=color, label=label)
    ax.axhline(0, color="0.3", lw=0.8)
    _shade_policy(ax, qe, qt)
    ax.set(ylim=(-1, 1), ylabel="correlation of weekly log changes", title=title)
    ax.legend(loc="lower left", fontsize=8, ncol=3)
    return fig


def subperiod_dots(tables: Mapping[str, pd.DataFrame], title: str) -> Figure:
    """Correlation by sub-period with bootstrap intervals and N, one colour per pair.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Label to a :func:`helpers.methods.correlation.subperiod_correlations` table (``r``, ``lo_boot``,
        ``hi_boot``, ``n``), all with the same periods.
    title : str
        The finding.
    """
    fig, ax = style.new(figsize=(10, 4.4))
    k = len(tables)
    for j, ((label, t), color) in enumerate(zip(tables.items(), PALETTE, strict=False)):
        pos = np.arange(len(t)) + (j - (k - 1) / 2) * 0.8 / k
        ax.errorbar(pos, t["r"], yerr=[t["r"] - t["lo_boot"], t["hi_boot"] - t["r"]], fmt="o", color=color,
                    capsize=3, label=label)
        for p, (r, n) in zip(pos, zip(t["r"], t["n"], strict=True), strict=True):
            ax.annotate(f"{int(n)}", (p, r), xytext=(4, 0), textcoords="offset points", fontsize=6, color="0.35")
    first = next(iter(tables.values()))
    ax.set_xticks(range(len(first)), list(first.index))
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set(ylabel="correlation of weekly log changes\n(95% stationary-bootstrap interval; N weeks)", title=title)
    ax.legend(fontsize=8, ncol=2)
    return fig


def cross_correlation(ll: pd.DataFrame, x_label: str, y_label: str) -> Figure:
    """Cross-correlation bars by lag with the white-noise band (lag > 0: ``x`` leads ``y``).

    Parameters
    ----------
    ll : DataFrame
        From :func:`helpers.methods.correlation.lead_lag_corr` (index ``lag``; ``r``, ``band``, ``n``).
    x_label, y_label : str
        Names of the leading (positive lags) and following series.
    """
    fig, ax = style.new(figsize=(10, 4))
    colors = np.where(ll["r"].abs() > ll["band"], style.QT_COLOR, "0.55")
    ax.bar(ll.index, ll["r"], color=colors, width=0.7)
    ax.fill_between(ll.index, -ll["band"], ll["band"], color="0.85", zorder=0, label="95% band if independent")
    best = int(ll["r"].abs().idxmax())
    crossings = int((ll["r"].abs() > ll["band"]).sum())
    ax.set(xlabel=f"lag k in weeks (k > 0: {x_label} leads {y_label})", ylabel="correlation",
           title=f"{crossings} of {len(ll)} lags cross the 95% band (~{0.05 * len(ll):.1f} by chance); "
                 f"largest |r| = {abs(ll.loc[best, 'r']):.2f} at k = {best} (N = {int(ll['n'].min())} weeks)")
    ax.legend(fontsize=8)
    return fig


def impulse_response(lp: pd.DataFrame, shock_label: str, response_label: str, level: float = 0.95) -> Figure:
    """Local-projection impulse response with HAC bands.

    Parameters
    ----------
    lp : DataFrame
        From :func:`helpers.methods.timeseries.local_projection` (``beta``, ``lo``, ``hi``, ``n``), in log units.
    shock_label, response_label : str
        The impulse and the response, in words.
    level : float
        Coverage of the bands, for the legend.
    """
    fig, ax = style.new(figsize=(10, 4))
    h = lp.index.to_numpy()
    ax.plot(h, lp["beta"] * 100, marker="o", color=BTC_COLOR, label="response")
    ax.fill_between(h, lp["lo"] * 100, lp["hi"] * 100, color=BTC_COLOR, alpha=0.25,
                    label=f"{level:.0%} HAC band (pointwise)")
    ax.axhline(0, color="0.3", lw=0.8)
    last = lp.iloc[-1]
    ax.set(xlabel="weeks after the shock", ylabel=f"{response_label} (%)",
           title=f"{response_label} after {shock_label}: {last['beta'] * 100:+.1f}% at week {h[-1]} "
                 f"[{last['lo'] * 100:+.1f}, {last['hi'] * 100:+.1f}] (N = {int(lp['n'].min())})")
    ax.legend(fontsize=8)
    return fig


def regime_differences(rows: pd.DataFrame, title: str, reference: str | None = None) -> Figure:
    """Forest plot of the difference in mean forward return between regimes, with intervals and N.

    Parameters
    ----------
    rows : DataFrame
        Indexed by label; columns ``diff``, ``lo``, ``hi`` (log returns) and ``n``.
    title : str
        The finding.
    reference : str, optional
        Label to highlight (the headline comparison).
    """
    fig, ax = style.new(figsize=(10, 0.5 * len(rows) + 1.8))
    y = np.arange(len(rows))[::-1]
    colors = [BTC_COLOR if label == reference else LIQ_COLOR for label in rows.index]
    for yy, (d, lo, hi), color in zip(y, rows[["diff", "lo", "hi"]].to_numpy(), colors, strict=True):
        ax.errorbar([d * 100], [yy], xerr=[[(d - lo) * 100], [(hi - d) * 100]], fmt="o", color=color, capsize=3)
    for yy, (d, n) in zip(y, zip(rows["diff"], rows["n"], strict=True), strict=True):
        ax.annotate(f"{d * 100:+.1f} pp, N={int(n)}", (d * 100, yy), xytext=(0, 6), textcoords="offset points",
                    fontsize=7, ha="center")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, list(rows.index))
    ax.set(xlabel="expanding minus contracting: mean forward log return (pp, 95% stationary-bootstrap interval)",
           title=title)
    return fig


def agreement_bars(table: pd.DataFrame, reported: float, reported_label: str, title: str) -> Figure:
    """Directional agreement beside the agreement expected by chance and the base rate of "BTC up".

    Parameters
    ----------
    table : DataFrame
        Indexed by label; columns ``agreement``, ``expected``, ``a_up`` (share of windows with
        BTC up) and ``n``.
    reported : float
        A published agreement to compare with (a share).
    reported_label : str
        Its citation.
    title : str
        The finding.
    """
    fig, ax = style.new(figsize=(10, 4.2))
    x = np.arange(len(table))
    for j, (col, label, color) in enumerate([("agreement", "same direction", BTC_COLOR),
                                             ("expected", "expected if independent", "0.6"),
                                             ("a_up", "base rate: BTC up", EQ_COLOR)]):
        ax.bar(x + (j - 1) * 0.27, table[col] * 100, width=0.27, color=color, label=label)
    for xi, (v, n) in enumerate(zip(table["agreement"], table["n"], strict=True)):
        ax.annotate(f"{v:.0%}\nN={int(n)}", (xi - 0.27, v * 100), ha="center", va="bottom", fontsize=7)
    ax.axhline(reported * 100, color=style.QT_COLOR, ls="--", lw=1, label=reported_label)
    ax.set_xticks(x, list(table.index), fontsize=8)
    ax.set(ylim=(0, 115), ylabel="share of months (%)", title=title)
    ax.legend(fontsize=7, ncol=4, loc="upper left")
    return fig


def bear_market_timeline(price: pd.Series, liquidity: Mapping[str, pd.Series], peak: pd.Timestamp,
                         trough: pd.Timestamp, splits: pd.DataFrame) -> Figure:
    """BTC and liquidity measures (indexed to 100 at the BTC peak) around the 2022 bear market.

    Parameters
    ----------
    price : Series
        Daily BTC closes over the window shown.
    liquidity : mapping of str to Series
        Weekly liquidity levels (USD bn) over the same window.
    peak, trough : Timestamp
        BTC peak and trough dates.
    splits : DataFrame
        From :func:`helpers.methods.declines.decline_splits`: indexed by the name of each candidate QT
        date, with columns ``date`` and ``share_before`` (share of the peak-to-trough log
        decline that came before that date). Each date is marked; the title gives every share.
    """
    fig, ax = style.new(figsize=(10, 4.4))
    ax.plot(price.index, price / price.loc[peak] * 100, color=BTC_COLOR, lw=1.6, label="BTC close")
    for (label, s), color in zip(liquidity.items(), PALETTE[1:], strict=False):
        ax.plot(s.index, s / s.asof(peak) * 100, color=color, lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_yticks([20, 30, 50, 70, 100, 140])
    ax.yaxis.set_major_formatter(mticker.ScalarFormatter())
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    style.mark_events(ax, [peak, *splits["date"], trough], ["BTC peak", *(f"QT {k}" for k in splits.index), "BTC trough"])
    shares = ", ".join(f"{v:.0%} ({k})" for k, v in splits["share_before"].items())
    ax.set(ylabel="index, BTC peak = 100 (log scale)",
           title=f"Share of BTC's peak-to-trough log decline before each QT date: {shares}")
    ax.legend(fontsize=8, loc="lower left")
    return fig


def noise_floor(table: pd.DataFrame, title: str, window: int) -> Figure:
    """Each asset's rolling-correlation SD against the range noise alone gives (circular-shift null).

    Parameters
    ----------
    table : DataFrame
        Indexed by asset; ``sd`` (observed SD over time of the rolling correlation), ``null_mean``,
        ``null_low`` and ``null_high`` (central 95% of the same SD when the link is broken).
    title : str
        The finding.
    window : int
        Rolling window in weeks (for the axis label).
    """
    rows = table.dropna(subset=["null_mean"])
    fig, ax = style.new(figsize=(9, 0.6 * len(rows) + 1.8))
    y = np.arange(len(rows))[::-1]
    for yy, (label, r) in zip(y, rows.iterrows(), strict=True):
        ax.plot([r["null_low"], r["null_high"]], [yy, yy], color="0.7", lw=6, solid_capstyle="butt",
                label="link broken: central 95%" if yy == y[0] else None)
        ax.plot([r["null_mean"]], [yy], "|", color="0.3", ms=14, label="link broken: mean" if yy == y[0] else None)
        ax.plot([r["sd"]], [yy], "o", color=BTC_COLOR if label == "BTC" else EQ_COLOR,
                label="observed" if yy == y[0] else None)
        ax.annotate(f"{r['sd']:.3f}", (r["sd"], yy), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=7)
    ax.set_yticks(y, list(rows.index))
    ax.set(xlabel=f"SD over time of the {window}-week rolling correlation with net liquidity", title=title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
