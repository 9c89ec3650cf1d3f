"""Specification curves: the grid, the table, agreement with the primary, and the figure."""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from helpers.figures.speccurve import spec_curve
from helpers.methods import speccurve as sc


def _linear(choices: sc.Choices, slope: float = 1.0) -> sc.SpecResult:
    """A known answer: estimate = slope * (window - horizon), interval of half-width 1."""
    e = slope * (choices["window"] - choices["horizon"])
    return sc.SpecResult(e, e - 1.0, e + 1.0, n=10 * choices["window"])


def test_grid_is_the_cartesian_product_in_a_fixed_order() -> None:
    g = sc.grid({"window": [1, 2], "horizon": ["a", "b", "c"]})
    assert len(g) == 6
    assert g[0] == {"window": 1, "horizon": "a"} and g[-1] == {"window": 2, "horizon": "c"}
    with pytest.raises(ValueError, match="horizon"):
        sc.grid({"window": [1], "horizon": []})


def test_run_and_share_agreeing_on_a_known_curve() -> None:
    specs = sc.grid({"window": [0, 1, 2, 3, 4], "horizon": [2]})
    curve = sc.run(_linear, specs)
    assert curve["estimate"].tolist() == [-2, -1, 0, 1, 2]
    assert curve["clear_of_zero"].tolist() == [True, False, False, False, True]
    # primary window 4: positive and clear of zero; only itself agrees
    assert sc.share_agreeing(curve, {"window": 4, "horizon": 2}) == pytest.approx(1 / 5)
    # primary window 3: positive, not clear; window 3 only (window 2 has estimate 0, not positive)
    assert sc.share_agreeing(curve, {"window": 3, "horizon": 2}) == pytest.approx(1 / 5)
    # primary window 1: negative, not clear: agrees with window 1 and window 2 (0 counts as not positive)
    assert sc.share_agreeing(curve, {"window": 1, "horizon": 2}) == pytest.approx(2 / 5)


def test_primary_must_match_exactly_one_row() -> None:
    curve = sc.run(_linear, sc.grid({"window": [1, 2], "horizon": [0]}))
    with pytest.raises(ValueError, match="matches 0 rows"):
        sc.primary_row(curve, {"window": 9})
    with pytest.raises(KeyError, match="measure"):
        sc.primary_row(curve, {"measure": "x"})


def test_nan_never_agrees_and_sorted_curve_is_stable() -> None:
    assert not sc.agrees({"estimate": float("nan"), "clear_of_zero": False}, {"estimate": 1.0, "clear_of_zero": False})
    curve = pd.DataFrame({"estimate": [2.0, 1.0, 1.0], "low": [0, 0, 0], "high": [3, 3, 3], "tag": ["a", "b", "c"]})
    out = sc.sorted_curve(curve)
    assert out["tag"].tolist() == ["b", "c", "a"] and out["rank"].tolist() == [1, 2, 3]


def test_mapper_is_used_and_its_length_checked() -> None:
    specs = sc.grid({"window": [1, 2], "horizon": [0]})
    calls: list[int] = []

    def mapper(fn, items):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return [fn(i) for i in items]

    sc.run(functools.partial(_linear, slope=2.0), specs, mapper=mapper)
    assert calls == [2]
    with pytest.raises(RuntimeError, match="returned 1 results"):
        sc.run(_linear, specs, mapper=lambda fn, items: [fn(items[0])])


def test_figure_draws_every_specification() -> None:
    curve = sc.run(_linear, sc.grid({"window": [0, 2, 4], "horizon": [0, 2]}))
    fig = spec_curve(curve, ["window", "horizon"], {"window": 4, "horizon": 0}, title="t", unit="u", source="s")
    top = fig.axes[0]
    assert "of 6 specifications" in top.get_title()
    assert len(top.collections[0].get_offsets()) == 6 or len(top.collections) >= 2
