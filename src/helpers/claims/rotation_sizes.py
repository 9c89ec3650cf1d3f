"""Verdict rules and evidence text of notebook 04 for size and risk: C19, C25, C26 and survivorship.

The timing and sector claims of the same notebook (C15-C18) are in :mod:`helpers.claims.rotation`;
the shared helpers (:func:`~helpers.claims.rotation.mean_interval`) come from there.

Rules
-----
C19 :func:`c19_rule`
    Compound of two aspects judged by rank correlations (:func:`aspect_decision`).
C25 :func:`c25_rule`
    ``interval_rule`` on large-minus-small return per unit of volatility, with the weakest
    declared dimension's share of agreeing alternatives as the robustness share.
C26 :func:`c26_rule`
    A dated forecast: ``interval_rule`` on the declared chains' mean Q1-2026 log return (BTC's
    return over the same days and each chain's typical quarter are context in the evidence);
    days of the window without closes are bounded by the chains' largest joint move.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.claims.rotation import mean_interval, with_reason
from helpers.claims.vocabulary import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Decision,
    compound_rule,
    interval_rule,
    untestable,
)

# ---------------------------------------------------------------------------------------------
# C19: the riskiest assets see explosive but short-lived rallies
# ---------------------------------------------------------------------------------------------


def aspect_decision(tests: pd.DataFrame, predicted: Mapping[str, int], aspect: str, alpha: float = 0.05,
                    meaningful: float = 0.3) -> Decision:
    """Whether one aspect of C19 holds, is ruled out or stays open, from rank correlations.

    Parameters
    ----------
    tests : DataFrame
        Indexed by (riskiness measure, rally measure) with ``rho``, ``lo``, ``hi`` and ``p_holm``
        (:func:`helpers.methods.small_sample.spearman_table`, Holm over the whole family).
    predicted : mapping of str to int
        The rally measures of this aspect and the sign of ``rho`` the claim predicts (+1: riskier
        assets have larger values).
    aspect : str
        Its name, for the rule and the reason.
    alpha : float
        Level after Holm's correction.
    meaningful : float
        Smallest absolute rank correlation that would count as the claimed effect.

    Returns
    -------
    Decision
        ``supported``: some test has the predicted sign with Holm p < ``alpha``; ``not supported``:
        every test's interval excludes a correlation of ``meaningful`` or more in the predicted
        direction; ``inconclusive``: otherwise (too wide to rule the effect in or out).
    """
    rule = f"c19_{aspect.replace('-', '_').replace(' ', '_')}"
    rows = tests[tests.index.get_level_values(1).isin(list(predicted))]
    if rows.empty:
        raise ValueError(f"no tests of {sorted(predicted)} in the table")
    signs = np.array([predicted[m] for m in rows.index.get_level_values(1)])
    rho, lo, hi = (rows[c].to_numpy(float) for c in ("rho", "lo", "hi"))
    if bool(((np.sign(rho) == signs) & (rows["p_holm"].to_numpy(float) < alpha)).any()):
        return Decision(SUPPORTED, rule, f"{aspect}: a rank correlation has the predicted sign with Holm p < {alpha}")
    best = np.where(signs > 0, hi, -lo)  # the largest effect in the predicted direction the interval allows
    if bool((best < meaningful).all()):
        return Decision(NOT_SUPPORTED, rule, f"{aspect}: every interval excludes a correlation of {meaningful} in the "
                        "predicted direction")
    return Decision(INCONCLUSIVE, rule, f"{aspect}: the intervals neither reach significance nor exclude a "
                    f"correlation of {meaningful}")


def c19_rule(tests: pd.DataFrame, explosive: Mapping[str, int], short_lived: Mapping[str, int], alpha: float = 0.05,
             meaningful: float = 0.3) -> Decision:
    """Verdict on C19: :func:`~helpers.claims.vocabulary.compound_rule` over its two aspects.

    Only direct measures belong in ``explosive`` (size or speed of the gain) and ``short_lived``
    (how soon the gain is given back); a deeper fall after the peak measures depth, not duration.
    """
    return compound_rule({"explosive": aspect_decision(tests, explosive, "explosive", alpha, meaningful),
                          "short-lived": aspect_decision(tests, short_lived, "short-lived", alpha, meaningful)},
                         rule="c19_rule")


def correlation_text(tests: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> str:
    """Rows of a :func:`helpers.methods.small_sample.spearman_table` family as text: rho, 95% interval and Holm p."""
    out = []
    for m, k in pairs:
        r = tests.loc[(m, k)]
        out.append(f"{m} vs {k} rho={r['rho']:+.2f} [{r['lo']:+.2f}, {r['hi']:+.2f}] (Holm p={r['p_holm']:.3f})")
    return "; ".join(out)


def c19_evidence(tests: pd.DataFrame, risk_measures: Sequence[str], explosive: Mapping[str, int],
                 short_lived: Mapping[str, int], anatomy: pd.DataFrame, alpha: float, meaningful: float,
                 survivorship: str) -> str:
    """Evidence of C19: both aspects' correlations, the depth measure, bucket medians, survivorship."""
    status = {name: aspect_decision(tests, p, name, alpha, meaningful).verdict
              for name, p in [("explosive", explosive), ("short-lived", short_lived)]}
    n = int(tests["n"].min())
    return (f"Small tokens gained a median {anatomy.loc['small', 'gain']:.2f} log from trough to peak against "
            f"{anatomy.loc['large', 'gain']:.2f} for large caps (N={int(anatomy.loc['small', 'n'])} and "
            f"{int(anatomy.loc['large', 'n'])} token-episodes; size ranked by trailing market cap at each episode). "
            f"Across N={n} tokens, each relative to BTC in the same episodes (95% intervals, Holm over {len(tests)} "
            f"tests): explosive ({status['explosive']}): "
            + correlation_text(tests, [(m, k) for m in risk_measures for k in explosive])
            + f". Short-lived ({status['short-lived']}): "
            + correlation_text(tests, [(m, k) for m in risk_measures for k in short_lived])
            + ". Deeper falls after the peak (depth, not duration; partly mechanical): "
            + correlation_text(tests, [("size_rank", "excess_drawdown")])
            + f". Survivorship: {survivorship}")


