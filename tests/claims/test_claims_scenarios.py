"""Rules of the claims of notebook 06 (C20-C23, C27): every branch on constructed inputs, and the evidence texts."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from helpers.claims import forecasts as fc
from helpers.claims import scenarios as cs
from helpers.claims import specs
from helpers.claims import vocabulary as v
from helpers.methods import simulation as sim
from helpers.methods import strategies as strat
from helpers.methods import strategy_comparison as compare
from helpers.methods.simulation import RealisedPath, RealisedPercentiles
from helpers.studies import scenarios as study

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_risk_scenarios.ipynb"


# ------------------------------------------------------------------------------------------- C20


@pytest.mark.parametrize(("effect", "lo", "hi", "n", "expected"), [
    (-0.25, -0.36, -0.10, 16, v.SUPPORTED),  # harm shown, at least the meaningful 0.10
    (0.05, -0.05, 0.15, 16, v.NOT_SUPPORTED),  # a harm of 0.10 is ruled out
    (-0.001, -0.25, 0.25, 5, v.INCONCLUSIVE),  # low power
    (-0.30, -0.40, -0.20, 3, v.INCONCLUSIVE),  # too few events, whatever the estimate
    (float("nan"), float("nan"), float("nan"), 8, v.INCONCLUSIVE),
])
def test_c20_risk_part_branches(effect: float, lo: float, hi: float, n: int, expected: str) -> None:
    d = cs.c20_risk_part(effect, lo, hi, 0.10, n, min_events=5)
    assert d.verdict == expected and d.rule == "c20_risks_rule"


def _risks(rows: list[tuple[float, float, float, int]]) -> pd.DataFrame:
    names = list(study.RISK_ITEMS)[:len(rows)]
    table = pd.DataFrame([{"effect": e, "lo": lo, "hi": hi, "meaningful": 0.10, "p": 0.5, "p_holm": 1.0,
                           "significant": False, "n": n} for e, lo, hi, n in rows], index=names)
    table.attrs["level"] = 0.9875
    return table


@pytest.mark.parametrize(("rows", "expected"), [
    ([(-0.3, -0.4, -0.2, 10)] * 4, v.SUPPORTED),
    ([(-0.3, -0.4, -0.2, 10), (0.0, -0.3, 0.3, 10), (0.1, -0.2, 0.4, 3), (0.0, -0.05, 0.05, 10)], v.PARTLY),
    ([(0.0, -0.05, 0.05, 10)] * 4, v.NOT_SUPPORTED),
    ([(0.0, -0.05, 0.05, 10), (0.0, -0.3, 0.3, 10)], v.INCONCLUSIVE),
])
def test_c20_risks_rule_branches(rows: list[tuple[float, float, float, int]], expected: str) -> None:
    assert cs.c20_risks_rule(_risks(rows)).verdict == expected


def test_c20_status_table_and_evidence() -> None:
    table = cs.c20_status_table(_risks([(-0.3, -0.4, -0.2, 10), (0.0, -0.05, 0.05, 10), (0.1, -0.2, 0.4, 3),
                                        (0.0, -0.3, 0.3, 8)]))
    assert list(table["status"]) == ["harm shown", "no harm shown", "undecidable", "no harm detected, low power"]
    d = cs.c20_risks_rule(table)
    text = cs.c20_evidence(table, d, 5, 30, 90, "2026-07-18")
    first = text.split(". ")[0]
    assert "1 of 4 risks show a measurable harm (recession (credit stress))" in first
    assert "1 rule a meaningful harm out" in first and "the other 2" in first and "2026-07-18" in first
    assert "98.75%" in text and "90 days after" in text
    none = cs.c20_status_table(_risks([(0.0, -0.3, 0.3, 8)] * 4))
    assert "none of the 4 risks shows a measurable harm; all 4 rest" in cs.c20_evidence(
        none, cs.c20_risks_rule(none), 5, 30, 90, "2026-07-18")


def test_c20_rule_with_the_declared_alternative() -> None:
    """The primary decides; the alternative is stated, and downgrades only a supported primary verdict."""
    after = _risks([(0.06, -0.2, 0.25, 8), (0.0, -0.3, 0.3, 5), (0.1, -0.2, 0.4, 3), (0.0, -0.3, 0.3, 8)])
    during = _risks([(-0.26, -0.36, -0.12, 8), (0.0, -0.3, 0.3, 5), (0.1, -0.2, 0.4, 3), (0.0, -0.3, 0.3, 8)])
    d = cs.c20_risks_rule(after, alternative=during)
    assert d.verdict == v.INCONCLUSIVE and "would give partly supported" in d.reason
    assert cs.c20_risks_rule(during, alternative=during).verdict == v.PARTLY
    all_harm = _risks([(-0.3, -0.4, -0.2, 10)] * 4)
    assert cs.c20_risks_rule(all_harm, alternative=after).verdict == v.PARTLY
    assert cs.c20_risks_rule(all_harm, alternative=all_harm).verdict == v.SUPPORTED
    t_after, t_during = cs.c20_status_table(after), cs.c20_status_table(during)
    text = cs.c20_evidence(t_after, d, 5, 30, 90, "2026-07-18", t_during, cs.c20_risks_rule(t_during), 30, 30)
    assert "N=8 independent episodes" in text and "fewer than 30 calm days" in text
    assert "gives -0.260 (interval -0.360 to -0.120; N=8 episodes) -> harm shown" in text
    assert "would be partly supported" in text and "issue 11" in text


# ------------------------------------------------------------------------------------------- C21


def _rows(cases: list[tuple[float, ...]]) -> pd.DataFrame:
    """Rows (estimate, Bonferroni lo, hi[, own lo, own hi]); without the own interval it is the Bonferroni one."""
    idx = pd.MultiIndex.from_tuples([(180, "s", f"m{i}") for i in range(len(cases))],
                                    names=["horizon", "strategy", "measure"])
    full = [c if len(c) == 5 else (*c, c[1], c[2]) for c in cases]
    return pd.DataFrame(full, columns=["improvement", "imp_lo", "imp_hi", "imp_lo_row", "imp_hi_row"], index=idx)


@pytest.mark.parametrize(("cases", "expected"), [
    ([(0.2, 0.15, 0.25), (0.3, 0.2, 0.4)], v.SUPPORTED),
    ([(0.2, 0.15, 0.25), (0.02, 0.01, 0.05)], v.PARTLY),
    ([(0.06, 0.03, 0.09), (-0.02, -0.05, 0.01)], v.NOT_SUPPORTED),  # every interval below 10%
    ([(0.06, 0.03, 0.12), (-0.02, -0.05, 0.01)], v.INCONCLUSIVE),  # one interval reaches 10%
    # intersection-union: the Bonferroni interval reaches 10%, each row's own interval does not
    ([(0.064, 0.01, 0.103, 0.02, 0.09), (0.02, -0.01, 0.06, 0.0, 0.05)], v.NOT_SUPPORTED),
    # a row's own interval reaches 10%: inconclusive
    ([(0.064, 0.01, 0.12, 0.02, 0.105), (0.02, -0.01, 0.06, 0.0, 0.05)], v.INCONCLUSIVE),
    # "supported" needs the Bonferroni interval: clear of zero on its own interval only is not enough
    ([(0.2, -0.01, 0.4, 0.05, 0.35)], v.INCONCLUSIVE),
])
def test_c21_staging_rule_branches(cases: list[tuple[float, ...]], expected: str) -> None:
    d = cs.c21_staging_rule(_rows(cases), material=0.10)
    assert d.verdict == expected and d.rule == "c21_staging_rule"


def test_c21_rule_reasons_are_true_for_each_row() -> None:
    """The reason names the deciding bound, and an open row is described by what its own interval shows."""
    iut = cs.c21_staging_rule(_rows([(0.064, 0.01, 0.103, 0.02, 0.09), (0.02, -0.01, 0.06, 0.0, 0.05)]),
                              material=0.10)
    assert "intersection-union" in iut.reason and "0.090 (180 s m0)" in iut.reason
    clear = cs.c21_staging_rule(_rows([(0.064, 0.01, 0.12, 0.02, 0.105), (0.02, -0.01, 0.06, -0.01, 0.05)]),
                                material=0.10)
    assert "1 of the 2 rows" in clear.reason and "180 s m0: an effect clear of zero but below the minimum" in clear.reason
    both = cs.c21_staging_rule(_rows([(0.05, -0.02, 0.12, -0.01, 0.11)]), material=0.10)
    assert "holds both no effect and the minimum" in both.reason and "clear of zero" not in both.reason


def test_c21_rule_robust_share_and_empty_rows() -> None:
    rows = _rows([(0.2, 0.15, 0.25)])
    assert cs.c21_staging_rule(rows, material=0.1, robust_share=0.0).verdict == v.PARTLY
    assert cs.c21_staging_rule(rows, material=0.1, robust_share=1.0).verdict == v.SUPPORTED
    with pytest.raises(ValueError, match="at least one row"):
        cs.c21_staging_rule(rows.iloc[:0], material=0.1)
    with pytest.raises(ValueError, match="imp_hi_row"):
        cs.c21_staging_rule(rows.drop(columns=["imp_lo_row", "imp_hi_row"]), material=0.1)


@pytest.fixture
def cash_holder() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A "staged" plan that keeps 20% in cash throughout: 20% less risk than the full lump sum, none vs the matched."""
    prices = pd.Series(np.exp(np.cumsum(np.random.default_rng(7).normal(0.002, 0.03, 900))),
                       index=pd.date_range("2020-01-01", periods=900, freq="D"))
    paths, starts = sim.start_windows(prices, 60)
    final, mdd = strat.strategy_outcomes(paths, {"lump_sum": lambda p: p,
                                                 "cash": lambda p: strat.static_mix_values(p, 0.8)}, starts)
    vs_lump = pd.concat({60: compare.compare_to_baseline(final, mdd, "lump_sum", 60, 100, 1, row_level=0.95)},
                        names=["horizon"])
    matched = pd.concat({60: compare.compare_to_matched(paths, final, mdd, ["cash"], "lump_sum", 60, 100, 1,
                                                        row_level=0.95)}, names=["horizon"])
    return vs_lump, matched


