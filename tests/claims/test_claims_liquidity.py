"""Rules of notebook 02's claims (C03, C04, C09, C24, C30): every branch on constructed inputs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.claims import liquidity as lq
from helpers.claims import vocabulary as v
from helpers.claims.specs import ClaimSpec


def _spec(cid: str, effect: float = math.nan, **thresholds: str) -> ClaimSpec:
    return ClaimSpec(cid, f"{cid.lower()}_rule", "test", "window", thresholds=thresholds, minimum_effect=effect)


C03 = _spec("C03", timing_threshold="0.4")


@pytest.mark.parametrize(("shares", "ret", "low", "expected"), [
    ([0.5, 0.6], 0.8, -0.1, v.NOT_SUPPORTED),  # the fall came before every date, BTC rose during QT
    ([0.5, 0.6], -0.2, -0.1, v.INCONCLUSIVE),  # came before, but BTC fell during QT
    ([0.1, 0.2], 0.8, 0.05, v.PARTLY),  # the fall followed QT and moved with it
    ([0.1, 0.2], 0.8, -0.05, v.INCONCLUSIVE),  # followed QT, no co-movement
    ([0.25, 0.4, 0.5], 0.8, -0.1, v.INCONCLUSIVE),  # depends on the date chosen
])
def test_c03_branches(shares: list[float], ret: float, low: float, expected: str) -> None:
    d = lq.c03_timing_rule(shares, ret, low, spec=C03)
    assert d.verdict == expected and d.rule == "c03_timing_rule"


def test_c03_reads_its_declared_threshold() -> None:
    assert lq.c03_timing_rule([0.25, 0.4, 0.5], 0.8, -0.1).verdict == v.INCONCLUSIVE  # 0.4 is declared


C04 = _spec("C04", 0.05, family_alpha="0.05")


def _curve(ps: list[float], diffs: list[float] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"diff": diffs or [0.1] * len(ps), "p_hac": ps})


def test_robust_share_counts_positive_significant_cells() -> None:
    assert lq.robust_share(_curve([0.01, 0.2, 0.03, 0.5], [0.1, 0.1, -0.1, 0.1]), 0.05) == 0.25
    with pytest.raises(ValueError, match="empty"):
        lq.robust_share(_curve([]), 0.05)


@pytest.mark.parametrize(("diff", "lo", "hi", "ps", "flows", "expected"), [
    (0.17, -0.01, 0.35, [0.03] + [0.3] * 15, None, v.INCONCLUSIVE),  # today: the corrected interval reaches zero
    (0.17, 0.06, 0.30, [0.01] * 16, None, v.PARTLY),  # outperforms robustly; the flows half untestable
    (0.17, 0.06, 0.30, [0.01] + [0.3] * 15, None, v.PARTLY),  # holds only in the primary: still partly
    (0.17, 0.06, 0.30, [0.01] * 16, "ICI money-market assets", v.PARTLY),
    (-0.10, -0.20, 0.01, [0.5] * 16, None, v.INCONCLUSIVE),  # runs the other way, flows untestable
])
def test_c04_branches(diff: float, lo: float, hi: float, ps: list[float], flows: str | None, expected: str) -> None:
    d = lq.c04_regime_rule(diff, lo, hi, _curve(ps), flows_data=flows, spec=C04)
    assert d.verdict == expected and d.rule == "c04_regime_rule"


def test_hac_interval_inverts_the_p_value() -> None:
    lo, hi = lq.hac_interval(0.2, 0.05, 0.95)  # p = 0.05: the 95% interval just touches zero
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.4)
    lo, hi = lq.hac_interval(0.167, 0.031, 1 - 0.05 / 3)
    assert lo < 0 < hi
    with pytest.raises(ValueError, match="p-value"):
        lq.hac_interval(0.1, 0.0, 0.95)


def test_c04_needs_both_corrected_intervals_clear_of_zero() -> None:
    """Today's numbers: the bootstrap Bonferroni bound is barely above zero, the HAC Bonferroni one below."""
    boot_only = lq.c04_regime_rule(0.167, 0.0001, 0.347, _curve([0.03] + [0.3] * 15), spec=C04)
    both = lq.c04_regime_rule(0.167, 0.0001, 0.347, _curve([0.03] + [0.3] * 15), hac=(-0.018, 0.352), spec=C04)
    assert boot_only.verdict == v.PARTLY and both.verdict == v.INCONCLUSIVE


def test_c04_outperformance_part_changes_with_robustness() -> None:
    robust = lq.c04_regime_rule(0.17, 0.06, 0.30, _curve([0.01] * 16), spec=C04)
    fragile = lq.c04_regime_rule(0.17, 0.06, 0.30, _curve([0.01] + [0.3] * 15), spec=C04)
    assert "outperforms: supported" in robust.reason and "outperforms: partly supported" in fragile.reason


C09 = _spec("C09", 0.5)


def _corr(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=["r", "lo", "hi"]).assign(n=131)