# ---------------------------------------------------------------------------------------------
# C25: large caps fare better in liquidity-driven rallies
# ---------------------------------------------------------------------------------------------


def c25_rule(diff: float, lo: float, hi: float, minimum_effect: float,
             agreement: pd.DataFrame | None = None) -> Decision:
    """Verdict on "in liquidity-driven rallies, deep large caps fare better than small illiquid tokens".

    :func:`~helpers.claims.vocabulary.interval_rule` on the large-cap minus small-cap basket's
    annualised return per unit of volatility on liquidity-driven rally days (a stationary
    bootstrap interval); ``minimum_effect`` in the same units (annualised ratio).

    Parameters
    ----------
    agreement : DataFrame, optional
        :func:`helpers.studies.rotation.dimension_agreement` of the declared alternatives (bucket rule,
        minimum members, leave one episode out). The robustness share is the *smallest* share of
        agreeing alternatives over the dimensions: a result that survives many alternatives of one
        kind but none of another (the bucket rules that keep the 2019-21 episodes) is not robust,
        and counting every alternative as one vote would hide that.
    """
    share = float(agreement["share"].min()) if agreement is not None and len(agreement) else None
    d = interval_rule(diff, lo, hi, minimum_effect=minimum_effect, robust_share=share, rule="c25_rule")
    if agreement is None or not len(agreement):
        return d
    dims = "; ".join(f"{k}: {int(r['agree'])} of {int(r['n'])} agree" for k, r in agreement.iterrows())
    return with_reason(d, f"{d.reason} (robustness share = the weakest declared dimension; {dims})")


