"""Rules for the liquidity claims of notebook 02: C03, C04, C09, C24 and C30.

Each rule reads its thresholds and minimum meaningful effect from the declared specification
(:func:`helpers.claims.specs.spec`) and returns a :class:`~helpers.claims.vocabulary.Decision`.
The ``*_evidence`` functions write each claim's evidence from the computed values, plain first
sentence first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from scipy import stats as sps

from helpers.claims import specs
from helpers.claims.vocabulary import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    Decision,
    compound_rule,
    interval_rule,
    untestable,
)
from helpers.methods.declines import Timing, timing_consensus


def _spec(claim_id: str, given: specs.ClaimSpec | None) -> specs.ClaimSpec:
    return given if given is not None else specs.spec(claim_id)


# ---------------------------------------------------------------------------------------------
# C03: the QT drain drove the 2022-2023 bear market
# ---------------------------------------------------------------------------------------------


def c03_timing_rule(shares_before: Sequence[float], qt2_return: float, qt2_corr_low: float, *,
                    spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C03 so that the choice of QT date cannot decide it.

    Parameters
    ----------
    shares_before : sequence of float
        Share of BTC's peak-to-trough log fall that came before each candidate QT date.
    qt2_return : float
        BTC's log return over QT2.
    qt2_corr_low : float
        Lower bound of the bootstrap interval of the QT2 weekly correlation of BTC with WALCL.
    spec : ClaimSpec, optional
        Defaults to C03's (threshold ``timing_threshold``).

    Returns
    -------
    Decision
        ``not supported`` if at every date at least ``timing_threshold`` of the fall came before it,
        BTC rose over QT2 and the correlation's interval is not above zero; ``partly supported`` if
        at every date less came before it and the correlation's interval is above zero;
        ``inconclusive`` otherwise. No outcome gives ``supported``: calling QT *a driver* needs data
        that separate it from rate policy, which a price timeline cannot.
    """
    s = _spec("C03", spec)
    threshold = s.threshold("timing_threshold")
    timing = timing_consensus(pd.Series(list(shares_before), dtype=float), threshold)
    facts = (f"timing {timing} against the {threshold:.0%} line, BTC {qt2_return:+.2f} log over QT2, QT2 weekly "
             f"correlation with WALCL lower bound {qt2_corr_low:+.2f}")
    if timing == "before" and qt2_return > 0 and qt2_corr_low <= 0:
        return Decision(NOT_SUPPORTED, "c03_timing_rule", f"the fall came before QT and BTC rose during it: {facts}")
    if timing == "after" and qt2_corr_low > 0:
        return Decision(PARTLY, "c03_timing_rule", f"the fall followed QT and moved with it: {facts}")
    return Decision(INCONCLUSIVE, "c03_timing_rule", f"the timing and co-movement do not decide: {facts}")


