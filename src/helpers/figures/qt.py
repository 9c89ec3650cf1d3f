"""Figures of notebook 01 (the QT mechanism): balance-sheet composition, runoff against caps,
net liquidity and its parts, QT1 against QT2, and the path after QT ended.

Each function takes frames computed by :mod:`helpers.studies.qt_mechanism` and :mod:`helpers.data.liquidity`, draws one figure that
answers one question, adds the source line with :func:`helpers.figures.style.finish` and returns
the figure. Amounts are USD bn throughout.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.figures import style
from helpers.studies.qt_mechanism import regime_periods

#: Colour of reserve-management bill purchases (neither QE nor QT).
RMP_COLOR = "#8d99ae"
_PARTS_COLORS = {"treasuries": "#264653", "mbs": "#e9c46a", "other_assets": "#b5b5b5",
                 "reserves": "#2a9d8f", "rrp": "#e76f51", "tga": "#6d597a", "other_liabilities": "#b5b5b5"}
_LABELS = {"treasuries": "Treasuries (TREAST)", "mbs": "Agency MBS (WSHOMCB)", "other_assets": "Other assets",
           "reserves": "Bank reserves (WRESBAL)", "rrp": "Overnight reverse repo (RRPONTSYD)",
           "tga": "Treasury General Account (WDTGAL)", "other_liabilities": "Currency, capital and other",
           "total": "Total assets (WALCL)", "net_liquidity": "Net liquidity = WALCL - TGA - RRP"}
_H41 = "Federal Reserve H.4.1 via FRED"


def _finish(fig: Figure, source: str, last_date: str | pd.Timestamp | None = None) -> Figure:
    """:func:`helpers.figures.style.finish` after wrapping titles too long for the figure (no title runs off the edge)."""
    width_px = fig.get_figwidth() * fig.dpi
    suptitle = getattr(fig, "_suptitle", None)  # matplotlib has no public getter for the Text object
    if suptitle is not None and suptitle.get_text():
        per_char = 0.6 * float(suptitle.get_fontsize()) * fig.dpi / 72
        suptitle.set_text(textwrap.fill(suptitle.get_text(), max(40, int(width_px / per_char))))
    for ax in fig.axes:
        title = ax.title
        box = ax.get_position()
        limit = max(30, int(box.width * width_px / (0.58 * float(title.get_fontsize()) * fig.dpi / 72)))
        if len(title.get_text()) > limit:
            title.set_text(textwrap.fill(title.get_text(), limit))
    return style.finish(fig, source, last_date)


def shade_regimes(ax: object, regimes: pd.DataFrame, kinds: Sequence[str] = ("qe", "qt", "rmp")) -> None:
    """Shade QE (green), QT (orange) and reserve-management purchases (grey) on a date axis."""
    colors = {"qe": style.QE_COLOR, "qt": style.QT_COLOR, "rmp": RMP_COLOR}
    names = {"qe": "QE", "qt": "QT", "rmp": "Reserve-management bill purchases"}
    for kind in kinds:
        style.shade(ax, regime_periods(regimes, kind), colors[kind], names[kind])  # type: ignore[arg-type]


def stock_flow(changes: pd.Series, month: str) -> Figure:
    """One month of QT in the balance sheet: how each asset and liability changed.

    Parameters
    ----------
    changes : Series
        Changes over the month (USD bn) indexed like :func:`helpers.data.liquidity.balance_sheet`'s
        columns (``total``, ``treasuries``, ..., ``other_liabilities``).
    month : str
        The month shown (``"2024-02"``), for the title.
    """
    assets = ["treasuries", "mbs", "other_assets", "total"]
    liabs = ["reserves", "rrp", "tga", "other_liabilities", "total"]
    fig, axes = style.new(1, 2, figsize=(10, 3.8), sharex=True)
    for ax, items, side in ((axes[0], assets, "Assets"), (axes[1], liabs, "Liabilities")):
        vals = changes.reindex(items).astype(float)
        labels = [_LABELS[i] if i != "total" else f"Total {side.lower()}" for i in items]
        colors = [_PARTS_COLORS.get(i, "0.2") for i in items]
        ax.barh(range(len(items)), vals.to_numpy(), color=colors)
        ax.set_yticks(range(len(items)), labels)
        ax.invert_yaxis()
        ax.axvline(0, color="0.2", lw=0.8)
        for y, v in enumerate(vals.to_numpy()):
            ax.annotate(f"{v:+.0f}", (v, y), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=8)
        ax.set_title(side)
        ax.set_xlabel("change over the month, USD bn")
    lo, hi = axes[0].get_xlim()
    axes[0].set_xlim(lo * 1.25, max(hi, 0) * 1.25 + 10)
    liab = changes.reindex(["reserves", "rrp", "tga", "other_liabilities"]).astype(float)
    biggest = _LABELS[str(liab.idxmin())].split(" (")[0].lower()
    fig.suptitle(f"{month}: securities fell {-changes[['treasuries', 'mbs']].sum():.0f} bn; "
                 f"on the liability side the largest fall was in {biggest}", fontweight="bold")
    return _finish(fig, f"{_H41} (WALCL, TREAST, WSHOMCB, WRESBAL, WDTGAL, RRPONTSYD); "
                             "first Wednesday of the month to first Wednesday of the next")


def composition(bs: pd.DataFrame, regimes: pd.DataFrame, start: str) -> Figure:
    """Assets and liabilities of the Fed since ``start``, stacked, with QE and QT periods shaded."""
    frame = bs.loc[pd.Timestamp(start):]
    fig, axes = style.new(2, 1, figsize=(10, 7), sharex=True)
    asset_cols = ["treasuries", "mbs", "other_assets"]
    a = frame[asset_cols].dropna()
    axes[0].stackplot(a.index, (a / 1000).T.to_numpy(), labels=[_LABELS[c] for c in asset_cols],
                      colors=[_PARTS_COLORS[c] for c in asset_cols], zorder=3)
    liab_cols = ["reserves", "rrp", "tga", "other_liabilities"]
    b = frame[liab_cols].dropna()
    axes[1].stackplot(b.index, (b / 1000).T.to_numpy(), labels=[_LABELS[c] for c in liab_cols],
                      colors=[_PARTS_COLORS[c] for c in liab_cols], zorder=3)
    for ax, title in ((axes[0], "Assets"), (axes[1], "Liabilities")):
        ax.set_xlim(frame.index[0], frame.index[-1])
        shade_regimes(ax, regimes)
        ax.set_ylim(0, frame["total"].max() / 1000 * 1.25)
        ax.set_ylabel("USD trillion")
        ax.set_title(title, loc="left")
        ax.legend(loc="upper left", fontsize=8, ncol=2)
    total = frame["total"].dropna()
    fig.suptitle(f"Total assets: {total.iloc[0] / 1000:.1f} tn ({total.index[0]:%Y-%m}), peak {total.max() / 1000:.1f} tn "
                 f"({total.idxmax():%Y-%m}), {total.iloc[-1] / 1000:.1f} tn ({total.index[-1]:%Y-%m})", fontweight="bold")
    return _finish(fig, f"{_H41}; QE/QT/RMP dates: data/fed_balance_sheet_regimes.csv",
                        frame["total"].dropna().index[-1])


def runoff_against_caps(tables: dict[str, pd.DataFrame], ratios: dict[str, dict[str, float]]) -> Figure:
    """Monthly runoff (bars) against the caps (steps) of Treasuries and MBS, one column per QT.

    Parameters
    ----------
    tables : dict
        Regime label -> :func:`helpers.studies.qt_mechanism.runoff_vs_caps` frame.
    ratios : dict
        Regime label -> {"treasury": total ratio, "mbs": total ratio}, shown in the titles.
    """
    fig, axes = style.new(2, len(tables), figsize=(11, 6.5), sharey="row", squeeze=False,
                          gridspec_kw={"width_ratios": [len(t) for t in tables.values()]})
    for j, (label, table) in enumerate(tables.items()):
        edges = list(table.index.to_timestamp(how="start")) + [(table.index[-1] + 1).to_timestamp(how="start")]
        mids = [a + (b - a) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
        for i, (kind, name) in enumerate((("treasury", "Treasuries"), ("mbs", "Agency MBS"))):
            ax = axes[i, j]
            ax.bar(mids, table[f"{kind}_runoff"], width=22, color=_PARTS_COLORS["treasuries" if i == 0 else "mbs"],
                   label="runoff measured from H.4.1")
            caps = table[f"{kind}_cap"].to_numpy()
            ax.step(edges, np.append(caps, caps[-1]), where="post", color=style.QT_COLOR, lw=2, label="monthly cap")
            ax.set_title(f"{label} {name}: runoff / cap = {ratios[label][kind]:.2f}", loc="left", fontsize=10)
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
            ax.tick_params(axis="x", labelsize=8)
            ax.axhline(0, color="0.3", lw=0.8)
            if j == 0:
                ax.set_ylabel("USD bn per month")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    last = list(tables)[-1]
    fig.suptitle(f"{last}: Treasuries ran off at {ratios[last]['treasury']:.0%} of their caps, "
                 f"MBS at {ratios[last]['mbs']:.0%} of theirs", fontweight="bold")
    return _finish(fig, f"{_H41} (TREAST, WSHOMCB); caps: data/qt_caps.csv")


def net_liquidity_parts(nl: pd.DataFrame, regimes: pd.DataFrame, start: str, qt_start: str, qt_end: str) -> Figure:
    """Net liquidity and its parts (top) and their cumulative change since ``qt_start`` (bottom).

    The title reports the changes from ``qt_start`` to the last Wednesday before ``qt_end``.
    """
    frame = nl.loc[pd.Timestamp(start):, ["walcl", "tga", "rrp", "net_liquidity"]]
    fig, axes = style.new(2, 1, figsize=(12, 7.5), sharex=True)
    top = axes[0]
    top.plot(frame.index, frame["walcl"] / 1000, color="0.15", label=_LABELS["total"])
    top.plot(frame.index, frame["net_liquidity"] / 1000, color=style.QE_COLOR, lw=2, label=_LABELS["net_liquidity"])
    top.plot(frame.index, frame["rrp"] / 1000, color=_PARTS_COLORS["rrp"], label="Reverse repo (RRPONTSYD)")
    top.plot(frame.index, frame["tga"] / 1000, color=_PARTS_COLORS["tga"], label="TGA (WDTGAL)")
    top.set_ylabel("USD trillion")
    base = frame.loc[:pd.Timestamp(qt_start)].iloc[-1]
    since = frame.loc[pd.Timestamp(qt_start):]
    bottom = axes[1]
    bottom.plot(since.index, since["walcl"] - base["walcl"], color="0.15", label="change in WALCL")
    bottom.plot(since.index, -(since["rrp"] - base["rrp"]), color=_PARTS_COLORS["rrp"],
                label="minus change in reverse repo (RRP drain adds to net liquidity)")
    bottom.plot(since.index, -(since["tga"] - base["tga"]), color=_PARTS_COLORS["tga"], lw=0.9,
                label="minus change in TGA")
    bottom.plot(since.index, since["net_liquidity"] - base["net_liquidity"], color=style.QE_COLOR, lw=2,
                label="change in net liquidity (sum of the three)")
    bottom.axhline(0, color="0.3", lw=0.8)
    bottom.set_ylabel(f"USD bn since {pd.Timestamp(qt_start):%Y-%m-%d}")
    for ax in axes:
        ax.set_xlim(frame.index[0], frame.index[-1])
        shade_regimes(ax, regimes)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    end = since.loc[:pd.Timestamp(qt_end)].dropna().iloc[-1] - base
    fig.suptitle(f"QT2: total assets {end['walcl']:+,.0f} bn, net liquidity only {end['net_liquidity']:+,.0f} bn, "
                 f"because the reverse repo fell {end['rrp']:+,.0f} bn", fontweight="bold")
    return _finish(fig, f"{_H41} (WALCL, WDTGAL, WTREGEN where WDTGAL is missing, RRPONTSYD)",
                        frame.index[-1])


def c02_comparison(changes: pd.Series, window: pd.Series | None = None) -> Figure:
    """Side by side: what QT2 withdrew if 'liquidity' means the balance sheet, and if it means net liquidity.

    Parameters
    ----------
    changes : Series
        USD bn, indexed by the bar labels, in the order to draw them (negative = withdrawn).
    window : Series or None
        Optional ``min``/``max`` for the net-liquidity bar (its sensitivity to the dates),
        drawn as an error bar on the bar labelled with "net liquidity".
    """
    fig, ax = style.new(figsize=(10, 4.2))
    y = np.arange(len(changes))
    colors = [style.QE_COLOR if "net liquidity" in k.lower() else
              "0.2" if "balance sheet" in k.lower() else "#9c9c9c" for k in changes.index]
    ax.barh(y, changes.to_numpy(), color=colors)
    ax.set_yticks(y, list(changes.index))
    ax.invert_yaxis()
    ax.axvline(0, color="0.2", lw=0.8)
    ax.axvline(-2000, color=style.QT_COLOR, ls="--", lw=1.2)
    ax.annotate("article: about -2,000", (-2000, 1.0), xycoords=("data", "axes fraction"), va="top", ha="left",
                fontsize=8, color=style.QT_COLOR, xytext=(3, -2), textcoords="offset points")
    for i, v in enumerate(changes.to_numpy()):
        ax.annotate(f"{v:+,.0f}", (max(v, 0), i), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=9)
    if window is not None:
        i = next(k for k, lab in enumerate(changes.index) if "net liquidity" in lab.lower())
        v = changes.iloc[i]
        ax.errorbar(v, i, xerr=[[v - window["min"]], [window["max"] - v]], fmt="none", ecolor="0.1", capsize=4,
                    label=f"range over {window['n']:.0f} nearby start/end dates")
        ax.legend(loc="lower left", fontsize=8)
    lo = min(float(changes.min()), -2000)
    ax.set_xlim(lo * 1.15, max(float(changes.max()), 0) * 1.3 + 300)
    ax.set_xlabel("change over QT2, USD bn (negative = withdrawn)")
    bs_key = next(k for k in changes.index if "balance sheet" in k.lower())
    nl_key = next(k for k in changes.index if "net liquidity" in k.lower())
    share = changes[nl_key] / changes[bs_key]
    ax.set_title(f"The balance sheet fell {-changes[bs_key]:,.0f} bn; net liquidity fell {-changes[nl_key]:,.0f} bn "
                 f"({share:.0%} of that)")
    return _finish(fig, f"{_H41} (WALCL, WRESBAL, WDTGAL, RRPONTSYD)")


def qt_aligned(aligned: dict[str, pd.DataFrame], caps_path: pd.DataFrame | None = None,
               units: Sequence[str] = ("USD bn", "percent")) -> Figure:
    """QT1 and QT2 on a common clock: cumulative change since each regime's first month.

    Parameters
    ----------
    aligned : dict
        Panel title -> :func:`helpers.studies.qt_mechanism.align_on_start` frame (columns = regimes).
    caps_path : DataFrame or None
        Cumulative caps on the same index (columns = regimes), drawn dashed on the first panel.
    units : sequence of str
        y-axis label of each panel, in order.
    """
    fig, axes = style.new(1, len(aligned), figsize=(11, 4.2), squeeze=False)
    colors = {"QT1": "#f4a261", "QT2": "#9d0208"}
    for ax, (title, frame), unit in zip(axes[0], aligned.items(), units, strict=False):
        for col in frame.columns:
            ax.plot(frame.index, frame[col], color=colors.get(col, "0.3"), lw=2, label=col)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("months since the first month of runoff")
        ax.set_ylabel(unit)
    if caps_path is not None:
        for col in caps_path.columns:
            axes[0][0].plot(caps_path.index, -caps_path[col], color=colors.get(col, "0.3"), ls="--", lw=1,
                            label=f"{col}: cumulative caps")
    axes[0][0].legend(fontsize=8, loc="lower left")
    first = next(iter(aligned.values()))
    if {"QT1", "QT2"} <= set(first.columns):
        k = int(first["QT1"].last_valid_index())
        ratio = first.loc[k, "QT2"] / first.loc[k, "QT1"]
        fig.suptitle(f"After {k} months of runoff QT2 had shrunk holdings {ratio:.1f} times as much as QT1",
                     fontweight="bold")
    return _finish(fig, f"{_H41} (TREAST, WSHOMCB); caps: data/qt_caps.csv")


def after_qt(changes: pd.DataFrame, qt_end: str, rmp_start: str) -> Figure:
    """Weekly change of balance-sheet items since the last Wednesday of QT, with QT's end and RMPs marked.

    Parameters
    ----------
    changes : DataFrame
        Columns named like :data:`_LABELS` keys (``total``, ``treasuries``, ``mbs``,
        ``reserves``, ``net_liquidity``), USD bn change since the base date, weekly.
    """
    fig, ax = style.new(figsize=(10, 4.8))
    styles = {"total": ("0.15", 2.2), "treasuries": (_PARTS_COLORS["treasuries"], 1.4),
              "mbs": ("#c9a227", 1.4), "reserves": ("#577590", 1.4),
              "net_liquidity": (style.QE_COLOR, 2.2)}
    for col in changes.columns:
        color, lw = styles.get(col, ("0.5", 1.0))
        s = changes[col].dropna()
        ls = ":" if col == "net_liquidity" else "-"
        ax.plot(s.index, s, color=color, lw=lw, ls=ls, label=_LABELS.get(col, col))
    ax.axhline(0, color="0.3", lw=0.8)
    style.mark_events(ax, [qt_end, rmp_start], ["QT ends", "bill purchases begin"])
    ax.set_ylabel("USD bn since the last QT Wednesday")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)
    last = changes.ffill().iloc[-1]
    ax.set_title(f"Since QT ended total assets changed {last.get('total', float('nan')):+,.0f} bn: "
                 f"Treasuries {last.get('treasuries', float('nan')):+,.0f} bn, MBS {last.get('mbs', float('nan')):+,.0f} bn")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    return _finish(fig, f"{_H41} (WALCL, TREAST, WSHOMCB, WRESBAL, WDTGAL, RRPONTSYD)",
                        changes.dropna(how="all").index[-1])