def c25_evidence(c25: object, drawdown_large: float, drawdown_small: float, n_runs: int, survivorship: str,
                 curve: pd.DataFrame | None = None, other_days: object | None = None,
                 small_members: Sequence[str] = (), defi: Sequence[str] = (), decision: Decision | None = None) -> str:
    """Evidence of C25 from a :class:`helpers.methods.masked_bootstrap.RiskAdjustedDifference` and the alternatives.

    ``drawdown_large`` and ``drawdown_small`` are worst drawdowns as positive fractions of the running peak
    (:func:`helpers.methods.masked_bootstrap.return_per_vol_table`). ``curve`` is
    :func:`helpers.studies.rotation.large_small_curve`; ``other_days`` the same difference on
    uptrend days *without* expanding liquidity; ``small_members`` the tokens in the primary small
    bucket on the rally days used, ``defi`` the DeFi tokens among the catalog's.
    """
    first = ""
    if curve is not None:
        p = curve[curve["dimension"] == "primary"].iloc[0]
        first = f" from {p['first']}"
    text = (f"On N={c25.n} liquidity-driven rally days{first} (BTC uptrend and net liquidity expanding, {n_runs} runs) "  # type: ignore[attr-defined]
            f"the large-cap basket earned {c25.ratio_a:.2f} per unit of volatility against {c25.ratio_b:.2f} for "  # type: ignore[attr-defined]
            f"small caps, a difference of {c25.diff:+.2f} (95% stationary bootstrap {c25.lo:+.2f} to {c25.hi:+.2f}); "  # type: ignore[attr-defined]
            f"size buckets from trailing market caps at each episode start. Worst drawdown (fall from the running "
            f"peak within one run of rally days) large {drawdown_large:.0%} vs small {drawdown_small:.0%}.")
    if curve is not None:
        p = curve[curve["dimension"] == "primary"].iloc[0]
        buckets = curve[curve["dimension"] == "small bucket"]
        earlier = buckets[buckets["first"].notna() & (buckets["first"] < p["first"])]
        if len(earlier):
            text += (f" The sample starts then because the primary small bucket has too few members before; the "
                     f"{len(earlier)} declared bucket rules that keep earlier episodes (from {earlier['first'].min()}) "
                     f"give {earlier['estimate'].min():+.2f} to {earlier['estimate'].max():+.2f}, "
                     f"{int((earlier['estimate'] < 0).sum())} of them negative.")
        loo = curve[curve["dimension"] == "left out"]
        if len(loo):
            worst = loo.loc[loo["n"].idxmin()]
            text += (f" Leaving out the episode of {worst['left out']} leaves {int(worst['n'])} days and "
                     f"{worst['estimate']:+.2f} [{worst['low']:+.2f}, {worst['high']:+.2f}].")
    if small_members:
        k = sum(1 for a in small_members if a in set(defi))
        text += (f" The small bucket on those days holds {len(small_members)} tokens, {k} of them DeFi "
                 f"({', '.join(small_members)}), so size cannot be told apart from the DeFi sector's decline.")
    if other_days is not None:
        text += (f" On uptrend days without expanding liquidity the difference is {other_days.diff:+.2f} "  # type: ignore[attr-defined]
                 f"[{other_days.lo:+.2f}, {other_days.hi:+.2f}] (N={other_days.n}), so the advantage is not shown to "  # type: ignore[attr-defined]
                 "be specific to liquidity." if other_days.lo <= 0 <= other_days.hi else  # type: ignore[attr-defined]
                 f" On uptrend days without expanding liquidity the difference is {other_days.diff:+.2f} "  # type: ignore[attr-defined]
                 f"[{other_days.lo:+.2f}, {other_days.hi:+.2f}] (N={other_days.n}).")  # type: ignore[attr-defined]
    if decision is not None:
        text += f" Rule: {decision.reason}."
    return text + f" Survivorship: {survivorship}"


# ---------------------------------------------------------------------------------------------
# C26: DeFi, payment and infrastructure chains in Q1 2026 (a dated forecast)
# ---------------------------------------------------------------------------------------------


def c26_rule(chain_returns: pd.Series, btc_return: float, *, minimum_rise: float, alpha: float = 0.05,
             missing_days: int = 0, bound: tuple[float, float] | None = None) -> Decision:
    """Verdict on "public chains focused on DeFi, payments and infrastructure see sharply higher valuations in Q1 2026".

    Parameters
    ----------
    chain_returns : Series
        Per declared chain, its log return over the window to its last close (NaN where it has no data).
    btc_return : float
        BTC's log return over the same days (reported in the reason; the claim is about the chains'
        own valuations, so BTC is context, not a part of the rule).
    minimum_rise : float
        Smallest mean log return that would count as "sharply higher" valuations.
    alpha : float
        Level of the interval (Student t across chains, two-sided ``1 - alpha``).
    missing_days : int
        Days of the window after the chains' last close (0: the data cover the window).
    bound : (float, float), optional
        The largest rise and the largest fall (negative) of the chains' mean log return over
        ``missing_days`` days seen before the window (:func:`helpers.studies.rotation.extreme_moves`).

    Returns
    -------
    Decision
        ``untestable here`` without chain data in the window; otherwise
        :func:`~helpers.claims.vocabulary.interval_rule` on the chains' mean log return. With days
        missing, the rule is also applied with every chain moved by the largest rise and by the
        largest fall of ``bound``: the verdict stands only if both agree with it (the missing days
        cannot change it), else ``inconclusive`` (and ``inconclusive`` without a bound).
    """
    rule = "c26_rule"
    v = chain_returns.dropna()
    if len(v) < 2 or math.isnan(btc_return):
        return untestable("closes of the declared chains and BTC over 2026-01-01..2026-03-31", rule=rule)
    if missing_days < 0:
        raise ValueError(f"missing_days must be >= 0, got {missing_days!r}")

    def decide(shift: float) -> tuple[Decision, float, float, float]:
        m, lo, hi, _ = mean_interval(v + shift, 1 - alpha)
        return interval_rule(m, lo, hi, minimum_effect=minimum_rise, rule=rule), m, lo, hi

    d, m, lo, hi = decide(0.0)
    head = f"mean {m:+.3f} log over N={len(v)} chains, interval [{lo:+.3f}, {hi:+.3f}] (BTC {btc_return:+.3f})"
    if missing_days == 0:
        return with_reason(d, f"{head}: {d.reason}")
    if bound is None or any(math.isnan(x) for x in bound):
        return Decision(INCONCLUSIVE, rule, f"{head}; the window's last {missing_days} days have no closes and no "
                        "bound on their move is available")
    up, down = decide(bound[0])[0], decide(bound[1])[0]
    span = (f"the {missing_days} days without closes could move the chains' mean by at most {bound[0]:+.3f} or "
            f"{bound[1]:+.3f} log (the largest {missing_days}-day moves seen before the window)")
    if up.verdict == down.verdict == d.verdict:
        return with_reason(d, f"{head}; {span}, which leaves the verdict unchanged: {d.reason}")
    return Decision(INCONCLUSIVE, rule, f"{head}; {span}, which could change the verdict ({down.verdict} to "
                    f"{up.verdict})")


