"""Specification-curve figure: sorted estimates with intervals above, the choices marked beneath."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from helpers.figures import style
from helpers.methods.speccurve import agrees, primary_row, sorted_curve


def spec_curve(curve: pd.DataFrame, choices: Sequence[str], primary: Mapping[str, Any], *, title: str,
               unit: str, source: str, last_date: str | pd.Timestamp | None = None) -> Figure:
    """Draw a specification curve (Simonsohn, Simmons and Nelson, 2020).

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`helpers.methods.speccurve.run`.
    choices : sequence of str
        The choice columns to mark beneath, top to bottom.
    primary : mapping
        The declared primary specification (drawn in black, the others coloured by agreement).
    title, unit, source : str
        Title stating the finding, the estimate's unit, and the figure's source line.
    last_date : str or Timestamp, optional
        The data's last date, printed with the source.
    """
    ordered = sorted_curve(curve)
    ref = primary_row(curve, primary)
    is_primary = pd.Series(True, index=ordered.index)
    for name, value in primary.items():
        is_primary &= ordered[name].map(lambda v, value=value: v == value)
    agree = ordered.apply(lambda row: agrees(row, ref), axis=1)
    share = float(agree.mean())

    rows = sum(ordered[c].astype(str).nunique() for c in choices)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 4.2 + 0.22 * rows),
                                      gridspec_kw={"height_ratios": [3, max(1.2, 0.3 * rows)]})
    x = ordered["rank"].to_numpy()
    colours = ["black" if p else ("#2a9d8f" if a else "#e76f51") for p, a in zip(is_primary, agree, strict=True)]
    top.vlines(x, ordered["low"], ordered["high"], colors=colours, linewidth=1.2)
    top.scatter(x, ordered["estimate"], c=colours, s=18, zorder=3)
    top.axhline(0, color="grey", linewidth=0.8)
    top.set_ylabel(unit)
    top.set_title(f"{title} ({share:.0%} of {len(ordered)} specifications agree with the primary)")

    labels: list[str] = []
    y = 0
    for name in choices:
        for value in sorted(ordered[name].astype(str).unique()):
            hit = ordered[name].astype(str) == value
            bottom.scatter(x[hit.to_numpy()], [y] * int(hit.sum()), marker="|", s=60,
                           c=[colours[i] for i in range(len(ordered)) if hit.iloc[i]])
            labels.append(f"{name} = {value}")
            y -= 1
    bottom.set_yticks(range(0, y, -1), labels)
    bottom.set_xlabel("specification, sorted by estimate (black: primary; green: agrees; red: disagrees)")
    bottom.grid(False)
    return style.finish(fig, source, last_date)
