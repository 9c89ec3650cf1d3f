"""Branch tests of the notebook-05 verdict rules (helpers.claims.seasonality) on constructed parts tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.claims import seasonality as rules
from helpers.methods.seasonal import PeriodEffect


def _parts(effects: list[float], pvals: list[float], upper: list[float],
           min_effect: float | list[float]) -> pd.DataFrame:
    n = len(effects)
    mins = list(np.broadcast_to(np.asarray(min_effect, float), (n,)))
    return pd.DataFrame({"part": [f"p{i}" for i in range(n)], "effect": effects, "lower": [-1.0] * n,
                         "upper": upper, "p_holm": pvals, "min_effect": mins})


@pytest.mark.parametrize(("effects", "pvals", "upper", "min_effect", "expected"), [
    ([0.10, 0.20], [0.01, 0.02], [0.20, 0.30], 0.05, "supported"),
    ([0.10, 0.20], [0.01, 0.30], [0.20, 0.40], 0.05, "partly supported"),
    ([0.10, 0.20], [0.40, 0.30], [0.30, 0.40], 0.05, "inconclusive"),
    # a negative estimate does not make "not supported" when the interval reaches a meaningful effect
    ([-0.001], [0.51], [0.07], 0.05, "inconclusive"),
    ([-0.017, -0.001], [1.0, 1.0], [0.079, 0.071], 0.05, "inconclusive"),
    # a positive estimate whose interval excludes the minimum effect is "not supported"
    ([0.01], [0.30], [0.03], 0.05, "not supported"),
    ([-0.02, -0.01], [0.9, 0.8], [0.01, 0.02], 0.05, "not supported"),
    # every part must rule the effect out: one open part keeps the claim undecided
    ([-0.02, 0.01], [0.9, 0.4], [0.01, 0.08], 0.05, "inconclusive"),
    # per-part thresholds in each part's units
    ([0.0, 0.0], [0.5, 0.5], [0.04, 0.02], [0.05, 0.015], "inconclusive"),
    ([0.0, 0.0], [0.5, 0.5], [0.04, 0.01], [0.05, 0.015], "not supported"),
    ([0.1], [float("nan")], [0.2], 0.05, "inconclusive"),
    # a significant part with the wrong sign is not support
    ([-0.1], [0.01], [0.2], 0.05, "inconclusive"),
])
def test_direction_rule(effects: list[float], pvals: list[float], upper: list[float],
                        min_effect: float | list[float], expected: str) -> None:
    d = rules.direction_rule(_parts(effects, pvals, upper, min_effect), 0.05)
    assert d.verdict == expected and d.rule == "direction_rule"


@pytest.mark.parametrize("estimate", [-0.03, 0.0, 0.03])
def test_direction_rule_ignores_the_sign_of_a_noise_estimate(estimate: float) -> None:
    assert rules.direction_rule(_parts([estimate], [0.4], [0.09], 0.05)).verdict == "inconclusive"
    assert rules.direction_rule(_parts([estimate], [0.4], [0.04], 0.05)).verdict == "not supported"


def test_direction_rule_contradiction_and_bad_input() -> None:
    open_part = _parts([0.02], [0.4], [0.11], 0.05)
    assert rules.direction_rule(open_part, 0.05, {"check": 0.01}).verdict == "not supported"
    assert rules.direction_rule(open_part, 0.05, {"check": 0.06}).verdict == "inconclusive"
    assert rules.direction_rule(_parts([0.2], [0.01], [0.3], 0.05), 0.05, {"check": 0.01}).verdict == "supported"
    assert rules.direction_rule(open_part.iloc[:0]).verdict == "inconclusive"
    with pytest.raises(ValueError, match="min_effect"):
        rules.direction_rule(_parts([0.1], [0.5], [0.2], 0.0))
    with pytest.raises(ValueError, match="lacks columns"):
        rules.direction_rule(open_part.drop(columns="upper"))


def test_c11_rule_counts_only_a_positive_significant_correlation() -> None:
    open_part = _parts([0.02, -0.003], [0.76, 0.9], [0.11, 0.025], [0.05, 0.015])
    assert rules.c11_rule(open_part, rho=0.55, p_rho=0.06).verdict == "inconclusive"  # the notebook's case
    assert rules.c11_rule(open_part, rho=0.70, p_rho=0.01).verdict == "not supported"
    assert rules.c11_rule(open_part, rho=-0.70, p_rho=0.01).verdict == "inconclusive"  # the way rebalancing predicts


def test_c12_c13_c10_c14_rules() -> None:
    sig = _parts([0.2], [0.01], [0.3], 0.05)
    assert rules.c12_rule(sig).verdict == "supported"
    assert rules.c13_rule(sig).verdict == "partly supported"  # capped: crypto only
    assert rules.c13_rule(_parts([0.01], [0.3], [0.03], 0.05)).verdict == "not supported"
    flush = pd.DataFrame({"effect": [0.1, 0.2], "p_holm": [0.01, 0.02]})
    assert rules.c10_rule(flush).verdict == "partly supported"
    assert rules.c10_rule(flush.assign(p_holm=[0.01, 0.2])).verdict == "untestable here"
    assert rules.c14_rule().verdict == "untestable here"
    assert rules.c14_rule(0.001, 0.65, 0.25).verdict == "supported"
    assert rules.c14_rule(0.4, 0.30, 0.25).verdict == "inconclusive"


def test_p_phrase_follows_the_value() -> None:
    assert rules.p_phrase(0.06) == "p = 0.06, just above the 5% level"
    assert rules.p_phrase(0.30).endswith("well above the 5% level")
    assert "below" in rules.p_phrase(0.01)
    assert "p = 0.06, just above" in rules.rebalancing_check_text(0.55, 0.06, 12)
    assert "significant and counts against C11" in rules.rebalancing_check_text(0.7, 0.01, 12)
    assert "reverse" in rules.rebalancing_check_text(-0.3, 0.3, 12)


def test_parts_summary_text_counts_from_the_table() -> None:
    parts = _parts([0.02, -0.003], [0.76, 0.9], [0.11, 0.025], [0.05, 0.015])
    text = rules.parts_summary_text(parts, 0.55, 0.06)
    assert text.startswith("0 of 2 parts are significant") and "2 of 2 intervals still reach" in text
    assert "'p1' (upper end 0.025 against 0.015)" in text and "p = 0.06, just above" in text


def test_describe_effect() -> None:
    e = PeriodEffect((12,), 0.02, -0.06, 0.11, 0.38, "greater", 12, 12, 138)
    assert rules.describe_effect("x", e, 0.76) == ("x: +0.020 log (95% CI -0.060 to +0.110; one-sided p=0.38, Holm "
                                                   "0.76; N=12 target vs 138 other cells over 12 years)")