@pytest.mark.parametrize(("rows", "expected"), [
    ({"WALCL": (0.05, -0.2, 0.3), "DGS2": (-0.1, -0.3, 0.1)}, v.NOT_SUPPORTED),  # every interval below 0.5
    ({"WALCL": (0.7, 0.55, 0.85), "DGS2": (0.65, 0.52, 0.8)}, v.SUPPORTED),  # both high
    ({"WALCL": (0.7, 0.55, 0.85), "DGS2": (0.05, -0.2, 0.3), "M2": (0.1, -0.1, 0.2)}, v.PARTLY),  # one of three
    ({"WALCL": (0.3, -0.1, 0.7), "DGS2": (0.05, -0.2, 0.3)}, v.INCONCLUSIVE),  # one holds both
])
def test_c09_branches(rows: dict[str, tuple[float, float, float]], expected: str) -> None:
    d = lq.c09_correlation_rule(_corr(rows), spec=C09)
    assert d.verdict == expected and d.rule == "c09_correlation_rule"


def test_c09_needs_a_measure() -> None:
    with pytest.raises(ValueError, match="at least one"):
        lq.c09_correlation_rule(_corr({}), spec=C09)


C24 = _spec("C24", 0.1, instability_minimum="0.03")
NOISE = {"observed": 0.136, "null_mean": 0.134, "null_low": 0.095, "null_high": 0.180}
BURSTY = {"observed": 0.30, "null_mean": 0.134, "null_low": 0.095, "null_high": 0.180}


@pytest.mark.parametrize(("stocks", "bonds", "instab", "expected"), [
    ((0.05, -0.2, 0.3), (0.6, 0.4, 0.8), NOISE, v.PARTLY),  # bonds hold, the rest does not decide
    ((0.3, 0.15, 0.45), (0.6, 0.4, 0.8), BURSTY, v.SUPPORTED),
    ((-0.3, -0.5, -0.1), (-0.2, -0.4, 0.05), {**NOISE, "null_low": 0.13, "null_high": 0.14}, v.NOT_SUPPORTED),
    ((0.05, -0.2, 0.3), (0.05, -0.2, 0.3), NOISE, v.INCONCLUSIVE),
])
def test_c24_branches(stocks: tuple[float, float, float], bonds: tuple[float, float, float],
                      instab: dict[str, float], expected: str) -> None:
    def diff(t: tuple[float, float, float]) -> dict[str, float]:
        return dict(zip(("diff", "lo", "hi"), t, strict=True))

    d = lq.c24_reliability_rule(diff(stocks), diff(bonds), instab, spec=C24)
    assert d.verdict == expected and d.rule == "c24_reliability_rule"


C30 = _spec("C30", 0.25)


@pytest.mark.parametrize(("primary", "alternatives", "expected"), [
    ((1.77, -0.05, 3.5), [(0.55, -0.8, 1.8), (0.74, -0.76, 2.06)], v.INCONCLUSIVE),  # lower bound below zero
    ((1.77, 0.30, 3.5), [(0.55, -0.8, 1.8), (0.74, -0.76, 2.06)], v.PARTLY),  # holds only in the primary
    ((1.77, 0.30, 3.5), [(0.9, 0.3, 1.8), (0.74, -0.76, 2.06)], v.SUPPORTED),  # half the alternatives agree
    ((1.77, 0.30, 3.5), [], v.SUPPORTED),  # no alternatives declared
    ((-0.5, -1.0, -0.1), [], v.NOT_SUPPORTED),
])
def test_c30_branches(primary: tuple[float, float, float], alternatives: list[tuple[float, float, float]],
                      expected: str) -> None:
    def row(t: tuple[float, float, float]) -> dict[str, float]:
        return dict(zip(("diff", "lo", "hi"), t, strict=True))

    d = lq.c30_qe_rule(row(primary), [row(a) for a in alternatives], spec=C30)
    assert d.verdict == expected and d.rule == "c30_qe_rule"


def test_qe_coverage_names_covered_partial_and_missing_programmes() -> None:
    ts = pd.Timestamp
    programmes = {"QE1": (ts("2008-11-25"), ts("2010-03-31")), "QE3": (ts("2012-09-13"), ts("2014-10-29")),
                  "QE4": (ts("2020-03-15"), None)}
    covered, missing = lq.qe_coverage(programmes, ts("2013-04-28"), ts("2026-07-18"))
    assert covered == "QE3 (part of it), QE4 (all of it)"
    assert missing.startswith("QE1 (2008-11-25..2010-03-31) lies outside the prices (2013-04-28..")
    covered, missing = lq.qe_coverage({"QE4": (ts("2020-03-15"), ts("2022-03-09"))}, ts("2010-07-19"), ts("2026-07-18"))
    assert (covered, missing) == ("QE4 (all of it)", "no programme is missing")


def test_effect_is_shared_compares_btc_with_the_smallest_equity_effect() -> None:
    table = pd.DataFrame({"diff_sd": [0.43, 0.42, 0.37]}, index=["BTC", "NASDAQ", "S&P 500"])
    assert lq.effect_is_shared(table, 1.5) and not lq.effect_is_shared(table, 1.1)