def c26_evidence(table: pd.DataFrame, btc_return: float, window: tuple[str, str], last_date: pd.Timestamp,
                 tvl_change: float | None, decision: Decision, btc_full_window: float | None = None) -> str:
    """Evidence of C26 from a :func:`helpers.studies.rotation.window_return_table` of the declared chains.

    ``btc_return`` is BTC's log return over the chains' days; ``btc_full_window`` over the whole window.
    """
    v = table["log_return"].dropna()
    above = int((table["log_return"] > table["typical_quarter"]).sum())
    btc_full = (f"; BTC over the whole window {np.expm1(btc_full_window):+.0%}"
                if btc_full_window is not None and not math.isnan(btc_full_window) else "")
    tvl = (f" Total DeFi TVL (DefiLlama, all chains) changed {np.expm1(tvl_change):+.0%} over the window; TVL, fees "
           "or activity by chain are not in the data, so 'demand' is judged only through that total."
           if tvl_change is not None and not math.isnan(tvl_change)
           else " DeFi TVL is not available for the window; TVL by chain is not in the data.")
    return (f"The declared chains fell rather than rose sharply: their median return over {window[0]}..{window[1]} was "
            f"{np.expm1(v.median()):+.0%} (N={len(v)} chains, closes to {last_date:%Y-%m-%d}) against "
            f"{np.expm1(btc_return):+.0%} for BTC over the same days{btc_full}; {above} of {len(v)} beat their own "
            "median quarter. "
            if v.median() < 0 else
            f"The declared chains' median return over {window[0]}..{window[1]} was {np.expm1(v.median()):+.0%} (N="
            f"{len(v)} chains, closes to {last_date:%Y-%m-%d}) against {np.expm1(btc_return):+.0%} for BTC over the "
            f"same days{btc_full}; {above} of {len(v)} beat their own median quarter. ") + (
        "Per chain (log return; its median quarter): "
        + "; ".join(f"{a} ({r['category']}) {r['log_return']:+.2f} ({r['typical_quarter']:+.2f})"
                    for a, r in table.iterrows() if not math.isnan(r["log_return"]))
        + f".{tvl} The t interval treats the chains as independent although one market shock moves them all; "
        f"the realised returns themselves lie far from the minimum. Rule: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# survivorship
# ---------------------------------------------------------------------------------------------

#: How survivorship biases each claim's test (the listed tokens are today's survivors).
SURVIVORSHIP_DIRECTION: dict[str, str] = {
    "C17": "it favours the altcoins' amplified gains, so a gain that is not significant even so is not hidden by it",
    "C18": "it favours the DeFi basket",
    "C19": "it favours 'explosive' and works against 'short-lived' (rallies that ended in collapse are missing)",
    "C25": "it favours the small-cap basket, against the claim",
}


def survivorship_text(table: pd.DataFrame | None) -> str:
    """Plain text of :func:`helpers.studies.rotation.survivorship_table`, or why it cannot be computed (``None``)."""
    if table is None or table.empty:
        return ("not quantified: the total crypto market cap of all tokens (the mirror's CoinGecko series) is "
                "missing, and the proxy total sums only the listed tokens")
    gap = float(table["gap"].median())
    return (f"the listed tokens held {table['coverage_start'].min():.0%}-{table['coverage_start'].max():.0%} of the "
            f"total crypto market cap at the starts of N={len(table)} BTC episodes; over each episode the listed alt "
            f"and DeFi tokens' summed cap changed a median {gap:+.2f} log "
            f"{'more' if gap > 0 else 'less'} than the unlisted rest's (which also gains new listings).")


def survivorship_direction(text: str, claim_id: str) -> str:
    """The survivorship sentence with the direction of its bias on ``claim_id``."""
    return f"{text.rstrip('.')}; {SURVIVORSHIP_DIRECTION[claim_id]}."
