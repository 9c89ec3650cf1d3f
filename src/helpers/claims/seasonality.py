"""Verdict rules and evidence text of notebook 05 (seasonality, flows, liquidation flushes): C10-C14.

The calendar claims (C11-C13) share one rule, :func:`direction_rule`: each claim is split into
parts, each part's effect signed so that positive is the claimed direction, tested one-sided with
Holm's correction across the parts, and set against a minimum meaningful effect. Each part is a
:class:`~helpers.claims.vocabulary.Decision` (significant: ``supported``; interval below the
minimum effect: ``not supported``; otherwise ``inconclusive``) and the parts are combined with
:func:`~helpers.claims.vocabulary.compound_rule`; a contradiction check that the claim's mechanism
predicts, significant with the opposite sign, makes an undecided claim ``not supported``.
C10 and C14 need data the mirror lacks (:func:`~helpers.claims.vocabulary.untestable`).

Absence of an effect is claimed only when the interval excludes the smallest effect of interest,
as in an equivalence test (Lakens, 2017, Social and Personality Psychological Science 8(4)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from helpers.claims.vocabulary import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    Decision,
    compound_rule,
    untestable,
)
from helpers.methods.seasonal import PeriodEffect

#: Columns of the parts table that :func:`direction_rule` reads.
PART_COLUMNS: tuple[str, ...] = ("part", "effect", "lower", "upper", "p_holm", "min_effect")


def part_decision(part: str, effect: float, upper: float, p_holm: float, min_effect: float, alpha: float = 0.05,
                  rule: str = "direction_part") -> Decision:
    """One part of a directional claim, in the claimed direction.

    Parameters
    ----------
    part : str
        Its name, for the reason.
    effect, upper : float
        Estimate and upper end of its 95% interval, signed so that positive is the claimed direction.
    p_holm : float
        One-sided p-value in the claimed direction, Holm-adjusted across the claim's parts.
    min_effect : float
        Smallest effect that would matter for the claim (positive).
    alpha : float
        Family-wise level.

    Returns
    -------
    Decision
        ``supported`` if ``p_holm < alpha`` and the estimate is positive; ``not supported`` if the
        interval lies below ``min_effect``; ``inconclusive`` otherwise (including NaN inputs).
    """
    if not min_effect > 0:
        raise ValueError(f"min_effect must be positive, got {min_effect!r}")
    if any(math.isnan(v) for v in (effect, upper, p_holm)):
        return Decision(INCONCLUSIVE, rule, f"{part}: missing estimate, interval or p-value")
    if p_holm < alpha and effect > 0:
        return Decision(SUPPORTED, rule, f"{part}: {effect:+.3f} with Holm p={p_holm:.2f} < {alpha}")
    if upper < min_effect:
        return Decision(NOT_SUPPORTED, rule, f"{part}: interval ends at {upper:+.3f}, below the minimum {min_effect}")
    return Decision(INCONCLUSIVE, rule, f"{part}: not significant (Holm p={p_holm:.2f}) and the interval reaches "
                    f"{upper:+.3f}, at least the minimum {min_effect}")


def direction_rule(parts: pd.DataFrame, alpha: float = 0.05, contradiction: Mapping[str, float] | None = None,
                   rule: str = "direction_rule") -> Decision:
    """Verdict from the parts of a directional claim, with a minimum meaningful effect.

    Parameters
    ----------
    parts : DataFrame
        One row per part with :data:`PART_COLUMNS`.
    alpha : float
        Family-wise level.
    contradiction : mapping of str to float, optional
        Two-sided p-values of checks that came out with the sign opposite to what the claim's
        mechanism predicts (pass only those); one below ``alpha`` contradicts an undecided claim.
    rule : str
        Name recorded with the decision.

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` over :func:`part_decision` of each part
        (every part significant: ``supported``; some: ``partly supported``; every interval below
        its minimum: ``not supported``; otherwise ``inconclusive``), then ``not supported`` if a
        contradiction check is significant and no part is.
    """
    missing = [c for c in PART_COLUMNS if c not in parts.columns]
    if missing:
        raise ValueError(f"parts table lacks columns {missing}")
    if parts.empty:
        return Decision(INCONCLUSIVE, rule, "no parts to decide")
    decisions = {str(r["part"]): part_decision(str(r["part"]), float(r["effect"]), float(r["upper"]),
                                               float(r["p_holm"]), float(r["min_effect"]), alpha)
                 for _, r in parts.iterrows()}
    d = compound_rule(decisions, rule=rule)
    hits = {k: p for k, p in (contradiction or {}).items() if not math.isnan(p) and p < alpha}
    if d.verdict in (INCONCLUSIVE, NOT_SUPPORTED) and hits:
        names = ", ".join(f"{k} (p={p:.3f})" for k, p in hits.items())
        return Decision(NOT_SUPPORTED, rule, f"a check the claim's mechanism predicts came out the other way: {names}")
    return d


def c11_rule(parts: pd.DataFrame, rho: float, p_rho: float, alpha: float = 0.05) -> Decision:
    """C11, year-end rebalancing adds crypto: :func:`direction_rule` with the December-versus-year check.

    A positive rank correlation of Jan-Nov and December returns (Decembers follow the year) runs
    against fixed-weight rebalancing, which sells the year's winners; it counts only if significant.
    """
    check = {"Spearman(Jan-Nov, Dec) > 0": p_rho} if rho > 0 else {}
    return direction_rule(parts, alpha, check, rule="c11_rule")


def c12_rule(parts: pd.DataFrame, alpha: float = 0.05) -> Decision:
    """C12, tax-loss selling in Nov-Dec and buying in early January: :func:`direction_rule`."""
    return direction_rule(parts, alpha, rule="c12_rule")


def c13_rule(parts: pd.DataFrame, alpha: float = 0.05) -> Decision:
    """C13, Q1 peak of new money into risk assets: :func:`direction_rule`, capped at ``partly supported``.

    The proxy (stablecoin supply) covers crypto, not all risk assets, so it cannot fully support the claim.
    """
    d = direction_rule(parts, alpha, rule="c13_rule")
    if d.verdict == SUPPORTED:
        return Decision(PARTLY, "c13_rule", f"{d.reason}; capped: the proxy covers crypto only, not all risk assets")
    return d


def c10_rule(tests: pd.DataFrame, alpha: float = 0.05) -> Decision:
    """C10, a liquidation flush sets up a sturdier rally: untestable without liquidation data.

    ``tests`` holds the flush proxy's tests (``effect``, ``p_holm``); only if every one is positive
    and significant after Holm's correction can the proxy lift the claim to ``partly supported``.
    """
    if len(tests) and bool(((tests["p_holm"] < alpha) & (tests["effect"] > 0)).all()):
        return Decision(PARTLY, "c10_rule", f"every flush-proxy test is positive with Holm p < {alpha}; no "
                        "liquidation data to test the mechanism")
    return untestable("liquidation history by side (Coinglass or exchange data), hourly, with open interest; the "
                      "price-and-funding proxy does not decide it", rule="c10_rule")


def c14_rule(binomial_p: float | None = None, share: float | None = None, expected_share: float | None = None,
             alpha: float = 0.05) -> Decision:
    """C14, corporate purchases cluster around year-end: untestable without a purchase table.

    With a table (:func:`helpers.studies.seasonality.purchase_clustering`), ``supported`` if the share of
    company-months in the window exceeds the expected share with binomial ``p < alpha``, else
    ``inconclusive``.
    """
    if binomial_p is None or share is None or expected_share is None:
        return untestable("corporate purchase history (BitcoinTreasuries.net, or SEC EDGAR 8-K filings with BTC "
                          "amounts)", rule="c14_rule")
    if share > expected_share and binomial_p < alpha:
        return Decision(SUPPORTED, "c14_rule", f"share {share:.2f} against {expected_share:.2f} expected, p={binomial_p:.3g}")
    return Decision(INCONCLUSIVE, "c14_rule", f"share {share:.2f} against {expected_share:.2f} expected, "
                    f"p={binomial_p:.3g}")


# ---------------------------------------------------------------------------------------------
# evidence text
# ---------------------------------------------------------------------------------------------


def describe_effect(label: str, effect: PeriodEffect, p_holm: float | None = None, unit: str = "log") -> str:
    """One evidence phrase for a :class:`~helpers.methods.seasonal.PeriodEffect`: estimate, interval, p, N.

    Examples
    --------
    >>> e = PeriodEffect((12,), 0.02, -0.06, 0.11, 0.38, "greater", 12, 12, 138)
    >>> describe_effect("BTC December minus other months", e, 0.76)
    'BTC December minus other months: +0.020 log (95% CI -0.060 to +0.110; one-sided p=0.38, Holm 0.76; N=12 target vs 138 other cells over 12 years)'
    """
    side = "two-sided" if effect.alternative == "two-sided" else "one-sided"
    holm = f", Holm {p_holm:.2f}" if p_holm is not None else ""
    return (f"{label}: {effect.estimate:+.3f} {unit} (95% CI {effect.lower:+.3f} to {effect.upper:+.3f}; "
            f"{side} p={effect.p_value:.2f}{holm}; N={effect.n_target} target vs {effect.n_other} other cells "
            f"over {effect.n_years} years)")


def p_phrase(p: float, alpha: float = 0.05) -> str:
    """How a p-value stands against ``alpha`` in words, from its value ("p = 0.06, just above 5%").

    Examples
    --------
    >>> p_phrase(0.06)
    'p = 0.06, just above the 5% level'
    >>> p_phrase(0.01)
    'p = 0.01, below the 5% level'
    """
    where = ("below" if p < alpha else "just above" if p < 2 * alpha else "well above")
    return f"p = {p:.2f}, {where} the {alpha:.0%} level"


def rebalancing_check_text(rho: float, p_rho: float, n: int, alpha: float = 0.05) -> str:
    """The December-versus-year check of C11 in words, generated from its values."""
    direction = ("positive: Decembers tended to continue the year's direction, the opposite of fixed-weight "
                 "rebalancing" if rho > 0 else "negative: Decembers tended to reverse the year's direction, as "
                 "fixed-weight rebalancing would")
    counts = ("it is significant and counts against C11" if rho > 0 and p_rho < alpha else
              "it would count against C11 only if significant, and it is not" if rho > 0 else
              "it points the way rebalancing predicts, which the rule does not count as support")
    return (f"The rank correlation of Jan-Nov and December returns is {rho:+.2f} over N={n} years ({p_phrase(p_rho, alpha)}), "
            f"{direction}; {counts}.")


def parts_summary_text(parts: pd.DataFrame, rho: float, p_rho: float, alpha: float = 0.05) -> str:
    """The sentence before the calendar verdicts: which parts are significant, which reach their minimum."""
    sig = parts[(parts["p_holm"] < alpha) & (parts["effect"] > 0)]
    reach = parts[parts["upper"] >= parts["min_effect"]]
    closest = parts.assign(margin=parts["upper"] - parts["min_effect"]).sort_values("margin").iloc[0]
    check = ("points against rebalancing" if rho > 0 else "points the way rebalancing predicts")
    return (f"{len(sig)} of {len(parts)} parts are significant after Holm's correction, and {len(reach)} of "
            f"{len(parts)} intervals still reach their minimum meaningful effect; the part closest to ruling its "
            f"effect out is '{closest['part']}' (upper end {closest['upper']:.3f} against {closest['min_effect']:.3f}). "
            f"C11's contradiction check, the December-versus-year correlation, {check} ({p_phrase(p_rho, alpha)}).")


def c11_evidence(dec_btc: PeriodEffect, dec_stable: PeriodEffect, p_holm: Sequence[float], n_breaks: int,
                 parts: pd.DataFrame, min_btc: float, min_flow: float, rho: float, p_rho: float, n_rho: int,
                 alpha: float = 0.05) -> str:
    """Evidence of C11: both December parts, the minimum effects and the rebalancing check."""
    plain = (f"BTC's Decembers beat its other months by {dec_btc.estimate:+.1%} of log return on average (95% CI "
             f"{dec_btc.lower:+.1%} to {dec_btc.upper:+.1%}, N={dec_btc.n_target} Decembers)")
    return "; ".join([
        plain + ". " + describe_effect("BTC December minus other months", dec_btc, p_holm[0]),
        describe_effect(f"stablecoin supply ({n_breaks} coverage jumps masked) December minus other months",
                        dec_stable, p_holm[1]),
        f"minimum meaningful effect {min_btc} (BTC) and {min_flow} (stablecoin) a month: "
        f"{int((parts['upper'] >= parts['min_effect']).sum())} of {len(parts)} intervals reach it",
        f"Spearman(Jan-Nov, Dec) = {rho:+.2f} (two-sided {p_phrase(p_rho, alpha)}, N={n_rho} years)",
    ]) + ". Flows themselves (spot ETF creations, 13F holdings) are not in the mirror."


def c12_evidence(novdec: PeriodEffect, jan: object, jan_interval: tuple[float, float, float], p_holm: Sequence[float],
                 parts: pd.DataFrame, min_btc: float, early_days: int, jan_sp: object) -> str:
    """Evidence of C12: November-December, early January against random windows, the S&P 500 contrast."""
    eff, lo, hi = jan_interval
    return "; ".join([
        f"BTC's November-December ran {novdec.estimate:+.1%} of log return against its other months (95% CI "
        f"{novdec.lower:+.1%} to {novdec.upper:+.1%}, N={novdec.n_years} years), and early January "
        f"{eff:+.1%} against random windows. " + describe_effect("BTC Nov-Dec minus other months", novdec, p_holm[0]),
        f"BTC early January ({early_days} d from 31 Dec) mean {jan.event_mean:+.3f} vs random windows "  # type: ignore[attr-defined]
        f"{jan.placebo_mean:+.3f}: difference {eff:+.3f} (95% CI {lo:+.3f} to {hi:+.3f}; one-sided "  # type: ignore[attr-defined]
        f"p={jan.p_value:.2f}, Holm {p_holm[1]:.2f}; N={jan.n_events} years)",  # type: ignore[attr-defined]
        f"minimum meaningful effect {min_btc}: {int((parts['upper'] >= parts['min_effect']).sum())} of {len(parts)} "
        "intervals reach it in the claimed direction",
        f"S&P 500 early January {jan_sp.event_mean:+.3f} vs {jan_sp.placebo_mean:+.3f} (p={jan_sp.p_value:.2f}, "  # type: ignore[attr-defined]
        f"N={jan_sp.n_events})",  # type: ignore[attr-defined]
    ]) + "."


def c13_evidence(q1: PeriodEffect, q1_raw: PeriodEffect, n_breaks: int, parts: pd.DataFrame, min_quarter: float,
                 peak_share: float, n_years: int) -> str:
    """Evidence of C13: Q1 against the other quarters, with and without the coverage jumps."""
    rules_out = bool((parts["upper"] < parts["min_effect"]).all())
    return (f"Stablecoin supply grew {q1.estimate:+.1%} of log growth more in first quarters than in the others (95% CI "
            f"{q1.lower:+.1%} to {q1.upper:+.1%}, N={q1.n_years} years). "
            + describe_effect(f"stablecoin supply ({n_breaks} coverage jumps masked) Q1 minus other quarters", q1)
            + f" (with the jumps left in {q1_raw.estimate:+.3f}, p={q1_raw.p_value:.2f}); minimum meaningful effect "
            f"{min_quarter:.3f} a quarter, which the interval {'excludes' if rules_out else 'reaches'}; Q1 the largest "
            f"quarter in {peak_share:.0%} of N={n_years} complete years. The proxy covers crypto only; fund flows into "
            "risk assets (ICI, EPFR) are not in the mirror.")


def c10_evidence(tests: pd.DataFrame, definition: str, n_flush: int, n_other: int, sens_p: pd.Series) -> str:
    """Evidence of C10: the flush proxy's tests and how they move with the thresholds."""
    best = tests.sort_values("p_holm").iloc[0]
    tests_text = "; ".join(f"{t}: {r.effect:+.3f} (p={r.p:.2f}, Holm {r.p_holm:.2f}, N={int(r.N)})"
                           for t, r in tests.iterrows())
    return (f"No liquidation data in the mirror; after N={n_flush} flush-like drops BTC did {best['effect']:+.1%} "
            f"of log return better than the comparison in the closest test ({best.name}, Holm p={best['p_holm']:.2f}). "
            f"Proxy ({definition}): N={n_flush} flush vs {n_other} other drop episodes; {tests_text}; placebo p ranges "
            f"{sens_p.min():.3f}-{sens_p.max():.2f} over {len(sens_p)} threshold choices. Would decide it: Coinglass or "
            "exchange (Binance, Bybit, OKX) liquidation history by side, hourly, with open interest.")


def c14_evidence() -> str:
    """Evidence of C14 without purchase data: what would decide it and the test that is ready."""
    return ("No corporate purchase data in the mirror (N=0 purchases). Would decide it: BitcoinTreasuries.net purchase "
            "history (date, company, BTC amount) or SEC EDGAR 8-K filings with BTC amounts; "
            "helpers.studies.seasonality.purchase_clustering tests the Dec-Feb share (binomial), monthly spread (chi-square) and BTC-weighted share (permutation), one "
            "count per company-month.")

