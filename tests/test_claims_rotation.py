"""Branch tests of the notebook-04 verdict rules (helpers.claims.rotation) on constructed inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.claims import rotation as rules
from helpers.claims.vocabulary import VERDICTS, Decision


def test_mean_interval_is_the_student_t_interval() -> None:
    v = pd.Series([1.0, 2.0, 3.0, 4.0, np.nan])
    m, lo, hi, n = rules.mean_interval(v, 0.95)
    half = sps.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (m, n) == (2.5, 4) and lo == pytest.approx(2.5 - half) and hi == pytest.approx(2.5 + half)
    assert math.isnan(rules.mean_interval(pd.Series([1.0]), 0.95)[1])
    assert rules.mean_interval(pd.Series([], dtype=float), 0.95)[3] == 0


def test_share_interval_exact() -> None:
    lo, hi = rules.share_interval(0, 8, 0.95)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 8))


# ---------------------------------------------------------------- C15


def _c15(share: float, p: float, asym_lo: float, lag_hi: float, n: int = 8) -> Decision:
    first = pd.DataFrame({"n": [n, n], "share_positive": [share] * 2, "p_holm": [p] * 2}, index=["alt", "defi"])
    leads = pd.DataFrame({"asym_lo": [asym_lo] * 2, "hi": [lag_hi] * 2}, index=["alt", "defi"])
    return rules.c15_leader_rule(first, leads)


@pytest.mark.parametrize(("args", "expected"), [
    ((0.9, 0.01, 0.1, 2.0), "supported"),
    ((0.9, 0.01, -0.1, 0.0), "partly supported"),
    ((0.4, 0.8, 0.1, 0.0), "partly supported"),
    ((0.4, 0.8, -0.1, 0.0), "not supported"),  # no lead, and the best-lag interval rules a lead out
    ((0.4, 0.8, -0.1, 3.0), "inconclusive"),  # no lead, but a lead of weeks is not ruled out
    ((0.9, 0.01, 0.1, 2.0, 2), "inconclusive")])  # too few episodes
def test_c15_leader_rule(args: tuple[float, ...], expected: str) -> None:
    d = _c15(*args)  # type: ignore[arg-type]
    assert d.verdict == expected and d.rule == "c15_leader_rule" and d.reason


# ---------------------------------------------------------------- C16


def _c16(primary: tuple[float, float, float], others: list[tuple[float, float, float]], n: int = 100) -> pd.DataFrame:
    rows = [primary, *others]
    return pd.DataFrame(rows, columns=["estimate", "lo", "hi"], index=["p"] + [f"a{i}" for i in range(len(others))]
                        ).assign(n=n)


@pytest.mark.parametrize(("primary", "others", "expected"), [
    ((0.01, 0.004, 0.02), [(0.01, 0.001, 0.02)], "supported"),
    ((0.01, 0.004, 0.02), [(0.01, -0.01, 0.02), (0.0, -0.01, 0.01)], "partly supported"),  # not robust
    ((0.0075, -0.0077, 0.0247), [(0.0116, -0.0026, 0.0284)], "inconclusive"),  # the notebook's pattern
    ((-0.01, -0.02, -0.005), [], "not supported")])
def test_c16_risk_on_rule(primary: tuple[float, float, float], others: list[tuple[float, float, float]],
                          expected: str) -> None:
    assert rules.c16_risk_on_rule(_c16(primary, others), "p", 0.002, 26).verdict == expected
    assert rules.c16_risk_on_rule(_c16(primary, others, n=10), "p", 0.002, 26).verdict == "inconclusive"


# ---------------------------------------------------------------- C17


def test_c17_timing_part_branches() -> None:
    none_in_band = pd.Series([-14.0, 104, -28, -1, 13, -507, 0, 6])  # the notebook's lags: 0 of 8 in 30-90
    assert rules.c17_timing_part(none_in_band, (30, 90), -0.003, 1.0).verdict == "not supported"
    assert rules.c17_timing_part(none_in_band, (30, 90), 0.2, 0.01).verdict == "supported"  # by relative strength
    assert rules.c17_timing_part(pd.Series([40.0, 50, 60, 10]), (30, 90), 0.0, 1.0).verdict == "supported"
    mixed = pd.Series([40.0, 50, 0, 10, 5, 200])  # 2 of 6 in band: the share's interval holds 0.5
    assert rules.c17_timing_part(mixed, (30, 90), 0.0, 1.0).verdict == "inconclusive"
    assert rules.c17_timing_part(pd.Series([1.0, 2.0]), (30, 90), 0.0, 1.0).verdict == "inconclusive"


def test_amplification_part_branches() -> None:
    vol = np.log(pd.Series([1.03, 1.40, 0.95, 1.18, 1.50, 1.32, 1.18, 1.41]))  # the notebook's volatility ratios
    assert rules.amplification_part(vol, math.log(1.1), "volatility").verdict == "supported"
    gains = pd.Series([-0.03, 2.66, 0.15, 0.10, 1.94, 0.43, -0.22, 0.16])
    assert rules.amplification_part(gains, 0.1, "gains").verdict == "inconclusive"
    assert rules.amplification_part(pd.Series([-0.5, -0.4, -0.6, -0.45]), 0.1, "gains").verdict == "not supported"
    assert rules.amplification_part(pd.Series([0.5, np.nan]), 0.1, "gains").verdict == "inconclusive"


def test_c17_rule_is_the_compound_rule_of_its_parts() -> None:
    s, n, i = (Decision(v, "x", "r") for v in ("supported", "not supported", "inconclusive"))
    assert rules.c17_rule(n, i, s).verdict == "partly supported"  # the review: volatility holds, timing fails
    assert rules.c17_rule(s, s, s).verdict == "supported"
    assert rules.c17_rule(n, n, n).verdict == "not supported"
    assert rules.c17_rule(n, i, i).verdict == "inconclusive"
    assert rules.c17_rule(n, i, s).rule == "c17_rule"


def test_c17_evidence_names_the_parts() -> None:
    parts = {"timing": Decision("not supported", "t", "r1"), "amplified gains": Decision("inconclusive", "g", "r2"),
             "amplified volatility": Decision("supported", "v", "r3")}
    text = rules.c17_evidence(rules.c17_rule(*parts.values()), parts, pd.Series([0.0, -0.4, 6.0]),
                              {"n_in_band": 0, "n": 3, "p": 0.1, "p_holm": 0.3},
                              {"event_mean": -0.01, "placebo_lower": -0.2, "placebo_upper": 0.4, "n_events": 3},
                              {"gain_above_btc": 2 / 3, "n_gain": 3, "median_excess_gain": 0.1},
                              pd.Series([1.25, 1.25, 1.25]), "30-90", pd.Timestamp("2026-03-29"))
    assert text.startswith("A compound claim: amplified volatility holds; timing fails")
    assert "1.25 times as hard as BTC" in text and "+0 days" in text


# ---------------------------------------------------------------- C18, C25, C26


def _row(diff: float, lo: float, hi: float, n: int = 100) -> dict[str, float]:
    return {"diff": diff, "lo": lo, "hi": hi, "n_first": n, "n_second": n}


@pytest.mark.parametrize(("defi", "rel", "expected"), [
    (_row(0.2, 0.1, 0.3), _row(0.1, 0.06, 0.2), "supported"),
    (_row(0.2, 0.1, 0.3), _row(0.1, -0.1, 0.3), "partly supported"),
    (_row(0.26, -0.04, 0.64), _row(0.13, -0.09, 0.39), "inconclusive"),  # the notebook's pattern
    (_row(-0.1, -0.2, 0.01), _row(-0.1, -0.2, 0.02), "not supported"),
    (_row(0.2, 0.1, 0.3, n=5), _row(0.1, 0.06, 0.2, n=5), "inconclusive")])
def test_c18_rule(defi: dict[str, float], rel: dict[str, float], expected: str) -> None:
    assert rules.c18_rule(defi, rel, 0.05, min_n=26).verdict == expected


@pytest.mark.parametrize(("diff", "lo", "hi", "expected"), [
    (1.05, 0.33, 1.88, "supported"), (0.06, -0.8, 0.95, "inconclusive"), (-0.5, -0.9, 0.1, "not supported")])
def test_c25_rule(diff: float, lo: float, hi: float, expected: str) -> None:
    assert rules.c25_rule(diff, lo, hi, 0.25).verdict == expected


def test_c26_rule_branches() -> None:
    fell = pd.Series([-0.40, -0.43, -0.35, -0.36, 0.12, -0.33, -0.37, -0.35, -0.33])
    assert rules.c26_rule(fell, -0.28, minimum_rise=0.2).verdict == "not supported"
    rose = pd.Series([0.5, 0.6, 0.55, 0.45])
    assert rules.c26_rule(rose, 0.1, minimum_rise=0.2).verdict == "supported"
    assert rules.c26_rule(pd.Series([0.5, -0.4, 0.3]), 0.1, minimum_rise=0.2).verdict == "inconclusive"
    assert rules.c26_rule(rose, 0.1, minimum_rise=0.2, window_closed=False).verdict == "inconclusive"
    assert rules.c26_rule(pd.Series([np.nan, 0.1]), 0.1, minimum_rise=0.2).verdict == "untestable here"


# ---------------------------------------------------------------- C19


def _spearman(rows: dict[tuple[str, str], tuple[float, float]], n: int = 20) -> pd.DataFrame:
    """Tests with rho and Holm p; the interval is the Bonett-Wright one for n tokens."""
    out = []
    for (risk, measure), (rho, p) in rows.items():
        se = math.sqrt((1 + rho**2 / 2) / (n - 3))
        lo, hi = np.tanh(np.arctanh(rho) + np.array([-1, 1]) * 1.96 * se)
        out.append({"riskiness": risk, "measure": measure, "rho": rho, "lo": lo, "hi": hi, "p_holm": p, "n": n})
    return pd.DataFrame(out).set_index(["riskiness", "measure"])


EXPLOSIVE, SHORT_LIVED = {"excess_gain": 1, "speed": 1}, {"half_within": 1}


@pytest.mark.parametrize(("gain", "speed", "half", "expected"), [
    ((0.7, 0.01), (0.3, 1.0), (0.6, 0.03), "supported"),
    ((0.7, 0.01), (0.3, 1.0), (0.27, 1.0), "partly supported"),
    ((0.06, 1.0), (0.3, 1.0), (0.7, 0.01), "partly supported"),
    ((0.06, 1.0), (0.3, 1.0), (0.27, 1.0), "inconclusive"),  # wide intervals
    ((-0.5, 0.1), (-0.4, 0.3), (-0.6, 0.04), "not supported"),  # both ruled out
    ((-0.5, 0.1), (-0.4, 0.3), (0.27, 1.0), "inconclusive")])  # one ruled out, one open (compound rule)
def test_c19_rule(gain: tuple[float, float], speed: tuple[float, float], half: tuple[float, float],
                  expected: str) -> None:
    tests = _spearman({("size", "excess_gain"): gain, ("size", "speed"): speed, ("size", "half_within"): half,
                       ("size", "excess_drawdown"): (-0.65, 0.015)})
    assert rules.c19_rule(tests, EXPLOSIVE, SHORT_LIVED).verdict == expected


def test_aspect_decision_threshold_and_depth_measure() -> None:
    tests = pd.DataFrame({"rho": [0.05], "lo": [-0.2], "hi": [0.25], "p_holm": [1.0]},
                         index=pd.MultiIndex.from_tuples([("size", "gain")]))
    assert rules.aspect_decision(tests, {"gain": 1}, "x").verdict == "not supported"  # excludes rho >= 0.3
    assert rules.aspect_decision(tests, {"gain": 1}, "x", meaningful=0.2).verdict == "inconclusive"
    assert rules.aspect_decision(tests, {"gain": -1}, "x").verdict == "not supported"
    with pytest.raises(ValueError, match="no tests"):
        rules.aspect_decision(tests, {"speed": 1}, "x")
    deep = _spearman({("size", "excess_drawdown"): (-0.65, 0.015), ("size", "half_within"): (0.27, 1.0)})
    assert rules.aspect_decision(deep, {"excess_drawdown": -1}, "depth").verdict == "supported"
    assert rules.aspect_decision(deep, SHORT_LIVED, "short-lived").verdict == "inconclusive"


def test_survivorship_text_and_direction() -> None:
    table = pd.DataFrame({"coverage_start": [0.8, 0.95], "gap": [0.1, 0.02]})
    text = rules.survivorship_text(table)
    assert "80%-95%" in text and "N=2" in text and "+0.06 log more" in text
    assert rules.survivorship_text(None).startswith("not quantified")
    assert rules.survivorship_direction(text, "C25").endswith("against the claim.")
    assert all(d in VERDICTS for d in ("supported",))
