"""Rules and evidence text for the claims of notebook 06 on risks and strategies: C20, C21 and C22.

The dated price forecasts of the same notebook (C23, C27) are judged in :mod:`helpers.claims.forecasts`.

Each rule returns a :class:`~helpers.claims.vocabulary.Decision` built on the shared
:func:`~helpers.claims.vocabulary.interval_rule` and :func:`~helpers.claims.vocabulary.compound_rule`:

* :func:`c20_risks_rule`: the four risks that "can void the thesis", each judged on BTC's
  *forward* returns after the risk appeared (harm = the claimed direction), compound over the four.
* :func:`c21_staging_rule`: "staged buying lowers risk versus buying at once", every (horizon,
  variant, risk measure) against the full lump sum, against a minimum meaningful reduction.
* :func:`c22_ladder_rule`: "locks gains while keeping upside", two parts.
The evidence functions put a plain first sentence (effect, interval, N, last date) before the
details, as the site shows the first sentence on the front page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from helpers.claims import vocabulary as v
from helpers.claims.vocabulary import Decision
from helpers.methods.strategy_comparison import relative_interval

__all__ = ["c20_risks_rule", "c21_staging_rule", "c22_ladder_rule", "format_date"]

#: Display labels of a C20 risk's decision (the table's ``status`` column).
RISK_STATUS: dict[str, str] = {v.SUPPORTED: "harm shown", v.NOT_SUPPORTED: "no harm shown",
                               v.INCONCLUSIVE: "no harm detected, low power", v.UNTESTABLE: "untestable"}


def format_date(x: object) -> str:
    """ISO date of a timestamp, or ``never`` (a level not reached in the window)."""
    return f"{x:%Y-%m-%d}" if isinstance(x, pd.Timestamp) else "never"


# ------------------------------------------------------------------------------------------- C20


def c20_risk_part(effect: float, lo: float, hi: float, meaningful: float, n: int, *, min_events: int = 5) -> Decision:
    """One risk of C20: does BTC do measurably worse after the risk appears?

    Parameters
    ----------
    effect, lo, hi : float
        Effect on BTC's forward return (negative = harm) and its corrected interval.
    meaningful : float
        Size of a harm that matters (positive, same units).
    n : int
        Independent events or episodes.
    min_events : int
        Fewer: ``inconclusive`` whatever the estimate (a handful of events cannot decide).

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.interval_rule` with ``direction=-1``: ``supported`` =
        harm shown, ``not supported`` = a meaningful harm ruled out, ``inconclusive`` = neither.
    """
    rule = "c20_risks_rule"
    if n < min_events or any(pd.isna(x) for x in (effect, lo, hi)):
        return Decision(v.INCONCLUSIVE, rule, f"N={n} independent events, fewer than {min_events}")
    return v.interval_rule(effect, lo, hi, minimum_effect=meaningful, direction=-1, rule=rule)


def c20_parts(table: pd.DataFrame, *, min_events: int = 5) -> dict[str, Decision]:
    """:func:`c20_risk_part` for every row of :func:`helpers.studies.scenarios.thesis_risk_table`."""
    return {str(name): c20_risk_part(float(r.effect), float(r.lo), float(r.hi), float(r.meaningful), int(r.n),
                                     min_events=min_events) for name, r in table.iterrows()}


def c20_risks_rule(table: pd.DataFrame, *, min_events: int = 5, alternative: pd.DataFrame | None = None,
                   alternative_name: str = "returns during the stress window") -> Decision:
    """C20: can recession, geopolitical shocks, regulation and "sell the news" void the thesis?

    Parameters
    ----------
    table : pd.DataFrame
        :func:`helpers.studies.scenarios.thesis_risk_table` of the primary specification (forward returns after
        each risk appeared, as issue 11 requires).
    min_events : int
        See :func:`c20_risk_part`.
    alternative : pd.DataFrame, optional
        The same table under the declared alternative (credit stress judged on the return over
        the window in which spreads widened).
    alternative_name : str
        How the reason names the alternative.

    Returns
    -------
    Decision
        The primary specification decides: ``supported`` if every risk shows harm, ``partly
        supported`` if some do, ``not supported`` if every one rules out a meaningful harm,
        ``inconclusive`` otherwise (:func:`~helpers.claims.vocabulary.compound_rule` over
        :func:`c20_parts`). A supported primary verdict that the alternative does not share is
        ``partly supported`` (not robust); any other disagreement is stated in the reason and
        leaves the primary verdict, since an alternative cannot lift a claim its primary test
        does not show.
    """
    rule = "c20_risks_rule"
    primary = v.compound_rule(c20_parts(table, min_events=min_events), rule=rule)
    if alternative is None:
        return primary
    alt = v.compound_rule(c20_parts(alternative, min_events=min_events), rule=rule)
    if alt.verdict == primary.verdict:
        return Decision(primary.verdict, rule, f"{primary.reason}; the declared alternative ({alternative_name}) "
                                               "agrees")
    if primary.verdict == v.SUPPORTED:
        return Decision(v.PARTLY, rule, f"{primary.reason}; but the declared alternative ({alternative_name}) gives "
                                        f"{alt.verdict} ({alt.reason})")
    return Decision(primary.verdict, rule, f"{primary.reason}; the declared alternative ({alternative_name}) would "
                                           f"give {alt.verdict} ({alt.reason}), but the primary specification decides")


def c20_status_table(table: pd.DataFrame, *, min_events: int = 5) -> pd.DataFrame:
    """:func:`helpers.studies.scenarios.thesis_risk_table` with each risk's verdict and a plain ``status`` label."""
    parts = c20_parts(table, min_events=min_events)
    status = ["undecidable" if int(r.n) < min_events else RISK_STATUS[parts[str(n)].verdict] for n, r in table.iterrows()]
    return table.assign(verdict=[parts[str(n)].verdict for n in table.index], status=status)


def c20_evidence(table: pd.DataFrame, decision: Decision, min_events: int, horizon: int, stress_horizon: int,
                 last_date: str, alternative: pd.DataFrame | None = None,
                 alternative_decision: Decision | None = None, stress_window: int = 30, episode_gap: int = 0) -> str:
    """Evidence for C20 from :func:`c20_status_table`: plain first sentence, each risk, the alternative, the reason.

    ``alternative`` is :func:`c20_status_table` of the declared alternative (credit stress over the
    ``stress_window`` days in which spreads widened) and ``alternative_decision`` the compound rule
    on it alone (:func:`c20_risks_rule` without ``alternative``); ``episode_gap`` is the clustering
    of stress runs behind the credit-stress N.
    """
    shown = [str(n) for n, r in table.iterrows() if r["verdict"] == v.SUPPORTED]
    level = table.attrs.get("level", 0.95)
    ruled_out = [str(n) for n, r in table.iterrows() if r["verdict"] == v.NOT_SUPPORTED]
    rest = len(table) - len(shown) - len(ruled_out)
    first = (f"Judged on bitcoin's returns after each risk appeared (data to {last_date}), "
             + (f"{len(shown)} of {len(table)} risks show a measurable harm ({', '.join(shown)})" if shown
                else f"none of the {len(table)} risks shows a measurable harm")
             + (f" and {len(ruled_out)} rule a meaningful harm out ({', '.join(ruled_out)})" if ruled_out else "")
             + (f"; {'the other' if shown or ruled_out else 'all'} {rest} rest on too few events or on intervals too "
                f"wide to rule a harm in or out" if rest else "")
             + f" (N = {int(table['n'].min())}-{int(table['n'].max())} events or episodes); after credit-spread stress, "
             f"for one, bitcoin's next {stress_horizon} days returned {100 * table['effect'].iloc[0]:+.1f} log points "
             f"against calm days (interval {100 * table['lo'].iloc[0]:+.0f} to {100 * table['hi'].iloc[0]:+.0f}).")
    parts = "; ".join(
        f"{name}: effect {row['effect']:+.3f} (interval {row['lo']:+.3f} to {row['hi']:+.3f}; one-sided p "
        f"{row['p']:.3f}, Holm {row['p_holm']:.3f}; N={int(row['n'])}) -> {row['status']}"
        for name, row in table.iterrows())
    return (f"{first} {parts}. Effects: BTC log-return differences on forward returns (credit stress: the "
            f"{stress_horizon} days after a day on which HY spreads had widened, minus calm days; shocks: "
            f"{horizon}-day return after the events minus random days); for sell the news, minus the excess of the "
            f"pattern's rate at easing turns over all days. Negative = harm; intervals at {level:.2%} (Bonferroni "
            f"over the four risks); a meaningful harm is a loss of {table['meaningful'].iloc[0]:.2f} in log return, "
            f"or the pattern twice as common as on ordinary days. "
            f"{_c20_alternative_text(table, alternative, alternative_decision, stress_window, stress_horizon, episode_gap)}"
            f"Rule: {decision.reason}.")


def _c20_alternative_text(table: pd.DataFrame, alternative: pd.DataFrame | None, decision: Decision | None,
                          stress_window: int, stress_horizon: int, episode_gap: int) -> str:
    """The credit-stress N as clusters, and the declared 'during' alternative beside the primary."""
    n = int(table["n"].iloc[0])
    text = (f"Credit stress counts N={n} independent episodes: runs of stress days fewer than {episode_gap} calm days "
            "apart share their spread change and count once. " if episode_gap else "")
    if alternative is None or decision is None:
        return text
    r = alternative.iloc[0]
    text += (f"Declared alternative: judged on bitcoin's return over the {stress_window} days in which the spreads "
             f"widened, credit stress gives {r['effect']:+.3f} (interval {r['lo']:+.3f} to {r['hi']:+.3f}; "
             f"N={int(r['n'])} episodes) -> {r['status']}, and the four risks together would be "
             f"{decision.verdict}. The primary stays the return over the "
             f"{stress_horizon} days after the spreads had widened, as issue 11 requires: a loss during the widening is "
             "over before anyone can act on it, and HY widening and a bitcoin fall are both risk-off moves, so the "
             "'during' link is partly true by construction. ")
    return text


# ------------------------------------------------------------------------------------------- C21


def _row_name(key: object) -> str:
    return " ".join(str(x) for x in (key if isinstance(key, tuple) else (key,)))


def c21_staging_rule(rows: pd.DataFrame, *, material: float, robust_share: float | None = None,
                     row_coverage: float = 0.95) -> Decision:
    """C21: does staged buying over 2-4 weeks lower risk versus buying at once?

    Parameters
    ----------
    rows : pd.DataFrame
        One row per (horizon, variant, risk measure) against the full lump sum, with
        ``improvement`` (relative reduction of risk, positive = less risk), its interval at the
        family's Bonferroni level ``imp_lo``, ``imp_hi``, and each row's own interval at
        ``row_coverage``, ``imp_lo_row``, ``imp_hi_row`` (:func:`helpers.methods.strategy_comparison.relative_interval`).
    material : float
        Smallest relative reduction that counts (0.10 = 10% less risk).
    robust_share : float, optional
        Agreement of the alternative specification (the exposure-matched lump sum); a supported
        primary result with fewer than half agreeing is ``partly supported``.
    row_coverage : float
        Coverage of the rows' own intervals (named in the reason).

    Returns
    -------
    Decision
        * some row shows a material reduction on its Bonferroni interval (clear of zero, estimate at
          least ``material``): :func:`~helpers.claims.vocabulary.compound_rule` over the rows at that
          level (``supported`` if all do, ``partly supported`` if some do), a claim about *some*
          row, which needs the multiplicity correction;
        * otherwise, every row's *own* interval lies below ``material``: ``not supported``. "No row
          reaches the minimum" is an intersection of per-row conclusions, and an intersection-union
          test (Berger 1982) holds its level when each row is tested at that level: no Bonferroni
          widening is needed in this direction;
        * otherwise ``inconclusive``, naming the rows whose own interval reaches the minimum, each
          with :func:`~helpers.claims.vocabulary.interval_rule`'s reason on that interval.

    Raises
    ------
    ValueError
        On no rows or missing interval columns.
    """
    rule = "c21_staging_rule"
    if rows.empty:
        raise ValueError("c21_staging_rule needs at least one row")
    missing = sorted({"improvement", "imp_lo", "imp_hi", "imp_lo_row", "imp_hi_row"} - set(rows.columns))
    if missing:
        raise ValueError(f"c21_staging_rule: rows lack the columns {missing} (compare_to_baseline with row_level)")
    corrected = {_row_name(k): v.interval_rule(float(r.improvement), float(r.imp_lo), float(r.imp_hi),
                                               minimum_effect=material, rule=rule) for k, r in rows.iterrows()}
    own = {_row_name(k): v.interval_rule(float(r.improvement), float(r.imp_lo_row), float(r.imp_hi_row),
                                         minimum_effect=material, rule=rule) for k, r in rows.iterrows()}
    if any(d.verdict == v.SUPPORTED for d in corrected.values()):
        decision = v.compound_rule(corrected, rule=rule)
        if robust_share is not None and robust_share < v.ROBUST_SHARE:
            return Decision(v.PARTLY, rule, f"{decision.reason}; but only {robust_share:.0%} of the alternatives agree")
        return decision
    n = len(own)
    if all(d.verdict == v.NOT_SUPPORTED for d in own.values()):
        top = rows["imp_hi_row"].astype(float).idxmax()
        return Decision(v.NOT_SUPPORTED, rule,
                        f"every one of the {n} rows excludes a {material:.0%} reduction on its own {row_coverage:.0%} "
                        f"interval (an intersection-union test: 'no row reaches the minimum' needs no multiplicity "
                        f"correction, which only a 'some row does' conclusion would need); the largest upper bound is "
                        f"{float(rows.loc[top, 'imp_hi_row']):.3f} ({_row_name(top)}), and no row shows a material "
                        "reduction on its Bonferroni interval")
    open_rows = [name for name, d in own.items() if d.verdict != v.NOT_SUPPORTED]
    return Decision(v.INCONCLUSIVE, rule,
                    f"no row shows a material reduction on its Bonferroni interval, and {len(open_rows)} of the {n} "
                    f"rows do not exclude one on their own {row_coverage:.0%} interval: "
                    + "; ".join(f"{name}: {own[name].reason}" for name in open_rows))


def c21_rows(table: pd.DataFrame, strategies: Sequence[str], measures: Sequence[str]) -> pd.DataFrame:
    """The rows of a stacked :func:`helpers.methods.strategy_comparison.compare_to_baseline` that :func:`c21_staging_rule` judges.

    Returns
    -------
    pd.DataFrame
        Rows (horizon, strategy, measure) of ``strategies`` x ``measures`` with ``improvement``,
        ``imp_lo`` and ``imp_hi``, and ``imp_lo_row``, ``imp_hi_row`` when the table has each row's
        own interval (:func:`helpers.methods.strategy_comparison.relative_interval`).
    """
    keep = (table.index.get_level_values("strategy").isin(strategies)
            & table.index.get_level_values("measure").isin(measures))
    sub = table[keep]
    return pd.concat([sub[["improvement"]], relative_interval(sub)], axis=1)


def comparison_evidence(table: pd.DataFrame, strategies: Sequence[str], measures: Sequence[str], baseline: str,
                        start: str) -> str:
    """Relative improvement with interval for each (horizon, strategy, measure), and N."""
    parts = []
    frame = table if "horizon" in (table.index.names or []) else pd.concat({0: table}, names=["horizon"])
    for h in dict.fromkeys(frame.index.get_level_values("horizon")):
        sub = frame.loc[h]
        n = int(sub["n"].iloc[0])
        for s in strategies:
            vals = ", ".join(f"{m} {sub.loc[(s, m), 'improvement']:+.1%} (diff {sub.loc[(s, m), 'diff']:+.3f}, CI "
                             f"{sub.loc[(s, m), 'lo']:+.3f} to {sub.loc[(s, m), 'hi']:+.3f})" for m in measures)
            parts.append(f"{h} d, {s}: {vals}")
        parts[-1] += f" [N={n} overlapping start days from {start}, ~{n / h + 1:.0f} independent]" if h else ""
    return f"Relative change vs {baseline} (positive = less risk or more return): " + "; ".join(parts) + "."


def c21_evidence(vs_lump: pd.DataFrame, vs_matched: pd.DataFrame, strategies: Sequence[str],
                 measures: Sequence[str], start: str, decision: Decision, alternative: Decision,
                 coverage: float, last_date: str, material: float, cash: Mapping[tuple[int, str], float],
                 seed_check: Mapping[str, float] | None = None, row_coverage: float = 0.95) -> str:
    """Evidence for C21: the claim as worded (vs the full lump sum), what the advantage is made of, the details.

    Parameters
    ----------
    vs_lump, vs_matched : DataFrame
        :func:`helpers.methods.strategy_comparison.compare_to_baseline` against the full lump sum and
        :func:`helpers.methods.strategy_comparison.compare_to_matched`, horizons stacked (outer level ``horizon``).
    strategies, measures : sequences of str
        Rows reported (``measures`` without ``p_loss``, which is reported separately).
    start : str
        First start day.
    decision, alternative : Decision
        :func:`c21_staging_rule` against the full lump sum (the verdict) and against the
        exposure-matched lump sum.
    coverage : float
        Coverage of the intervals the rule used.
    last_date : str
        Last close used.
    material : float
        The rule's minimum meaningful reduction.
    cash : mapping
        Average uninvested share per (horizon, strategy) (:func:`helpers.methods.strategies.cash_share`):
        roughly the most a staged plan can cut risk against the full lump sum by cash alone.
    seed_check : mapping, optional
        Stability of the deciding bounds over two bootstrap seeds: ``reps``, ``max_a`` and
        ``max_b`` (largest own upper bound at each seed) and ``spread`` (largest change of a row's
        own upper bound between the seeds).
    row_coverage : float
        Coverage of each row's own interval (the rule's "not supported" test).
    """
    risk = [m for m in measures if m != "p_loss"]
    sub = vs_lump[vs_lump.index.get_level_values("strategy").isin(strategies)
                  & vs_lump.index.get_level_values("measure").isin(risk)]
    lo, hi = sub["improvement"].min(), sub["improvement"].max()
    pl = vs_lump.xs("p_loss", level="measure")
    lump_loss = pl.xs("lump_sum", level="strategy")["value"]
    staged_loss = pl[pl.index.get_level_values("strategy").isin(strategies)]["value"]
    first = (f"Against buying everything at once, staging over 2-4 weeks lowered the spread of outcomes, the mean "
             f"drawdown and the 5% CVaR by {lo:+.1%} to {hi:+.1%} (every start day from {start} to {last_date}), "
             f"all below the declared {material:.0%} minimum, while the chance of ending with a loss rose from "
             f"{lump_loss.min():.1%}-{lump_loss.max():.1%} to {staged_loss.min():.1%}-{staged_loss.max():.1%}.")
    ceiling = "; ".join(f"{s} {cash[(h, s)]:.1%} at {h} d" for h in dict.fromkeys(h for h, _ in cash)
                        for s in strategies if (h, s) in cash)
    made_of = ("The reduction is made of cash: a staged buyer is not fully invested until the last tranche, and a "
               "lump sum that keeps the same average share in cash has as little or less risk "
               f"(against that exposure-matched lump sum the rule gives: {alternative.verdict}). The "
               f"{material:.0%} minimum sits close to the ceiling that this cash sets: the plans hold on average "
               f"{ceiling} of the stake uninvested, so a cut of {material:.0%} against the full lump sum would need "
               "more than the cash itself provides; the fair test of staging itself is the exposure-matched one.")
    stable = ("" if seed_check is None else
              f" The deciding bounds are stable: with {int(seed_check['reps'])} block-bootstrap draws the largest "
              f"own {row_coverage:.0%} upper bound was {seed_check['max_a']:.3f} with one seed and "
              f"{seed_check['max_b']:.3f} with another, and no row's bound moved by more than "
              f"{seed_check['spread']:.3f}.")
    loss = "; ".join(f"{h} d: lump sum {pl.loc[(h, 'lump_sum'), 'value']:.1%}, "
                     + ", ".join(f"{s} {pl.loc[(h, s), 'value']:.1%}" for s in strategies)
                     for h in dict.fromkeys(pl.index.get_level_values("horizon")))
    parts = []
    for h in dict.fromkeys(vs_matched.index.get_level_values("horizon")):
        m = vs_matched.loc[h]
        rel = relative_interval(m)
        for s in strategies:
            vals = ", ".join(f"{k} {m.loc[(s, k), 'value']:.3f} vs {m.loc[(s, k), 'baseline']:.3f} "
                             f"({m.loc[(s, k), 'improvement']:+.1%}, CI {rel.loc[(s, k), 'imp_lo']:+.1%} to "
                             f"{rel.loc[(s, k), 'imp_hi']:+.1%})" for k in risk)
            parts.append(f"{h} d, {s} vs {m.loc[(s, risk[0]), 'weight']:.1%} BTC + cash: {vals}")
    return (f"{first} {made_of} Probability of a loss: {loss}. "
            + comparison_evidence(vs_lump, strategies, ["mean", *risk], "the full lump sum", start)
            + " Against the exposure-matched lump sum (same mean return; 95% block-bootstrap CI, positive = less "
            "risk): " + "; ".join(parts) + f".{stable} Rule (each row's own {row_coverage:.0%} interval for 'no row "
            f"reaches the minimum', intervals at {coverage:.2%}, Bonferroni over the rows, for 'some row does'): "
            f"{decision.reason}.")


# ------------------------------------------------------------------------------------------- C22


def c22_ladder_rule(lock: tuple[float, float, float], capture: tuple[float, float, float], *,
                    minimum_lock: float, keep: float) -> Decision:
    """C22: does a take-profit ladder lock gains while keeping upside?

    Parameters
    ----------
    lock : (estimate, low, high)
        Reduction (buy-and-hold minus ladder) in the share of paths up 20% that ended with a
        loss, with its corrected interval; positive = gains locked more often.
    capture : (estimate, low, high)
        Share of buy-and-hold's gain on the best decile that the ladder kept, with its interval.
    minimum_lock : float
        Smallest meaningful reduction (share points).
    keep : float
        Share of the upper-tail gain that counts as "keeping upside".

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` over "locks gains" and "keeps upside",
        each :func:`~helpers.claims.vocabulary.interval_rule`.
    """
    rule = "c22_ladder_rule"
    parts = {"locks gains": v.interval_rule(*lock, minimum_effect=minimum_lock, rule=rule),
             "keeps upside": v.interval_rule(*capture, minimum_effect=keep, rule=rule)}
    return v.compound_rule(parts, rule=rule)


def c22_evidence(lock: pd.DataFrame, table: pd.DataFrame, simulated: pd.DataFrame, horizon: int, gain: float,
                 start: str, n_paths: int, decision: Decision, last_date: str, baseline: str = "buy_and_hold",
                 strategy: str = "ladder") -> str:
    """Evidence for C22 from :func:`helpers.methods.strategy_comparison.lock_and_capture` and :func:`helpers.methods.strategy_comparison.compare_to_baseline`."""
    r, b = lock.loc[strategy], lock.loc[baseline]
    first = (f"Over {horizon}-day holdings from every start day ({start} to {last_date}, N={int(r['n'])}), the ladder "
             f"turned a +{gain:.0%} paper gain into a final loss {r['up_then_loss']:.1%} of the time against "
             f"{b['up_then_loss']:.1%} for buy-and-hold, but kept only {r['capture']:.0%} of buy-and-hold's gain on "
             f"the best tenth of start days.")
    return (f"{first} Up {gain:.0%} then a loss: {r['up_then_loss']:.1%} of N={int(r['n_reached'])} ({baseline} "
            f"{b['up_then_loss']:.1%}; difference {r['diff']:+.3f}, CI {r['lo']:+.3f} to {r['hi']:+.3f}); upside kept "
            f"on the best decile {r['capture']:.2f} (CI {r['capture_lo']:.2f}-{r['capture_hi']:.2f}). "
            + comparison_evidence(table, [strategy], ["mean", "mdd_mean"], baseline.replace("_", "-"), start)
            + f" Simulation (N={n_paths} paths): upside kept {simulated.loc[strategy, 'capture']:.2f}, up-then-loss "
            f"{simulated.loc[strategy, 'up_then_loss']:.1%} vs {simulated.loc[baseline, 'up_then_loss']:.1%}. "
            f"Rule: {decision.reason}.")
