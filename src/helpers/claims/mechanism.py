"""Rules for the mechanism claims of notebook 01: C01, C02, C05, C06 and C29 (after the turn).

Each rule reads its thresholds and minimum meaningful effect from the declared specification
(:func:`helpers.claims.specs.spec`) and returns a :class:`~helpers.claims.vocabulary.Decision`, so
the verdict moves when the data move and a changed threshold shows in ``data/claim_specs.csv``.
The ``*_evidence`` functions write each claim's evidence, plain first sentence first, from the
computed values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
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


def _spec(claim_id: str, given: specs.ClaimSpec | None) -> specs.ClaimSpec:
    return given if given is not None else specs.spec(claim_id)


def _named(decision: Decision, rule: str) -> Decision:
    """The same verdict and reason under the claim rule's name."""
    return Decision(decision.verdict, rule, decision.reason)


# ---------------------------------------------------------------------------------------------
# C01: QT shrinks the balance sheet by runoff and drains reserves / reverse repo
# ---------------------------------------------------------------------------------------------


def c01_runoff_rule(pace: float, pace_low: float, pace_high: float, *, securities_change: float,
                    liabilities_change: float, treasury_to_cap: float,
                    spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C01 from QT2's weekly WALCL pace and the H.4.1 accounting of the drain.

    Parameters
    ----------
    pace, pace_low, pace_high : float
        Mean weekly change of WALCL over QT2 and its HAC interval (USD bn per week).
    securities_change : float
        Change of Treasuries plus MBS held over QT2 (USD bn, negative when they fell).
    liabilities_change : float
        Change of bank reserves plus the reverse repo over the same dates (USD bn).
    treasury_to_cap : float
        Treasury runoff over QT2 divided by the sum of the monthly caps.
    spec : ClaimSpec, optional
        Defaults to the declared specification of C01 (``minimum_effect`` in USD bn per week;
        thresholds ``match_share`` and ``cap_use``).

    Returns
    -------
    Decision
        Compound of *shrinks* (the interval rule on the weekly pace, claimed direction down) and
        *drains* (the securities fell, runoff used at least ``cap_use`` of the Treasury caps, and
        reserves plus reverse repo fell by at least ``match_share`` of the securities' fall).
    """
    s = _spec("C01", spec)
    shrinks = interval_rule(pace, pace_low, pace_high, minimum_effect=s.effect(), direction=-1)
    share, cap_use = s.threshold("match_share"), s.threshold("cap_use")
    if securities_change >= 0:
        drains = Decision(NOT_SUPPORTED, "c01_runoff_rule", f"securities did not fall ({securities_change:+,.0f} bn)")
    else:
        matched = liabilities_change / securities_change
        ok = matched >= share and treasury_to_cap >= cap_use
        drains = Decision(SUPPORTED if ok else NOT_SUPPORTED, "c01_runoff_rule",
                          f"reserves plus reverse repo fell by {matched:.2f} of the securities' fall (needs {share:.2f}), "
                          f"Treasury runoff {treasury_to_cap:.2f} of its caps (needs {cap_use:.2f})")
    return compound_rule({"shrinks": shrinks, "drains": drains}, rule="c01_runoff_rule")


def c01_evidence(decision: Decision, *, pace: pd.Series, ratios: dict[str, float], qt2: pd.Series, start: str,
                 end: str) -> str:
    """C01's evidence: plain first sentence (the fall and what matched it), then the rule's reason."""
    sec = qt2["treasuries"] + qt2["mbs"]
    return (f"Over QT2 ({start} to {end}) the Fed's securities fell by {-sec:,.0f} bn and its total assets by "
            f"{-qt2['total']:,.0f} bn ({pace['mean']:+.1f} bn a week, 95% HAC CI {pace['ci_low']:+.1f} to "
            f"{pace['ci_high']:+.1f}, N = {pace['n']:.0f} weeks), matched mostly by the reverse repo "
            f"({qt2['rrp']:+,.0f} bn) rather than bank reserves ({qt2['reserves']:+,.0f} bn; TGA {qt2['tga']:+,.0f} bn). "
            f"Runoff used {ratios['treasury']:.2f} of the Treasury caps and {ratios['mbs']:.2f} of the MBS caps. "
            f"Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C02: about USD 2 trillion withdrawn
# ---------------------------------------------------------------------------------------------


def c02_magnitude_rule(balance_sheet_decline: float, net_liquidity_change: float, change_min: float,
                       change_max: float, *, spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C02: does "about USD 2 trillion withdrawn" hold for the balance sheet and for net liquidity?

    Parameters
    ----------
    balance_sheet_decline : float
        Fall of WALCL from its 2022 peak to QT's end (USD bn, positive for a fall).
    net_liquidity_change : float
        Change of net liquidity over QT2 (USD bn).
    change_min, change_max : float
        Range of that change over nearby start and end dates (the date-sensitivity interval).
    spec : ClaimSpec, optional
        Defaults to C02's (thresholds ``claimed_usd_bn`` and ``tolerance``; ``minimum_effect`` the
        smallest drain that would count as "about 2 trillion").

    Returns
    -------
    Decision
        Compound of *balance sheet* (the decline within ``tolerance`` of the claimed amount) and
        *net liquidity* (the interval rule on the drain ``-change`` over the date range).
    """
    s = _spec("C02", spec)
    claimed, tol = s.threshold("claimed_usd_bn"), s.threshold("tolerance")
    rel = abs(balance_sheet_decline - claimed) / claimed
    bs = Decision(SUPPORTED if rel <= tol else NOT_SUPPORTED, "c02_magnitude_rule",
                  f"balance-sheet decline {balance_sheet_decline:,.0f} bn is {rel:.0%} from {claimed:,.0f} "
                  f"(tolerance {tol:.0%})")
    nl = interval_rule(-net_liquidity_change, -change_max, -change_min, minimum_effect=s.effect())
    return compound_rule({"balance sheet": bs, "net liquidity": nl}, rule="c02_magnitude_rule")


def c02_evidence(decision: Decision, *, decline: float, nl_change: float, nl_start: float, nl_end: float,
                 window: pd.Series, pace: pd.Series) -> str:
    """C02's evidence: the two readings of "2 trillion" in plain words, then the rule's reason."""
    return (f"The Fed's balance sheet fell by {decline:,.0f} bn from its 2022 peak to the end of QT, close to the "
            f"article's 2 trillion, but net liquidity, the money the article's market argument needs, fell by only "
            f"{-nl_change:,.0f} bn ({nl_change / -decline:.0%} of the headline; {nl_start:,.0f} to {nl_end:,.0f} bn; "
            f"{window['min']:+,.0f} to {window['max']:+,.0f} over {window['n']:.0f} nearby date pairs). Its mean weekly "
            f"change was {pace['mean']:+.1f} bn (95% HAC CI {pace['ci_low']:+.1f} to {pace['ci_high']:+.1f}, "
            f"N = {pace['n']:.0f} weeks). Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C05: the Fed formally ended QT in December 2025
# ---------------------------------------------------------------------------------------------


def c05_end_rule(curated_end: pd.Timestamp, reference_ends: Sequence[pd.Timestamp] | None, securities_monthly_change: float,
                 n_months: int, *, spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C05 from the dated end of runoff and the holdings after it.

    Parameters
    ----------
    curated_end : Timestamp
        First day without runoff in ``data/fed_balance_sheet_regimes.csv``.
    reference_ends : sequence of Timestamp, optional
        ``qt_end`` dates of the mirror's reference event table; None where the mirror is not
        available (the date then rests on the curated table, whose sources are cited per row and
        which ``tests/test_facts_qt.py`` checks against the reference).
    securities_monthly_change : float
        Mean monthly change of Treasuries plus MBS held after QT (USD bn).
    n_months : int
        Months behind that mean.
    spec : ClaimSpec, optional
        Defaults to C05's (thresholds ``claimed_month`` as YYYY-MM and ``stop_tolerance`` in USD bn
        per month).

    Returns
    -------
    Decision
        ``not supported`` when the curated date disagrees with the reference or falls outside the
        claimed month; ``supported`` when it agrees and holdings stopped falling (mean monthly change
        at least ``-stop_tolerance``); ``partly supported`` when the date agrees but holdings kept
        falling; ``inconclusive`` when no month after the end is in the data yet.
    """
    s = _spec("C05", spec)
    month, tol = pd.Period(s.text("claimed_month"), freq="M"), s.threshold("stop_tolerance")
    agrees = reference_ends is None or curated_end in set(pd.to_datetime(list(reference_ends)))
    dated = agrees and pd.Period(curated_end, freq="M") == month
    when = f"end of runoff dated {curated_end:%Y-%m-%d}"
    if not dated:
        return Decision(NOT_SUPPORTED, "c05_end_rule", f"{when}: not the reference date or not in {month}")
    source = "as in the reference table" if reference_ends is not None else "in the curated table (no reference here)"
    if n_months == 0 or math.isnan(securities_monthly_change):
        return Decision(INCONCLUSIVE, "c05_end_rule", f"{when}, but no full month of holdings after it yet")
    stopped = securities_monthly_change >= -tol
    how = f"securities held {securities_monthly_change:+.1f} bn a month after it (N = {n_months} months, tolerance -{tol:.0f})"
    return Decision(SUPPORTED if stopped else PARTLY, "c05_end_rule",
                    f"{when} {source} and within {month}; {how}")


def c05_evidence(decision: Decision, *, qt_end: pd.Timestamp, announced: str, paces: pd.DataFrame,
                 post: pd.DataFrame, late_qt: pd.Series) -> str:
    """C05's evidence: the date and what the holdings did, then the rule's reason."""
    ap, dp = paces.loc["WALCL, after QT"], paces.loc["WALCL, QT2"]
    return (f"Runoff ended on {qt_end:%Y-%m-%d} (announced {announced}), and the Fed's securities have since grown by "
            f"{post['securities'].mean():+.1f} bn a month (N = {len(post)} months) against {late_qt.mean():+.1f} bn a month "
            f"in the last {len(late_qt)} QT months. WALCL's weekly pace went from {dp['mean']:+.1f} bn in QT2 to "
            f"{ap['mean']:+.1f} bn after (95% HAC CI {ap['ci_low']:+.1f} to {ap['ci_high']:+.1f}, N = {ap['n']:.0f} weeks). "
            f"Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C06: after QT liquidity stops contracting and stabilises, with no fresh injection
# ---------------------------------------------------------------------------------------------


def difference_interval(after: pd.Series, before: pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    """Difference of two means with an interval from their own intervals, treating them as independent.

    ``after`` and ``before`` hold ``mean``, ``ci_low`` and ``ci_high`` at coverage ``level`` (as
    :func:`helpers.methods.hac.mean_weekly_change` returns); each interval's half-width gives its
    standard error.
    """
    z = float(sps.norm.ppf(0.5 + level / 2))
    se = math.hypot((after["ci_high"] - after["ci_low"]) / (2 * z), (before["ci_high"] - before["ci_low"]) / (2 * z))
    d = float(after["mean"] - before["mean"])
    return d, d - z * se, d + z * se


def c06_after_qt_rule(pace_during: pd.Series, pace_after: pd.Series, purchases: pd.Series, *,
                      spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C06: contraction stops (a pace change) and no fresh injection (net purchases within a band).

    Parameters
    ----------
    pace_during, pace_after : Series
        WALCL's mean weekly change in QT2 and after QT, with ``ci_low`` and ``ci_high`` (95% HAC).
    purchases : Series
        Mean monthly change of securities held after QT (net purchases), with its 95% interval.
    spec : ClaimSpec, optional
        Defaults to C06's (``minimum_effect``: the smallest rise of the weekly pace, USD bn per
        week, that counts as contraction stopping; threshold ``injection_band``: net purchases,
        USD bn per month, within which the balance sheet counts as stable).

    Returns
    -------
    Decision
        Compound of *stops contracting* (interval rule on the pace change) and *no fresh injection*:
        ``supported`` when the purchases' interval lies within the band, ``not supported`` when it lies
        wholly outside it (an injection, or continued runoff), ``inconclusive`` otherwise.
    """
    s = _spec("C06", spec)
    d, lo, hi = difference_interval(pace_after, pace_during)
    stops = interval_rule(d, lo, hi, minimum_effect=s.effect())
    band = s.threshold("injection_band")
    p_lo, p_hi, p = float(purchases["ci_low"]), float(purchases["ci_high"]), float(purchases["mean"])
    span = f"net purchases {p:+.1f} bn a month (95% CI {p_lo:+.1f} to {p_hi:+.1f}) against a band of +-{band:.0f}"
    if p_lo > band or p_hi < -band:
        what = "a fresh injection" if p_lo > band else "continued runoff"
        flat = Decision(NOT_SUPPORTED, "c06_after_qt_rule", f"{what}: {span}")
    elif -band <= p_lo and p_hi <= band:
        flat = Decision(SUPPORTED, "c06_after_qt_rule", f"stable: {span}")
    else:
        flat = Decision(INCONCLUSIVE, "c06_after_qt_rule", f"cannot tell: {span}")
    return compound_rule({"stops contracting": stops, "no fresh injection": flat}, rule="c06_after_qt_rule")


def c06_evidence(decision: Decision, *, after: pd.DataFrame, base: pd.Timestamp, paces: pd.DataFrame,
                 purchases: pd.Series) -> str:
    """C06's evidence: what moved since QT ended, then the rule's reason."""
    last = {k: after[k].dropna().iloc[-1] for k in ("total", "net_liquidity", "reserves", "treasuries")}
    ap, nlp = paces.loc["WALCL, after QT"], paces.loc["net liquidity, after QT"]
    return (f"Since QT ended the balance sheet has grown, not just stopped shrinking: WALCL {last['total']:+,.0f} bn and "
            f"Treasuries {last['treasuries']:+,.0f} bn since {base:%Y-%m-%d}, as bill purchases and reinvested MBS principal "
            f"added {purchases['mean']:+.1f} bn of securities a month (95% CI {purchases['ci_low']:+.1f} to "
            f"{purchases['ci_high']:+.1f}, N = {purchases['n']:.0f} months). WALCL's weekly pace was {ap['mean']:+.1f} bn "
            f"(95% HAC CI {ap['ci_low']:+.1f} to {ap['ci_high']:+.1f}); net liquidity {last['net_liquidity']:+,.0f} bn with a "
            f"mean weekly change of {nlp['mean']:+.1f} bn (95% HAC CI {nlp['ci_low']:+.1f} to {nlp['ci_high']:+.1f}, "
            f"N = {nlp['n']:.0f} weeks) and reserves {last['reserves']:+,.0f} bn. Rule {decision.rule}: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C29: after the turn liquidity improves quickly, institutions flow in, prices rise
# ---------------------------------------------------------------------------------------------


def window_outcome(series: pd.Series, start: str | pd.Timestamp, steps: int | None, *, base_start: str | pd.Timestamp,
                   log: bool = False, level: float = 0.95) -> dict[str, float | int | str]:
    """One window's change after ``start`` set against every window of the same length before it.

    Parameters
    ----------
    series : Series
        Levels in time order (weekly net liquidity, daily BTC closes).
    start : str or Timestamp
        The window starts at the last observation on or before ``start``.
    steps : int, optional
        Window length in observations; ``None`` = to the last observation.
    base_start : str or Timestamp
        First start date of the comparison windows; they all end on or before the window's start.
    log : bool
        Log changes (prices) instead of differences (balance-sheet quantities).
    level : float
        Coverage of the central range of the comparison windows.

    Returns
    -------
    dict
        ``change`` (the window's), ``base_mean``, ``base_low``/``base_high`` (central range of the
        comparison windows), ``effect`` (change minus base mean), ``low``/``high`` (change minus the
        range's upper/lower end: how far the window is from what a typical window gives),
        ``percentile`` (share of comparison windows below the change), ``steps``, ``n_base``, ``start``
        and ``end`` dates.

    Raises
    ------
    ValueError
        If the window or the comparison set is empty.
    """
    s = series.dropna().sort_index()
    s = np.log(s) if log else s
    before = s.loc[:pd.Timestamp(start)]
    if before.empty:
        raise ValueError(f"{series.name}: no observation on or before {start}")
    i0 = len(before) - 1
    steps = len(s) - 1 - i0 if steps is None else steps
    if steps < 1 or i0 + steps >= len(s):
        raise ValueError(f"{series.name}: the data do not reach {steps} steps after {before.index[-1]:%Y-%m-%d}")
    change = float(s.iloc[i0 + steps] - s.iloc[i0])
    past = s.iloc[: i0 + 1]
    base = (past.shift(-steps) - past).loc[pd.Timestamp(base_start):].dropna()
    if len(base) < 10:
        raise ValueError(f"{series.name}: only {len(base)} comparison windows of {steps} steps")
    a = (1 - level) / 2
    b_lo, b_hi = (float(q) for q in base.quantile([a, 1 - a]))
    mean = float(base.mean())
    return {"change": change, "base_mean": mean, "base_low": b_lo, "base_high": b_hi, "effect": change - mean,
            "low": change - b_hi, "high": change - b_lo, "percentile": float((base < change).mean()),
            "steps": steps, "n_base": len(base), "start": f"{s.index[i0]:%Y-%m-%d}",
            "end": f"{s.index[i0 + steps]:%Y-%m-%d}"}


def c29_after_turn_rule(liquidity: dict[str, float | int | str], prices: dict[str, float | int | str] | None, *,
                        flows_data: str | None = None, spec: specs.ClaimSpec | None = None) -> Decision:
    """Decide C29, a compound forecast: liquidity improves quickly, institutions flow in, prices rise.

    Parameters
    ----------
    liquidity : dict
        :func:`window_outcome` of net liquidity over the declared horizon after the turn (USD bn).
    prices : dict, optional
        :func:`window_outcome` of BTC's log price from the turn to the last close; None when the
        data do not reach past the turn.
    flows_data : str, optional
        Name of the institutional-flow data used; None (the case here) makes that part
        ``untestable here``. Stablecoin supply is not accepted as a stand-in: it measures dollar
        tokens held mostly by exchanges and traders, not institutional allocations.
    spec : ClaimSpec, optional
        Defaults to C29's (``minimum_effect`` in USD bn over the horizon for liquidity; threshold
        ``price_minimum_effect`` in log return for prices).

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` of the three parts, each part an interval
        rule on the window's change minus the typical window's, with the typical windows' central
        range as the interval (``inconclusive`` while one window cannot be told from a typical one).
    """
    s = _spec("C29", spec)
    parts: dict[str, Decision] = {
        "liquidity": interval_rule(float(liquidity["effect"]), float(liquidity["low"]), float(liquidity["high"]),
                                   minimum_effect=s.effect()),
    }
    parts["institutional inflows"] = (
        untestable("daily net flows of US spot BTC and ETH ETFs and other institutional flow data")
        if flows_data is None else Decision(INCONCLUSIVE, "c29_after_turn_rule", f"{flows_data} not yet decided")
    )
    parts["prices"] = (
        untestable("BTC closes after the turn") if prices is None else
        interval_rule(float(prices["effect"]), float(prices["low"]), float(prices["high"]),
                      minimum_effect=s.threshold("price_minimum_effect"))
    )
    return compound_rule(parts, rule="c29_after_turn_rule")


def c29_evidence(decision: Decision, *, liquidity: dict[str, float | int | str],
                 prices: dict[str, float | int | str] | None, stablecoins: dict[str, float | int | str] | None) -> str:
    """C29's evidence: what net liquidity and BTC did after the turn against a typical window, then the rule."""
    q = liquidity
    text = (f"In the {q['steps']} weeks after the turn ({q['start']} to {q['end']}) net liquidity changed by "
            f"{q['change']:+,.0f} bn, against {q['base_mean']:+,.0f} bn in a typical {q['steps']}-week window "
            f"(central 95% {q['base_low']:+,.0f} to {q['base_high']:+,.0f}, N = {q['n_base']} windows; "
            f"percentile {q['percentile']:.0%}).")
    if prices is not None:
        text += (f" BTC moved {math.expm1(float(prices['change'])):+.0%} from the {prices['start']} close to the "
                 f"{prices['end']} close ({prices['steps']} days), against a typical {math.expm1(float(prices['base_mean'])):+.0%} "
                 f"over windows of that length (central 95% {math.expm1(float(prices['base_low'])):+.0%} to "
                 f"{math.expm1(float(prices['base_high'])):+.0%}, N = {prices['n_base']}; percentile {prices['percentile']:.0%}).")
    if stablecoins is not None:
        text += (f" Stablecoin supply, reported as context and not as a measure of institutional inflows, changed "
                 f"{math.expm1(float(stablecoins['change'])):+.1%} from {stablecoins['start']} to {stablecoins['end']}.")
    return text + f" Rule {decision.rule}: {decision.reason}."
