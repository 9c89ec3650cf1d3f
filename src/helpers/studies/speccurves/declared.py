"""Declared grids of specification curves and the curves' summaries, tables and text (notebook 09).

A claim's grid is one ``grid:`` item of its ``alternatives`` cell in ``data/claim_specs.csv``
(read by :func:`helpers.claims.speccurves.declared_grid`); :func:`parse_declared_grid` turns the item
into a :class:`DeclaredGrid`, :func:`compute_curve` runs a compute function over it through
:func:`helpers.methods.speccurve.run` and summarises the agreement with the primary specification.

Grid format (one ``;``-item of the ``alternatives`` cell)
---------------------------------------------------------
``grid: name=v1 *v2 v3 & other=a *b | name=v4 & other=c``

* ``&`` separates the choices of one block; the values of a choice are separated by spaces.
* ``|`` separates blocks: the grid is the union of the cartesian product of each block, so that a
  choice that only makes sense with some others (a coverage rule for stablecoins, not for BTC)
  does not create duplicate specifications. Every block names the same choices.
* ``*`` marks the primary value of a choice (exactly one value per choice, across blocks); the
  primary specification is the combination of the starred values and must be in the grid.
* Values are read as integers, then floats, else kept as text (dates stay ISO text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.methods import speccurve
from helpers.methods.speccurve import Choices, SpecResult

GRID_PREFIX = "grid:"


@dataclass(frozen=True)
class DeclaredGrid:
    """A claim's declared grid: its blocks of alternatives and its primary specification.

    Attributes
    ----------
    claim_id : str
        ``C04`` ...
    blocks : tuple of dict
        Each block maps a choice name to its values (a cartesian product).
    primary : dict
        The starred value of every choice.
    """

    claim_id: str
    blocks: tuple[dict[str, list[Any]], ...]
    primary: dict[str, Any]

    @property
    def choices(self) -> list[str]:
        """The choice names, in declared order."""
        return list(self.blocks[0])

    def specs(self) -> list[Choices]:
        """Every specification: the union of the blocks' products, duplicates dropped, in declared order."""
        out: list[Choices] = []
        for block in self.blocks:
            for spec in speccurve.grid(block):
                if spec not in out:
                    out.append(spec)
        return out


def grid_value(token: str) -> Any:
    """A grid token as an int, else a float, else the text itself (ISO dates stay text)."""
    for kind in (int, float):
        try:
            return kind(token)
        except ValueError:
            continue
    return token


def parse_declared_grid(text: str, claim_id: str = "") -> DeclaredGrid:
    """Parse a ``grid:`` item (see the module docstring) into a :class:`DeclaredGrid`.

    Raises
    ------
    ValueError
        Naming the claim: no ``grid:`` prefix, a part without one ``=``, blocks naming different
        choices, a choice with no value or without exactly one starred value, or a primary
        specification outside the grid.
    """
    where = f"data/claim_specs.csv, {claim_id}: " if claim_id else ""
    body = text.strip()
    if not body.startswith(GRID_PREFIX):
        raise ValueError(f"{where}grid item {text!r} must start with {GRID_PREFIX!r}")
    blocks: list[dict[str, list[Any]]] = []
    starred: dict[str, set[Any]] = {}
    for raw_block in body[len(GRID_PREFIX):].split("|"):
        block: dict[str, list[Any]] = {}
        for part in raw_block.split("&"):
            if part.count("=") != 1:
                raise ValueError(f"{where}grid part {part.strip()!r} must be name=values")
            name, values = (s.strip() for s in part.split("="))
            tokens = values.split()
            if not name or not tokens:
                raise ValueError(f"{where}grid part {part.strip()!r} has no name or no values")
            vals = []
            for tok in tokens:
                val = grid_value(tok.lstrip("*"))
                if tok.startswith("*"):
                    starred.setdefault(name, set()).add(val)
                vals.append(val)
            block[name] = vals
        if blocks and list(block) != list(blocks[0]):
            raise ValueError(f"{where}grid blocks name different choices: {list(blocks[0])} and {list(block)}")
        blocks.append(block)
    names = list(blocks[0])
    bad = [n for n in names if len(starred.get(n, set())) != 1]
    if bad:
        raise ValueError(f"{where}grid choices {bad} need exactly one starred (primary) value")
    primary = {n: next(iter(starred[n])) for n in names}
    grid = DeclaredGrid(claim_id, tuple(blocks), primary)
    if primary not in grid.specs():
        raise ValueError(f"{where}the primary specification {primary} is not in the grid")
    return grid


@dataclass(frozen=True)
class CurveSummary:
    """A computed curve with its primary row and the agreement share."""

    claim_id: str
    curve: pd.DataFrame
    primary: dict[str, Any]
    share: float
    count: int

    @property
    def primary_row(self) -> pd.Series:
        """The primary specification's row."""
        return speccurve.primary_row(self.curve, self.primary)


def compute_curve(claim_id: str, compute: Callable[[Choices], SpecResult],
                  mapper: Callable[..., Any] | None = None, *, grid: DeclaredGrid) -> CurveSummary:
    """Run ``compute`` over ``grid`` (the declared grid of ``claim_id``) and summarise the agreement with the primary.

    The grid comes from :func:`helpers.claims.speccurves.declared_grid` (or :func:`parse_declared_grid` for an
    exercise); ``mapper`` is an executor's ``map`` (serial ``map`` by default).
    """
    curve = speccurve.run(compute, grid.specs(), mapper)
    return CurveSummary(claim_id, curve, grid.primary, speccurve.share_agreeing(curve, grid.primary), len(curve))


def curve_text(summary: CurveSummary, what: str, unit: str) -> str:
    """Plain sentences for a curve: the primary estimate, the range of estimates, and the share that agrees."""
    curve = summary.curve
    p = summary.primary_row
    est = curve["estimate"].dropna()
    clear = int(curve["clear_of_zero"].sum())
    status = "clear of zero" if bool(p["clear_of_zero"]) else "including zero"
    agree = round(summary.share * summary.count)
    return (f"{summary.claim_id}: {what}. The primary specification gives {p['estimate']:+.3f} {unit} "
            f"(95% interval {p['low']:+.3f} to {p['high']:+.3f}, {status}; N={int(p['n'])}). Over the "
            f"{summary.count} declared specifications the estimate runs from {est.min():+.3f} to {est.max():+.3f} "
            f"({int((est > 0).sum())} positive, {clear} with intervals clear of zero); {agree} of {summary.count} "
            f"({summary.share:.0%}) agree with the primary (same sign, same status of the interval).")


def summary_table(summaries: Mapping[str, CurveSummary]) -> pd.DataFrame:
    """One row per claim: specifications, primary estimate and interval, range, share agreeing."""
    rows = {}
    for cid, s in summaries.items():
        p = s.primary_row
        rows[cid] = {"specifications": s.count, "primary": float(p["estimate"]), "primary_low": float(p["low"]),
                     "primary_high": float(p["high"]), "min": float(s.curve["estimate"].min()),
                     "max": float(s.curve["estimate"].max()), "share_clear_of_zero": float(s.curve["clear_of_zero"].mean()),
                     "share_agree": s.share}
    return pd.DataFrame.from_dict(rows, orient="index")
