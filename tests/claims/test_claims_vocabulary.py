"""The shared verdict vocabulary: every branch of the generic rules on inputs whose answer is known."""

from __future__ import annotations

import pytest

from helpers.claims import vocabulary as v


@pytest.mark.parametrize(
    ("estimate", "low", "high", "direction", "base", "expected"),
    [
        (0.30, 0.10, 0.50, 1, 0.0, v.SUPPORTED),  # clear of zero, above the minimum 0.2
        (0.15, 0.05, 0.25, 1, 0.0, v.INCONCLUSIVE),  # clear of zero but estimate below the minimum
        (0.30, -0.10, 0.70, 1, 0.0, v.INCONCLUSIVE),  # holds both
        (0.05, -0.10, 0.15, 1, 0.0, v.NOT_SUPPORTED),  # excludes the minimum
        (-0.30, -0.50, -0.10, 1, 0.0, v.NOT_SUPPORTED),  # the other way
        (-0.30, -0.50, -0.10, -1, 0.0, v.SUPPORTED),  # claimed to fall, and it falls
        (0.80, 0.65, 0.95, 1, 0.50, v.SUPPORTED),  # beats a base rate of 0.5 by at least 0.2
        (0.80, 0.45, 0.95, 1, 0.50, v.INCONCLUSIVE),  # interval reaches below the base rate
        (0.55, 0.51, 0.60, 1, 0.50, v.NOT_SUPPORTED),  # beats the base rate, but by less than the minimum
    ],
)
def test_interval_rule_branches(estimate: float, low: float, high: float, direction: int, base: float,
                                expected: str) -> None:
    d = v.interval_rule(estimate, low, high, minimum_effect=0.2, direction=direction, base_rate=base)  # type: ignore[arg-type]
    assert d.verdict == expected
    assert d.rule == "interval_rule"
    assert d.reason


def test_interval_rule_robustness_share_downgrades_only_supported() -> None:
    assert v.interval_rule(0.3, 0.1, 0.5, minimum_effect=0.2, robust_share=0.4).verdict == v.PARTLY
    assert v.interval_rule(0.3, 0.1, 0.5, minimum_effect=0.2, robust_share=0.6).verdict == v.SUPPORTED
    assert v.interval_rule(0.3, -0.1, 0.5, minimum_effect=0.2, robust_share=0.1).verdict == v.INCONCLUSIVE


def test_inconclusive_reason_says_which_kind() -> None:
    small = v.interval_rule(0.15, 0.05, 0.25, minimum_effect=0.2)
    assert small.verdict == v.INCONCLUSIVE and "clear of zero but below the minimum" in small.reason
    wide = v.interval_rule(0.3, -0.1, 0.7, minimum_effect=0.2)
    assert wide.verdict == v.INCONCLUSIVE and "holds both" in wide.reason


def test_interval_rule_edges_are_exact() -> None:
    # an interval whose upper end equals the minimum does not exclude it
    assert v.interval_rule(0.1, 0.0, 0.2, minimum_effect=0.2).verdict == v.INCONCLUSIVE
    # a lower end at exactly zero is not clear of zero
    assert v.interval_rule(0.3, 0.0, 0.5, minimum_effect=0.2).verdict == v.INCONCLUSIVE
    # an estimate exactly at the minimum counts
    assert v.interval_rule(0.2, 0.1, 0.5, minimum_effect=0.2).verdict == v.SUPPORTED


@pytest.mark.parametrize("bad", [{"minimum_effect": 0.0}, {"minimum_effect": -1.0}])
def test_interval_rule_refuses_non_positive_minimum(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="minimum_effect"):
        v.interval_rule(0.3, 0.1, 0.5, **bad)


def test_interval_rule_refuses_nan_and_reversed_interval() -> None:
    with pytest.raises(ValueError, match="NaN"):
        v.interval_rule(float("nan"), 0.1, 0.5, minimum_effect=0.2)
    with pytest.raises(ValueError, match="above high"):
        v.interval_rule(0.3, 0.5, 0.1, minimum_effect=0.2)


def _d(word: str) -> v.Decision:
    return v.Decision(word, "r", "x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([v.SUPPORTED, v.SUPPORTED], v.SUPPORTED),
        ([v.SUPPORTED, v.NOT_SUPPORTED], v.PARTLY),
        ([v.PARTLY, v.INCONCLUSIVE], v.PARTLY),
        ([v.NOT_SUPPORTED, v.NOT_SUPPORTED], v.NOT_SUPPORTED),
        ([v.UNTESTABLE, v.UNTESTABLE], v.UNTESTABLE),
        ([v.NOT_SUPPORTED, v.INCONCLUSIVE], v.INCONCLUSIVE),
        ([v.UNTESTABLE, v.NOT_SUPPORTED], v.INCONCLUSIVE),
    ],
)
def test_compound_rule_branches(words: list[str], expected: str) -> None:
    d = v.compound_rule({f"part{i}": _d(w) for i, w in enumerate(words)})
    assert d.verdict == expected
    assert "part0" in d.reason


def test_compound_rule_needs_parts_and_untestable_names_data() -> None:
    with pytest.raises(ValueError):
        v.compound_rule({})
    assert "ETF flows" in v.untestable("daily spot ETF flows").reason
    with pytest.raises(ValueError):
        v.untestable("  ")


def test_decision_refuses_unknown_word() -> None:
    with pytest.raises(ValueError, match="must be one of"):
        v.Decision("bullish", "r", "x")  # type: ignore[arg-type]