def test_c21_rule_credits_cash_against_the_full_lump_sum_only(cash_holder: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    vs_lump, matched = cash_holder
    measures = ["sd", "cvar05", "mdd_mean"]
    rows = cs.c21_rows(vs_lump, ["cash"], measures)
    assert list(rows.columns) == ["improvement", "imp_lo", "imp_hi", "imp_lo_row", "imp_hi_row"] and len(rows) == 3
    assert (rows["imp_lo_row"] >= rows["imp_lo"] - 1e-12).all() and (rows["imp_hi_row"] <= rows["imp_hi"] + 1e-12).all()
    assert cs.c21_staging_rule(rows, material=0.1).verdict == v.SUPPORTED  # 20% less risk: it is all cash
    assert cs.c21_staging_rule(cs.c21_rows(matched, ["cash"], measures), material=0.1).verdict == v.NOT_SUPPORTED
    d = cs.c21_staging_rule(rows, material=0.1)
    alt = cs.c21_staging_rule(cs.c21_rows(matched, ["cash"], measures), material=0.1)
    text = cs.c21_evidence(vs_lump, matched, ["cash"], [*measures, "p_loss"], "2020-01-01", d, alt, 0.99,
                           "2022-06-18", 0.1, {(60, "cash"): 0.2},
                           {"reps": 100, "max_a": 0.31, "max_b": 0.305, "spread": 0.004})
    assert text.startswith("Against buying everything at once") and "made of cash" in text
    assert "the rule gives: not supported" in text and "Probability of a loss" in text and "99.00%" in text
    assert "cash 20.0% at 60 d" in text and "0.310 with one seed and 0.305" in text and "0.004" in text


# ------------------------------------------------------------------------------------------- C22


@pytest.mark.parametrize(("lock", "capture", "expected"), [
    ((0.066, 0.017, 0.13), (0.6, 0.55, 0.7), v.SUPPORTED),
    ((0.066, 0.017, 0.13), (0.08, 0.04, 0.31), v.PARTLY),
    ((0.0, -0.01, 0.01), (0.08, 0.04, 0.31), v.NOT_SUPPORTED),
    ((0.05, -0.02, 0.12), (0.4, 0.1, 0.9), v.INCONCLUSIVE),
])
def test_c22_ladder_rule_branches(lock: tuple[float, float, float], capture: tuple[float, float, float],
                                  expected: str) -> None:
    d = cs.c22_ladder_rule(lock, capture, minimum_lock=0.03, keep=0.5)
    assert d.verdict == expected and d.rule == "c22_ladder_rule"


def test_c22_evidence() -> None:
    lock = pd.DataFrame({"up_then_loss": [0.084, 0.15], "diff": [-0.066, 0.0], "lo": [-0.13, 0.0], "hi": [-0.02, 0.0],
                         "capture": [0.08, 1.0], "capture_lo": [0.04, 1.0], "capture_hi": [0.31, 1.0],
                         "n_reached": [3327, 3327], "n": [3852, 3852]}, index=["ladder", "buy_and_hold"])
    idx = pd.MultiIndex.from_tuples([(365, "ladder", m) for m in ("mean", "mdd_mean")],
                                    names=["horizon", "strategy", "measure"])
    table = pd.DataFrame({"improvement": [-0.76, 0.37], "diff": [-1.1, -0.17], "lo": [-2.3, -0.23],
                          "hi": [-0.3, -0.1], "n": [3852, 3852]}, index=idx)
    d = cs.c22_ladder_rule((0.066, 0.02, 0.13), (0.08, 0.04, 0.31), minimum_lock=0.03, keep=0.5)
    text = cs.c22_evidence(lock, table, lock, 365, 0.2, "2015-01-01", 5000, d, "2026-07-18")
    assert text.startswith("Over 365-day holdings") and "8.4% of the time against 15.0%" in text
    assert "kept only 8%" in text and "Rule: some parts hold" in text


# ------------------------------------------------------------------------------------------- C23, C27


def test_informative_band() -> None:
    assert fc.informative(0.5, 0.85) and not fc.informative(0.9, 0.85) and not fc.informative(0.1, 0.85)
    assert not fc.informative(0.85, 0.85) and not fc.informative(0.15, 0.85)
    with pytest.raises(ValueError, match="near_certain"):
        fc.informative(0.5, 0.4)


@pytest.mark.parametrize(("p", "touched", "complete", "expected"), [
    (0.50, True, False, v.SUPPORTED),
    (0.10, True, True, v.SUPPORTED),  # a long shot that came true
    (0.97, True, False, v.INCONCLUSIVE),  # the base case came true: no credit
    (0.50, False, False, v.INCONCLUSIVE),  # window open
    (0.90, False, True, v.NOT_SUPPORTED),  # a near-certain level missed counts against
    (0.50, False, True, v.NOT_SUPPORTED),
    (0.10, False, True, v.INCONCLUSIVE),  # missing a long shot says nothing
])
def test_touch_part_branches(p: float, touched: bool, complete: bool, expected: str) -> None:
    assert fc.touch_part(fc.LevelOutcome(100.0, p, touched), complete, 0.85, "r").verdict == expected


@pytest.mark.parametrize(("low", "high", "complete", "expected"), [
    ((0.97, True), (0.50, True), True, v.SUPPORTED),
    ((0.50, True), (0.30, False), False, v.PARTLY),
    ((0.97, True), (0.90, False), True, v.NOT_SUPPORTED),
    ((0.97, True), (0.90, False), False, v.INCONCLUSIVE),  # today's case: 90k near certain, 100k open
    ((0.97, True), (0.95, True), True, v.INCONCLUSIVE),  # both near certain and reached
])
def test_c23_range_rule_branches(low: tuple[float, bool], high: tuple[float, bool], complete: bool,
                                 expected: str) -> None:
    d = fc.c23_range_rule(fc.LevelOutcome(90000, *low), fc.LevelOutcome(100000, *high), complete=complete)
    assert d.verdict == expected and d.rule == "c23_range_rule" and "top:" in d.reason


@pytest.mark.parametrize(("p", "touched", "complete", "expected"), [
    (0.77, True, False, v.SUPPORTED), (0.77, False, False, v.INCONCLUSIVE), (0.77, False, True, v.NOT_SUPPORTED),
    (0.95, True, True, v.INCONCLUSIVE),
])
def test_c27_high_rule_branches(p: float, touched: bool, complete: bool, expected: str) -> None:
    d = fc.c27_high_rule(fc.LevelOutcome(124774, p, touched), complete=complete)
    assert d.verdict == expected and d.rule == "c27_high_rule" and "record" in d.reason


@pytest.mark.parametrize(("touched", "complete", "held", "expected"), [
    (False, True, False, v.UNTESTABLE),  # window over, no record, condition failed: the conditional says nothing
    (False, True, True, v.NOT_SUPPORTED),  # condition held and no record
    (False, True, None, v.NOT_SUPPORTED),  # unconditional reading
    (True, True, False, v.SUPPORTED),  # a record is a record
    (False, False, False, v.INCONCLUSIVE),  # window open
])
def test_c27_high_rule_conditional_reading(touched: bool, complete: bool, held: bool | None, expected: str) -> None:
    d = fc.c27_high_rule(fc.LevelOutcome(124774, 0.77, touched), complete=complete, momentum_held=held)
    assert d.verdict == expected and d.rule == "c27_high_rule"
    if expected == v.UNTESTABLE:
        assert "momentum held" in d.reason
    if held is False and not complete:
        assert "fails so far" in d.reason


def test_c23_reachable_verdicts() -> None:
    assert v.SUPPORTED not in fc.c23_reachable(0.97, 0.90, 0.85)  # both near certain: never supported
    assert fc.c23_reachable(0.97, 0.90, 0.85) == [v.NOT_SUPPORTED, v.INCONCLUSIVE]
    assert v.SUPPORTED in fc.c23_reachable(0.90, 0.75, 0.85)  # an informative top can earn credit


def _realised() -> RealisedPath:
    return RealisedPath(close_at_date=86281.0, max=97008.0, max_date=pd.Timestamp("2026-01-14"), min=58573.0,
                        min_date=pd.Timestamp("2026-06-30"), last_date=pd.Timestamp("2026-07-18"), n_days=229,
                        first_touch={90000.0: pd.Timestamp("2025-12-02"), 100000.0: None},
                        days_at_or_above={90000.0: 40, 100000.0: 0})


def test_c23_and_c27_evidence() -> None:
    cols = pd.MultiIndex.from_tuples([(90000, 365), (100000, 365), ("median close", 365)], names=["level", "days"])
    touch = pd.DataFrame([[0.97, 0.90, 140000.0], [0.90, 0.75, 90000.0]], index=["since 2015", "zero drift"],
                         columns=cols)
    d = fc.c23_range_rule(fc.LevelOutcome(90000, 0.97, True), fc.LevelOutcome(100000, 0.90, False), complete=False)
    text = fc.c23_evidence(_realised(), touch, "2025-12-01", [90000, 100000], 5000, False,
                           RealisedPercentiles(max=13.0, min=5.0, last=15.0, days=229), "2026-12-01", d, (110000.0, 150000.0),
                           "since 2015", zero_drift="zero drift")
    assert text.startswith("BTC's highest close in the 12 months after 2025-12-01 so far is USD 97,008")
    assert "can never be supported" in text and "with zero drift (zero drift) 90,000 had 0.90" in text
    assert "100,000 0.75 (informative), so a touch of 100,000 would earn credit there" in text
    assert "still open" in text and "90,000 was near certain and 100,000 near certain" in text
    assert "0.75-0.90" in text
    d27 = fc.c27_high_rule(fc.LevelOutcome(124774, 0.77, False), complete=False)
    text27 = fc.c27_evidence(124774.0, pd.Timestamp("2025-10-06"), _realised(), 0.77, (0.52, 0.89), False,
                             "2026-12-01", d27, "2025-12-01", 5000, "since 2015", 64796.0, 0.52, "zero drift")
    assert "-22% against the prior record close of USD 124,774 (2025-10-06)" in text27 and "0.52-0.89" in text27
    assert "fails so far: the last close USD 64,796 is -25% against USD 86,281" in text27
    assert "untestable here" in text27 and "with zero drift it was 0.52" in text27


# ------------------------------------------------------------------------- declared specifications


def _parameters() -> dict[str, object]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {n.target.id: ast.literal_eval(n.value) for n in ast.parse(cell.source).body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.value is not None}


@pytest.mark.parametrize(("claim", "parameter", "threshold"), [
    ("C20", "meaningful_harm", ""), ("C20", "min_events", "min_events"), ("C20", "rate_ratio", "rate_ratio"),
    ("C20", "alpha", "alpha"), ("C20", "episode_gap", "episode_gap"), ("C21", "material", "material"),
    ("C21", "c21_reps", "c21_reps"), ("C22", "lock_minimum", "lock_minimum"),
    ("C22", "keep", "keep"), ("C23", "near_certain", "near_certain"), ("C27", "near_certain", "near_certain"),
])
def test_notebook_defaults_equal_the_declared_specification(claim: str, parameter: str, threshold: str) -> None:
    spec = specs.spec(claim)
    assert spec.rule.startswith(claim.lower())
    declared = spec.threshold(threshold) if threshold else spec.effect()
    assert declared == pytest.approx(float(_parameters()[parameter]))  # type: ignore[arg-type]
