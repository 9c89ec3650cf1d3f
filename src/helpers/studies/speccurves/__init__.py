"""Specification curves of the claims whose tests have reasonable choices (notebook 09).

Each claim's grid of alternatives is *declared* in ``data/claim_specs.csv`` (one ``grid:`` item of
its ``alternatives`` cell, format in :mod:`helpers.studies.speccurves.declared`). This package
computes the claim's statistic under every specification with the same functions the owning notebook
uses, and hands the grid to :func:`helpers.methods.speccurve.run` through an executor (a local
process pool or Dask):

* :mod:`~helpers.studies.speccurves.declared`: the grid, :func:`compute_curve`, the summary table and
  the curve's plain-words text;
* :mod:`~helpers.studies.speccurves.compute`: the ``*_inputs``, ``*_detail`` and ``*_spec`` functions
  of each curved claim (a :class:`SpecDetail` each), and :data:`COMPUTE` (claim id to its compute function).

Reading the declared grid from the claim specs, recording the curve and what an agreement share means
for a verdict are in :mod:`helpers.claims.speccurves`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from helpers.methods.speccurve import SpecResult
from helpers.studies.speccurves.compute import (
    C04_MEASURES,
    C16_DEFINITIONS,
    C18_SERIES,
    SpecDetail,
    c04_detail,
    c04_inputs,
    c04_spec,
    c07_detail,
    c07_event_set,
    c07_spec,
    c08_detail,
    c08_spec,
    c10_detail,
    c10_spec,
    c16_detail,
    c16_spec,
    c18_detail,
    c18_spec,
    c21_detail,
    c21_spec,
    c22_detail,
    c22_spec,
    rotation_inputs,
    season_detail,
    season_spec,
    seasonality_inputs,
)
from helpers.studies.speccurves.declared import (
    GRID_PREFIX,
    CurveSummary,
    DeclaredGrid,
    compute_curve,
    curve_text,
    grid_value,
    parse_declared_grid,
    summary_table,
)

COMPUTE: dict[str, Callable[..., SpecResult]] = {
    "C04": c04_spec, "C07": c07_spec, "C08": c08_spec, "C10": c10_spec, "C11": partial(season_spec, claim="C11"),
    "C12": partial(season_spec, claim="C12"), "C13": partial(season_spec, claim="C13"), "C16": c16_spec,
    "C18": c18_spec, "C21": c21_spec, "C22": c22_spec,
}

__all__ = ["C04_MEASURES", "C16_DEFINITIONS", "C18_SERIES", "COMPUTE", "GRID_PREFIX", "CurveSummary", "DeclaredGrid",
           "SpecDetail",
           "c04_detail", "c04_inputs", "c04_spec", "c07_detail", "c07_event_set", "c07_spec", "c08_detail", "c08_spec",
           "c10_detail", "c10_spec", "c16_detail", "c16_spec", "c18_detail", "c18_spec", "c21_detail", "c21_spec",
           "c22_detail", "c22_spec", "compute_curve", "curve_text", "grid_value", "parse_declared_grid",
           "rotation_inputs", "season_detail", "season_spec", "seasonality_inputs", "summary_table"]
