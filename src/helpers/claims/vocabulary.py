"""The verdict vocabulary, written once, and the generic rules every claim's rule is built on.

One vocabulary for every claim (DESIGN.md, "Results contract"):

``supported``
    The effect runs in the claimed direction, its interval after the multiple-testing
    correction of its family is clear of zero (that is, of the base rate it must beat, since
    effects are measured against it), and the point estimate reaches the minimum meaningful
    effect.
``partly supported``
    Part of a compound claim holds in the sense above, or the effect holds in the declared
    primary specification but not robustly (too small a share of the declared alternative
    specifications agree).
``not supported``
    The interval excludes the minimum meaningful effect (it lies wholly below it), which
    includes an effect that runs the other way.
``inconclusive``
    Neither of the two above: the interval does not rule out the minimum meaningful effect but does not establish it either (it holds zero too, or the estimate falls short of the minimum): the data cannot decide.
``untestable here``
    The deciding data are missing; the decision names them.

Claim-specific rules (one function per rule) live beside this module and return a
:class:`Decision`, so that the verdict word, the rule's name and the reason travel together
into ``results.claim``. No notebook types a verdict word.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

Verdict = Literal["supported", "partly supported", "not supported", "inconclusive", "untestable here"]

SUPPORTED: Final = "supported"
PARTLY: Final = "partly supported"
NOT_SUPPORTED: Final = "not supported"
INCONCLUSIVE: Final = "inconclusive"
UNTESTABLE: Final = "untestable here"

#: Every verdict, strongest support first (the order of the ledger's "verdict" sort).
VERDICTS: Final[tuple[Verdict, ...]] = (SUPPORTED, PARTLY, NOT_SUPPORTED, INCONCLUSIVE, UNTESTABLE)

#: Share of declared alternative specifications that must agree for a supported primary
#: result to stay ``supported`` (below it the verdict is ``partly supported``).
ROBUST_SHARE: Final = 0.5


@dataclass(frozen=True)
class Decision:
    """A verdict with the rule that produced it and the reason in one sentence.

    Attributes
    ----------
    verdict : Verdict
        One word of the vocabulary.
    rule : str
        Name of the rule function (``"interval_rule"``, ``"c07_pivot_rule"``, ...).
    reason : str
        Why the rule reached the verdict, in plain words with the numbers it compared.
    """

    verdict: Verdict
    rule: str
    reason: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} must be one of {VERDICTS}")


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def interval_rule(
    estimate: float,
    low: float,
    high: float,
    *,
    minimum_effect: float,
    direction: Literal[1, -1] = 1,
    base_rate: float = 0.0,
    robust_share: float | None = None,
    robust_threshold: float = ROBUST_SHARE,
    rule: str = "interval_rule",
) -> Decision:
    """Decide a one-effect claim from its estimate and its corrected interval.

    Parameters
    ----------
    estimate, low, high : float
        The effect and its interval, already corrected for the claim's test family (for
        example a Holm- or Bonferroni-adjusted confidence level), in the effect's own units.
    minimum_effect : float
        Smallest effect, measured from ``base_rate`` in the claimed direction, that would
        count as the claimed effect (strictly positive).
    direction : {1, -1}
        ``1`` when the claim says the effect is above the base rate, ``-1`` when below.
    base_rate : float
        What the effect must beat (random days, the unconditional mean, zero).
    robust_share : float, optional
        Share of declared alternative specifications agreeing with the primary one; a
        supported primary result with a share below ``robust_threshold`` is ``partly supported``.
    robust_threshold : float
        See ``robust_share``.
    rule : str
        Name recorded with the decision (a claim's own rule passes its name).

    Returns
    -------
    Decision
        ``supported`` when the interval is clear of the base rate in the claimed direction and
        the estimate reaches ``minimum_effect``; ``not supported`` when the whole interval lies
        below ``minimum_effect``; ``inconclusive`` otherwise (an interval holding both).

    Raises
    ------
    ValueError
        On a non-positive ``minimum_effect``, a NaN input or ``low > high``.
    """
    if not minimum_effect > 0:
        raise ValueError(f"minimum_effect must be > 0, got {minimum_effect!r}")
    if any(math.isnan(v) for v in (estimate, low, high, base_rate)):
        raise ValueError("estimate, interval and base rate must be numbers, got NaN")
    if low > high:
        raise ValueError(f"interval low {low!r} is above high {high!r}")
    # Effects measured from the base rate, signed so that positive = the claimed direction.
    e = direction * (estimate - base_rate)
    lo, hi = sorted((direction * (low - base_rate), direction * (high - base_rate)))
    span = f"effect {_fmt(e)} in the claimed direction, interval [{_fmt(lo)}, {_fmt(hi)}], minimum {_fmt(minimum_effect)}"
    if hi < minimum_effect:
        why = "runs the other way" if hi < 0 else "interval excludes the minimum meaningful effect"
        return Decision(NOT_SUPPORTED, rule, f"{why}: {span}")
    if lo > 0 and e >= minimum_effect:
        if robust_share is not None and robust_share < robust_threshold:
            return Decision(
                PARTLY, rule,
                f"holds in the primary specification ({span}) but only {robust_share:.0%} of the alternatives agree",
            )
        return Decision(SUPPORTED, rule, f"interval clear of the base rate and estimate at least the minimum: {span}")
    if lo > 0:
        return Decision(INCONCLUSIVE, rule, f"an effect clear of zero but below the minimum, which the interval does not rule out: {span}")
    return Decision(INCONCLUSIVE, rule, f"interval holds both no effect and the minimum meaningful effect: {span}")


def compound_rule(parts: Mapping[str, Decision], *, rule: str = "compound_rule") -> Decision:
    """Decide a compound claim ("A and B") from the decisions on its parts.

    All parts supported: ``supported``. Some supported (or partly): ``partly supported``.
    None supported and every part ``not supported``: ``not supported``. Every part
    untestable: ``untestable here``. Otherwise ``inconclusive``.
    """
    if not parts:
        raise ValueError("a compound claim needs at least one part")
    words = {name: d.verdict for name, d in parts.items()}
    listing = "; ".join(f"{name}: {w}" for name, w in words.items())
    verdicts = set(words.values())
    if verdicts == {SUPPORTED}:
        return Decision(SUPPORTED, rule, f"every part holds ({listing})")
    if verdicts & {SUPPORTED, PARTLY}:
        return Decision(PARTLY, rule, f"some parts hold ({listing})")
    if verdicts == {NOT_SUPPORTED}:
        return Decision(NOT_SUPPORTED, rule, f"no part holds ({listing})")
    if verdicts == {UNTESTABLE}:
        return Decision(UNTESTABLE, rule, f"no part can be tested here ({listing})")
    return Decision(INCONCLUSIVE, rule, f"no part holds and some cannot be decided ({listing})")


def untestable(missing: str, *, rule: str = "untestable") -> Decision:
    """The claim cannot be tested with the data here; ``missing`` names the data that would decide it."""
    if not missing.strip():
        raise ValueError("name the data that would decide the claim")
    return Decision(UNTESTABLE, rule, f"the deciding data are missing: {missing}")
