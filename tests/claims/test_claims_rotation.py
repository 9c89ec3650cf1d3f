"""Branch tests of the notebook-04 verdict rules (helpers.claims.rotation) on constructed inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.claims import rotation as rules
from helpers.claims import rotation_sizes as size_rules
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
             "amplified volatility": Decision("inconclusive", "v", "r3")}
    loo = {"amplified volatility": pd.DataFrame({"estimate": [0.1, -0.05], "low": [0.01, -0.2], "high": [0.2, 0.1]})}
    text = rules.c17_evidence(rules.c17_rule(*parts.values()), parts, pd.Series([0.0, -0.4, 6.0]),
                              {"n_in_band": 0, "n": 3, "p": 0.1, "p_holm": 0.3},
                              {"event_mean": -0.01, "placebo_lower": -0.2, "placebo_upper": 0.4, "n_events": 3},
                              pd.Series([1.25, 1.25, 1.25]), pd.Series([1.2, 1.2, 1.2]), (0.22, 0.01, 0.4), loo, 7,
                              "30-90", pd.Timestamp("2026-03-29"))
    assert text.startswith("A compound claim: no part holds; timing fails; amplified gains, amplified volatility "
                           "cannot be decided")
    assert "1.25 times as hard as BTC" in text and "1.20 times in the year before" in text and "+0 days" in text
    assert "the 7 C17 tests" in text and "clear of zero in 1 of 2" in text
    assert "not measurably more so in rallies" in text  # vs BTC clear, the rally-specific part not
    held = dict(parts, **{"amplified volatility": Decision("supported", "v", "r3")})
    assert "not measurably" not in rules.c17_evidence(rules.c17_rule(*held.values()), held, pd.Series([0.0]),
                                                      {"n_in_band": 0, "n": 3, "p": 0.1, "p_holm": 0.3},
                                                      {"event_mean": -0.01, "placebo_lower": -0.2,
                                                       "placebo_upper": 0.4, "n_events": 3},
                                                      pd.Series([1.25]), pd.Series([1.0]), (0.22, 0.01, 0.4), {}, 7,
                                                      "30-90", pd.Timestamp("2026-03-29"))


def test_holm_levels_agree_with_holm() -> None:
    p = pd.Series({"a": 0.004, "b": 0.0074, "c": 0.6, "d": 0.2})
    out = rules.holm_levels(p, pd.Series({"a": True, "b": False, "c": False, "d": False}))
    # Holm: a 0.016, b max(0.016, 0.0222)=0.0222, d 0.4, c 0.6 -> a, b rejected
    assert out.loc["b", "p_holm"] == pytest.approx(3 * 0.0074) and list(out["rejected"]) == [True, True, False, False]
    assert out.loc["a", "level"] == pytest.approx(1 - 2 * 0.05 / 4)  # smallest p: Bonferroni, one-sided tail doubled
    assert out.loc["b", "level"] == pytest.approx(1 - 0.05 / 3)
    assert out.loc["c", "level"] == pytest.approx(1 - 0.05 / 2) == out.loc["d", "level"]  # m - r = 2
    # an interval at a rejected test's level excludes zero exactly when Holm rejects: t test by hand
    v = pd.Series([0.3, 0.25, 0.1, 0.5, 0.2, 0.05, 0.4, 0.3])
    pv = float(sps.ttest_1samp(v, 0.0).pvalue)
    lvl = rules.holm_levels(pd.Series({"v": pv, "w": 0.01}), pd.Series({"v": False, "w": False}))
    lo = rules.mean_interval(v, lvl.loc["v", "level"])[1]
    assert bool(lvl.loc["v", "rejected"]) == (lo > 0)
    with pytest.raises(ValueError, match="p-values"):
        rules.holm_levels(pd.Series({"a": 0.0}), pd.Series({"a": False}))


def test_parts_decided_at_their_family_level_can_differ_from_three_parts() -> None:
    vol = np.log(pd.Series([1.03, 1.40, 0.95, 1.18, 1.50, 1.32, 1.18, 1.41]))
    assert rules.amplification_part(vol, math.log(1.1), "volatility", level=1 - 0.05 / 3).verdict == "supported"
    assert rules.amplification_part(vol, math.log(1.1), "volatility", level=1 - 0.05 / 7).verdict == "inconclusive"
    assert rules.amplification_part(vol, math.log(1.1), "volatility", level=1 - 0.05 / 3,
                                    robust_share=0.25).verdict == "partly supported"
    lags = pd.Series([-14.0, 104, -28, -1, 13, -507, 0, 6])
    assert rules.c17_timing_part(lags, (30, 90), -0.003, 1.0, level=1 - 2 * 0.05 / 7).verdict == "not supported"
    assert rules.c17_timing_part(lags, (30, 90), -0.003, 1.0, level=1 - 0.05 / 7).verdict == "inconclusive"


def test_loo_agreement() -> None:
    loo = pd.DataFrame({"estimate": [0.3, 0.3, 0.05], "low": [0.1, -0.1, -0.2], "high": [0.5, 0.6, 0.3]})
    ref = Decision("supported", "x", "r")
    assert rules.loo_agreement(loo, ref, 0.1) == pytest.approx(1 / 3)
    assert math.isnan(rules.loo_agreement(loo.iloc[:0], ref, 0.1))


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
    assert size_rules.c25_rule(diff, lo, hi, 0.25).verdict == expected


def test_c25_rule_takes_the_weakest_dimension() -> None:
    # 7 of 10 alternatives agree in all, but none of the bucket rules: not robust
    agreement = pd.DataFrame({"n": [5, 2, 3], "agree": [0, 2, 3]}, index=["small bucket", "small minimum", "left out"])
    agreement["share"] = agreement["agree"] / agreement["n"]
    d = size_rules.c25_rule(1.05, 0.33, 1.88, 0.25, agreement)
    assert d.verdict == "partly supported" and "small bucket: 0 of 5 agree" in d.reason
    agreement["agree"], agreement["share"] = [3, 2, 3], [0.6, 1.0, 1.0]
    assert size_rules.c25_rule(1.05, 0.33, 1.88, 0.25, agreement).verdict == "supported"
    assert size_rules.c25_rule(0.06, -0.8, 0.95, 0.25, agreement).verdict == "inconclusive"


def test_c25_evidence_states_the_sample_split_and_the_confound() -> None:
    from helpers.methods.masked_bootstrap import RiskAdjustedDifference

    c25 = RiskAdjustedDifference(0.69, -0.36, 1.05, 0.33, 1.88, 0.001, 481)
    other = RiskAdjustedDifference(0.5, 0.46, 0.04, -0.86, 1.01, 0.9, 582)
    curve = pd.DataFrame({
        "dimension": ["primary", "small bucket", "small bucket", "left out"],
        "left out": ["none", "none", "none", "2023-11-14"], "estimate": [1.05, -0.26, -0.35, 1.08],
        "low": [0.33, -1.35, -1.3, -0.73], "high": [1.88, 1.08, 0.74, 2.78], "n": [481, 783, 892, 144],
        "first": ["2021-10-31", "2020-05-29", "2019-07-18", "2021-10-31"]})
    text = size_rules.c25_evidence(c25, 0.356, 0.421, 6, "s.", curve, other, ["uni", "aave", "avax"], ["uni", "aave"])
    assert text.startswith("On N=481 liquidity-driven rally days from 2021-10-31")
    assert "large 36% vs small 42%" in text  # drawdowns are positive fractions of the running peak
    assert "2 declared bucket rules that keep earlier episodes (from 2019-07-18) give -0.35 to -0.26, 2 of them" in text
    assert "episode of 2023-11-14 leaves 144 days" in text and "2 of them DeFi" in text
    assert "not shown to be specific to liquidity" in text and text.endswith("Survivorship: s.")


def test_c26_rule_branches() -> None:
    fell = pd.Series([-0.40, -0.43, -0.35, -0.36, 0.12, -0.33, -0.37, -0.35, -0.33])
    assert size_rules.c26_rule(fell, -0.28, minimum_rise=0.2).verdict == "not supported"
    rose = pd.Series([0.5, 0.6, 0.55, 0.45])
    assert size_rules.c26_rule(rose, 0.1, minimum_rise=0.2).verdict == "supported"
    assert size_rules.c26_rule(pd.Series([0.5, -0.4, 0.3]), 0.1, minimum_rise=0.2).verdict == "inconclusive"
    assert size_rules.c26_rule(pd.Series([np.nan, 0.1]), 0.1, minimum_rise=0.2).verdict == "untestable here"


def test_c26_rule_bounds_the_missing_days() -> None:
    fell = pd.Series([-0.40, -0.43, -0.35, -0.36, 0.12, -0.33, -0.37, -0.35, -0.33])
    # two days missing, but even the largest 2-day rise seen cannot lift the mean to the minimum: the verdict stands
    d = size_rules.c26_rule(fell, -0.28, minimum_rise=0.2, missing_days=2, bound=(0.21, -0.34))
    assert d.verdict == "not supported" and "+0.210" in d.reason and "unchanged" in d.reason
    # a bound large enough to reach the minimum leaves the forecast open
    assert size_rules.c26_rule(fell, -0.28, minimum_rise=0.2, missing_days=2, bound=(0.9, -0.3)).verdict == "inconclusive"
    rose = pd.Series([0.5, 0.6, 0.55, 0.45])
    assert size_rules.c26_rule(rose, 0.1, minimum_rise=0.2, missing_days=1, bound=(0.1, -0.05)).verdict == "supported"
    assert size_rules.c26_rule(rose, 0.1, minimum_rise=0.2, missing_days=1, bound=(0.1, -0.5)).verdict == "inconclusive"
    assert size_rules.c26_rule(rose, 0.1, minimum_rise=0.2, missing_days=3).verdict == "inconclusive"  # no bound
    with pytest.raises(ValueError, match="missing_days"):
        size_rules.c26_rule(rose, 0.1, minimum_rise=0.2, missing_days=-1)


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
    assert size_rules.c19_rule(tests, EXPLOSIVE, SHORT_LIVED).verdict == expected


def test_aspect_decision_threshold_and_depth_measure() -> None:
    tests = pd.DataFrame({"rho": [0.05], "lo": [-0.2], "hi": [0.25], "p_holm": [1.0]},
                         index=pd.MultiIndex.from_tuples([("size", "gain")]))
    assert size_rules.aspect_decision(tests, {"gain": 1}, "x").verdict == "not supported"  # excludes rho >= 0.3
    assert size_rules.aspect_decision(tests, {"gain": 1}, "x", meaningful=0.2).verdict == "inconclusive"
    assert size_rules.aspect_decision(tests, {"gain": -1}, "x").verdict == "not supported"
    with pytest.raises(ValueError, match="no tests"):
        size_rules.aspect_decision(tests, {"speed": 1}, "x")
    deep = _spearman({("size", "excess_drawdown"): (-0.65, 0.015), ("size", "half_within"): (0.27, 1.0)})
    assert size_rules.aspect_decision(deep, {"excess_drawdown": -1}, "depth").verdict == "supported"
    assert size_rules.aspect_decision(deep, SHORT_LIVED, "short-lived").verdict == "inconclusive"


def test_survivorship_text_and_direction() -> None:
    table = pd.DataFrame({"coverage_start": [0.8, 0.95], "gap": [0.1, 0.02]})
    text = size_rules.survivorship_text(table)
    assert "80%-95%" in text and "N=2" in text and "+0.06 log more" in text
    assert size_rules.survivorship_text(None).startswith("not quantified")
    assert size_rules.survivorship_direction(text, "C25").endswith("against the claim.")
    assert all(d in VERDICTS for d in ("supported",))