def c03_evidence(decision: Decision, *, split: Mapping[str, Any], splits: pd.DataFrame, timing: Timing,
                 threshold: float, walcl_peak: pd.Timestamp, nl_peak: pd.Timestamp, gap: int, pre: pd.Series,
                 post: pd.Series, qt2_ret: float, qt2_corr: pd.Series) -> str:
    """C03's evidence (moved from notebook 02 unchanged in substance), then the rule's reason."""
    words = {"before": "a large part came before every date", "after": "little came before any date",
             "mixed": "the timing depends on the date chosen"}
    shares = ", ".join(f"{r.share_before:.4f} at the {r.Index} ({r.date:%Y-%m-%d})" for r in splits.itertuples())
    return (f"BTC fell {-math.expm1(float(split['total'])):.0%} from {split['peak']:%Y-%m-%d} to {split['trough']:%Y-%m-%d} "
            f"({float(split['total']):.2f} in log terms); share of that fall before each QT date: {shares}; against the "
            f"{threshold:.0%} line {words[timing]}. WALCL rose to its peak on {walcl_peak:%Y-%m-%d}, but net liquidity "
            f"peaked on {nl_peak:%Y-%m-%d} ({gap} days after BTC) and changed by {pre['net liquidity']:+,.0f} bn before "
            f"runoff (TGA {-pre['-TGA']:+,.0f}, RRP {-pre['-RRP']:+,.0f}, WALCL {pre['WALCL']:+,.0f} bn), then by "
            f"{post['net liquidity']:+,.0f} bn from runoff to the trough. Over QT2 BTC gained {qt2_ret:+.2f} (log). Weekly "
            f"r(BTC, WALCL) in QT2 = {qt2_corr['r']:.2f} [{qt2_corr['lo_boot']:.2f}, {qt2_corr['hi_boot']:.2f}], "
            f"N={qt2_corr['n']} weeks. QT, its anticipation and the 2022 rate hikes overlap in time and cannot be "
            f"separated with these data. Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C04: crypto outperforms in high-liquidity regimes; capital moves to Treasuries and MMFs
# ---------------------------------------------------------------------------------------------


def robust_share(curve: pd.DataFrame, alpha: float) -> float:
    """Share of a specification curve's cells with a positive difference and ``p_hac < alpha``."""
    if curve.empty:
        raise ValueError("the specification curve is empty")
    return float(((curve["diff"] > 0) & (curve["p_hac"] < alpha)).mean())


def hac_interval(estimate: float, p_value: float, level: float) -> tuple[float, float]:
    """Interval of coverage ``level`` implied by an estimate and its two-sided (HAC) p-value of zero.

    The standard error is ``|estimate| / z(1 - p/2)``; a Bonferroni interval over ``m`` tests uses
    ``level = 1 - alpha / m``.
    """
    if not 0 < p_value <= 1 or math.isnan(estimate):
        raise ValueError(f"need a p-value in (0, 1] and a number, got p={p_value!r}, estimate={estimate!r}")
    z_p = float(sps.norm.ppf(1 - p_value / 2))
    se = abs(estimate) / z_p if z_p > 0 else math.inf
    half = float(sps.norm.ppf(0.5 + level / 2)) * se
    return estimate - half, estimate + half


def c04_regime_rule(diff: float, lo_corrected: float, hi_corrected: float, curve: pd.DataFrame, *,
                    hac: tuple[float, float] | None = None, flows_data: str | None = None,
                    spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C04 by the shared interval rule on the family-corrected interval, with the specification curve.

    Parameters
    ----------
    diff : float
        BTC's forward log return, net liquidity expanding minus contracting (the declared primary).
    lo_corrected, hi_corrected : float
        Its Bonferroni bootstrap interval over the family of liquidity measures.
    hac : (float, float), optional
        Its Bonferroni HAC interval (:func:`hac_interval`). Each interval rests on an approximation
        (HAC asymptotics with overlapping windows; the far tail of a finite bootstrap, whose bound
        moves with the seed), so the rule uses the hull of the two: the effect must be clear of zero
        under both.
    curve : DataFrame
        :func:`helpers.methods.regimes.regime_spec_curve` for the primary measure (the declared alternatives):
        the share of its cells with ``p_hac < family_alpha`` and a positive difference is the
        robustness share.
    flows_data : str, optional
        Fund-flow data for the second half of the claim (money moving to Treasuries and money-market
        funds); None (the case here) makes that part ``untestable here``.
    spec : ClaimSpec, optional
        Defaults to C04's (``minimum_effect`` in log return; threshold ``family_alpha``).

    Returns
    -------
    Decision
        :func:`compound_rule` of *outperforms* (the interval rule) and *moves to Treasuries and MMFs*.
    """
    s = _spec("C04", spec)
    share = robust_share(curve, s.threshold("family_alpha"))
    lo, hi = (lo_corrected, hi_corrected) if hac is None else (min(lo_corrected, hac[0]), max(hi_corrected, hac[1]))
    outperforms = interval_rule(diff, lo, hi, minimum_effect=s.effect(), robust_share=share)
    flows = (untestable("fund flows into Treasuries and money-market funds (for example ICI weekly money-market "
                        "fund assets)") if flows_data is None
             else Decision(INCONCLUSIVE, "c04_regime_rule", f"{flows_data} not yet decided"))
    return compound_rule({"outperforms": outperforms, "moves to Treasuries and MMFs": flows}, rule="c04_regime_rule")


def effect_is_shared(by_asset: pd.DataFrame, ratio: float) -> bool:
    """Whether BTC's regime effect in SD units is at most ``ratio`` times the smallest equity index's.

    ``by_asset`` is indexed by asset (``BTC`` and the equity indices) with a ``diff_sd`` column.
    """
    others = by_asset.drop(index="BTC")["diff_sd"]
    return bool(by_asset.loc["BTC", "diff_sd"] <= ratio * others.min())


def c04_evidence(decision: Decision, *, family: pd.DataFrame, horizon: int, by_asset: pd.DataFrame,
                 curve: pd.DataFrame, walcl_curve: pd.DataFrame, alpha: float, hac: tuple[float, float],
                 shared_ratio: float = 1.5) -> str:
    """C04's evidence: the regime difference in plain words, the family correction and the specification spread.

    The effect is called "shared with equities" when :func:`effect_is_shared` holds at ``shared_ratio``.
    """
    shared = effect_is_shared(by_asset, shared_ratio)
    nlr = family.loc["BTC | net liquidity"]
    est = "; ".join(f"{k.split(' | ')[1]} {r['diff']:+.3f} [{r.lo:+.3f}, {r.hi:+.3f}], Holm p={r.p_holm:.3f}, "
                    f"Bonferroni [{r.lo_bonf:+.4f}, {r.hi_bonf:+.4f}]" for k, r in family.iterrows())
    sd_text = ", ".join(f"{k} {r.diff_sd:.2f} (N={int(r.n)})" for k, r in by_asset.iterrows())
    n_ok = int(((curve["diff"] > 0) & (curve["p_hac"] < alpha)).sum())
    n_w = int(((walcl_curve["diff"] > 0) & (walcl_curve["p_hac"] < alpha)).sum())
    return (f"BTC's {horizon}-week return was {math.expm1(nlr['diff']):.0%} higher after weeks in which net liquidity "
            f"had grown than after weeks in which it had shrunk (95% interval {nlr['lo']:+.3f} to {nlr['hi']:+.3f} in log "
            f"terms, N={int(nlr['n'])} overlapping weeks). Corrected for trying {len(family)} liquidity measures, its "
            f"Bonferroni intervals are [{nlr['lo_bonf']:+.4f}, {nlr['hi_bonf']:+.4f}] (bootstrap) and [{hac[0]:+.4f}, "
            f"{hac[1]:+.4f}] (HAC). Expanding minus contracting: {est}. Over the declared alternatives "
            f"({len(curve)} regime windows x horizons) {n_ok} give p < {alpha} for net liquidity and {n_w} for WALCL. "
            f"In SD units of each asset's forward return: {sd_text}, so the effect "
            + ("is shared with equities, not specific to crypto." if shared else "is larger for BTC than for equities.")
            + f" Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C09: monetary easing and crypto prices are highly positively correlated
# ---------------------------------------------------------------------------------------------


def c09_correlation_rule(table: pd.DataFrame, *, spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C09 from the correlations of BTC's changes with each easing measure.

    Parameters
    ----------
    table : DataFrame
        One row per easing measure (index), oriented so that a positive ``r`` means easing goes with
        rising crypto (a rate measure enters with its sign flipped), with ``lo`` and ``hi``: the
        interval corrected for the family of measures.
    spec : ClaimSpec, optional
        Defaults to C09's (``minimum_effect``: the correlation that counts as "high").

    Returns
    -------
    Decision
        ``not supported`` if every measure's interval lies below the minimum; otherwise the interval
        rule on the measure with the highest lower bound, with the share of measures that are
        themselves ``supported`` as the robustness share; ``inconclusive`` when none is supported and
        some interval holds both.
    """
    s = _spec("C09", spec)
    if table.empty:
        raise ValueError("C09 needs at least one easing measure")
    each = {str(k): interval_rule(r.r, r.lo, r.hi, minimum_effect=s.effect()) for k, r in table.iterrows()}
    listing = "; ".join(f"{k}: {d.verdict} ({d.reason})" for k, d in each.items())
    if all(d.verdict == NOT_SUPPORTED for d in each.values()):
        return Decision(NOT_SUPPORTED, "c09_correlation_rule", f"no easing measure correlates highly: {listing}")
    share = sum(d.verdict == SUPPORTED for d in each.values()) / len(each)
    if share == 0:
        return Decision(INCONCLUSIVE, "c09_correlation_rule", f"no measure decides: {listing}")
    best = table.sort_values("lo", ascending=False).iloc[0]
    d = interval_rule(best.r, best.lo, best.hi, minimum_effect=s.effect(), robust_share=share)
    return Decision(d.verdict, "c09_correlation_rule", f"best measure {best.name}: {d.reason}; all: {listing}")


def c09_evidence(decision: Decision, *, table: pd.DataFrame, level: float, start: str, end: str, r_levels: float,
                 spur: Mapping[str, float | int | bool], signs: pd.Series, rolling: pd.Series) -> str:
    """C09's evidence: the correlations of changes with every easing measure, then the rule's reason."""
    n = int(table["n"].min())
    corr = "; ".join(f"{k} {r.r:+.2f} [{r.lo:+.2f}, {r.hi:+.2f}]" for k, r in table.iterrows())
    top = table["r"].abs().max()
    return (f"Month to month, BTC moved almost independently of every easing measure: no correlation of changes "
            f"exceeds {top:.2f} in size ({start} to {end}, N={n} months), far from a high correlation. Correlations "
            f"oriented so that positive means easing with rising BTC, with {level:.1%} stationary-bootstrap intervals "
            f"(Bonferroni over {len(table)} measures): {corr}. The levels correlate at {r_levels:.2f} only because both "
            f"trend (R2 {spur['r2']:.2f} > DW {spur['dw']:.2f}). Weekly r with net liquidity by sub-period ranges "
            f"{signs.min():.2f} to {signs.max():.2f}; 52-week rolling r from {rolling['min']:.2f} to {rolling['max']:.2f}. "
            f"Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C24: stocks and bonds respond to easing more reliably; crypto's link is bursty and less stable
# ---------------------------------------------------------------------------------------------


def c24_reliability_rule(stocks: Mapping[str, float], bonds: Mapping[str, float], instability: Mapping[str, float], *,
                         spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C24 as a compound of three parts.

    Parameters
    ----------
    stocks, bonds : mapping
        :func:`helpers.methods.nulls.correlation_difference` of the asset's and BTC's correlation with easing:
        ``diff`` (asset minus BTC), ``lo``, ``hi`` (Bonferroni interval over the two comparisons).
    instability : mapping
        :func:`helpers.methods.nulls.circular_shift_null` of BTC's rolling-correlation SD with net liquidity:
        ``observed``, ``null_mean``, ``null_low``, ``null_high``.
    spec : ClaimSpec, optional
        Defaults to C24's (``minimum_effect``: a difference of correlations; threshold
        ``instability_minimum``: excess SD over the noise floor).

    Returns
    -------
    Decision
        :func:`compound_rule` of *stocks more reliable*, *bonds more reliable* (interval rules on the
        differences) and *crypto unstable beyond noise* (interval rule on the observed SD minus its
        null, the interval being the observed minus the null's central 95%).
    """
    s = _spec("C24", spec)
    e = s.effect()
    parts = {
        "stocks more reliable": interval_rule(stocks["diff"], stocks["lo"], stocks["hi"], minimum_effect=e),
        "bonds more reliable": interval_rule(bonds["diff"], bonds["lo"], bonds["hi"], minimum_effect=e),
        "crypto unstable beyond noise": interval_rule(
            instability["observed"] - instability["null_mean"], instability["observed"] - instability["null_high"],
            instability["observed"] - instability["null_low"], minimum_effect=s.threshold("instability_minimum")),
    }
    return compound_rule(parts, rule="c24_reliability_rule")


def c24_evidence(decision: Decision, *, stocks: Mapping[str, float], bonds: Mapping[str, float],
                 instability: Mapping[str, float], level: float, window: int, start: str, end: str,
                 stab: pd.DataFrame) -> str:
    """C24's evidence: how stocks, bonds and BTC move with easing, and BTC's instability against its noise floor."""
    eq = ", ".join(f"{k} {stab.loc[k, 'sd']:.3f}" for k in stab.index)
    return (f"Bonds follow easing closely and BTC hardly at all: the monthly correlation with easing (a falling "
            f"2-year yield) is {bonds['r_a']:+.2f} for bond prices (a falling 10-year yield), {stocks['r_a']:+.2f} for the "
            f"S&P 500 and {stocks['r_b']:+.2f} for BTC (N={int(stocks['n'])} months from {start} to {end} in which all "
            f"series exist). Differences from "
            f"BTC with {level:.1%} stationary-bootstrap intervals (Bonferroni over two comparisons): S&P 500 "
            f"{stocks['diff']:+.2f} [{stocks['lo']:+.2f}, {stocks['hi']:+.2f}], bonds {bonds['diff']:+.2f} "
            f"[{bonds['lo']:+.2f}, {bonds['hi']:+.2f}]. BTC's {window}-week rolling correlation with net liquidity has an "
            f"SD over time of {instability['observed']:.3f}, against {instability['null_mean']:.3f} "
            f"(central 95% {instability['null_low']:.3f} to {instability['null_high']:.3f}) when the link is broken by "
            f"{int(instability['n_shifts'])} circular shifts: its swings are what noise alone produces. SD over time for "
            f"each asset: {eq}. Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C30: crypto performs strongly during QE
# ---------------------------------------------------------------------------------------------


def c30_qe_rule(primary: Mapping[str, float], alternatives: Sequence[Mapping[str, float]], *,
                spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C30 from BTC's return during QE minus outside it, in the primary and the alternative samples.

    Parameters
    ----------
    primary : mapping
        ``diff``, ``lo``, ``hi``: annualised log-return difference, QE minus outside QE, with its
        bootstrap interval, over the declared primary sample.
    alternatives : sequence of mapping
        The same for each declared alternative sample; the share of them that are ``supported`` by
        the same rule is the robustness share.
    spec : ClaimSpec, optional
        Defaults to C30's (``minimum_effect`` in annualised log return).
    """
    s = _spec("C30", spec)
    e = s.effect()
    agree = [interval_rule(a["diff"], a["lo"], a["hi"], minimum_effect=e).verdict == SUPPORTED for a in alternatives]
    share = sum(agree) / len(agree) if agree else None
    d = interval_rule(primary["diff"], primary["lo"], primary["hi"], minimum_effect=e, robust_share=share)
    return Decision(d.verdict, "c30_qe_rule", d.reason)


def c30_evidence(decision: Decision, *, rows: pd.DataFrame, episodes: str, missing: str) -> str:
    """C30's evidence: BTC's annual return in and out of QE in each sample, then the rule's reason."""
    p = rows.iloc[0]
    samples = "; ".join(f"{k}: {r['diff']:+.2f} [{r.lo:+.2f}, {r.hi:+.2f}], QE weeks {int(r.n_qe)} of {int(r.n)}"
                        for k, r in rows.iterrows())
    return (f"BTC rose faster during QE than outside it in the full history, by {p['diff']:+.2f} a year in log terms "
            f"({math.expm1(p['qe_annual']):+.0%} a year during QE against {math.expm1(p['other_annual']):+.0%} outside, "
            f"N={int(p['n'])} weeks from {p['start']}), but the QE weeks come from {episodes}; {missing}. "
            f"Annualised log-return difference, QE minus outside, 95% stationary-bootstrap intervals: {samples}. "
            f"Rule {decision.rule}: {decision.reason}.")



def qe_coverage(programmes: Mapping[str, tuple[pd.Timestamp, pd.Timestamp | None]], first: pd.Timestamp,
                last: pd.Timestamp) -> tuple[str, str]:
    """Which QE programmes a price history covers, in words: ``(covered, missing)``.

    Parameters
    ----------
    programmes : mapping of str to (start, end)
        QE programmes by name (``end`` None = still running).
    first, last : Timestamp
        First and last date of the price history.

    Returns
    -------
    (str, str)
        ``"QE2 (all of it), QE3 (all of it), QE4 (all of it)"`` and
        ``"QE1 (2008-11-25..2010-03-31) predates the first price (2010-07-19)"`` (or ``"no programme
        is missing"``); a programme cut by either end of the history is ``"part of it"``.
    """
    covered, missing = [], []
    for name, (start, end) in programmes.items():
        stop = end if end is not None else last
        if stop <= first or start >= last:
            missing.append(f"{name} ({start:%Y-%m-%d}..{stop:%Y-%m-%d}) lies outside the prices "
                           f"({first:%Y-%m-%d}..{last:%Y-%m-%d})")
        else:
            covered.append(f"{name} ({'all of it' if start >= first and stop <= last else 'part of it'})")
    return ", ".join(covered) or "no programme", "; ".join(missing) or "no programme is missing"
