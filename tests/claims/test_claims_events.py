"""Rules of the event-study claims (C07, C08, C28): every branch on constructed inputs, and the evidence texts."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.claims import events as ce
from helpers.claims import specs
from helpers.claims import vocabulary as v
from helpers.methods.cycles import CycleDrawdowns, CycleReturnGap

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_pivot_event_studies.ipynb"
MIN = {"btc": 0.1, "SP500": 0.03}


def _table(rows: list[tuple[str, int, int, float, float, float]]) -> pd.DataFrame:
    """A placebo table: (asset, horizon, n_events, effect, effect_lo, effect_hi); means set around the effect."""
    frame = pd.DataFrame([{"asset": a, "horizon": h, "n_events": n, "effect": e, "effect_lo": lo, "effect_hi": hi,
                           "event_mean": 0.2 + e, "placebo_mean": 0.2, "p_value": 0.5, "p_holm": 1.0}
                          for a, h, n, e, lo, hi in rows])
    return frame.set_index(["asset", "horizon"])


# ------------------------------------------------------------------------------------------- C07


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("btc", 180, 4, 0.30, 0.12, 0.50), ("SP500", 180, 4, 0.05, 0.01, 0.09)], v.SUPPORTED),
        ([("btc", 180, 4, 0.30, 0.12, 0.50), ("SP500", 180, 4, 0.02, -0.05, 0.09)], v.PARTLY),
        ([("btc", 180, 4, -0.30, -0.60, 0.05), ("SP500", 180, 4, 0.00, -0.04, 0.02)], v.NOT_SUPPORTED),
        ([("btc", 180, 4, 0.50, -0.90, 1.80), ("SP500", 180, 4, 0.08, -0.10, 0.29)], v.INCONCLUSIVE),
        ([("btc", 180, 2, 0.90, 0.50, 1.30), ("SP500", 180, 4, 0.05, 0.01, 0.09)], v.INCONCLUSIVE),  # N < 3
    ],
)
def test_c07_pivot_rule_branches(rows: list[tuple[str, int, int, float, float, float]], expected: str) -> None:
    d = ce.c07_pivot_rule(_table(rows), MIN)
    assert d.verdict == expected and d.rule == "c07_pivot_rule" and d.reason


def test_c07_rule_uses_each_assets_minimum() -> None:
    """An excess of 0.05 with a tight interval clears the stocks' minimum (0.03) but not crypto's (0.1)."""
    rows = [("SP500", 180, 4, 0.05, 0.04, 0.06)]
    assert ce.c07_pivot_rule(_table(rows), MIN).verdict == v.SUPPORTED
    assert ce.c07_pivot_rule(_table([("btc", 180, 4, 0.05, 0.04, 0.06)]), MIN).verdict == v.NOT_SUPPORTED


def test_c07_rule_downgrades_a_supported_result_that_alternatives_do_not_share() -> None:
    rows = [("btc", 180, 4, 0.30, 0.12, 0.50)]
    assert ce.c07_pivot_rule(_table(rows), MIN, robust_share=0.2).verdict == v.PARTLY
    assert ce.c07_pivot_rule(_table(rows), MIN, robust_share=0.8).verdict == v.SUPPORTED


def test_c07_rule_empty_table_and_missing_minimum() -> None:
    assert ce.c07_pivot_rule(_table([("btc", 180, 4, 0.1, 0.0, 0.2)]).iloc[:0], MIN).verdict == v.INCONCLUSIVE
    with pytest.raises(ValueError, match="no minimum effect"):
        ce.c07_pivot_rule(_table([("eth", 180, 4, 0.3, 0.1, 0.5)]), MIN)


def test_agreement_share() -> None:
    a, b = v.Decision(v.INCONCLUSIVE, "r", "x"), v.Decision(v.PARTLY, "r", "y")
    assert ce.agreement_share(a, {}) is None
    assert ce.agreement_share(a, {"1": a, "2": b, "3": a, "4": b}) == 0.5


def test_placebo_losers_and_summary_name_the_rows_that_did_worse() -> None:
    table = _table([("btc", 180, 4, -0.08, -0.9, 0.6), ("SP500", 365, 3, 0.08, -0.1, 0.3)])
    assert ce.placebo_losers(table) == [("btc", 180)]
    text = ce.placebo_summary(table)
    assert "beat the random-day mean in 1 of 2 tests" in text and "btc at 180 days" in text


def test_c07_evidence_states_the_comparison_and_the_alternatives() -> None:
    table = _table([("btc", 180, 4, -0.08, -0.9, 0.6), ("btc", 365, 3, 0.5, -0.9, 1.9)])
    loo = pd.concat({"2020-03-15": table.assign(effect=table["effect"] - 0.3)}, names=["dropped"])
    d = ce.c07_pivot_rule(table, MIN)
    text = ce.c07_evidence(table, d, {"spacing kept": d}, loo, "2026-07-18", "cuts or QT end")
    first = text.split(". ")[0]
    assert "N=3-4" in first and "2026-07-18" in first
    assert "0 of the 2 Bonferroni intervals" in text and "without 2020-03-15" in text and "spacing kept: inconclusive" in text


# ------------------------------------------------------------------------------------------- C08


RATES = {"above_median": 0.5, "plus_50pct": 0.8}


@pytest.mark.parametrize(
    ("hits", "rates", "expected"),
    [
        ({"above_median": (3, 3), "plus_50pct": (3, 3)}, RATES, v.INCONCLUSIVE),  # N=3 cannot beat 0.5
        ({"above_median": (2, 3), "plus_50pct": (1, 3)}, RATES, v.NOT_SUPPORTED),  # "every" fails twice
        ({"above_median": (40, 40), "plus_50pct": (40, 40)}, {"above_median": 0.5, "plus_50pct": 0.6}, v.SUPPORTED),
        ({"above_median": (40, 40), "plus_50pct": (39, 40)}, {"above_median": 0.5, "plus_50pct": 0.6}, v.PARTLY),
        ({"above_median": (0, 0), "plus_50pct": (0, 0)}, RATES, v.INCONCLUSIVE),  # no complete span
    ],
)
def test_c08_rally_rule_branches(hits: dict[str, tuple[int, int]], rates: dict[str, float], expected: str) -> None:
    d = ce.c08_rally_rule(hits, rates, minimum_effect=0.2)
    assert d.verdict == expected and d.rule == "c08_rally_rule"


def test_c08_rule_says_when_n_alone_decides() -> None:
    """At N=3 even 3 of 3 has an exact lower bound of 0.203 (Bonferroni over 3): below any base rate of 0.5+."""
    assert ce.best_possible_bound(3, 3) == pytest.approx((0.05 / 6) ** (1 / 3), rel=1e-9)
    d = ce.c08_rally_rule({"a": (3, 3), "b": (3, 3), "c": (3, 3)}, {"a": 0.5, "b": 0.66, "c": 0.79})
    assert d.verdict == v.INCONCLUSIVE and "no outcome at this N" in d.reason and "0.203" in d.reason
    low = ce.c08_rally_rule({"a": (3, 3)}, {"a": 0.1})  # bound 0.292 at one definition, above a 0.1 base rate
    assert "no outcome at this N" not in low.reason
    with pytest.raises(ValueError, match="n >= 1"):
        ce.best_possible_bound(0, 3)


def test_c08_minimum_is_capped_by_the_base_rate() -> None:
    """With a base rate of 0.9 a rate can beat it by at most 0.1: 40 of 40 then counts despite a minimum of 0.2."""
    assert ce.c08_rally_rule({"x": (40, 40)}, {"x": 0.9}, minimum_effect=0.2).verdict == v.SUPPORTED
    with pytest.raises(ValueError, match="at least one"):
        ce.c08_rally_rule({}, {})


def test_c08_rule_robust_share_and_grid_decisions() -> None:
    assert ce.c08_rally_rule({"x": (40, 40)}, {"x": 0.5}, robust_share=0.1).verdict == v.PARTLY
    grid = pd.DataFrame({"pivots": ["a, b", "a, b", "a, c", "a, c"], "definition": ["x", "y", "x", "y"],
                         "n": [2, 2, 2, 2], "k": [2, 2, 1, 2]})
    out = ce.c08_grid_decisions(grid, {"x": 0.5, "y": 0.5})
    assert out["a, b"].verdict == v.INCONCLUSIVE and out["a, c"].verdict == v.INCONCLUSIVE
    assert ce.c08_grid_decisions(grid.assign(k=[1, 0, 1, 1]), {"x": 0.5, "y": 0.5})["a, b"].verdict == v.NOT_SUPPORTED


def test_c08_hits_counts_complete_spans_only() -> None:
    best = pd.Series({"a": 1.2, "b": 0.5, "c": float("nan")})
    assert ce.c08_hits(best, ["a", "b", "c"], [("x", 1.0), ("y", 0.4)]) == {"x": (1, 2), "y": (2, 2)}


def test_c08_evidence_first_sentence_is_plain() -> None:
    best = pd.Series({"2019-07-31": 1.4, "2020-03-15": 2.47, "2023-07-26": 1.28})
    rates = pd.DataFrame({"base_rate": [0.5], "lower": [0.34], "upper": [0.66]}, index=["above_median"])
    d = ce.c08_rally_rule({"above_median": (3, 3)}, {"above_median": 0.5})
    text = ce.c08_evidence(best, list(best.index), [("above_median", 1.04)], rates, {"above_median": 0.34}, d, {},
                           3312, "2026-07-18")
    assert text.startswith("BTC more than doubled") and "34% of random shifts" in text and "N=3" in text
    assert "0.12 for independent random days and 0.34 with the pivots' spacing" in text
    best = pd.concat([best, pd.Series({"2023-12-13": 0.955, "2024-09-18": 0.708})])
    text = ce.c08_evidence(best, ["2019-07-31", "2020-03-15", "2023-07-26"], [("above_median", 1.04)], rates,
                           {"above_median": 0.34}, d, {}, 3312, "2026-07-18", readings=["2023-12-13", "2024-09-18"])
    assert "2023-12-13 (+0.955) and 2024-09-18 (+0.708) miss the above_median bar (1.040)" in text
    assert "lower bound of only 0.292" in text and "no outcome could support C08" in text  # one definition: 0.025^(1/3)
    assert "Read literally" in text and "the claim is true" in text


# ------------------------------------------------------------------------------------------- C28


@pytest.mark.parametrize(
    ("gap", "dd", "expected"),
    [
        ((-0.5, -0.8, -0.3), (0.3, 0.15, 0.45), v.SUPPORTED),
        ((-0.5, -0.8, -0.3), (0.15, -0.07, 0.44), v.PARTLY),
        ((0.5, 0.3, 0.8), (-0.2, -0.3, 0.05), v.NOT_SUPPORTED),
        ((0.09, -1.2, 1.2), (0.15, -0.07, 0.44), v.INCONCLUSIVE),
    ],
)
def test_c28_tightening_rule_branches(gap: tuple[float, float, float], dd: tuple[float, float, float],
                                      expected: str) -> None:
    d = ce.c28_tightening_rule(gap, dd, minimum_return_gap=0.2, minimum_drawdown=0.1)
    assert d.verdict == expected and d.rule == "c28_tightening_rule"


def test_c28_evidence() -> None:
    table = pd.DataFrame({"days": [1100, 498], "mdd": [0.84, 0.67], "random_mean": [0.69, 0.52],
                          "excess": [0.15, 0.15], "percentile": [100.0, 75.0]}, index=["c1", "c2"])
    falls = CycleDrawdowns(table, effect=0.15, lo=-0.07, hi=0.44, p_value=0.2, n=2, level=0.975)
    gap = CycleReturnGap(diff=0.09, lo=-1.2, hi=1.2, mean_in=0.41, mean_out=0.32, days_in=1598, days_out=2984, cycles=2)
    d = ce.c28_tightening_rule((0.09, -1.2, 1.2), (0.15, -0.07, 0.44), minimum_return_gap=0.2, minimum_drawdown=0.1)
    text = ce.c28_evidence(gap, falls, d, "2026-07-18", 0.975)
    assert "N=2 hiking cycles" in text and "84% and 67%" in text and "97.5%" in text
    assert "runs against the claim" in text and "+0.09 log points a year, an interval with a half-width of about 1.2" in text
    neg = ce.c28_evidence(dataclasses.replace(gap, diff=-0.3), falls, d, "2026-07-18", 0.975)
    assert "points the claimed way" in neg


# ------------------------------------------------------------------------- declared specifications


def _parameters() -> dict[str, object]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {n.target.id: ast.literal_eval(n.value) for n in ast.parse(cell.source).body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.value is not None}


@pytest.mark.parametrize(("claim", "parameter", "threshold"), [
    ("C07", "minimum_effect_crypto", "minimum_effect_crypto"), ("C07", "minimum_effect_stocks", "minimum_effect_stocks"),
    ("C08", "c08_minimum_effect", ""), ("C28", "c28_minimum_return_gap", "minimum_return_gap"),
    ("C28", "c28_minimum_drawdown", "minimum_drawdown"),
])
def test_notebook_defaults_equal_the_declared_specification(claim: str, parameter: str, threshold: str) -> None:
    spec = specs.spec(claim)
    assert spec.rule.startswith(claim.lower())
    declared = spec.threshold(threshold) if threshold else spec.effect()
    assert declared == pytest.approx(float(_parameters()[parameter]))  # type: ignore[arg-type]
