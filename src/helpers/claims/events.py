"""Rules and evidence text for the event-study claims of notebook 03: C07, C08 and C28.

Each rule is one function returning a :class:`~helpers.claims.vocabulary.Decision`, built on the
shared :func:`~helpers.claims.vocabulary.interval_rule` and
:func:`~helpers.claims.vocabulary.compound_rule`:

* :func:`c07_pivot_rule`: "risk assets rise strongly within 6-12 months of a turn to easing". One
  part per (asset, horizon): the events' mean log return in excess of the random-day mean, with the
  placebo inverted at a Bonferroni level over the family, against a minimum meaningful excess.
* :func:`c08_rally_rule`: "every pivot was followed by a strong rally within 6-18 months". One
  part per rally definition: not every pivot rallied -> ``not supported``; otherwise the pivots'
  rally rate (an exact binomial interval, Bonferroni over the definitions) against the rate after
  random days.
* :func:`c28_tightening_rule`: "rate hikes reduce crypto's appeal; BTC often falls sharply in
  tightening cycles". Two parts: the return gap inside hiking cycles, and the excess drawdown in
  each cycle over windows of the same length.

The evidence functions turn the tables of :mod:`helpers.studies.events` and :mod:`helpers.methods.cycles` into text whose first sentence
is plain words (effect, interval, N, last date), as the site shows it on the front page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from scipy import stats as sps

from helpers.claims import vocabulary as v
from helpers.claims.vocabulary import Decision
from helpers.methods.cycles import CycleDrawdowns, CycleReturnGap


def agreement_share(primary: Decision, alternatives: Mapping[str, Decision]) -> float | None:
    """Share of the alternative specifications whose verdict equals the primary one (None without any)."""
    if not alternatives:
        return None
    return sum(d.verdict == primary.verdict for d in alternatives.values()) / len(alternatives)


def _robust(decision: Decision, robust_share: float | None, rule: str) -> Decision:
    """Downgrade a supported compound decision to partly supported when too few alternatives agree."""
    if decision.verdict == v.SUPPORTED and robust_share is not None and robust_share < v.ROBUST_SHARE:
        return Decision(v.PARTLY, rule, f"{decision.reason}; but only {robust_share:.0%} of the alternatives agree")
    return decision


# ------------------------------------------------------------------------------------------- C07


def c07_pivot_rule(table: pd.DataFrame, minimum_effects: Mapping[str, float], *, min_events: int = 3,
                   robust_share: float | None = None) -> Decision:
    """C07: do risk assets rise strongly, beyond random days, within 6-12 months of a turn to easing?

    Parameters
    ----------
    table : pd.DataFrame
        :func:`helpers.studies.events.placebo_table` (rows ``(asset, horizon)``; ``n_events``, ``effect``,
        ``effect_lo``, ``effect_hi``: the excess over the random-day mean and its
        Bonferroni-simultaneous interval over the rows).
    minimum_effects : mapping
        Per asset, the smallest excess log return over random days that counts as "strongly".
    min_events : int
        A row with fewer events makes the whole claim ``inconclusive`` (too few to decide).
    robust_share : float, optional
        Share of the declared alternatives (spacing-preserving placebo, leave-one-out, the
        article's narrower reading) agreeing with the primary verdict; a supported primary result
        with fewer than half agreeing is ``partly supported``.

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` over the rows, each decided by
        :func:`~helpers.claims.vocabulary.interval_rule` (base rate = the random-day mean).
    """
    rule = "c07_pivot_rule"
    if table.empty:
        return Decision(v.INCONCLUSIVE, rule, "no (asset, horizon) is reached by any event")
    few = [f"{a} {h} d (N={int(r.n_events)})" for (a, h), r in table.iterrows() if r.n_events < min_events]
    if few:
        return Decision(v.INCONCLUSIVE, rule, f"fewer than {min_events} events in " + ", ".join(few))
    missing = sorted({str(a) for a, _ in table.index} - set(minimum_effects))
    if missing:
        raise ValueError(f"c07_pivot_rule: no minimum effect for {missing}")
    parts = {f"{a} {h} d": v.interval_rule(float(r.effect), float(r.effect_lo), float(r.effect_hi),
                                           minimum_effect=float(minimum_effects[str(a)]), rule=rule)
             for (a, h), r in table.iterrows()}
    return _robust(v.compound_rule(parts, rule=rule), robust_share, rule)


def placebo_losers(table: pd.DataFrame) -> list[tuple[str, int]]:
    """Rows of :func:`helpers.studies.events.placebo_table` whose event mean is at or below the random-day mean."""
    lost = table["event_mean"] <= table["placebo_mean"]
    return [(str(a), int(h)) for a, h in table.index[lost.to_numpy()]]


def placebo_summary(table: pd.DataFrame, alpha: float = 0.05) -> str:
    """Two sentences for a notebook, from :func:`helpers.studies.events.placebo_table`: signs, beats and the losing rows."""
    n = len(table)
    positive = int((table["event_mean"] > 0).sum())
    losers = placebo_losers(table)
    significant = int((table["p_holm"] < alpha).sum())
    text = (f"{positive} of {n} event means are positive. The events beat the random-day mean in "
            f"{n - len(losers)} of {n} tests, {significant} of them at Holm-adjusted p < {alpha:g}.")
    if losers:
        rows = [f"{a} at {h} days ({table.at[(a, h), 'event_mean']:+.3f} against "
                f"{table.at[(a, h), 'placebo_mean']:+.3f})" for a, h in losers]
        text += " They did worse than random days for " + ", ".join(rows) + "."
    return text


def c07_evidence(table: pd.DataFrame, decision: Decision, alternatives: Mapping[str, Decision],
                 loo: pd.DataFrame, last_date: str, reading: str) -> str:
    """Evidence for C07: plain first sentence, each test, the alternatives and the rule's reason.

    Parameters
    ----------
    table : pd.DataFrame
        The primary :func:`helpers.studies.events.placebo_table`.
    decision : Decision
        :func:`c07_pivot_rule` on ``table``.
    alternatives : mapping
        Decisions of the declared alternative specifications, by name.
    loo : pd.DataFrame
        :func:`helpers.studies.events.placebo_leave_one_out` on the same events.
    last_date : str
        Last close used.
    reading : str
        Which reading of the claim the primary test takes (e.g. "cuts or QT end").
    """
    n = table["n_events"].astype(int)
    clear = int((table["effect_lo"] > 0).sum())
    first = (f"After the Fed's turns to easing ({reading}; N={n.min()}-{n.max()} events, data to {last_date}), "
             f"the mean log return over 6-12 months beat the mean after random days by {table['effect'].min():+.2f} "
             f"to {table['effect'].max():+.2f} across {len(table)} asset-horizon tests, and {clear} of the "
             f"{len(table)} Bonferroni intervals of that excess are clear of zero.")
    rows = "; ".join(f"{a} {h} d: {r.event_mean:+.2f} vs random-day mean {r.placebo_mean:+.2f} (excess "
                     f"{r.effect:+.2f}, interval {r.effect_lo:+.2f} to {r.effect_hi:+.2f}, p={r.p_value:.2f}, "
                     f"N={int(r.n_events)})" for (a, h), r in table.iterrows())
    losers = placebo_losers(table)
    beat = f"The events beat the random-day mean in {len(table) - len(losers)} of {len(table)} tests"
    if losers:
        beat += "; they did worse than random days in " + ", ".join(f"{a} {h} d" for a, h in losers)
    worst = loo.loc[loo["effect"].groupby(level=["asset", "horizon"]).idxmin()] if len(loo) else loo
    loo_text = "; ".join(f"{a} {h} d without {d}: {r.event_mean:+.2f} vs {r.placebo_mean:+.2f}"
                         for (d, a, h), r in worst.iterrows())
    alt = "; ".join(f"{name}: {d.verdict}" for name, d in alternatives.items())
    return (f"{first} Mean log return after the turns vs the mean over as many random days: {rows}. {beat}. "
            f"Smallest Holm-adjusted p = {table['p_holm'].min():.2f} over {len(table)} tests. Leave-one-out, the "
            f"event whose removal hurts most: {loo_text}. Alternatives: {alt}. Rule: {decision.reason}.")


# ------------------------------------------------------------------------------------------- C08


def c08_rally_rule(hits: Mapping[str, tuple[int, int]], base_rates: Mapping[str, float], *,
                   minimum_effect: float = 0.2, alpha: float = 0.05,
                   robust_share: float | None = None) -> Decision:
    """C08: was every pivot followed by a strong rally, more often than random days are?

    Parameters
    ----------
    hits : mapping
        Per rally definition, ``(k, n)``: pivots (of ``n`` with a complete span) whose best
        6-18 month return cleared the definition's bar.
    base_rates : mapping
        Per definition, the share of random start days that cleared it.
    minimum_effect : float
        Smallest excess of the pivots' rally rate over the base rate that counts (capped at
        ``1 - base rate``, the most a rate can exceed it).
    alpha : float
        Family-wise level: each definition's exact (Clopper-Pearson) interval has coverage
        ``1 - alpha / definitions``.
    robust_share : float, optional
        Agreement of the alternative readings of the pivot dates (see :func:`c07_pivot_rule`).

    Returns
    -------
    Decision
        Per definition: ``not supported`` when not every pivot rallied ("every" fails);
        ``inconclusive`` when every pivot rallied but the exact lower bound of ``n`` of ``n``
        (the best possible outcome) does not clear the base rate, so that N, not the data,
        decides; otherwise :func:`~helpers.claims.vocabulary.interval_rule` on the rally rate
        against the base rate. Then :func:`~helpers.claims.vocabulary.compound_rule` over the
        definitions. No complete span: ``inconclusive``.
    """
    rule = "c08_rally_rule"
    if not hits:
        raise ValueError("c08_rally_rule needs at least one rally definition")
    coverage = 1 - alpha / len(hits)
    parts: dict[str, Decision] = {}
    for name, (k, n) in hits.items():
        if n == 0:
            parts[name] = Decision(v.INCONCLUSIVE, rule, "no pivot has a complete 6-18 month span")
            continue
        if k < n:
            parts[name] = Decision(v.NOT_SUPPORTED, rule, f"not every pivot rallied: {k} of {n}")
            continue
        base = float(base_rates[name])
        ci = sps.binomtest(k, n).proportion_ci(coverage, method="exact")
        minimum = min(minimum_effect, max(1.0 - base, 1e-9))
        if float(ci.low) <= base:
            # k == n here: the best outcome there is; if even its bound does not clear the base rate, N decides
            parts[name] = Decision(v.INCONCLUSIVE, rule,
                                   f"all {n} pivots rallied, but at N={n} even {n} of {n} gives an exact lower bound "
                                   f"of {float(ci.low):.3f} ({coverage:.2%}), not above the base rate {base:.3f}: no "
                                   "outcome at this N could show a rate above random days")
            continue
        parts[name] = v.interval_rule(k / n, float(ci.low), float(ci.high), minimum_effect=minimum,
                                      base_rate=base, rule=rule)
    decision = v.compound_rule(parts, rule=rule)
    forced = [d.reason for d in parts.values() if "no outcome at this N" in d.reason]
    if forced:
        decision = Decision(decision.verdict, rule, f"{decision.reason}; {forced[0]}")
    return _robust(decision, robust_share, rule)


def c08_hits(best: pd.Series, pivots: Sequence[str], definitions: Sequence[tuple[str, float]]) -> dict[str, tuple[int, int]]:
    """Per definition ``(k, n)``: pivots with a complete span (``n``) whose best return cleared the bar (``k``)."""
    sub = best.loc[list(pivots)].dropna()
    return {name: (int((sub >= thr).sum()), len(sub)) for name, thr in definitions}


def c08_grid_decisions(grid: pd.DataFrame, base_rates: Mapping[str, float], *, minimum_effect: float = 0.2,
                       alpha: float = 0.05) -> dict[str, Decision]:
    """:func:`c08_rally_rule` for every pivot set of :func:`helpers.studies.events.rally_grid` (the alternative readings)."""
    out = {}
    for pivots, rows in grid.groupby("pivots", sort=False):
        hits = {str(r.definition): (int(r.k), int(r.n)) for r in rows.itertuples()}
        out[str(pivots)] = c08_rally_rule(hits, base_rates, minimum_effect=minimum_effect, alpha=alpha)
    return out


def best_possible_bound(n: int, definitions: int, alpha: float = 0.05) -> float:
    """Exact (Clopper-Pearson) lower bound of ``n`` of ``n`` at the Bonferroni coverage ``1 - alpha / definitions``.

    The highest lower bound any outcome can give at this N (0.203 for N = 3 and three definitions):
    if it does not clear a base rate, no data could support the claim against it.
    """
    if n < 1 or definitions < 1:
        raise ValueError(f"best_possible_bound: need n >= 1 and definitions >= 1, got {n} and {definitions}")
    return float(sps.binomtest(n, n).proportion_ci(1 - alpha / definitions, method="exact").low)


def c08_evidence(best: pd.Series, pivots: Sequence[str], definitions: Sequence[tuple[str, float]],
                 rates: pd.DataFrame, spaced: Mapping[str, float], decision: Decision,
                 alternatives: Mapping[str, Decision], n_days: int, last_date: str, asset: str = "BTC",
                 readings: Sequence[str] = (), alpha: float = 0.05) -> str:
    """Evidence for C08: plain first sentence, each definition with base rates and both chances, the readings.

    Parameters
    ----------
    best : pd.Series
        Best 180-540 day log return per event (ISO-date labels).
    pivots : sequence of str
        The primary reading's pivot dates.
    definitions : sequence of (name, threshold)
        Rally definitions in log units.
    rates : pd.DataFrame
        :func:`helpers.methods.rallies.base_rates` (``base_rate``, ``lower``, ``upper``).
    spaced : mapping
        Per definition, :func:`helpers.methods.rallies.chance_all_spaced` for the pivots.
    decision, alternatives
        :func:`c08_rally_rule` on the primary reading and on the alternative readings.
    n_days : int
        Overlapping start days behind the base rates.
    last_date : str
        Last close used.
    asset : str
        Label of the asset.
    readings : sequence of str
        Every date of the alternative readings (those below the first definition's bar are named).
    alpha : float
        Family-wise level of the rule (for the best possible bound at this N).
    """
    n = len(pivots)
    vals = ", ".join(f"{p} {best[p]:+.2f}" for p in pivots)
    lowest = min(best[p] for p in pivots)
    first = (f"{asset} more than {'doubled' if lowest >= 0.693 else 'rose'} at some point 6-18 months after "
             f"each of the article's N={n} pivots (best log returns {vals}; data to {last_date}), but random "
             f"days did so too: with the pivots' real spacing, all {n} clear the median bar after "
             f"{spaced[definitions[0][0]]:.0%} of random shifts.")
    parts = "; ".join(
        f"{name} (>= {thr:.2f}): {sum(best[p] >= thr for p in pivots)} of {n} rallied, base rate "
        f"{rates.at[name, 'base_rate']:.0%} (95% CI {rates.at[name, 'lower']:.0%}-{rates.at[name, 'upper']:.0%}), "
        f"chance all {n} rally {rates.at[name, 'base_rate'] ** n:.2f} for independent random days and "
        f"{spaced[name]:.2f} with the pivots' spacing" for name, thr in definitions)
    alt = "; ".join(f"{name}: {d.verdict}" for name, d in alternatives.items())
    name0, bar = definitions[0]
    dates = [d for d in dict.fromkeys([*pivots, *readings]) if d in best.index and pd.notna(best[d])]
    misses = [d for d in dates if best[d] < bar]
    miss = (f" Of the pivot dates in all readings, {' and '.join(f'{d} ({best[d]:+.3f})' for d in misses)} "
            f"{'misses' if len(misses) == 1 else 'miss'} the {name0} bar ({bar:.3f}), so the readings that use "
            f"{'it' if len(misses) == 1 else 'them'} fail 'every pivot' under that definition." if misses else "")
    bound = best_possible_bound(n, len(definitions), alpha)
    lowest_base = float(rates["base_rate"].min())
    forced = (f" At N={n} even {n} of {n} gives an exact lower bound of only {bound:.3f} at the Bonferroni level, "
              + (f"below every base rate ({', '.join(f'{b:.2f}' for b in rates['base_rate'])}): no outcome could "
                 "support C08 against random days, so its verdict is set by N, not by the data."
                 if bound <= lowest_base else "above the lowest base rate."))
    literal = (f" Read literally ('each pivot was followed by a strong rally'), the claim is true: {asset} more than "
               f"doubled after each of the {n} pivots; the verdict tests the stronger reading, that pivots were "
               "followed by rallies more often than random days." if lowest >= 0.693 else "")
    return (f"{first} {parts}. Base rates over {n_days} overlapping start days (~{n_days / 540 + 1:.0f} "
            f"independent 540-day spans).{miss}{forced}{literal} Other readings of the pivot dates: {alt}. "
            f"Rule: {decision.reason}.")


# ------------------------------------------------------------------------------------------- C28


def c28_tightening_rule(return_gap: tuple[float, float, float], excess_drawdown: tuple[float, float, float], *,
                        minimum_return_gap: float, minimum_drawdown: float) -> Decision:
    """C28: do hikes reduce crypto's appeal, and does BTC fall sharply in tightening cycles?

    Parameters
    ----------
    return_gap : (estimate, low, high)
        Annualised mean log return inside hiking cycles minus outside
        (:func:`helpers.methods.cycles.cycle_return_gap`); the claim says it is negative.
    excess_drawdown : (estimate, low, high)
        Mean over cycles of the cycle's maximum drawdown minus that of same-length windows from
        random days (:func:`helpers.methods.cycles.cycle_drawdown_placebo`); the claim says positive.
    minimum_return_gap, minimum_drawdown : float
        Smallest meaningful effects (log return per year; drawdown as a fraction).

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` over the two parts, each
        :func:`~helpers.claims.vocabulary.interval_rule` (intervals already corrected for the
        two-part family).
    """
    rule = "c28_tightening_rule"
    parts = {"hikes lower returns": v.interval_rule(*return_gap, minimum_effect=minimum_return_gap, direction=-1,
                                                    rule=rule),
             "sharp falls in cycles": v.interval_rule(*excess_drawdown, minimum_effect=minimum_drawdown, rule=rule)}
    return v.compound_rule(parts, rule=rule)


def c28_evidence(gap: CycleReturnGap, drawdowns: CycleDrawdowns, decision: Decision, last_date: str,
                 coverage: float, asset: str = "BTC") -> str:
    """Evidence for C28 from :func:`helpers.methods.cycles.cycle_return_gap` and :func:`helpers.methods.cycles.cycle_drawdown_placebo`."""
    n = drawdowns.n
    falls = ", ".join(f"{c}: -{r.mdd:.0%} (random windows of {int(r.days)} days -{r.random_mean:.0%} on average, "
                      f"percentile {r.percentile:.0f})" for c, r in drawdowns.table.iterrows())
    deepest = " and ".join(f"{x:.0%}" for x in drawdowns.table["mdd"])
    first = (f"In the N={n} hiking cycles with {asset} data, {asset}'s deepest fall from a peak was {deepest}, "
             f"deeper than in a typical window of the same length by "
             f"{drawdowns.effect:+.2f} on average (interval {drawdowns.lo:+.2f} to "
             f"{drawdowns.hi:+.2f}), while its mean return inside the cycles was "
             f"{gap.diff:+.2f} log points a year versus outside (interval {gap.lo:+.2f} to {gap.hi:+.2f}; "
             f"data to {last_date}).")
    return (f"{first} Intervals at {coverage:.1%} (Bonferroni over the two parts). Deepest fall per cycle: {falls}. "
            f"Annualised mean log return {gap.mean_in:+.2f} on {gap.days_in} days inside the cycles and "
            f"{gap.mean_out:+.2f} on {gap.days_out} days outside (stationary bootstrap, blocks of a year). "
            f"{_c28_gap_text(gap, n)}With {n} cycles no interval can be narrow. Rule: {decision.reason}.")


def _c28_gap_text(gap: CycleReturnGap, n: int) -> str:
    """The return part in plain words: its sign against the claim and the width of its interval."""
    width = (gap.hi - gap.lo) / 2
    sign = ("runs against the claim: returns were higher inside the cycles than outside" if gap.diff > 0
            else "points the claimed way: returns were lower inside the cycles than outside")
    return (f"The return part {sign} ({gap.diff:+.2f} log points a year, an interval with a half-width of about {width:.1f}), "
            f"so with N={n} cycles a gap of the claimed size can be neither shown nor ruled out. ")
