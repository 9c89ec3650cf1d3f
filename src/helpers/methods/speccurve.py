"""Specification curves: one result over the whole grid of declared reasonable choices.

Several verdicts rest on one choice among many reasonable ones (a window, a horizon, a
threshold, a start date, a measure). A specification curve (Simonsohn, Simmons and Nelson,
2020) computes the result under every combination of the declared alternatives, sorts the
estimates with their intervals and marks the choices beneath, so that a reader sees how much
the conclusion depends on the path taken. The share of specifications that agree with the
primary one travels with the claim's verdict.

This module is notebook-agnostic: it knows nothing of claims. The function that computes
one specification is the caller's; the grid runs through any ``map``-like callable, such
as :meth:`helpers.report.executor.Executor.map` (a local process pool or a Dask cluster).

References
----------
Simonsohn, U., Simmons, J. P. and Nelson, L. D. (2020). Specification curve analysis.
*Nature Human Behaviour* 4, 1208-1214.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import pandas as pd

#: One specification: the value of each declared choice, by name.
Choices: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class SpecResult:
    """The estimate of one specification with its interval and sample size."""

    estimate: float
    low: float
    high: float
    n: int

    @property
    def clear_of_zero(self) -> bool:
        """Whether the interval excludes zero."""
        return self.low > 0 or self.high < 0


def grid(alternatives: Mapping[str, Sequence[Any]]) -> list[Choices]:
    """Every combination of the declared alternatives, in a fixed order.

    Parameters
    ----------
    alternatives : mapping of str to sequence
        Name of each choice and its reasonable values, e.g.
        ``{"window": [13, 26], "horizon": [4, 13]}``.

    Returns
    -------
    list of dict
        The cartesian product, the first choice varying slowest.

    Raises
    ------
    ValueError
        When a choice has no values (the grid would be empty).
    """
    for name, values in alternatives.items():
        if len(values) == 0:
            raise ValueError(f"choice {name!r} has no values; declare at least one")
    names = list(alternatives)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(alternatives[n] for n in names))]


def run(
    compute: Callable[[Choices], SpecResult],
    specs: Sequence[Choices],
    mapper: Callable[[Callable[[Choices], SpecResult], Sequence[Choices]], Iterable[SpecResult]] | None = None,
) -> pd.DataFrame:
    """Compute every specification and return the curve as a table.

    Parameters
    ----------
    compute : callable
        Maps one choice dict to its :class:`SpecResult`. To run on a process pool or a Dask
        cluster it must be picklable (a module-level function or a ``functools.partial`` of one).
    specs : sequence of dict
        The specifications, usually from :func:`grid`.
    mapper : callable, optional
        ``mapper(compute, specs)`` returning results in the order of ``specs``; the default is
        the built-in ``map`` (serial).

    Returns
    -------
    pandas.DataFrame
        One row per specification: its choices, ``estimate``, ``low``, ``high``, ``n`` and
        ``clear_of_zero``, in the order of ``specs``.
    """
    if not specs:
        raise ValueError("no specifications to run")
    results = list((mapper or map)(compute, specs))
    if len(results) != len(specs):
        raise RuntimeError(f"the executor returned {len(results)} results for {len(specs)} specifications")
    rows = [{**spec, "estimate": r.estimate, "low": r.low, "high": r.high, "n": r.n,
             "clear_of_zero": r.clear_of_zero} for spec, r in zip(specs, results, strict=True)]
    return pd.DataFrame(rows)


def agrees(result: Mapping[str, Any], primary: Mapping[str, Any]) -> bool:
    """Whether a specification reaches the primary one's conclusion.

    Agreement means the same sign of the estimate and the same status of the interval
    (clear of zero or not). A NaN estimate never agrees.
    """
    est, ref = float(result["estimate"]), float(primary["estimate"])
    if math.isnan(est) or math.isnan(ref):
        return False
    same_sign = (est > 0) == (ref > 0)
    return same_sign and bool(result["clear_of_zero"]) == bool(primary["clear_of_zero"])


def primary_row(curve: pd.DataFrame, primary: Mapping[str, Any]) -> pd.Series:
    """The row of ``curve`` whose choices equal ``primary`` (every key of ``primary`` must match)."""
    mask = pd.Series(True, index=curve.index)
    for name, value in primary.items():
        if name not in curve.columns:
            raise KeyError(f"primary choice {name!r} is not a column of the curve ({list(curve.columns)})")
        mask &= curve[name].map(lambda v, value=value: v == value)
    hits = curve[mask]
    if len(hits) != 1:
        raise ValueError(f"primary specification {dict(primary)} matches {len(hits)} rows; it must match one")
    return hits.iloc[0]


def share_agreeing(curve: pd.DataFrame, primary: Mapping[str, Any]) -> float:
    """Share of all specifications (the primary included) that agree with the primary one."""
    ref = primary_row(curve, primary)
    return float(sum(agrees(row, ref) for _, row in curve.iterrows()) / len(curve))


def sorted_curve(curve: pd.DataFrame) -> pd.DataFrame:
    """The curve sorted by estimate (stable, so ties keep the grid's order), with a ``rank`` column."""
    out = curve.sort_values("estimate", kind="mergesort").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out
